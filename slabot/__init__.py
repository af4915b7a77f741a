"""slabot: service level management in Slack (services, SLAs/SLOs/OLAs, incidents, error budgets)."""
