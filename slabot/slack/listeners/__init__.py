"""Every listener of the app, registered here and nowhere else."""

from __future__ import annotations

from slack_bolt import App

from slabot.config.runtime import Runtime
from slabot.notify.notifier import Notifier
from slabot.slack.listeners import (
    alerts,
    commands,
    forms,
    home,
    incidents,
    mentions,
    rca,
    satisfaction,
    settings_forms,
    status,
)


def register(app: App, runtime: Runtime, notifier: Notifier) -> None:
    commands.register(app, runtime, notifier)
    mentions.register(app, notifier.readers)
    alerts.register(app, runtime, notifier)
    rca.register(app, runtime, notifier)
    satisfaction.register(app, runtime, notifier)
    home.register(app, runtime, notifier)
    forms.register(app, runtime, notifier)
    settings_forms.register(app, runtime, notifier)
    incidents.register(app, runtime, notifier)
    status.register(app, runtime, notifier)
