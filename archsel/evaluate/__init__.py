"""Replications of the simulators turned into priced, summarised results: the one layer above both `sim` and `cost`."""
