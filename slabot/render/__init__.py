"""Block Kit messages, built with slack_sdk.models; every message also carries a plain-text fallback."""
