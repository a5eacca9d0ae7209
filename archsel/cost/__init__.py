"""Cost engine: cost components, billing against a price table, per-service charges, the no-simulation usage estimate."""
