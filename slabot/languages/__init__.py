"""Which language each reader gets: their own choice, their Slack locale, or the workspace's default."""
