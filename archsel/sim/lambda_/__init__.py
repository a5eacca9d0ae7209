"""API Gateway + Lambda simulator: SimPy control plane over a compiled per-request kernel."""
