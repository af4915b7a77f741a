"""Storage: SQLModel tables, the engine and sessions, migrations and queries."""

from storage import digest_models, models, rca_models  # noqa: F401  (every table registered in SQLModel.metadata)
