"""Where an error in any listener meets the person: a UserError becomes a short reply only they see (with the
usage of the command they typed); anything else is logged with a reference they can quote. Never a trace.

Every listener is wrapped in `guarded` when it is registered. (Bolt's own error handler is not used for this:
an error raised after ack() makes Bolt forget the ack, and Slack would be answered 404.)"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

from slabot.core.errors import UserError
from slabot.render.reply import Reply, error_reply

log = logging.getLogger("slabot.slack")
Listener = Callable[..., Any]


def reply_for(error: Exception, what: str) -> Reply:
    """The reply for an error in handling `what` (logged with a reference unless it is the user's)."""
    if isinstance(error, UserError):
        return error_reply(error.message, error.usage)
    ref = uuid.uuid4().hex[:8]
    log.error("%s failed (ref %s)", what, ref, exc_info=error)
    return error_reply(f"Something went wrong on slabot's side (ref {ref}); it has been logged. Please try again.")


def _what(kwargs: dict[str, Any], name: str) -> str:
    body = kwargs.get("body") or {}
    command = kwargs.get("command") or {}
    if command:
        return f"{command.get('command')} {command.get('text', '')!r}"
    return f"{name} ({body.get('type') or 'request'})"


def guarded(listener: Listener) -> Listener:
    """The listener, with whatever it raises told to the person (through respond, when the listener takes it
    and the request has a response_url) or logged. Bolt injects arguments by the listener's own parameter
    names (it looks through the wrapper), so a listener that can be answered takes `respond`."""

    @functools.wraps(listener)
    def run(**kwargs: Any) -> Any:
        try:
            return listener(**kwargs)
        except Exception as error:
            reply = reply_for(error, _what(kwargs, listener.__name__))
            respond = kwargs.get("respond")
            if respond is not None and getattr(respond, "response_url", None):
                try:
                    respond(replace_original=False, **reply.for_respond())
                except Exception:
                    log.exception("could not tell the user about an error in %s", listener.__name__)
            return None

    return run
