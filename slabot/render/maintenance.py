"""/sla maintenance: the windows excluded from a service's objectives."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from slabot.core.i18n import tn, tr
from slabot.core.timefmt import format_when
from slabot.render.locale import DEFAULT_LOCALE, Locale
from slabot.render.reply import Reply, context, escape, header, section, with_more
from storage.models.catalog import MaintenanceWindow, Objective, Service


def _where(service: Service, objective: Objective | None, locale: Locale) -> str:
    if objective:
        return f"{service.name}/{objective.name}"
    return tr(locale, "{service} (all objectives)", service=service.name)


def maintenance_line(
    window: MaintenanceWindow,
    service: Service,
    objective: Objective | None,
    zone: ZoneInfo,
    locale: Locale = DEFAULT_LOCALE,
) -> str:
    reason = f" · {escape(window.reason)}" if window.reason else ""
    starts, ends = format_when(window.starts_at, zone, locale=locale), format_when(window.ends_at, zone, locale=locale)
    return f"#{window.id} *{_where(service, objective, locale)}* {starts} → {ends}{reason}"


def maintenance_added(
    window: MaintenanceWindow,
    service: Service,
    objective: Objective | None,
    zone: ZoneInfo,
    *,
    locale: Locale,
) -> Reply:
    line = maintenance_line(window, service, objective, zone, locale)
    text = tr(locale, ":construction: Maintenance {window}", window=line)
    return Reply(text=text, blocks=[section(text), context(tr(locale, "Neither good nor bad counts in this span."))])


def maintenance_list(
    rows: Sequence[tuple[MaintenanceWindow, Service, Objective | None]], zone: ZoneInfo, *, locale: Locale
) -> Reply:
    if not rows:
        text = tr(locale, "No maintenance windows. Add one with /sla maintenance add <service> start=… end=…")
        return Reply(text=text, blocks=[section(escape(text))])
    lines = [section(maintenance_line(w, s, o, zone, locale)) for w, s, o in rows]
    blocks = with_more(
        [header(tr(locale, "Maintenance windows ({n})", n=len(rows)))],
        lines,
        lambda n: tn(locale, "…and {n} more window", "…and {n} more windows", n),
    )
    listed = "; ".join(f"#{w.id} {_where(s, o, locale)}" for w, s, o in rows)
    text = tr(locale, "Maintenance windows: {windows}", windows=listed)
    return Reply(text=text, blocks=blocks)


def maintenance_removed(window: MaintenanceWindow, *, locale: Locale) -> Reply:
    text = tr(locale, ":wastebasket: Removed maintenance window #{id}.", id=window.id)
    return Reply(text=text, blocks=[section(text)])
