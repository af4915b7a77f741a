"""Objectives pulled from Prometheus: their good/bad/total queries, the server they name, and how far the pull
has come (pulled_until), since when the server has not answered (unavailable_since) or a query has had no
series while it answers (missing_since); and the named servers (OpenSLO DataSources)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, objective_key

QUERY_MAX = 2000
DATASOURCE_MAX = 63
URL_MAX = 500


class PrometheusDatasource(SQLModel, table=True):
    """A Prometheus server by name (an OpenSLO DataSource): its URL only; a token comes from the environment."""

    __tablename__ = "prometheus_datasource"

    name: str = Field(sa_column=Column(String(DATASOURCE_MAX), primary_key=True))
    url: str = Field(sa_column=Column(String(URL_MAX), nullable=False))


class PrometheusSource(SQLModel, table=True):
    """One objective's Prometheus queries: exactly one of good_query and bad_query, with total_query.

    datasource names a PrometheusDatasource (None: SLABOT_PROMETHEUS_URL); pulled_until is the end of the last
    pulled span; unavailable_since is when a pull first failed to reach the server (None while it answers);
    missing_since is when a pull first found no series for missing_query while the server answered."""

    __tablename__ = "prometheus_source"

    objective_id: int = Field(sa_column=objective_key())
    good_query: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    bad_query: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    total_query: str = Field(sa_column=Column(Text, nullable=False))
    datasource: str | None = Field(
        default=None,
        sa_column=Column(
            String(DATASOURCE_MAX),
            ForeignKey("prometheus_datasource.name", ondelete="RESTRICT", name="fk_prometheus_source_datasource"),
            nullable=True,
        ),
    )
    pulled_until: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    unavailable_since: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    missing_since: datetime | None = Field(default=None, sa_column=Column(UTCDateTime, nullable=True))
    missing_query: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
