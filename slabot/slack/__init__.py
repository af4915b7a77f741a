"""The Slack surface: the Bolt app, its listeners and modals. The domain never imports it."""
