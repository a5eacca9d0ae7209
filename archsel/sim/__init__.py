"""The simulators: a shared core (arrivals, chunks, streams, results) and one package per architecture."""
