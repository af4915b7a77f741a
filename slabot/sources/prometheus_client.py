"""Prometheus's HTTP query API as slabot uses it: instant queries, raw samples of a selector over a span,
and the query shapes slabot accepts (a counter selector, or sum/sum by of one).

Every failure is a PrometheusError: `unavailable` when the server did not answer (connection, timeout, 5xx),
otherwise the server refused the query (bad_data) and the message says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from slabot.sources.prometheus_counts import MAX_GAP_MS, Sample, parse_time_ms, parse_value

TIMEOUT = httpx.Timeout(30.0, connect=5.0)
# Raw samples per request: 6 hours of a 15 s scrape is 1,440 a series, well inside one response; the extra
# MAX_GAP_MS lets a day's pull, read back MAX_GAP_MS, go in four requests.
MAX_SPAN_MS = 6 * 3600 * 1000 + MAX_GAP_MS

_SUM = re.compile(
    r"^\s*sum\s*(?:(?:by|without)\s*\([^()]*\)\s*)?\((?P<inner>.*?)\)\s*(?:(?:by|without)\s*\([^()]*\))?\s*$", re.S
)
_SELECTOR = re.compile(r"^\s*(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?P<labels>\{[^{}]*\})?\s*$", re.S)
_WRAPPED = re.compile(r"^\s*(rate|irate|increase|delta|idelta|sum|avg|max|min|count|histogram_quantile)\s*\(", re.S)


class PrometheusError(Exception):
    def __init__(self, message: str, *, unavailable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.unavailable = unavailable


class QueryShapeError(ValueError):
    """A query slabot cannot count exactly; the message says what is accepted."""


def counter_selector(query: str) -> str:
    """The counter selector inside a query slabot accepts: `x_total{…}`, or `sum(x_total{…})`, `sum by (l)
    (x_total{…})` (the sum is slabot's to do, per minute, after each series' increments)."""
    text = query.strip()
    match = _SUM.match(text)
    inner = match.group("inner") if match else text
    if _SELECTOR.match(inner):
        return inner.strip()
    example = 'http_requests_total{job="api"}'
    if _WRAPPED.match(inner) or "[" in inner:
        raise QueryShapeError(
            f"slabot counts the counter's raw samples itself: give the counter itself, like {example} "
            f"(or sum(...) of it), not rate(), increase() or a range"
        )
    raise QueryShapeError(f"give a counter selector, like {example}, or sum(...) / sum by (...) (...) of one")


@dataclass(frozen=True)
class Series:
    labels: tuple[tuple[str, str], ...]
    samples: tuple[Sample, ...]


class PrometheusClient:
    """One server (its base URL, an optional bearer token); a client per use, closed with `with`."""

    def __init__(self, url: str, token: str | None = None, *, transport: httpx.BaseTransport | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=TIMEOUT, transport=transport)
        self.queries_sent = 0  # requests made, answered or not

    def __enter__(self) -> PrometheusClient:
        return self

    def __exit__(self, *_: object) -> None:
        self._http.close()

    def _query(self, query: str, time_s: str | None = None) -> dict[str, Any]:
        params = {"query": query}
        if time_s is not None:
            params["time"] = time_s
        self.queries_sent += 1
        try:
            response = self._http.post("/api/v1/query", data=params)
        except httpx.HTTPError as error:
            raise PrometheusError(f"Prometheus did not answer ({type(error).__name__})", unavailable=True) from None
        if response.status_code >= 500 or response.status_code in (401, 403, 404):
            raise PrometheusError(f"Prometheus answered HTTP {response.status_code}", unavailable=True)
        try:
            body = response.json()
        except ValueError:
            raise PrometheusError("Prometheus's answer was not JSON", unavailable=True) from None
        if body.get("status") != "success":
            detail = str(body.get("error") or body.get("errorType") or "refused")[:200]
            raise PrometheusError(f"Prometheus refused the query: {detail}", unavailable=False)
        data = body.get("data") or {}
        return data if isinstance(data, dict) else {}

    def series_count(self, query: str, at: datetime) -> int:
        """How many series the query returns at `at` (0: the metric is unknown or absent)."""
        result = self._query(query, _seconds(int(at.timestamp() * 1000))).get("result")
        return len(result) if isinstance(result, list) else 0

    def raw_samples(self, selector: str, start_ms: int, end_ms: int) -> list[Series]:
        """Every raw sample of the selector's series with start_ms <= t < end_ms (one request at most)."""
        span = end_ms - start_ms
        at = end_ms - 1  # a closed range [at − span + 1, at] is [start, end) in milliseconds
        data = self._query(f"{selector}[{span}ms]", _seconds(at))
        out = []
        for item in data.get("result") or []:
            labels = tuple(sorted((item.get("metric") or {}).items()))
            stamped = ((parse_time_ms(t), v) for t, v in item.get("values") or [])
            samples = tuple(Sample(t_ms, parse_value(str(v))) for t_ms, v in stamped if start_ms <= t_ms < end_ms)
            out.append(Series(labels, samples))
        return out

    def raw_samples_chunked(self, selector: str, start_ms: int, end_ms: int) -> list[Series]:
        """Raw samples over any span, in requests of at most MAX_SPAN_MS, joined per series."""
        joined: dict[tuple[tuple[str, str], ...], list[Sample]] = {}
        for lo, hi in _chunks(start_ms, end_ms):
            for series in self.raw_samples(selector, lo, hi):
                joined.setdefault(series.labels, []).extend(series.samples)
        return [Series(labels, tuple(samples)) for labels, samples in joined.items()]


def _chunks(start_ms: int, end_ms: int) -> Iterator[tuple[int, int]]:
    lo = start_ms
    while lo < end_ms:
        hi = min(lo + MAX_SPAN_MS, end_ms)
        yield lo, hi
        lo = hi


def _seconds(t_ms: int) -> str:
    return f"{t_ms // 1000}.{t_ms % 1000:03d}"
