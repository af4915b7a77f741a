"""Which objective an Edit objective form changes: its service, name and source, kept in the form's
private_metadata beside its origin and shown at the top of the form, fixed (they are not inputs)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace

from slack_sdk.models.blocks import Block

from slabot.core.i18n import Locale, tr
from slabot.render.reply import context, escape, section
from slabot.slack.modals.form_inputs import FormOrigin

SOURCES = ("incidents", "events", "prometheus")


@dataclass(frozen=True)
class Editing:
    """The objective edited, as the form shows it."""

    service: str
    name: str
    source: str  # incidents, events or prometheus (pulled)

    @property
    def ref(self) -> str:
        return f"{self.service}/{self.name}"

    def dumps(self, origin: FormOrigin) -> str:
        """The form's private_metadata: its origin, editing this objective, and the objective's source."""
        data = {**asdict(replace(origin, editing=self.ref)), "source": self.source}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def loads(cls, text: object) -> Editing | None:
        """The objective a form's private_metadata says it edits; None for a New objective form."""
        service, slash, name = FormOrigin.loads(text).editing.partition("/")
        if not slash:
            return None
        try:
            data = json.loads(str(text))
        except ValueError:
            data = {}
        source = str(data.get("source") or "") if isinstance(data, dict) else ""
        return cls(service, name, source if source in SOURCES else "events")


def fixed_blocks(editing: Editing, source_label: str, locale: Locale) -> list[Block]:
    """What an edit cannot change, shown above the inputs, and how to change it anyway (`source_label` is in
    `locale` already)."""
    ref = escape(editing.ref)
    return [
        section(tr(locale, "*{ref}* · from {source}", ref=ref, source=escape(source_label))),
        context(
            tr(locale, "Its service, name and source (with any Prometheus queries) stay as defined: to change them, "
               "delete it with /sla delete {ref} and define it again with /sla define.", ref=ref)
        ),
    ]  # fmt: skip
