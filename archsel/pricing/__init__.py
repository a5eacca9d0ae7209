"""Dated, sourced AWS price tables: schema and lookups, selectors, YAML I/O and the Price List refresh."""
