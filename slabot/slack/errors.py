"""Where an error in any listener meets the person: a UserError becomes a short reply only they see (with the
usage of the command they typed); the database being out of reach is told plainly (nothing was changed, try
again); anything else is logged with a reference they can quote. Never a trace. An Events API event that could
not be recorded because the database is out of reach is not acknowledged as handled: Slack is answered 503
and retries it (with the same event_id, recorded once).

Every listener is wrapped in `guarded` when it is registered. (Bolt's own error handler is not used for this:
an error raised after ack() makes Bolt forget the ack, and Slack would be answered 404.)"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from slabot.core.errors import UserError
from slabot.render.reply import Reply, error_reply, outage_reply
from storage.db import is_unreachable

log = logging.getLogger("slabot.slack")
Listener = Callable[..., Any]


def reply_for(error: Exception, what: str) -> Reply:
    """The reply for an error in handling `what` (logged with a reference unless it is the user's)."""
    if isinstance(error, UserError):
        return error_reply(error.message, error.usage)
    if is_unreachable(error):
        log.warning("%s failed: the database cannot be reached (%s)", what, _first_line(error))
        return outage_reply()
    ref = uuid.uuid4().hex[:8]
    log.error("%s failed (ref %s)", what, ref, exc_info=error)
    return error_reply(f"Something went wrong on slabot's side (ref {ref}); it has been logged. Please try again.")


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


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


UNREACHABLE_STATUS = 503
# The key in Bolt's context under which `recorded_before_ack` leaves what the work returned for the listener.
RECORDED = "slabot_recorded"


def recorded_before_ack(work: Callable[[dict[str, Any], BoltContext], Any]) -> Callable[..., Any]:
    """A listener middleware for an Events API listener: `work(body, context)` (the transaction that records the
    event and its effects) runs in the request thread, before Bolt acknowledges the event. Its result is left in
    context[RECORDED] for the listener, which runs after the ack (delivery and other slow parts).

    When the database cannot be reached, the listener does not run and Slack is answered 503, so it sends the
    event again later. Any other error is logged (with a reference) and acknowledged: a retry would fail alike."""

    def middleware(body: dict[str, Any], context: BoltContext, next_: Callable[[], BoltResponse]) -> Any:
        try:
            context[RECORDED] = work(body, context)
        except Exception as error:
            what = f"event {body.get('event_id')} ({(body.get('event') or {}).get('type')})"
            if is_unreachable(error):
                why = _first_line(error)
                log.warning("%s not recorded, Slack will retry: the database cannot be reached (%s)", what, why)
                return BoltResponse(status=UNREACHABLE_STATUS, body="database unreachable; retry later")
            reply_for(error, what)
            context[RECORDED] = None
        return next_()

    middleware.__name__ = f"recorded_before_ack({getattr(work, '__name__', 'work')})"
    return middleware
