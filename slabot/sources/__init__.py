"""Where event counts come from: pushed through the ingest API, or loaded from a CSV file."""
