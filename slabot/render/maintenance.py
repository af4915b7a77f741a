"""/sla maintenance: the windows excluded from a service's objectives."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from slabot.core.timefmt import format_when
from slabot.render.locale import Locale
from slabot.render.reply import Reply, context, escape, header, section, with_more
from storage.models.catalog import MaintenanceWindow, Objective, Service


def _where(service: Service, objective: Objective | None) -> str:
    return f"{service.name}/{objective.name}" if objective else f"{service.name} (all objectives)"


def maintenance_line(window: MaintenanceWindow, service: Service, objective: Objective | None, zone: ZoneInfo) -> str:
    reason = f" · {escape(window.reason)}" if window.reason else ""
    return (
        f"#{window.id} *{_where(service, objective)}* {format_when(window.starts_at, zone)} → "
        f"{format_when(window.ends_at, zone)}{reason}"
    )


def maintenance_added(
    window: MaintenanceWindow,
    service: Service,
    objective: Objective | None,
    zone: ZoneInfo,
    *,
    locale: Locale,
) -> Reply:
    text = f":construction: Maintenance {maintenance_line(window, service, objective, zone)}"
    return Reply(text=text, blocks=[section(text), context("Neither good nor bad counts in this span.")])


def maintenance_list(
    rows: Sequence[tuple[MaintenanceWindow, Service, Objective | None]], zone: ZoneInfo, *, locale: Locale
) -> Reply:
    if not rows:
        text = "No maintenance windows. Add one with /sla maintenance add <service> start=… end=…"
        return Reply(text=text, blocks=[section(escape(text))])
    lines = [section(maintenance_line(w, s, o, zone)) for w, s, o in rows]
    blocks = with_more([header(f"Maintenance windows ({len(rows)})")], lines, "windows")
    text = "Maintenance windows: " + "; ".join(f"#{w.id} {_where(s, o)}" for w, s, o in rows)
    return Reply(text=text, blocks=blocks)


def maintenance_removed(window: MaintenanceWindow, *, locale: Locale) -> Reply:
    text = f":wastebasket: Removed maintenance window #{window.id}."
    return Reply(text=text, blocks=[section(text)])
