"""SQLModel tables, one module per domain. Importing this package registers every table in SQLModel.metadata."""

from storage.models import alerting, catalog, incidents, outbox, rca, reports, slack_events, slo

__all__ = ["alerting", "catalog", "incidents", "outbox", "rca", "reports", "slack_events", "slo"]
