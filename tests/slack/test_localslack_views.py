"""The local Slack refuses the views Slack refuses (too many blocks, long titles, oversized metadata or JSON,
unknown blocks, crowded actions, long sections), spends trigger ids once and within 3 s, and keeps each user's
Home, their open modals and what they typed, as Slack does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from slabot.devtools.localslack import LocalSlack, SlackError


class Seconds:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def seconds() -> Seconds:
    return Seconds()


@pytest.fixture
def slack(seconds: Seconds) -> Iterator[LocalSlack]:
    with LocalSlack(clock=seconds) as local:
        yield local


@pytest.fixture
def client(slack: LocalSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=slack.base_url)


def text(value: str, kind: str = "plain_text") -> dict[str, str]:
    return {"type": kind, "text": value}


def section(value: str) -> dict[str, Any]:
    return {"type": "section", "text": text(value, "mrkdwn")}


def title_input(block_id: str = "title", initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": "value"}
    if initial is not None:
        element["initial_value"] = initial
    return {"type": "input", "block_id": block_id, "label": text("Title"), "element": element}


def modal(**changes: Any) -> dict[str, Any]:
    view = {"type": "modal", "callback_id": "new_slo", "title": text("New objective"), "submit": text("Save")}
    view.update(close=text("Cancel"), blocks=[section("Say what to measure"), title_input()])
    return {**view, **changes}


def refusal(call: Any) -> tuple[str, list[str]]:
    with pytest.raises(SlackApiError) as raised:
        call()
    response = raised.value.response
    return response["error"], (response.get("response_metadata") or {}).get("messages", [])


BLOCK_101 = [section(f"row {n}") for n in range(101)]
INVALID = [
    ({"blocks": BLOCK_101}, "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"),
    (
        {"title": text("A title of twenty-five ch")},
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]",
    ),
    ({"submit": text("Save this objective now!!")}, "must be less than 25 characters [json-pointer:/view/submit/text]"),
    ({"close": text("Close without saving it!!")}, "must be less than 25 characters [json-pointer:/view/close/text]"),
    ({"private_metadata": "x" * 3001}, "must be less than 3001 characters [json-pointer:/view/private_metadata]"),
    ({"callback_id": "c" * 256}, "must be less than 256 characters [json-pointer:/view/callback_id]"),
    ({"blocks": [{"type": "carousel"}]}, "[ERROR] unsupported type: carousel [json-pointer:/view/blocks/0/type]"),
    ({"blocks": [section("x" * 3001)]}, "must be less than 3001 characters [json-pointer:/view/blocks/0/text/text]"),
    (
        {"blocks": [{"type": "actions", "elements": [{"type": "button", "text": text(f"{n}")} for n in range(26)]}]},
        "[ERROR] no more than 25 items allowed [json-pointer:/view/blocks/0/elements]",
    ),
    (
        {"blocks": [title_input(), title_input()]},
        "[ERROR] duplicate block_id title [json-pointer:/view/blocks/1/block_id]",
    ),
    ({"submit": None, "blocks": [title_input()]}, "must provide a submit property when using input blocks"),
]


@pytest.mark.parametrize(("changes", "message"), INVALID)
def test_views_open_refuses_what_slack_refuses(
    slack: LocalSlack, client: WebClient, changes: dict[str, Any], message: str
) -> None:
    view = {k: v for k, v in modal(**changes).items() if v is not None}
    error, messages = refusal(lambda: client.views_open(trigger_id=slack.new_trigger_id("U0BOB"), view=view))
    assert error == "invalid_arguments"
    assert any(message in m for m in messages), messages
    assert slack.open_views("U0BOB") == []


def test_every_view_method_checks_the_limits(slack: LocalSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id=slack.new_trigger_id("U0BOB"), view=modal())["view"]
    overflow = modal(blocks=BLOCK_101)
    for call in (
        lambda: client.views_push(trigger_id=slack.new_trigger_id("U0BOB"), view=overflow),
        lambda: client.views_update(view_id=opened["id"], view=overflow),
        lambda: client.views_publish(user_id="U0BOB", view={"type": "home", "blocks": BLOCK_101}),
    ):
        assert refusal(call) == (
            "invalid_arguments",
            ["[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"],
        )
    assert slack.view(opened["id"])["blocks"] == modal()["blocks"]
    assert slack.home_of("U0BOB") is None


def test_a_view_over_250_kb_is_too_large(slack: LocalSlack, client: WebClient) -> None:
    big = modal(blocks=[section("x" * 2900) for _ in range(90)])
    assert refusal(lambda: client.views_open(trigger_id=slack.new_trigger_id("U0BOB"), view=big)) == (
        "view_too_large",
        [],
    )


def test_a_valid_view_at_the_limits_is_shown(slack: LocalSlack, client: WebClient) -> None:
    view = modal(
        title=text("x" * 24),
        private_metadata="m" * 3000,
        callback_id="c" * 255,
        blocks=[*[section("y" * 3000) for _ in range(49)], *[title_input(f"b{n}") for n in range(51)]],
    )
    shown = client.views_open(trigger_id=slack.new_trigger_id("U0BOB"), view=view)["view"]
    assert (len(shown["blocks"]), shown["title"]["text"], shown["private_metadata"]) == (100, "x" * 24, "m" * 3000)
    assert [v["id"] for v in slack.open_views("U0BOB")] == [shown["id"]]


def test_a_trigger_works_once(slack: LocalSlack, client: WebClient) -> None:
    trigger = slack.new_trigger_id("U0BOB")
    client.views_open(trigger_id=trigger, view=modal())
    assert refusal(lambda: client.views_open(trigger_id=trigger, view=modal())) == ("exchanged_trigger_id", [])
    assert refusal(lambda: client.views_open(trigger_id="1.2.trigger", view=modal())) == ("invalid_trigger_id", [])
    assert len(slack.open_views("U0BOB")) == 1


def test_a_trigger_expires_after_3_seconds(slack: LocalSlack, client: WebClient, seconds: Seconds) -> None:
    late, in_time = slack.new_trigger_id("U0BOB"), slack.new_trigger_id("U0BOB")
    seconds.now += 3.0
    client.views_open(trigger_id=in_time, view=modal())  # 3 s exactly is still in time
    seconds.now += 0.01
    assert refusal(lambda: client.views_open(trigger_id=late, view=modal())) == ("expired_trigger_id", [])
    assert refusal(lambda: client.views_push(trigger_id=late, view=modal())) == ("expired_trigger_id", [])


def test_homes_and_modal_stacks_are_kept_per_user(slack: LocalSlack, client: WebClient) -> None:
    first = client.views_publish(user_id="U0BOB", view={"type": "home", "blocks": [section("one")]})["view"]
    again = client.views_publish(user_id="U0BOB", view={"type": "home", "blocks": [section("two")]})["view"]
    assert again["id"] == first["id"] and again["hash"] != first["hash"]
    home = slack.home_of("U0BOB")
    assert home is not None and home["blocks"] == [section("two")]
    assert slack.home_of("U0CAROL") is None
    assert refusal(lambda: client.views_publish(user_id="U0BOB", view=modal())) == (
        "invalid_arguments",
        ["[ERROR] must be home here [json-pointer:/view/type]"],
    )

    root = client.views_open(trigger_id=slack.new_trigger_id("U0BOB"), view=modal())["view"]
    pushed = client.views_push(trigger_id=slack.new_trigger_id("U0BOB"), view=modal(callback_id="step2"))["view"]
    assert (pushed["root_view_id"], pushed["previous_view_id"]) == (root["id"], root["id"])
    assert [v["callback_id"] for v in slack.open_views("U0BOB")] == ["new_slo", "step2"]
    assert slack.open_views("U0CAROL") == []
    client.views_push(trigger_id=slack.new_trigger_id("U0BOB"), view=modal(callback_id="step3"))
    assert refusal(lambda: client.views_push(trigger_id=slack.new_trigger_id("U0BOB"), view=modal())) == (
        "push_limit_reached",
        [],
    )
    assert refusal(lambda: client.views_push(trigger_id=slack.new_trigger_id("U0CAROL"), view=modal())) == (
        "not_found",
        [],
    )


def test_update_checks_the_hash_and_keeps_what_was_typed(slack: LocalSlack, client: WebClient) -> None:
    view = modal(blocks=[title_input(initial="draft"), title_input("notes")])
    opened = client.views_open(trigger_id=slack.new_trigger_id("U0BOB"), view=view)["view"]
    typed = {"title": {"value": {"type": "plain_text_input", "value": "Checkout is slow"}}}
    slack.views.type_into(opened["id"], typed)
    with pytest.raises(KeyError, match="no input 'nope'"):
        slack.views.type_into(opened["id"], {"nope": {"value": {"type": "plain_text_input", "value": "x"}}})

    stale = opened["hash"]
    grown = modal(blocks=[section("Loaded the services"), title_input(initial="from the server"), title_input("other")])
    updated = client.views_update(view_id=opened["id"], hash=stale, view=grown)["view"]
    assert updated["id"] == opened["id"] and updated["hash"] != stale
    assert updated["state"]["values"] == typed  # the typed title stays; "notes" is gone
    assert refusal(lambda: client.views_update(view_id=opened["id"], hash=stale, view=grown)) == ("hash_conflict", [])
    assert refusal(lambda: client.views_update(view_id="V0NOPE", view=grown)) == ("not_found", [])


def test_update_by_external_id(slack: LocalSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id=slack.new_trigger_id("U0BOB"), view=modal(external_id="slo-1"))["view"]
    updated = client.views_update(external_id="slo-1", view=modal(external_id="slo-1", title=text("Step 2")))["view"]
    assert updated["id"] == opened["id"] and slack.view(opened["id"])["title"]["text"] == "Step 2"


def test_answers_to_a_submission_close_update_push_or_clear(slack: LocalSlack, client: WebClient) -> None:
    root = client.views_open(trigger_id=slack.new_trigger_id("U0BOB"), view=modal())["view"]
    assert slack.views.answer(root["id"], {"response_action": "errors", "errors": {"title": "Too short"}}) == {
        "title": "Too short"
    }
    slack.views.answer(root["id"], {"response_action": "push", "view": modal(callback_id="confirm")})
    top = slack.open_views("U0BOB")[-1]
    slack.views.answer(
        top["id"], {"response_action": "update", "view": modal(callback_id="done", blocks=[section("ok")])}
    )
    assert [v["callback_id"] for v in slack.open_views("U0BOB")] == ["new_slo", "done"]
    with pytest.raises(SlackError, match="no more than 100 items"):
        slack.views.answer(top["id"], {"response_action": "update", "view": modal(blocks=BLOCK_101)})
    slack.views.answer(top["id"], {})  # an empty ack closes the view submitted
    assert [v["id"] for v in slack.open_views("U0BOB")] == [root["id"]]
    slack.views.answer(root["id"], {"response_action": "push", "view": modal(callback_id="again")})
    slack.views.answer(slack.open_views("U0BOB")[-1]["id"], {"response_action": "clear"})
    assert slack.open_views("U0BOB") == []
    with pytest.raises(KeyError):
        slack.view(root["id"])
