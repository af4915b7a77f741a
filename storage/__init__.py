"""Storage: SQLModel tables (models/), every statement (queries/), the engine and sessions, migrations."""

import storage.models  # noqa: F401  (every table registered in SQLModel.metadata)
