"""The one way out to Slack: domain events written as outbox rows with the change, then delivered once, in order."""
