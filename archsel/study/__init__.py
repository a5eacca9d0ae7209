"""Studies over many profiles: sweeps of varied fields and fleets of recommendations."""
