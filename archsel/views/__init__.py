"""Renderers for people and scripts: one module per result kind (tables, JSON, markdown, HTML, charts)."""
