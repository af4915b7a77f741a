"""The error a local Web API method answers with: Slack's `{"ok": false, "error": ...}`, and for a refused
argument the `response_metadata.messages` that say which part of it (``[ERROR] ... [json-pointer:/view/...]``)."""

from __future__ import annotations

from collections.abc import Iterable


class SlackError(Exception):
    """A Web API method failed; Slack answers HTTP 200 with {"ok": false, "error": error} and, when
    `messages` are given, {"response_metadata": {"messages": messages}}."""

    def __init__(self, error: str, messages: Iterable[str] = ()) -> None:
        self.messages = list(messages)
        super().__init__("; ".join([error, *self.messages]))
        self.error = error
