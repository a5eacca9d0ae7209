"""From a running system to a profile: log parsers, per-minute aggregation, the profile writer, the check."""
