"""The app's shortcuts as the console runs them: each one's name (as manifest.yml declares it), its callback_id
and whether it runs on a message, and a typed `shortcut <name> [text or ts]` read into the shortcut and the rest.

A message shortcut runs on the message whose ts is given (in any channel), or on the text given, posted first
as the console user's message in the console's channel; with neither, on the newest message there. The names are
the manifest's (Slack shows them so in every language), typed as they are; what the console says of them is in
the console person's language."""

from __future__ import annotations

import re
from dataclasses import dataclass

from slabot.core.i18n import t
from slabot.render.ids import CallbackId

TS = re.compile(r"[0-9]{1,12}\.[0-9]{1,8}")


@dataclass(frozen=True)
class Shortcut:
    name: str
    callback_id: str
    on_message: bool

    @property
    def usage(self) -> str:
        return f"shortcut {self.name} <text or ts>" if self.on_message else f"shortcut {self.name}"


SHORTCUTS = (
    Shortcut("Declare incident", CallbackId.SHORTCUT_DECLARE_INCIDENT, on_message=False),
    Shortcut("Incident from message", CallbackId.SHORTCUT_INCIDENT_FROM_MESSAGE, on_message=True),
)


def listing() -> str:
    return "; ".join(shortcut.usage for shortcut in SHORTCUTS)


def parse_shortcut(text: str) -> tuple[Shortcut, str]:
    """The shortcut `text` starts with (its name in any case, or its callback_id) and what follows it; a ValueError
    (its Message reads in any language) listing the shortcuts when it names none."""
    typed = " ".join(text.split())
    for shortcut in sorted(SHORTCUTS, key=lambda s: -len(s.name)):
        for name in (shortcut.name, shortcut.callback_id):
            head, rest = typed[: len(name)], typed[len(name) :]
            if head.lower() == name.lower() and (not rest or rest.startswith(" ")):
                return shortcut, rest.strip()
    if typed:
        raise ValueError(t("No shortcut named {name!r}. The shortcuts: {shortcuts}.", name=typed, shortcuts=listing()))
    raise ValueError(t("Name the shortcut to run. The shortcuts: {shortcuts}.", shortcuts=listing()))
