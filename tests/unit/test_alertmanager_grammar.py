"""Alertmanager's webhook grammar and the settings that map its labels: Go's times, the zero end, the severity map, the
alert channel."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from slabot.config.settings import ConfigError, load_settings
from slabot.sources.alertmanager import WebhookRefused, parse_severities, parse_time


def test_go_times_keep_microseconds_and_the_zero_time_is_no_end() -> None:
    assert parse_time("2026-11-21T11:50:00.123456789Z", "t") == datetime(2026, 11, 21, 11, 50, 0, 123456, tzinfo=UTC)
    assert parse_time("2026-11-21T12:50:00.5+01:00", "t") == datetime(2026, 11, 21, 11, 50, 0, 500000, tzinfo=UTC)
    assert parse_time("0001-01-01T00:00:00Z", "t") is None
    with pytest.raises(WebhookRefused, match="t must be an RFC 3339 time"):
        parse_time("2026-11-21 11:50", "t")


def test_the_severity_map_and_the_service_label_are_checked_at_start_up() -> None:
    assert parse_severities("Critical=1, page=sev2") == {"critical": 1, "page": 2}
    assert parse_severities("critical=5") == "'critical=5' is not value=1..4"
    settings = load_settings({"SLABOT_ALERT_SEVERITIES": "p1=1", "SLABOT_ALERT_SERVICE_LABEL": "app"}, mode="console")
    assert (settings.alert_severities, settings.alert_service_label) == ((("p1", 1),), "app")
    with pytest.raises(ConfigError, match="SLABOT_ALERT_SEVERITIES must be like"):
        load_settings({"SLABOT_ALERT_SEVERITIES": "p1=1,p1=2"}, mode="console")
    with pytest.raises(ConfigError, match="SLABOT_ALERT_SERVICE_LABEL must be a Prometheus label name"):
        load_settings({"SLABOT_ALERT_SERVICE_LABEL": "my-label"}, mode="console")


@pytest.mark.parametrize("value", ["#alerts", "alerts", "U0123ABCD", "c0123abcd", "C0", "C" + "0" * 40])
def test_a_bad_alert_channel_stops_start_up_naming_the_variable(value: str) -> None:
    with pytest.raises(ConfigError, match="SLABOT_ALERT_CHANNEL must be a Slack channel ID like C0123ABCD"):
        load_settings({"SLABOT_ALERT_CHANNEL": value}, mode="console")


def test_the_alert_channel_is_read_and_optional() -> None:
    assert load_settings({"SLABOT_ALERT_CHANNEL": " C0ALERTS "}, mode="console").alert_channel == "C0ALERTS"
    assert load_settings({"SLABOT_ALERT_CHANNEL": "G0PRIVATE"}, mode="console").alert_channel == "G0PRIVATE"
    assert load_settings({}, mode="console").alert_channel is None
