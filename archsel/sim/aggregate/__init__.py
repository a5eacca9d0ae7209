"""Aggregate (fluid/diffusion) models of each architecture, for traffic too big to simulate per request."""
