"""The Markdown postmortem of an incident (`python bot.py export-rca <id>`): every section with concrete content.

Incidents are seeded through the domain functions (not /incident resolve, which would start an automatic 5-Why),
the 5-Why, action items and rating as rows, the way the RCA conversation stores them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from slabot.catalog import objectives
from slabot.catalog import services as catalog
from slabot.core.errors import NotFound, UserError
from slabot.core.windows import WindowSpec
from slabot.incidents import lifecycle as incidents
from slabot.incidents.lifecycle import NewIncident
from slabot.rca.postmortem import gather_postmortem
from slabot.render.postmortem import cell, inline, paragraph, postmortem_markdown
from storage.db import Database
from storage.models.catalog import ObjectiveSource
from storage.models.incidents import CsatRating
from storage.models.rca import ActionItem, Rca, RcaStage, RcaWhy
from tests.conftest import FakeClock
from tests.e2e.test_startup import run_bot

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def seed_catalog(session: Session) -> None:
    catalog.add_service(session, "checkout", catalog.ServiceFields(channel_id="C0CHECK"), "U0ALICE")
    spec = objectives.ObjectiveSpec("availability", Decimal("99.9"), WindowSpec.parse("30d"))
    objectives.define_objective(session, "checkout", spec, "U0ALICE")
    quiet = objectives.ObjectiveSpec("requests", Decimal(99), WindowSpec.parse("7d"), source=ObjectiveSource.EVENTS)
    objectives.define_objective(session, "checkout", quiet, "U0ALICE")


def seed_incident(session: Session, title: str = "Payments fail | card step", minutes: int = 30) -> int:
    """sev2 at full impact from 2026-11-20 10:00 UTC, acknowledged by Bob at 10:04, resolved by him."""
    new = NewIncident("checkout", 2, title, at("2026-11-20T10:00Z"), Decimal(100))
    incident = incidents.open_incident(session, new, "U0ALICE", at("2026-11-20T10:00Z")).incident
    assert incident.id is not None
    incidents.acknowledge(session, incident.id, "U0BOB", at("2026-11-20T10:04Z"))
    end = at("2026-11-20T10:00Z").replace(minute=minutes)
    incidents.resolve(session, incident.id, "U0BOB", at("2026-11-21T12:00Z"), end)
    return incident.id


def seed_rca(session: Session, incident_id: int) -> None:
    """A finished 5-Why with three answers, two action items (one done), and the opener's rating."""
    rca = Rca(
        incident_id=incident_id,
        stage=RcaStage.DONE.value,
        trigger="command",
        channel_id="C0CHECK",
        thread_ts="1700000000.000100",
        category="technology",
        started_by="U0ALICE",
        started_at=at("2026-11-20T11:00Z"),
        finished_at=at("2026-11-20T11:20Z"),
        finished_by="U0BOB",
    )
    session.add(rca)
    session.flush()
    assert rca.id is not None
    whys = [
        ("Why 1/5: why did “Payments fail” happen?", "The card API timed out"),
        ("Why 2/5: why the card API timed out?", "Its pool was exhausted\nafter a deploy by <@U0CAROL|carol>"),
        ("Why 3/5: why its pool was exhausted after a deploy?", "The client had no timeout"),
    ]
    for position, (question, answer) in enumerate(whys, start=1):
        session.add(
            RcaWhy(
                rca_id=rca.id,
                position=position,
                question=question,
                answer=answer,
                answered_by="U0BOB",
                answered_at=at(f"2026-11-20T11:0{position}Z"),
                message_ts=f"1700000000.00020{position}",
            )
        )
    session.add(
        ActionItem(
            incident_id=incident_id,
            rca_id=rca.id,
            text="Add a timeout | retry to the card client",
            owner_id="U0BOB",
            due=date(2026, 12, 1),
            created_by="U0BOB",
            created_at=at("2026-11-20T11:15Z"),
        )
    )
    session.add(
        ActionItem(
            incident_id=incident_id,
            rca_id=rca.id,
            text="Alert on card API latency",
            owner_id="U0CAROL",
            due=date(2026, 11, 20),
            status="done",
            created_by="U0BOB",
            created_at=at("2026-11-20T11:18Z"),
            done_by="U0CAROL",
            done_at=at("2026-11-21T09:00Z"),
        )
    )
    session.add(
        CsatRating(
            incident_id=incident_id,
            user_id="U0ALICE",
            rating=4,
            comment="Quick fix,\nslow updates",
            rated_at=at("2026-11-21T08:00Z"),
        )
    )


@pytest.fixture
def db(database: Database) -> Database:
    with database.session() as session:
        seed_catalog(session)
    return database


def export(db: Database, incident_id: int, now: datetime, zone: ZoneInfo = BERLIN) -> str:
    with db.session() as session:
        return postmortem_markdown(gather_postmortem(session, incident_id, zone, now), zone, locale="en")


def section(markdown: str, title: str) -> str:
    """The body of one `## title` section (up to the next one)."""
    body = markdown.split(f"\n## {title}\n\n", 1)[1]
    return body.split("\n\n## ", 1)[0].split("\n\n_Exported", 1)[0]


def test_a_full_postmortem(db: Database, clock: FakeClock) -> None:
    with db.session() as session:
        number = seed_incident(session)
        seed_rca(session, number)
    markdown = export(db, number, clock.now)

    assert markdown.startswith("# Postmortem: incident #1 sev2 — Payments fail | card step\n\n")
    for line in [
        "- **Service:** checkout",
        "- **Severity:** sev2",
        "- **Impact:** 100%",
        "- **Status:** resolved",
        "- **Started:** 2026-11-20 11:00 CET",
        "- **Acknowledged:** 2026-11-20 11:04 CET",
        "- **Resolved:** 2026-11-20 11:30 CET",
        "- **Time to acknowledge:** 4m",
        "- **Time to resolve:** 30m",
        "- **Opened by:** @U0ALICE",
        "- **Acknowledged by:** @U0BOB",
        "- **Resolved by:** @U0BOB",
    ]:
        assert f"\n{line}\n" in markdown

    assert section(markdown, "Timeline").splitlines() == [
        "| time | event | who | detail |",
        "| --- | --- | --- | --- |",
        "| 2026-11-20 11:00 CET | opened | @U0ALICE |  |",
        "| 2026-11-20 11:04 CET | acknowledged | @U0BOB |  |",
        "| 2026-11-20 11:30 CET | resolved | @U0BOB |  |",
        "| 2026-11-20 12:00 CET | 5-Why started (command) | @U0ALICE |  |",
        "| 2026-11-20 12:15 CET | action item #1 added | @U0BOB | Add a timeout \\| retry to the card client |",
        "| 2026-11-20 12:18 CET | action item #2 added | @U0BOB | Alert on card API latency |",
        "| 2026-11-20 12:20 CET | 5-Why finished | @U0BOB |  |",
        "| 2026-11-21 10:00 CET | action item #2 done | @U0CAROL |  |",
    ]

    # 30 minutes of 43m 12s = 69.4%; the rolling window ends with the incident (summer time a month before)
    assert section(markdown, "Impact on error budgets").splitlines() == [
        "| objective | kind | target | window | bad | budget | consumed |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        "| checkout/availability | SLO, incidents | 99.9% | 30d (2026-10-21 12:30 CEST → 2026-11-20 11:30 CET) "
        "| 30m | 43m 12s | **69.4%** |",
        "| checkout/requests | SLO, occurrences | 99% | 7d (2026-11-13 11:30 CET → 2026-11-20 11:30 CET) "
        "| 0 events | 0 events | no data (no events in the window) |",
        "",
        "This incident crossed the 20% postmortem threshold: it consumed more than 20% of the error budget of "
        "checkout/availability, so a postmortem is required.",
    ]

    assert section(markdown, "Five whys") == (
        "**Why 1/5: why did “Payments fail” happen?**\n\nThe card API timed out — @U0BOB\n\n"
        "**Why 2/5: why the card API timed out?**\n\n"
        "Its pool was exhausted after a deploy by @U0CAROL — @U0BOB\n\n"
        "**Why 3/5: why its pool was exhausted after a deploy?**\n\nThe client had no timeout — @U0BOB"
    )
    assert section(markdown, "Root cause") == "The client had no timeout\n\nCategory (fishbone): Technology"
    assert section(markdown, "Action items").splitlines() == [
        "| # | what | owner | due | status |",
        "| --- | --- | --- | --- | --- |",
        "| #1 | Add a timeout \\| retry to the card client | @U0BOB | 2026-12-01 | open |",
        "| #2 | Alert on card API latency | @U0CAROL | 2026-11-20 | done 2026-11-21 |",
    ]
    assert section(markdown, "Customer satisfaction") == (
        "Rated **4/5** by @U0ALICE on 2026-11-21 09:00 CET.\n\n> Quick fix, slow updates"
    )
    assert markdown.endswith("\n\n_Exported by slabot on 2026-11-21 13:00 CET._\n")
    assert "<@" not in markdown


def test_an_ongoing_incident_with_nothing_analysed_yet(db: Database, clock: FakeClock) -> None:
    with db.session() as session:
        new = NewIncident("checkout", 3, "Slow search", at("2026-11-21T11:55Z"), Decimal(50))
        incident = incidents.open_incident(session, new, "U0ALICE", clock.now).incident
    assert incident.id is not None
    markdown = export(db, incident.id, clock.now, ZoneInfo("UTC"))
    assert markdown.startswith("# Postmortem: incident #1 sev3 — Slow search\n")
    assert "\n- **Status:** open\n" in markdown and "\n- **Impact:** 50%\n" in markdown
    assert "\n- **Acknowledged:** not yet\n" in markdown and "\n- **Resolved:** not yet\n" in markdown
    assert "\n- **Time to acknowledge:** not acknowledged yet\n" in markdown
    assert "\n- **Time to resolve:** ongoing (5m so far)\n" in markdown
    assert "\n- **Resolved by:** —\n" in markdown
    impact = section(markdown, "Impact on error budgets")
    # 5 minutes at 50% = 2m 30s of 43m 12s = 5.787…% → 5.8%, below the threshold
    assert impact.splitlines()[2] == (
        "| checkout/availability | SLO, incidents | 99.9% | 30d (2026-10-22 12:00 UTC → 2026-11-21 12:00 UTC) "
        "| 2m 30s | 43m 12s | 5.8% |"
    )
    assert impact.endswith("No objective lost more than 20% of its error budget (the postmortem threshold).")
    assert section(markdown, "Five whys") == "No 5-Why yet: start one with `/sla why 1`."
    assert section(markdown, "Root cause") == "Not found yet."
    assert section(markdown, "Action items") == "None recorded."
    assert section(markdown, "Customer satisfaction") == "Not rated."


def test_a_running_5_why_and_an_overdue_action_item(db: Database, clock: FakeClock) -> None:
    with db.session() as session:
        number = seed_incident(session, minutes=5)
        rca = Rca(
            incident_id=number,
            running_incident_id=number,
            stage=RcaStage.WHYS.value,
            trigger="auto",
            channel_id="C0CHECK",
            thread_ts="1.2",
            started_by="U0BOB",
            started_at=at("2026-11-20T10:40Z"),
        )
        session.add(rca)
        session.flush()
        assert rca.id is not None
        session.add(
            RcaWhy(
                rca_id=rca.id,
                position=1,
                question="Why 1/5: why did “Payments fail” happen?",
                answer="A bad | config",
                answered_by="U0ALICE",
                answered_at=at("2026-11-20T10:45Z"),
                message_ts="1.3",
            )
        )
        session.add(
            ActionItem(
                incident_id=number,
                text="Roll back\nthe config",
                owner_id="U0ALICE",
                due=date(2026, 11, 15),
                created_by="U0ALICE",
                created_at=at("2026-11-20T10:50Z"),
            )
        )
    markdown = export(db, number, clock.now, ZoneInfo("UTC"))
    assert section(markdown, "Five whys") == (
        "This 5-Why is still running (started 2026-11-20 10:40 UTC by @U0BOB): 1 of 5 answered so far.\n\n"
        "**Why 1/5: why did “Payments fail” happen?**\n\nA bad | config — @U0ALICE"
    )
    assert section(markdown, "Root cause") == "Not found yet."
    assert "| 2026-11-20 10:40 UTC | 5-Why started (auto) | @U0BOB |  |" in section(markdown, "Timeline")
    assert "5-Why finished" not in markdown
    assert section(markdown, "Action items").splitlines()[2] == (
        "| #1 | Roll back<br>the config | @U0ALICE | 2026-11-15 | open (overdue) |"
    )
    # 5 minutes of 43m 12s: 11.6%, no postmortem required
    assert "| 5m | 43m 12s | 11.6% |" in markdown and "postmortem is required" not in markdown


def test_unknown_incident_is_not_found(db: Database, clock: FakeClock) -> None:
    with pytest.raises(NotFound) as raised:
        export(db, 99, clock.now)
    assert isinstance(raised.value, UserError)
    assert raised.value.message.startswith("There is no incident #99")


def test_user_text_cannot_break_the_markdown() -> None:
    assert cell("a | b\nc\\|d") == "a \\| b<br>c\\\\\\|d"
    assert cell("<@U0BOB|bob> in <#C0OPS|ops>, ask <!subteam^S0SRE|@sre> <https://x.test/a|runbook>") == (
        "@U0BOB in #ops, ask @sre [runbook](https://x.test/a)"
    )
    assert inline("two\nlines  <script>alert(1)</script>") == "two lines &lt;script&gt;alert(1)&lt;/script&gt;"
    assert [paragraph(t) for t in ("# not a heading", "- nor a list", "1. nor this", "#2 failed")] == [
        "\\# not a heading",
        "\\- nor a list",
        "\\1. nor this",
        "\\#2 failed",
    ]


def body(markdown: str) -> str:
    """The postmortem without its last line (the export time, which moves with the clock)."""
    return markdown.rsplit("\n\n_Exported by slabot on ", 1)[0]


@pytest.mark.slow
def test_export_rca_command_writes_the_file(tmp_path: Path) -> None:
    database = Database(f"sqlite:///{tmp_path / 'pm.db'}")
    database.upgrade()
    with database.session() as session:
        seed_catalog(session)
        seed_rca(session, seed_incident(session))
    database.dispose()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'pm.db'}", "SLABOT_TIMEZONE": "Europe/Berlin"}

    result = run_bot(["export-rca", "1"], env, tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "wrote postmortem-incident-1.md\n", "")
    written = (tmp_path / "postmortem-incident-1.md").read_text(encoding="utf-8")
    assert written.startswith("# Postmortem: incident #1 sev2 — Payments fail | card step\n")
    assert "| #1 | Add a timeout \\| retry to the card client | @U0BOB | 2026-12-01 | open |" in written
    assert "| 30m | 43m 12s | **69.4%** |" in written and "Category (fishbone): Technology" in written

    result = run_bot(["export-rca", "1", "--output", "out/pm.md"], env, tmp_path)  # no such directory
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == "slabot: cannot write out/pm.md: No such file or directory\n"
    (tmp_path / "out").mkdir()
    result = run_bot(["export-rca", "1", "-o", "out/pm.md"], env, tmp_path)
    assert (result.returncode, result.stdout) == (0, "wrote out/pm.md\n")
    assert body((tmp_path / "out" / "pm.md").read_text(encoding="utf-8")) == body(written)

    result = run_bot(["export-rca", "1", "-o", "-"], env, tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert body(result.stdout) == body(written) and "wrote" not in result.stdout

    result = run_bot(["export-rca", "99"], env, tmp_path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("slabot: There is no incident #99") and result.stderr.count("\n") == 1
    assert not (tmp_path / "postmortem-incident-99.md").exists()

    result = run_bot(["export-rca", "twelve"], env, tmp_path)
    assert result.returncode == 2 and "invalid int value: 'twelve'" in result.stderr
