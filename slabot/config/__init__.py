"""Settings read from the environment, and the Runtime (settings, database, clock) every edge is given."""
