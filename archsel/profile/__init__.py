"""The workload profile: schema, loader, units, distributions, routes, traffic curves and presets."""
