"""Shortcuts and the Resolve incident form in the console, for someone with no Slack: `shortcut Declare incident`
and `shortcut Incident from message <text or ts>` open the Declare incident form (printed, filled with `submit`),
the Resolve buttons open the Resolve incident form; the console knows the shortcuts manifest.yml declares, whose
names and descriptions stay within Slack's limits."""

from __future__ import annotations

import io
import json
from pathlib import Path

import yaml
from sqlmodel import select

from slabot.config.runtime import Runtime
from slabot.devtools.console import HELP, Console, run_console
from slabot.devtools.console_requests import CONSOLE_CHANNEL, CONSOLE_USER
from slabot.devtools.console_shortcuts import SHORTCUTS, parse_shortcut
from slabot.devtools.localslack import LocalSlack
from slabot.render.ids import CallbackId
from storage.models.incidents import Incident, IncidentStatus

ROOT = Path(__file__).resolve().parents[2]
NAME_MAX, DESCRIPTION_MAX = 24, 150  # Slack refuses a manifest whose shortcut names or descriptions are longer


def console(runtime: Runtime, script: str) -> str:
    out = io.StringIO()
    assert run_console(runtime, io.StringIO(script), out, interactive=False) == 0
    text = out.getvalue()
    assert "Traceback" not in text and "Slack refused" not in text and "Slack would have shown an error" not in text
    return text


def after(text: str, line: str) -> str:
    """What the console printed for `line` (up to the next line typed)."""
    return text.split(f"> {line}\n", 1)[1].split("\n> ", 1)[0]


def incidents(runtime: Runtime) -> list[Incident]:
    with runtime.db.session() as session:
        return list(session.exec(select(Incident).order_by(Incident.id)).all())


def test_the_global_shortcut_opens_the_declare_form_filled_in_with_submit(runtime: Runtime) -> None:
    text = console(
        runtime,
        "/sla service add checkout channel=C0CHECK\n"
        "shortcut declare INCIDENT\n"
        "submit service=checkout severity=sev2\n"
        'submit service=checkout title="Payments fail" severity=sev2 started=10m\n',
    )
    opened = after(text, "shortcut declare INCIDENT")
    assert opened.startswith("[you ran the shortcut Declare incident]")
    assert "[modal opened" in opened and "┌ Declare incident" in opened
    assert "• Service [incident_service] (pick one)\n    options: checkout" in opened and "[Open] [Cancel]" in opened
    refused = after(text, "submit service=checkout severity=sev2")
    assert "[modal not submitted" in refused and "⚠️ Title: Give the incident a title" in refused
    done = after(text, 'submit service=checkout title="Payments fail" severity=sev2 started=10m')
    assert "[modal updated" in done and "Opened incident #1 sev2: Payments fail on checkout." in done
    assert "[#C0CHECK · slabot · ts" in done and "[Acknowledge] [Resolve]" in done
    (incident,) = incidents(runtime)
    assert (incident.title, incident.severity, incident.source_ts) == ("Payments fail", 2, None)


def test_the_message_shortcut_runs_on_text_said_in_the_channel_or_on_a_message_by_its_ts(runtime: Runtime) -> None:
    out = io.StringIO()
    with LocalSlack() as slack:
        shell = Console(runtime, slack, out)
        shell.handle("/sla service add checkout channel=C0CHECK")
        shell.shortcut("Incident from message")
        assert f"No message in #{CONSOLE_CHANNEL} yet to run it on." in out.getvalue()
        shell.shortcut("Incident from message Checkout   is throwing 500s")
        (said,) = slack.messages(CONSOLE_CHANNEL)
        assert (said["text"], said["user"]) == ("Checkout is throwing 500s", CONSOLE_USER)
        ran = out.getvalue().rsplit(f"[#{CONSOLE_CHANNEL} · you · ts {said['ts']}]\nCheckout is throwing 500s", 1)[1]
        assert f"[you ran the shortcut Incident from message on message {said['ts']} in #{CONSOLE_CHANNEL}]" in ran
        assert "• Title [incident_title] (text)\n    = Checkout is throwing 500s" in ran
        shell.submit("service=checkout severity=sev1")
        assert "Opened incident #1 sev1: Checkout is throwing 500s on checkout." in out.getvalue()
        (incident,) = incidents(runtime)
        assert (incident.source_channel_id, incident.source_ts) == (CONSOLE_CHANNEL, said["ts"])
        assert "Opened from" in json.dumps(announcement_of(slack))

        shell.shortcut(f"incident_from_message {said['ts']}")  # by its ts (and by its callback_id)
        again = out.getvalue().rsplit("[you ran the shortcut", 1)[1]
        assert "┌ Declare incident" in again and "= Checkout is throwing 500s" in again
        assert len(slack.messages(CONSOLE_CHANNEL)) == 1  # nothing said again
        shell.shortcut("Incident from message 1.5")
        usage = "shortcut Incident from message <text or ts>"
        assert out.getvalue().endswith(f"No message has the ts 1.5. Give the message's text instead: {usage}\n\n")


def announcement_of(slack: LocalSlack) -> dict[str, object]:
    return next(m for m in slack.messages("C0CHECK") if m.get("bot_id"))


def test_unknown_shortcuts_and_the_help_name_the_shortcuts(runtime: Runtime) -> None:
    text = console(runtime, "shortcut Open a ticket\nhello\n")
    assert (
        "No shortcut named 'Open a ticket'. The shortcuts: shortcut Declare incident; "
        "shortcut Incident from message <text or ts>." in text
    )
    assert "`shortcut <name>` (shortcut Declare incident; shortcut Incident from message <text or ts>)" in HELP
    assert HELP in text and "`shortcut <name>` runs a shortcut" in text  # the help, and the banner
    assert parse_shortcut("Incident from message  hi there") == (SHORTCUTS[1], "hi there")


def test_the_resolve_buttons_open_the_resolve_form_in_the_console(runtime: Runtime) -> None:
    text = console(
        runtime,
        "/sla service add checkout channel=C0CHECK\n"
        "/incident open checkout sev2 Payments fail started=1h\n"
        "/incident open checkout sev3 Search slow started=1h\n"
        "click Resolve\n"
        "submit resolved=2999-01-01T00:00\n"
        "submit resolved=2026-11-21T11:45\n"
        "home\n"
        "click Resolve\n"
        "submit\n",
    )
    form = after(text, "click Resolve")
    assert "┌ Resolve incident" in form and "*#2 sev3: Search slow* on *checkout*" in form
    assert "• Resolved at [resolved] (date and time, like 2026-12-01T09:30)" in form and "[Resolve] [Cancel]" in form
    assert "⚠️ Resolved at: resolved= is in the future" in after(text, "submit resolved=2999-01-01T00:00")
    told = after(text, "submit resolved=2026-11-21T11:45")
    assert "[Resolve incident submitted and closed]" in told
    assert "only @U0CONSOLE can see this]\n✅ Resolved incident #2 sev3: Search slow on checkout." in told
    home = text.rsplit("> submit\n", 1)[1]
    assert "[your Home tab · slabot · click <button>]\n✅ Resolved incident #1 sev2: Payments fail" in home
    assert [i.status for i in incidents(runtime)] == [IncidentStatus.RESOLVED, IncidentStatus.RESOLVED]


def test_the_console_runs_the_shortcuts_the_manifest_declares_within_slacks_limits() -> None:
    declared = yaml.safe_load((ROOT / "manifest.yml").read_text())["features"]["shortcuts"]
    assert {(s["name"], s["callback_id"], s["type"]) for s in declared} == {
        (s.name, s.callback_id, "message" if s.on_message else "global") for s in SHORTCUTS
    }
    assert {s["callback_id"] for s in declared} == {
        CallbackId.SHORTCUT_DECLARE_INCIDENT,
        CallbackId.SHORTCUT_INCIDENT_FROM_MESSAGE,
    }
    assert [s["name"] for s in declared if len(s["name"]) > NAME_MAX] == []
    assert [s["description"] for s in declared if len(s["description"]) > DESCRIPTION_MAX] == []
