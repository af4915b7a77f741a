"""The 5-Why's pure rules as tables: what a reply means, how the next question reads, how action items parse."""

from __future__ import annotations

from datetime import date

import pytest

from slabot.core.errors import UserError
from slabot.rca.conversation import ActionDraft, Intent, clean_answer, intent_of, parse_action, question

TODAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("done", Intent.FINISH),
        ("Done.", Intent.FINISH),
        ("  DONE! ", Intent.FINISH),
        ("root cause", Intent.FINISH),
        ("Root cause!", Intent.FINISH),
        ("that's the root cause", Intent.FINISH),
        ("back", Intent.BACK),
        ("Back.", Intent.BACK),
        ("undo", Intent.BACK),
        ("action: add an alarm", Intent.ACTION),
        ("Action : add an alarm", Intent.ACTION),
        ("*action*: add an alarm", Intent.ACTION),
        ("done deploying, the root cause was DNS", Intent.ANSWER),
        ("we went back to v1", Intent.ANSWER),
        ("the root cause of that", Intent.ANSWER),
        ("actions were not taken", Intent.ANSWER),
    ],
)
def test_what_a_reply_means(text: str, intent: Intent) -> None:
    assert intent_of(text) is intent


@pytest.mark.parametrize(
    ("position", "previous", "expected"),
    [
        (1, None, "Why 1/5: why did “Checkout returns 500s” happen?"),
        (2, "The database failed over.", "Why 2/5: why the database failed over?"),
        (3, "A deploy flushed the cache", "Why 3/5: why a deploy flushed the cache?"),
        (4, "DNS records expired!", "Why 4/5: why DNS records expired?"),
        (5, "I forgot to renew it", "Why 5/5: why I forgot to renew it?"),
        (2, "nobody was paged", "Why 2/5: why nobody was paged?"),
        (2, "Kubernetes evicted the pods", "Why 2/5: why kubernetes evicted the pods?"),
    ],
)
def test_each_question_asks_why_of_the_previous_answer(position: int, previous: str | None, expected: str) -> None:
    assert question(position, "Checkout returns 500s", previous) == expected


def test_there_is_no_sixth_why() -> None:
    with pytest.raises(ValueError):
        question(6, "x", "y")


def test_answers_are_tidied_and_bounded() -> None:
    assert clean_answer("  the   disk\nfilled up ") == "the disk filled up"
    with pytest.raises(UserError, match="empty reply"):
        clean_answer("   ")
    with pytest.raises(UserError, match="keep it to 1000 at most"):
        clean_answer("x" * 1001)


@pytest.mark.parametrize(
    ("text", "draft"),
    [
        (
            "action: add a replica lag alarm owner=<@U0123> due=2026-12-01",
            ActionDraft("add a replica lag alarm", "U0123", date(2026, 12, 1)),
        ),
        (
            "Action: owner=<@U0123|dana> due=2026-11-21 rotate the keys",
            ActionDraft("rotate the keys", "U0123", TODAY),
        ),
        ("action: write the runbook owner=me due=7d", ActionDraft("write the runbook", "U0AUTHOR", date(2026, 11, 28))),
        ("action: load test owner=<@W0ENT> due=2W", ActionDraft("load test", "W0ENT", date(2026, 12, 5))),
    ],
)
def test_action_items_parse_what_who_and_when(text: str, draft: ActionDraft) -> None:
    assert parse_action(text, "U0AUTHOR", TODAY) == draft


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("add an alarm owner=me due=7d", "An action item starts with 'action:'"),
        ("action: add an alarm", "needs owner= and due="),
        ("action: add an alarm owner=me", "needs due="),
        ("action: add an alarm owner=me owner=<@U1> due=7d", "owner= is given twice"),
        ("action: add an alarm owner=@dana due=7d", "owner= takes a person picked with @"),
        ("action: add an alarm owner=<#C0123> due=7d", "owner= takes a person picked with @"),
        ("action: add an alarm owner=me due=2026-11-20", "due=2026-11-20 is in the past"),
        ("action: add an alarm owner=me due=2026-13-01", "due= takes a date like 2026-12-01"),
        ("action: add an alarm owner=me due=friday", "due= takes a date like 2026-12-01"),
        ("action:  owner=me due=7d", "Say what is to be done"),
        ("action: " + "x" * 501 + " owner=me due=7d", "keep it to 500 at most"),
    ],
)
def test_a_bad_action_item_says_what_to_type(text: str, problem: str) -> None:
    with pytest.raises(UserError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_action(text, "U0AUTHOR", TODAY)
