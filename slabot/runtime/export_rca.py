"""`python bot.py export-rca <id> [--language zh|en]`: an incident's postmortem written as Markdown to a file or
stdout, in the language asked for (English unless told)."""

from __future__ import annotations

from typing import TextIO

from slabot.config.runtime import Runtime
from slabot.core.errors import NotFound
from slabot.rca.postmortem import gather_postmortem
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.postmortem import postmortem_markdown
from slabot.runtime.cli_output import write_output


def default_output(incident_id: int) -> str:
    return f"postmortem-incident-{incident_id}.md"


def run_export(
    runtime: Runtime,
    incident_id: int,
    output: str | None,
    out: TextIO,
    err: TextIO,
    locale: Locale = DEFAULT_LOCALE,
) -> int:
    """Write the postmortem in `locale` to `output` (`-` for `out`); exit 1 for an unknown incident, 2 when it
    cannot be written."""
    zone, now = runtime.settings.timezone, runtime.now()
    try:
        with runtime.db.session() as session:
            postmortem = gather_postmortem(session, incident_id, zone, now)
            markdown = postmortem_markdown(postmortem, zone, locale=locale)
    except NotFound as error:
        print(f"slabot: {error.text(locale)}", file=err)
        return 1
    return write_output(markdown, output or default_output(incident_id), out, err)
