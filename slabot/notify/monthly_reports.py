"""A monthly report (or daily summary) as outbox rows, in the channel's language: its message under digest:{run},
its PDF under digest:{run}:pdf and its CSV under digest:{run}:csv, uploaded to the channel as
slabot-{run}-report-<period>.pdf|csv (unique in the channel, so an upload whose answer was lost is found there).

Keys name the run, so a run written twice (a retried or taken-over run) posts and uploads nothing twice. Every
part is rendered (the PDF drawn) before the first row is written: the transaction that finishes the run holds
its locks only for the inserts.
"""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from slabot.notify import outbox
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.render.monthly import monthly_message
from slabot.render.monthly_csv import csv_file
from slabot.render.monthly_daily import daily_message
from slabot.render.monthly_files import ReportFile
from slabot.render.monthly_pdf import pdf_file
from slabot.render.reply import Reply
from slabot.reports.monthly_events import ReportReady
from storage.models.reports import ReportFormat, ReportPeriod


def message_key(run_id: int) -> str:
    return f"digest:{run_id}"


def file_key(run_id: int, extension: str) -> str:
    return f"digest:{run_id}:{extension}"


def write_report(session: Session, event: ReportReady, at: RowContext) -> Written:
    run, channel, report = event.run_id, event.channel_id, event.report
    locale = at.language(session, channel)
    message: Reply | None = None
    if ReportFormat.SLACK in event.formats:
        daily = report.period.kind == ReportPeriod.DAY
        message = daily_message(report, locale=locale) if daily else monthly_message(report, locale=locale)
    files: list[tuple[str, ReportFile]] = []
    if ReportFormat.PDF in event.formats:
        files.append(("pdf", pdf_file(report, locale=locale)))
    if ReportFormat.CSV in event.formats:
        files.append(("csv", csv_file(report, locale=locale)))
    written: Written = []
    if message is not None:
        outbox.post(session, message_key(run), channel, message, at.now)
        written.append((message_key(run), channel))
    for extension, file in files:
        key = file_key(run, extension)
        outbox.upload(session, key, channel, replace(file, filename=f"slabot-{run}-{file.filename}"), at.now)
        written.append((key, channel))
    return written


WRITERS: dict[type, Writer] = {ReportReady: write_report}
