"""An OpenSLO export as an outbox upload: the YAML file `slabot-openslo-<what>-<time>.yaml` in the channel
that asked, under `openslo-export:{channel}:{user}:{epoch}`.

Not among the notifier's event writers: it is a file, not a message, and only the command that asked queues it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from slabot.core.i18n import tr
from slabot.notify import outbox
from slabot.notify.outbox import RowContext, Writer, Written
from slabot.render.openslo import openslo_yaml
from slabot.sources.openslo_export import ExportRequested


@dataclass(frozen=True)
class YamlFile:
    filename: str
    title: str
    alt_text: str
    png: bytes  # the outbox's name for a file's bytes


def queue_export(session: Session, event: ExportRequested, at: RowContext) -> Written:
    stamp = event.at.strftime("%Y%m%dT%H%M%SZ")
    what = event.service_name or "catalogue"
    text = openslo_yaml(event.catalogue, at.zone.key)
    locale = at.language(session, event.channel_id)
    if event.service_name:
        title = tr(locale, "OpenSLO export of {service}", service=event.service_name)
    else:
        title = tr(locale, "OpenSLO export of the service catalogue")
    file = YamlFile(f"slabot-openslo-{what}-{stamp}.yaml", title, "", text.encode("utf-8"))
    key = f"openslo-export:{event.channel_id}:{event.requested_by}:{int(event.at.timestamp())}"
    outbox.upload(session, key, event.channel_id, file, at.now)
    return [(key, event.channel_id)]


WRITERS: dict[type, Writer] = {ExportRequested: queue_export}
