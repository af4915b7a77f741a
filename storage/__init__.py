"""Storage: SQLModel tables, the engine and sessions, migrations and queries."""

from storage.models import catalog as models  # noqa: F401  (every table registered in SQLModel.metadata)
from storage.models import rca as rca_models  # noqa: F401  (every table registered in SQLModel.metadata)
from storage.models import reports as digest_models  # noqa: F401  (every table registered in SQLModel.metadata)
