"""Every SQL statement slabot runs, one module per domain, each a small named function."""
