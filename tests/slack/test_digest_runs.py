"""/sla digest add|list|remove, and scheduled digests posted once per channel and week: on time, after a
restart, by one of several workers, and late (within the grace period) when the bot was down at the time."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlmodel import select

from slabot.notify.notifier import Notifier
from slabot.runtime.digest_worker import DigestWorker
from slabot.runtime.scheduler import DIGEST_JOB_PREFIX, build_scheduler, sync_digest_jobs
from storage.models.reports import Digest, DigestRun, DigestService
from storage.queries.reports import claim_run
from tests.conftest import FakeClock
from tests.driver import SlackDriver
from tests.slack.test_digest_report import deliverer_for, worker_for

LEADS = "C0LEADS"
MONDAY_0900_CET = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
def leads(driver: SlackDriver) -> SlackDriver:
    driver.command("/sla service add checkout channel=<#C0CHECK|checkout>")
    driver.command("/sla define checkout availability target=99.9 window=30d")
    answer = driver.command("/sla digest add <#C0LEADS|sre-leads> day=mon time=09:00 tz=Europe/Berlin")
    assert "Digest 1 posts to <#C0LEADS>" in answer.text
    driver.slack.clear()
    return driver


UTC_ZONE = ZoneInfo("UTC")


def worker(driver: SlackDriver, clock: FakeClock, grace_hours: int = 12) -> DigestWorker:
    return worker_for(driver, clock, timedelta(hours=grace_hours))


def digest_posts(driver: SlackDriver) -> list[str]:
    """The headers of the digests posted to the leads' channel, in order."""
    top = [m for m in driver.slack.messages(LEADS) if m.get("thread_ts") in (None, m["ts"])]
    return [m["blocks"][0]["text"]["text"] for m in top]


def tick(driver: SlackDriver, clock: FakeClock, *workers: DigestWorker) -> None:
    for each in workers or (worker(driver, clock),):
        each.catch_up()
        each.render_due()
    deliverer_for(driver, clock).deliver_due()


def test_add_list_and_remove(driver: SlackDriver, clock: FakeClock) -> None:
    driver.command("/sla service add checkout")
    driver.command("/sla service add payments")
    added = driver.command(
        "/sla digest add <#C0LEADS|sre-leads> services=payments,checkout day=fri time=17:30 tz=Asia/Shanghai"
    )
    assert added.text.startswith(
        ":calendar: Digest 1 posts to <#C0LEADS> Fridays at 17:30 Asia/Shanghai, covering checkout, payments. "
        "First run 2026-11-27 17:30 CST (in 5d 21h), reporting the week before it."
    )
    driver.command("/sla digest add <#C0ALL|all>")
    listed = driver.command("/sla digest list")
    shown = listed.all_text
    assert (
        "*1* · <#C0LEADS> · Fridays at 17:30 Asia/Shanghai · checkout, payments\nNext run 2026-11-27 17:30 CST" in shown
    )
    assert "*2* · <#C0ALL> · Mondays at 09:00 UTC · all services\nNext run 2026-11-23 09:00 UTC (in 1d 21h)" in shown
    removed = driver.command("/sla digest remove 1")
    assert "Digest 1 to <#C0LEADS> (Fridays at 17:30 Asia/Shanghai) removed" in removed.text
    with driver.runtime.db.session() as session:
        assert [d.channel_id for d in session.exec(select(Digest)).all()] == ["C0ALL"]
        assert session.exec(select(DigestService)).all() == []


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/sla digest add day=mon", "Give the channel to post in, picked with #"),
        ("/sla digest add sre-leads", "'sre-leads' is not a channel: pick it with #"),
        ("/sla digest add <#C0X|x> day=someday", "day= must be a weekday"),
        ("/sla digest add <#C0X|x> time=25:00", "time= must be a time of day"),
        ("/sla digest add <#C0X|x> tz=Moon/Base", "tz= must be a time zone"),
        ("/sla digest add <#C0X|x> services=nosuch", "There is no service 'nosuch'"),
        ("/sla digest add <#C0X|x> every=year", "every= must be week, month or day (got 'year')"),
        ("/sla digest remove seven", "Give the digest's number from /sla digest list"),
        ("/sla digest remove 7", "There is no digest 7"),
        ("/sla digest frobnicate", "'frobnicate' is not a /sla digest command"),
    ],
)
def test_bad_input_says_what_to_type_and_stores_nothing(driver: SlackDriver, line: str, message: str) -> None:
    answer = driver.command(line)
    assert answer.ephemeral and message in answer.text, answer.text
    with driver.runtime.db.session() as session:
        assert session.exec(select(Digest)).all() == []


def test_one_digest_per_channel(leads: SlackDriver) -> None:
    answer = leads.command("/sla digest add <#C0LEADS|sre-leads> day=fri")
    assert "<#C0LEADS> already gets digest 1. Remove it first with `/sla digest remove 1`" in answer.text


def test_the_week_is_posted_once_at_its_time_however_often_workers_look(leads: SlackDriver, clock: FakeClock) -> None:
    clock.now = MONDAY_0900_CET - timedelta(seconds=1)
    tick(leads, clock)
    assert digest_posts(leads) == []
    clock.now = MONDAY_0900_CET
    first, second = worker(leads, clock), worker(leads, clock)  # a restart, or a second replica
    tick(leads, clock, first, second)
    clock.advance(minutes=5)
    tick(leads, clock, second, first)
    assert digest_posts(leads) == ["Weekly service levels · 2026-W47 (16–22 Nov 2026)"]
    with leads.runtime.db.session() as session:
        (run,) = session.exec(select(DigestRun)).all()
    assert (run.once_key, run.status, run.scheduled_for) == ("C0LEADS:2026-W47", "queued", MONDAY_0900_CET)
    clock.now = MONDAY_0900_CET + timedelta(days=7)
    tick(leads, clock)
    assert digest_posts(leads)[-1] == "Weekly service levels · 2026-W48 (23–29 Nov 2026)"
    assert len(digest_posts(leads)) == 2


def test_a_run_missed_while_down_is_posted_within_the_grace_period(leads: SlackDriver, clock: FakeClock) -> None:
    clock.now = MONDAY_0900_CET + timedelta(hours=5)  # the bot comes back at 14:00
    tick(leads, clock)
    assert digest_posts(leads) == ["Weekly service levels · 2026-W47 (16–22 Nov 2026)"]


def test_a_run_missed_for_longer_than_the_grace_period_is_skipped(leads: SlackDriver, clock: FakeClock) -> None:
    clock.now = MONDAY_0900_CET + timedelta(hours=13)
    tick(leads, clock)
    assert digest_posts(leads) == []
    clock.now = MONDAY_0900_CET + timedelta(days=7, minutes=1)
    tick(leads, clock)
    assert digest_posts(leads) == ["Weekly service levels · 2026-W48 (23–29 Nov 2026)"]


def test_a_digest_added_after_its_hour_waits_for_next_week(driver: SlackDriver, clock: FakeClock) -> None:
    clock.now = MONDAY_0900_CET + timedelta(hours=1)
    driver.command("/sla digest add <#C0LEADS|sre-leads> day=mon time=09:00 tz=Europe/Berlin")
    tick(driver, clock)
    assert digest_posts(driver) == []


def test_removing_and_adding_again_does_not_post_the_same_week_twice(leads: SlackDriver, clock: FakeClock) -> None:
    clock.now = MONDAY_0900_CET
    tick(leads, clock)
    leads.command("/sla digest remove 1")
    leads.command("/sla digest add <#C0LEADS|sre-leads> day=mon time=10:00 tz=Europe/Berlin")
    clock.now = MONDAY_0900_CET + timedelta(hours=1)
    tick(leads, clock)
    assert len(digest_posts(leads)) == 1


def test_a_worker_that_dies_while_rendering_is_taken_over_once(leads: SlackDriver, clock: FakeClock) -> None:
    clock.now = MONDAY_0900_CET
    dead, alive = worker(leads, clock), worker(leads, clock)
    dead.catch_up()
    with leads.runtime.db.session() as session:
        (run,) = session.exec(select(DigestRun)).all()
        assert claim_run(session, run.id, clock.now, clock.now - timedelta(minutes=10))
    tick(leads, clock, alive)
    assert digest_posts(leads) == []  # still held by the dead worker
    clock.advance(minutes=11)
    tick(leads, clock, alive)
    assert digest_posts(leads) == ["Weekly service levels · 2026-W47 (16–22 Nov 2026)"]
    with leads.runtime.db.session() as session:
        (run,) = session.exec(select(DigestRun)).all()
    assert (run.status, run.attempts) == ("queued", 2)


def test_concurrent_workers_post_each_week_once(leads: SlackDriver, clock: FakeClock) -> None:
    clock.now = MONDAY_0900_CET
    workers = [worker(leads, clock) for _ in range(4)]
    barrier = threading.Barrier(len(workers))

    def run(each: DigestWorker) -> None:
        barrier.wait()
        each.catch_up()
        each.render_due()

    threads = [threading.Thread(target=run, args=(each,)) for each in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    deliverer_for(leads, clock).deliver_due()
    assert digest_posts(leads) == ["Weekly service levels · 2026-W47 (16–22 Nov 2026)"]


def test_scheduler_keeps_one_cron_job_per_digest_in_its_zone(
    leads: SlackDriver, clock: FakeClock, request: pytest.FixtureRequest
) -> None:
    clock.now = MONDAY_0900_CET - timedelta(days=1)
    each = worker(leads, clock)
    deliverer = deliverer_for(leads, clock)
    scheduler = build_scheduler(leads.runtime, Notifier(deliverer, UTC_ZONE), start_at=clock.now, worker=each)
    scheduler.start(paused=True)  # jobs in the job store, none running
    request.addfinalizer(lambda: scheduler.shutdown(wait=False))
    sync_digest_jobs(scheduler, each)
    job = scheduler.get_job(f"{DIGEST_JOB_PREFIX}1")
    assert isinstance(job.trigger, CronTrigger) and str(job.trigger.timezone) == "Europe/Berlin"
    assert job.trigger.get_next_fire_time(None, clock.now) == MONDAY_0900_CET
    assert job.misfire_grace_time == 12 * 3600 and job.coalesce
    leads.command("/sla digest remove 1")
    leads.command("/sla digest add <#C0LEADS|sre-leads> day=tue time=08:00 tz=America/New_York")
    sync_digest_jobs(scheduler, each)
    with leads.runtime.db.session() as session:
        (digest,) = session.exec(select(Digest)).all()
    (moved,) = [job for job in scheduler.get_jobs() if job.id.startswith(DIGEST_JOB_PREFIX)]
    assert moved.id == f"{DIGEST_JOB_PREFIX}{digest.id}"
    assert moved.trigger.get_next_fire_time(None, clock.now) == datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
