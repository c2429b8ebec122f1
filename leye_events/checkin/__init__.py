"""Door check-in: one operation for every path, an append-only log, offline uploads."""
