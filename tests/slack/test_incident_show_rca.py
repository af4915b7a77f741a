"""/incident show <id>: the root cause (5-Why), the action items and the opener's rating."""

from __future__ import annotations

from datetime import date, timedelta

from slabot.incidents import satisfaction as csat
from storage.models.incidents import Incident
from storage.models.rca import ActionItem, Rca, RcaStage, RcaWhy
from tests.conftest import FakeClock
from tests.csat_helpers import CHANNEL, OPENER, resolved_incident
from tests.driver import Answer, SlackDriver

ANSWERS = [
    "Checkout timed out",
    "The database was slow",
    "A replica fell behind",
    "Its disk filled up",
    "Nobody watched <replica> disk & lag",
]


def add_rca(
    driver: SlackDriver, clock: FakeClock, answers: list[str], *, stage: RcaStage, category: str | None = None
) -> int:
    """A 5-Why of incident #1 in its thread, answered by U0DAN, finished by U0CAROL when done."""
    finished = stage in (RcaStage.DONE, RcaStage.CANCELLED)
    with driver.runtime.db.session() as session:
        incident = session.get(Incident, 1)
        assert incident is not None and incident.thread_ts is not None
        rca = Rca(
            incident_id=1,
            running_incident_id=None if finished else 1,
            stage=stage.value,
            trigger="command",
            channel_id=CHANNEL,
            thread_ts=incident.thread_ts,
            category=category,
            started_by="U0DAN",
            started_at=clock.now,
            finished_at=clock.now + timedelta(hours=1) if finished else None,
            finished_by="U0CAROL" if finished else None,
        )
        session.add(rca)
        session.flush()
        assert rca.id is not None
        for position, answer in enumerate(answers, start=1):
            session.add(
                RcaWhy(
                    rca_id=rca.id,
                    position=position,
                    question=f"Why {position}/5",
                    answer=answer,
                    answered_by="U0DAN",
                    answered_at=clock.now,
                    message_ts=f"1.{position}",
                )
            )
        return rca.id


def add_action_item(driver: SlackDriver, rca_id: int | None, text: str, owner: str, due: date, status: str) -> None:
    with driver.runtime.db.session() as session:
        session.add(
            ActionItem(
                incident_id=1, rca_id=rca_id, text=text, owner_id=owner, due=due, status=status, created_by="U0CAROL"
            )
        )


def section_texts(answer: Answer) -> list[str]:
    return [b["text"]["text"] for b in answer.blocks if b["type"] == "section" and "text" in b]


def test_a_resolved_incident_without_a_5_why_invites_one_and_is_not_rated_yet(driver: SlackDriver) -> None:
    resolved_incident(driver)
    answer = driver.command("/incident show 1")
    texts = section_texts(answer)
    assert "*Root cause*\nNo root cause yet: start a 5-Why with /sla why 1" in texts
    assert "*Satisfaction*\nnot rated yet" in texts
    assert "Action items" not in answer.all_text


def test_an_open_incident_shows_no_satisfaction_line(driver: SlackDriver) -> None:
    driver.command(f"/sla service add checkout channel={CHANNEL}")
    driver.command("/incident open checkout sev2 Payments fail", user=OPENER)
    answer = driver.command("/incident show 1")
    assert "No root cause yet: start a 5-Why with /sla why 1" in answer.all_text
    assert "Satisfaction" not in answer.all_text


def test_a_running_5_why_shows_the_step_it_is_at(driver: SlackDriver, clock: FakeClock) -> None:
    resolved_incident(driver)
    add_rca(driver, clock, ANSWERS[:2], stage=RcaStage.WHYS)
    texts = section_texts(driver.command("/incident show 1"))
    assert "*Root cause*\n5-Why running in the thread in <#C0CHECK>: Why 3/5" in texts


def test_a_finished_5_why_shows_category_root_cause_and_action_items(driver: SlackDriver, clock: FakeClock) -> None:
    resolved_incident(driver)
    rca_id = add_rca(driver, clock, ANSWERS, stage=RcaStage.DONE, category="technology")
    add_rca(driver, clock, ANSWERS[:1], stage=RcaStage.CANCELLED)  # newer, but cancelled ones don't count
    add_action_item(driver, rca_id, "add a replica lag alarm", "U0123", date(2026, 12, 1), "open")
    add_action_item(driver, rca_id, "grow the replica disks", "U0456", date(2026, 11, 28), "done")
    answer = driver.command("/incident show 1")
    texts = section_texts(answer)
    assert "*Root cause* · Technology\nNobody watched &lt;replica&gt; disk &amp; lag" in texts
    assert "5-Why of 5 steps finished by <@U0CAROL> on 2026-11-21" in answer.all_text
    assert (
        "*Action items*\n"
        "#1 add a replica lag alarm · <@U0123> · due 2026-12-01 · open\n"
        "#2 grow the replica disks · <@U0456> · due 2026-11-28 · done"
    ) in texts
    assert "<replica>" not in answer.all_text


def test_a_finished_5_why_without_action_items_says_so(driver: SlackDriver, clock: FakeClock) -> None:
    resolved_incident(driver)
    add_rca(driver, clock, ANSWERS[:3], stage=RcaStage.DONE, category="process")
    answer = driver.command("/incident show 1")
    assert "*Root cause* · Process\nA replica fell behind" in section_texts(answer)
    assert "5-Why of 3 steps finished by <@U0CAROL>" in answer.all_text
    assert "*Action items*\nnone recorded" in section_texts(answer)


def test_the_opener_rating_and_comment_show(driver: SlackDriver, clock: FakeClock) -> None:
    resolved_incident(driver)
    with driver.runtime.db.session() as session:
        csat.rate(session, 1, OPENER, 4, clock.now)
        csat.add_comment(session, 1, OPENER, "Quick and\n clear <3", clock.now)
    texts = section_texts(driver.command("/incident show 1"))
    assert "*Satisfaction*\n4/5 from <@U0BOB>: “Quick and clear &lt;3”" in texts


def test_many_long_action_items_stay_within_slack_limits(driver: SlackDriver, clock: FakeClock) -> None:
    resolved_incident(driver)
    rca_id = add_rca(driver, clock, ["x" * 5000], stage=RcaStage.DONE, category="people")
    for n in range(60):
        add_action_item(driver, rca_id, f"item {n} " + "<" * 480, "U0123", date(2026, 12, 1), "open")
    answer = driver.command("/incident show 1")
    assert len(answer.blocks) <= 50
    assert all(len(text) <= 3000 for text in section_texts(answer))
    (items,) = [text for text in section_texts(answer) if text.startswith("*Action items*")]
    assert items.endswith("…and 59 more action items")
    assert items.splitlines()[1].startswith("#1 item 0 &lt;&lt;")
