"""POST /api/v1/events through the real HTTP server: auth, strict checks, idempotent writes, exact rollups."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.runtime.http import create_http_app
from slabot.runtime.ingest_api import MAX_BODY_BYTES
from slabot.slo.ingest import MAX_POINTS, epoch_minute
from storage.db import Database
from storage.models.catalog import Objective
from storage.models.slo import SliMinute, SliRollup
from tests import web
from tests.conftest import FakeClock
from tests.driver import Server, SlackDriver

TOKEN = "test-api-token-0123456789"
DAY = datetime(2026, 11, 21, tzinfo=UTC)


def minute(text: str) -> int:
    """Epoch minute of an HH:MM time on the test day (the clock says 2026-11-21 12:00 UTC)."""
    hours, minutes = map(int, text.split(":"))
    return epoch_minute(DAY + timedelta(hours=hours, minutes=minutes))


@pytest.fixture
def api_runtime(runtime: Runtime) -> Runtime:
    return replace(runtime, settings=replace(runtime.settings, api_token=TOKEN))


@pytest.fixture
def api(api_runtime: Runtime) -> Iterator[Server]:
    with Server(create_http_app(api_runtime, None)) as running:
        yield running


@pytest.fixture
def latency(driver: SlackDriver, database: Database) -> int:
    """checkout/latency, an event-based objective with a 99% target; returns its id."""
    driver.command("/sla service add checkout")
    assert "latency" in driver.command("/sla define checkout latency target=99 source=events").all_text
    with database.session() as session:
        objective = session.exec(select(Objective).where(Objective.name == "latency")).one()
    assert objective.id is not None
    return objective.id


def post(server: Server, body: Any = None, *, content: Any = None, token: str | None = TOKEN) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token is not None else {}
    if content is None:
        content = json.dumps(body)
        headers["content-type"] = "application/json"
    return web.post(f"{server.url}/api/v1/events", content=content, headers=headers, timeout=30)


def batch(*points: tuple[str, int, int], service: str = "checkout", slo: str = "latency") -> dict[str, Any]:
    return {"service": service, "slo": slo, "points": [{"ts": t, "good": g, "total": n} for t, g, n in points]}


def stored_minutes(database: Database, objective_id: int) -> dict[int, tuple[int, int, int]]:
    with database.session() as session:
        rows = session.exec(select(SliMinute).where(SliMinute.objective_id == objective_id)).all()
    return {row.epoch_minute: (row.good, row.total, row.good_slice) for row in rows}


def rollups(database: Database, objective_id: int) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Non-zero quarter and day rollups as {(span, start): (good, total, good_slices, slices)}; every span checked."""
    with database.session() as session:
        rows = session.exec(select(SliRollup).where(SliRollup.objective_id == objective_id)).all()
    expected: dict[tuple[int, int], tuple[int, int, int, int]] = {}
    for span in {r.span_minutes for r in rows}:
        for m, (good, total, good_slice) in stored_minutes(database, objective_id).items():
            g, t, gs, n = expected.get((span, m - m % span), (0, 0, 0, 0))
            expected[(span, m - m % span)] = (g + good, t + total, gs + good_slice, n + (total > 0))
    sums = {(r.span_minutes, r.start_minute): (r.good, r.total, r.good_slices, r.slices) for r in rows}
    sums = {key: value for key, value in sums.items() if value != (0, 0, 0, 0)}
    assert sums == {key: value for key, value in expected.items() if value != (0, 0, 0, 0)}
    return {key: value for key, value in sums.items() if key[0] in (15, 1440)}


def assert_refused(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and words in body["error"], body
    assert "\n" not in body["error"] and "Traceback" not in body["error"]


FIRST = batch(
    ("2026-11-21T10:00:00Z", 990, 1000), ("2026-11-21T10:01:30Z", 995, 1000), ("2026-11-21T11:16:00+01:00", 500, 1000)
)


def test_a_good_batch_stores_minutes_and_rollups(api: Server, database: Database, latency: int) -> None:
    response = post(api, FIRST)
    assert (response.status_code, response.json()) == (200, {"stored": 3})
    # 10:01:30 is the minute 10:01; 11:16+01:00 is 10:16 UTC; 990/1000 meets 99% exactly, 500/1000 does not.
    assert stored_minutes(database, latency) == {
        minute("10:00"): (990, 1000, 1),
        minute("10:01"): (995, 1000, 1),
        minute("10:16"): (500, 1000, 0),
    }
    assert rollups(database, latency) == {
        (15, minute("10:00")): (1985, 2000, 2, 2),
        (15, minute("10:15")): (500, 1000, 0, 1),
        (1440, minute("00:00")): (2485, 3000, 2, 3),
    }


def test_resending_the_same_points_replaces_them_and_never_double_counts(
    api: Server, database: Database, latency: int
) -> None:
    assert post(api, FIRST).json() == {"stored": 3}
    minutes, sums = stored_minutes(database, latency), rollups(database, latency)
    assert post(api, FIRST).json() == {"stored": 3}
    assert post(api, FIRST).json() == {"stored": 3}
    assert stored_minutes(database, latency) == minutes and rollups(database, latency) == sums


def test_new_counts_for_a_stored_minute_move_the_rollups_by_the_difference(
    api: Server, database: Database, latency: int
) -> None:
    assert post(api, FIRST).json() == {"stored": 3}
    assert post(api, batch(("2026-11-21T10:00:59Z", 900, 1000), ("2026-11-21T10:30:00Z", 10, 10))).json() == {
        "stored": 2
    }
    assert stored_minutes(database, latency)[minute("10:00")] == (900, 1000, 0)
    assert rollups(database, latency) == {
        (15, minute("10:00")): (1895, 2000, 1, 2),
        (15, minute("10:15")): (500, 1000, 0, 1),
        (15, minute("10:30")): (10, 10, 1, 1),
        (1440, minute("00:00")): (2405, 3010, 2, 4),
    }


def test_empty_lists_repeated_minutes_and_points_up_to_five_minutes_ahead(
    api: Server, database: Database, latency: int, clock: FakeClock
) -> None:
    assert post(api, batch()).json() == {"stored": 0}
    assert stored_minutes(database, latency) == {}
    response = post(api, batch(("2026-11-21T10:00:05Z", 1, 2), ("2026-11-21T10:00:50Z", 7, 8)))
    assert response.json() == {"stored": 1}  # a minute sent twice in one request keeps the last counts
    assert stored_minutes(database, latency) == {minute("10:00"): (7, 8, 0)}
    assert rollups(database, latency)[(1440, minute("00:00"))] == (7, 8, 0, 1)
    assert post(api, batch(("2026-11-21T12:04:00Z", 1, 1))).json() == {"stored": 1}
    assert minute("12:04") in stored_minutes(database, latency)
    assert post(api, batch(("2026-11-21T12:10:00Z", 1, 1))).status_code == 422
    clock.advance(minutes=5)  # "now" is the runtime's clock
    assert post(api, batch(("2026-11-21T12:10:00Z", 1, 1))).json() == {"stored": 1}


def test_a_missing_or_wrong_token_is_401(api: Server, database: Database, latency: int) -> None:
    def refused(header: str | None, words: str) -> None:
        headers = {} if header is None else {b"authorization": header.encode("latin-1")}
        response = web.post(f"{api.url}/api/v1/events", json=FIRST, headers=headers)
        assert_refused(response, 401, words)
        assert response.headers["www-authenticate"].startswith("Bearer")

    for header in (None, "Bearer", f"Basic {TOKEN}", TOKEN):
        refused(header, "Authorization: Bearer")
    wrong = ("Bearer wrong-0123456789abcdef", f"Bearer {TOKEN[:-1]}", f"Bearer {TOKEN}x", "Bearer t\u00f6k\u00e9n")
    for header in wrong:
        refused(header, "wrong")
    assert stored_minutes(database, latency) == {}
    lower = web.post(f"{api.url}/api/v1/events", json=FIRST, headers={"authorization": f"bearer {TOKEN}"})
    assert lower.json() == {"stored": 3}  # the right token works, whatever the case of "Bearer"


def test_without_a_configured_token_the_api_is_off(runtime: Runtime, database: Database, latency: int) -> None:
    assert runtime.settings.api_token is None
    with Server(create_http_app(runtime, None)) as running:
        for token in (None, TOKEN, "anything"):
            assert_refused(post(running, FIRST, token=token), 401, "off until SLABOT_API_TOKEN is set")
        assert_refused(web.get(f"{running.url}/api/v1/events"), 401, "off until SLABOT_API_TOKEN is set")
    assert stored_minutes(database, latency) == {}


def test_unknown_service_or_objective_is_404_and_an_incident_objective_422(
    api: Server, driver: SlackDriver, latency: int
) -> None:
    assert_refused(post(api, batch(("2026-11-21T10:00:00Z", 1, 1), service="nope")), 404, "no service 'nope'")
    assert_refused(post(api, batch(("2026-11-21T10:00:00Z", 1, 1), slo="latncy")), 404, "Did you mean latency?")
    driver.command("/sla define checkout availability target=99.9")
    response = post(api, batch(("2026-11-21T10:00:00Z", 1, 1), slo="availability"))
    assert_refused(response, 422, "measured from incidents")


def point(**fields: Any) -> dict[str, Any]:
    return {"ts": "2026-11-21T10:05:00Z", "good": 1, "total": 2, **fields}


def with_points(*points: Any) -> dict[str, Any]:
    return {"service": "checkout", "slo": "latency", "points": list(points)}


BAD_BODIES: list[tuple[Any, str]] = [
    (with_points(point(good=3, total=2)), "good (3) is more than total (2)"),
    (with_points(point(good=-1)), "negative"),
    (with_points(point(total=-5, good=-6)), "negative"),
    (with_points(point(good=1.5)), "points[0].good must be a whole number, not 1.5"),
    (with_points(point(good=1.0)), "points[0].good must be a whole number, not 1.0"),
    (with_points(point(total="3")), 'points[0].total must be a whole number, not "3"'),
    (with_points(point(good=True)), "points[0].good must be a whole number, not true"),
    (with_points(point(good=None)), "whole number, not null"),
    (with_points(point(good=10**13, total=10**13)), "too large"),
    (with_points(point(ts="2026-11-21T12:05:01Z")), "more than 5 minutes in the future"),
    (with_points(point(ts="2026-11-21T10:05:00")), "has no offset"),
    (with_points(point(ts="yesterday")), "ISO-8601"),
    (with_points(point(ts=1_700_000_000)), "ts must be a string"),
    (with_points(point(extra=1)), "points[0] has an unknown field 'extra'"),
    (with_points({"ts": "2026-11-21T10:05:00Z", "good": 1}), "points[0] is missing 'total'"),
    (with_points([1, 2]), "points[0] must be an object"),
    ({"service": "checkout", "slo": "latency"}, "missing 'points'"),
    ({"service": "checkout", "slo": "latency", "points": [], "more": 1}, "unknown field 'more'"),
    ({"service": "checkout", "slo": "latency", "points": {}}, "points must be a list"),
    ({"service": 7, "slo": "latency", "points": []}, "service must be a string, not 7"),
    ({"service": "checkout", "slo": "", "points": []}, "'' is not a valid objective name"),
    ({"service": "check\nout", "slo": "latency", "points": []}, "is not a valid service name"),
    ([], "must be a JSON object"),
    ("checkout", "must be a JSON object"),
    (b'{"service": "checkout", "slo": ', "not valid JSON"),
    (b"", "not valid JSON"),
    (b"\xff\xfe{}", "not valid JSON"),
    (b"[" * 100_000, "not valid JSON"),
]


@pytest.mark.parametrize(("body", "words"), BAD_BODIES)
def test_malformed_or_invalid_bodies_are_422_and_store_nothing(
    api: Server, database: Database, latency: int, body: Any, words: str
) -> None:
    assert post(api, FIRST).json() == {"stored": 3}
    before = (stored_minutes(database, latency), rollups(database, latency))
    response = post(api, content=body) if isinstance(body, bytes) else post(api, body)
    assert_refused(response, 422, words)
    assert (stored_minutes(database, latency), rollups(database, latency)) == before


def test_a_batch_whose_last_point_is_bad_stores_nothing(api: Server, database: Database, latency: int) -> None:
    assert post(api, FIRST).json() == {"stored": 3}
    before = (stored_minutes(database, latency), rollups(database, latency))
    points = [("2026-11-21T10:00:00Z", 1, 1000), ("2026-11-21T10:40:00Z", 5, 5), ("2026-11-21T10:41:00Z", 6, 5)]
    assert_refused(post(api, batch(*points)), 422, "points[2]: good (6) is more than total (5)")
    assert (stored_minutes(database, latency), rollups(database, latency)) == before


def many(count: int, bad_at: int | None = None) -> dict[str, Any]:
    start = datetime(2026, 11, 21, 11, 59, tzinfo=UTC)
    points = [
        {"ts": (start - timedelta(minutes=i)).isoformat(), "good": 2 if i == bad_at else 1, "total": 1}
        for i in range(count)
    ]
    return with_points(*points)


def test_more_than_max_points_is_413_before_any_point_is_read(api: Server, database: Database, latency: int) -> None:
    assert_refused(post(api, many(MAX_POINTS + 1)), 413, f"at most {MAX_POINTS} points")
    assert_refused(post(api, many(MAX_POINTS + 1, bad_at=0)), 413, "split the batch")
    assert stored_minutes(database, latency) == {}


def test_exactly_max_points_is_accepted(api: Server, database: Database, latency: int) -> None:
    assert post(api, many(MAX_POINTS)).json() == {"stored": MAX_POINTS}
    assert len(stored_minutes(database, latency)) == MAX_POINTS
    assert sum(v[1] for (span, _), v in rollups(database, latency).items() if span == 1440) == MAX_POINTS


def test_a_body_over_the_limit_is_413_before_it_is_read(api: Server, database: Database, latency: int) -> None:
    huge = b" " * (MAX_BODY_BYTES + 1)
    assert_refused(post(api, content=huge), 413, "larger than 4 MB")
    chunks = iter([b" " * (1024 * 1024)] * 5)  # no Content-Length: the limit holds while streaming
    assert_refused(post(api, content=chunks), 413, "larger than 4 MB")
    assert post(api, content=json.dumps(FIRST).encode() + b" " * 1000).json() == {"stored": 3}


def test_other_methods_get_a_json_405(api: Server) -> None:
    assert_refused(web.get(f"{api.url}/api/v1/events"), 401, "Authorization: Bearer")
    response = web.get(f"{api.url}/api/v1/events", headers={"authorization": f"Bearer {TOKEN}"})
    assert_refused(response, 405, "use POST")
    assert response.headers["allow"] == "POST"


def test_concurrent_identical_batches_count_once(api: Server, database: Database, latency: int) -> None:
    body = many(200)
    with ThreadPoolExecutor(4) as pool:
        responses = list(pool.map(lambda _: post(api, body), range(8)))
    assert [r.status_code for r in responses] == [200] * 8, [r.text for r in responses]
    assert rollups(database, latency)[(1440, minute("00:00"))] == (200, 200, 200, 200)
