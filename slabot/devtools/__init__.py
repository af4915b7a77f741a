"""Tools to run slabot without Slack: the console, and a local stand-in for Slack's Web API."""
