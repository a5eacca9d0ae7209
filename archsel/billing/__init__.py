"""AWS billing rules written once (LCU, metering, free allowances, settled tasks, NAT) and the billed-usage values both the simulators and the estimate fill in."""
