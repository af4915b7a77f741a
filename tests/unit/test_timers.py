"""Timer math: elapsed working time, pauses, stopping on acknowledge/resolve, crossings, due times, defaults."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from slabot.core.business_time import AlwaysOn, BusinessCalendar, parse_hours, target_seconds
from slabot.incidents.timers import DEFAULT_TARGETS, TargetSpec, builtin_calendar, pauses_from, timer_state
from storage.models.incidents import IncidentEvent, IncidentEventKind, SlaTimerKind

UTC_ZONE = ZoneInfo("UTC")
ALWAYS = AlwaysOn(UTC_ZONE)
START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # a Friday
RESPONSE, RESOLUTION = SlaTimerKind.RESPONSE, SlaTimerKind.RESOLUTION


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def event(kind: IncidentEventKind, minutes: float, event_id: int = 0) -> IncidentEvent:
    return IncidentEvent(id=event_id, incident_id=1, kind=kind.value, at=at(minutes), actor="U0ALICE")


def test_a_running_timer_before_its_first_warning() -> None:
    state = timer_state(RESPONSE, START, None, [], 900, ALWAYS, at(5))
    assert (state.elapsed_seconds, state.left_seconds, state.percent) == (300, 600, Fraction(1, 3))
    assert state.due_at == at(15) and state.crossings == {}
    assert not (state.stopped or state.paused or state.breached)
    assert (state.kind, state.target_seconds, state.calendar, state.zone) == (RESPONSE, 900, "24x7", UTC_ZONE)


def test_crossings_are_the_instants_each_level_was_reached() -> None:
    state = timer_state(RESPONSE, START, None, [], 900, ALWAYS, at(12))
    assert state.crossings == {50: at(7.5), 75: at(11.25)}
    assert not state.breached and state.left_seconds == 180
    late = timer_state(RESPONSE, START, None, [], 900, ALWAYS, at(20))
    assert late.crossings == {50: at(7.5), 75: at(11.25), 100: at(15)}
    assert late.breached and late.due_at == at(15) and late.left_seconds == -300
    assert late.percent == Fraction(4, 3)
    exactly = timer_state(RESPONSE, START, None, [], 900, ALWAYS, at(15))
    assert exactly.breached and exactly.left_seconds == 0 and exactly.crossings[100] == at(15)


def test_odd_targets_cross_a_level_once_it_is_fully_reached() -> None:
    state = timer_state(RESPONSE, START, None, [], 3, ALWAYS, at(1))
    # 50% of 3s is 1.5s: crossed at 2s, when elapsed/target >= 50%; 75% (2.25s) at 3s
    assert state.crossings == {50: START + timedelta(seconds=2), 75: at(0.05), 100: at(0.05)}


def test_pauses_do_not_count() -> None:
    pauses = [(at(5), at(25))]
    state = timer_state(RESPONSE, START, None, pauses, 900, ALWAYS, at(30))
    assert state.elapsed_seconds == 600 and state.due_at == at(35) and not state.paused
    assert state.crossings == {50: at(27.5)}
    later = timer_state(RESPONSE, START, None, pauses, 900, ALWAYS, at(36))
    assert later.breached and later.crossings[100] == at(35) and later.due_at == at(35)


def test_while_paused_there_is_no_due_time_unless_already_breached() -> None:
    open_pause = [(at(5), None)]
    state = timer_state(RESPONSE, START, None, open_pause, 900, ALWAYS, at(60))
    assert state.paused and state.elapsed_seconds == 300 and state.due_at is None and not state.breached
    assert state.crossings == {}
    late_pause = [(at(20), None)]
    late = timer_state(RESPONSE, START, None, late_pause, 900, ALWAYS, at(60))
    assert late.paused and late.breached and late.due_at == at(15) and late.elapsed_seconds == 1200


def test_stops_on_acknowledge_and_keeps_its_figures() -> None:
    met = timer_state(RESPONSE, START, at(12), [], 900, ALWAYS, at(120))
    assert met.stopped and not met.breached and met.elapsed_seconds == 720
    assert met.crossings == {50: at(7.5), 75: at(11.25)}
    assert met.due_at == at(15)  # when it would have been due
    missed = timer_state(RESPONSE, START, at(20), [], 900, ALWAYS, at(120))
    assert missed.stopped and missed.breached and missed.left_seconds == -300 and missed.due_at == at(15)
    not_yet = timer_state(RESPONSE, START, at(20), [], 900, ALWAYS, at(10))  # the stop is after now
    assert not not_yet.stopped and not_yet.elapsed_seconds == 600


def test_resolving_ends_a_pause() -> None:
    timeline = [
        event(IncidentEventKind.OPENED, 0, 1),
        event(IncidentEventKind.PAUSED, 10, 2),
        event(IncidentEventKind.ACKNOWLEDGED, 40, 3),
        event(IncidentEventKind.RESOLVED, 40, 4),
    ]
    pauses = pauses_from(timeline)
    assert pauses == [(at(10), at(40))]
    state = timer_state(RESOLUTION, START, at(40), pauses, 4 * 3600, ALWAYS, at(90))
    assert state.stopped and not state.paused and state.elapsed_seconds == 600


def test_pauses_from_the_timeline() -> None:
    timeline = [
        event(IncidentEventKind.OPENED, 0, 1),
        event(IncidentEventKind.PAUSED, 5, 2),
        event(IncidentEventKind.PAUSED, 6, 3),  # a second pause while paused changes nothing
        event(IncidentEventKind.RESUMED, 25, 4),
        event(IncidentEventKind.RESUMED, 26, 5),  # nor a resume while running
        event(IncidentEventKind.ACKNOWLEDGED, 30, 6),
        event(IncidentEventKind.PAUSED, 40, 7),
    ]
    assert pauses_from(reversed(timeline)) == [(at(5), at(25)), (at(40), None)]
    assert pauses_from([]) == []


def test_business_hours_timer_waits_for_the_working_day() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    office = BusinessCalendar("business", berlin, parse_hours("mon-fri 09:00-17:00"))
    opened = datetime(2026, 11, 20, 16, 0, tzinfo=berlin)  # Friday 16:00
    saturday = datetime(2026, 11, 21, 12, 0, tzinfo=berlin)
    state = timer_state(RESPONSE, opened, None, [], target_seconds("4h", office), office, saturday)
    assert state.elapsed_seconds == 3600 and state.left_seconds == 3 * 3600
    assert state.due_at == datetime(2026, 11, 23, 12, 0, tzinfo=berlin)
    assert state.crossings == {}
    monday = datetime(2026, 11, 23, 11, 0, tzinfo=berlin)
    later = timer_state(RESPONSE, opened, None, [], target_seconds("4h", office), office, monday)
    assert later.crossings == {
        50: datetime(2026, 11, 23, 10, 0, tzinfo=berlin),
        75: datetime(2026, 11, 23, 11, 0, tzinfo=berlin),
    }
    assert later.calendar == "business" and later.zone == berlin
    resolution = timer_state(RESOLUTION, opened, None, [], target_seconds("3d", office), office, monday)
    assert resolution.due_at == datetime(2026, 11, 25, 16, 0, tzinfo=berlin)  # 24 working hours


def test_a_pause_over_the_weekend_changes_nothing_on_business_hours() -> None:
    office = BusinessCalendar("business", UTC_ZONE, parse_hours("mon-fri 09:00-17:00"))
    opened = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
    pauses = [(datetime(2026, 11, 20, 18, 0, tzinfo=UTC), datetime(2026, 11, 22, 20, 0, tzinfo=UTC))]
    now = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    with_pause = timer_state(RESOLUTION, opened, None, pauses, 8 * 3600, office, now)
    without = timer_state(RESOLUTION, opened, None, [], 8 * 3600, office, now)
    assert with_pause == without and with_pause.elapsed_seconds == 2 * 3600


def test_a_zero_target_is_refused() -> None:
    with pytest.raises(ValueError, match="longer than zero"):
        timer_state(RESPONSE, START, None, [], 0, ALWAYS, at(1))


def test_defaults_are_the_domain_ones() -> None:
    expected = {
        1: TargetSpec(1, "15m", "4h", "24x7"),
        2: TargetSpec(2, "30m", "8h", "24x7"),
        3: TargetSpec(3, "4h", "3d", "business"),
        4: TargetSpec(4, "1d", "10d", "business"),
    }
    assert expected == DEFAULT_TARGETS
    zone = ZoneInfo("Asia/Tokyo")
    business = builtin_calendar("business", zone)
    assert isinstance(business, BusinessCalendar) and business.zone == zone
    assert business.hours.format() == "mon-fri 09:00-17:00" and business.country is None
    assert target_seconds(DEFAULT_TARGETS[3].resolution, business) == 24 * 3600
    assert target_seconds(DEFAULT_TARGETS[4].response, business) == 8 * 3600
    assert target_seconds(DEFAULT_TARGETS[4].resolution, business) == 80 * 3600
    always = builtin_calendar("24x7", zone)
    assert isinstance(always, AlwaysOn) and target_seconds(DEFAULT_TARGETS[1].resolution, always) == 4 * 3600
    assert builtin_calendar("cn-office", zone) is None
    assert DEFAULT_TARGETS[3].text(RESPONSE) == "4h" and DEFAULT_TARGETS[3].text(RESOLUTION) == "3d"
