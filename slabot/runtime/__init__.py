"""Running slabot: wiring the Slack side, the scheduler, the HTTP server and ingest API, command-line jobs."""
