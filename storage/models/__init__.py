"""SQLModel tables, one module per domain. Importing this package registers every table in SQLModel.metadata."""

from storage.models import (
    alerting,
    alertmanager,
    catalog,
    incidents,
    languages,
    outbox,
    prometheus,
    rca,
    reports,
    slack_events,
    slo,
)

__all__ = [
    "alerting",
    "alertmanager",
    "catalog",
    "incidents",
    "languages",
    "outbox",
    "prometheus",
    "rca",
    "reports",
    "slack_events",
    "slo",
]
