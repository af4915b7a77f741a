"""Forms and the Home tab in the console, as its user meets them: a modal opened by `click` is printed with its
inputs, `submit key=value` fills and submits it (a field error is printed beside the field, nothing stored),
`cancel` closes it, and `home` shows the Home tab the app publishes on app_home_opened."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.devtools.console import CONSOLE_USER, Console, run_console
from slabot.devtools.localslack import LocalSlack
from slabot.slack.app import InlineExecutor
from storage.models.incidents import CsatRating

CSAT_SCRIPT = """\
/sla service add checkout channel=C0CHECK
/incident open checkout sev2 Payments fail
/incident resolve 1
click 4
click Add a comment
submit comment="   "
submit nope=1
submit "What went well, what could be better?"="Updates came late"
"""


def test_the_satisfaction_comment_is_filled_and_submitted_in_the_console(runtime: Runtime) -> None:
    out = io.StringIO()
    assert run_console(runtime, io.StringIO(CSAT_SCRIPT), out, interactive=False) == 0
    text = out.getvalue()
    opened = text.split("> click Add a comment\n", 1)[1].split("> submit", 1)[0]
    assert "[modal opened · submit key=value … · click <button> · cancel]" in opened
    assert "┌ Your comment" in opened and "On how incident #1 was handled" in opened
    assert "• What went well, what could be better? [csat_comment] (text)\n    = (empty)" in opened
    assert "[Save] [Cancel]" in opened

    bad = text.split('> submit comment="   "\n', 1)[1].split("> submit", 1)[0]
    assert "[modal not submitted" in bad
    assert "⚠️ What went well, what could be better?: Write a few words, or press Cancel." in bad
    assert "no input 'nope' in this form; its inputs: csat_comment (What went well, what could be better?)" in text

    good = text.split('"What went well, what could be better?"="Updates came late"\n', 1)[1]
    assert "[modal updated" in good and "┌ Thank you" in good
    assert "Your comment on incident #1 is saved." in good and "[Done]" in good
    with runtime.db.session() as session:
        (row,) = session.exec(select(CsatRating)).all()
    assert (row.incident_id, row.user_id, row.rating, row.comment) == (1, CONSOLE_USER, 4, "Updates came late")
    assert "Traceback" not in text and "Slack refused" not in text


HOME = {
    "type": "home",
    "blocks": [
        {"type": "section", "text": {"type": "mrkdwn", "text": "*Your services*"}},
        {
            "type": "actions",
            "block_id": "home_actions",
            "elements": [
                {"type": "button", "action_id": "window", "text": {"type": "plain_text", "text": "Maintenance window"}}
            ],
        },
    ],
}
OPTIONS = [
    {"text": {"type": "plain_text", "text": name}, "value": value}
    for name, value in (("Checkout", "1"), ("Search", "2"))
]
WINDOW = {
    "type": "modal",
    "callback_id": "window",
    "notify_on_close": True,
    "title": {"type": "plain_text", "text": "Maintenance window"},
    "submit": {"type": "plain_text", "text": "Save"},
    "close": {"type": "plain_text", "text": "Cancel"},
    "blocks": [
        {
            "type": "input",
            "block_id": "service",
            "label": {"type": "plain_text", "text": "Service"},
            "element": {"type": "static_select", "action_id": "pick", "options": OPTIONS, "initial_option": OPTIONS[1]},
        },
        {
            "type": "input",
            "block_id": "starts",
            "label": {"type": "plain_text", "text": "Starts"},
            "element": {"type": "datetimepicker", "action_id": "at"},
        },
        {
            "type": "input",
            "block_id": "reason",
            "label": {"type": "plain_text", "text": "Reason"},
            "element": {"type": "plain_text_input", "action_id": "text", "initial_value": "Upgrade"},
        },
    ],
}


class Seen:
    def __init__(self) -> None:
        self.submitted: list[dict[str, Any]] = []
        self.closed: list[dict[str, Any]] = []


def forms_app(slack: LocalSlack, seen: Seen) -> App:
    """A Home with a button that opens a form; the form refuses a start before 2026, then confirms."""
    app = App(
        client=WebClient(token="xoxb-console", base_url=slack.base_url),
        signing_secret="unused",
        listener_executor=InlineExecutor(),
        request_verification_enabled=False,
    )

    @app.event("app_home_opened")
    def home(event: dict[str, Any], client: WebClient) -> None:
        client.views_publish(user_id=event["user"], view=HOME)

    @app.action("window")
    def window(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=WINDOW)

    @app.view("window")
    def save(ack: Ack, view: dict[str, Any]) -> None:
        values = view["state"]["values"]
        seen.submitted.append(values)
        starts = values["starts"]["at"]["selected_date_time"]
        if starts is None or starts < datetime(2026, 1, 1, tzinfo=UTC).timestamp():
            ack(response_action="errors", errors={"starts": "must be in 2026 or later"})
            return
        confirm = {"type": "modal", "callback_id": "confirm", "title": {"type": "plain_text", "text": "Saved"}}
        ack(
            response_action="push",
            view={**confirm, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Done."}}]},
        )

    @app.view_closed("window")
    def closed(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        seen.closed.append(body)

    return app


def test_home_click_submit_errors_push_and_cancel(runtime: Runtime) -> None:
    out, seen = io.StringIO(), Seen()
    with LocalSlack() as slack:
        console = Console(runtime, slack, out)
        console.app = forms_app(slack, seen)
        console.home()
        assert "[your Home tab · slabot · click <button>]\n*Your services*\n  [Maintenance window]" in out.getvalue()
        assert slack.home_of(CONSOLE_USER) is not None

        console.click("maintenance WINDOW")
        opened = out.getvalue().rsplit("[you clicked Maintenance window]", 1)[1]
        assert "┌ Maintenance window" in opened
        assert "• Service [service] (pick one)\n    options: Checkout | Search\n    = Search" in opened
        assert "• Starts [starts] (date and time, like 2026-12-01T09:30)\n    = (empty)" in opened
        assert "• Reason [reason] (text)\n    = Upgrade" in opened and "[Save] [Cancel]" in opened

        console.submit("service=tuesday")
        assert "⚠️ Service: no option 'tuesday'; choose one of: Checkout | Search" in out.getvalue()
        assert seen.submitted == []  # a value no option has is refused before anything is sent

        console.submit("SERVICE=checkout starts=2025-12-01T09:30")
        refused = out.getvalue().rsplit("[modal not submitted", 1)[1]
        assert "    = Checkout\n" in refused and "    = 2025-12-01T09:30 UTC\n" in refused
        assert "⚠️ Starts: must be in 2026 or later" in refused
        assert len(slack.open_views(CONSOLE_USER)) == 1

        console.submit("starts=2026-12-01T09:30")  # what was typed before is kept
        values = seen.submitted[-1]
        assert values["service"]["pick"]["selected_option"]["value"] == "1"
        assert values["starts"]["at"] == {"type": "datetimepicker", "selected_date_time": 1796117400}
        assert values["reason"]["text"] == {"type": "plain_text_input", "value": "Upgrade"}
        assert [v["callback_id"] for v in slack.open_views(CONSOLE_USER)] == ["window", "confirm"]
        assert "[modal opened" in out.getvalue() and "┌ Saved" in out.getvalue()

        console.cancel()  # the pushed view closes; the form below shows again
        assert "[Saved closed]" in out.getvalue() and "[modal back to" in out.getvalue()
        assert seen.closed == []
        console.click("Cancel")
        assert [v["id"] for v in slack.open_views(CONSOLE_USER)] == []
        (closed,) = seen.closed
        assert closed["type"] == "view_closed" and closed["view"]["callback_id"] == "window"
        console.cancel()
        assert out.getvalue().endswith("No form is open.\n\n")
