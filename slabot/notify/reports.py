"""A digest as outbox rows: its message under digest:{run}, and each of its charts as an upload in that
message's thread under digest:{run}:chart:{n}, named slabot-digest-{run}-{chart}.png (unique in the channel,
so an upload whose answer was lost can be found there), all in the channel's language.

The writer renders the message and draws the charts before it writes its first row, so the transaction
that finishes the run holds its locks (on SQLite, the whole database) only for the inserts.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from slabot.notify import monthly_reports, outbox
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.render.charts.digest import digest_charts
from slabot.render.digest import digest_message
from slabot.reports.events import DigestReady


def message_key(run_id: int) -> str:
    return f"digest:{run_id}"


def chart_key(run_id: int, index: int) -> str:
    return f"digest:{run_id}:chart:{index}"


def chart_filename(run_id: int, filename: str) -> str:
    return f"slabot-digest-{run_id}-{filename}"


def write_digest(session: Session, event: DigestReady, at: RowContext) -> Written:
    run, channel = event.run_id, event.channel_id
    locale = at.language(session, channel)  # the channel's language, and so its thread's
    message = digest_message(event.report, locale=locale)
    charts = [replace(c, filename=chart_filename(run, c.filename)) for c in digest_charts(event.report, locale=locale)]
    parent = message_key(run)
    outbox.post(session, parent, channel, message, at.now)
    written = [(parent, channel)]
    for index, chart in enumerate(charts, start=1):
        key = chart_key(run, index)
        outbox.upload(session, key, channel, chart, at.now, parent_key=parent)
        written.append((key, channel))
    return written


WRITERS: dict[type, Writer] = {DigestReady: write_digest, **monthly_reports.WRITERS}  # and the monthly report
