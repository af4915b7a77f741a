"""Where an error in any listener meets the person: a UserError becomes a short reply only they see (with the
usage of the command they typed); the database being out of reach is told plainly (nothing was changed, try
again); anything else is logged with a reference they can quote. Never a trace. An Events API event that could
not be recorded because the database is out of reach is not acknowledged as handled: Slack is answered 503
and retries it (with the same event_id, recorded once).

Every listener is wrapped in `guarded` when it is registered. (Bolt's own error handler is not used for this:
an error raised after ack() makes Bolt forget the ack, and Slack would be answered 404.)"""

from __future__ import annotations

import functools
import inspect
import logging
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from slabot.core.errors import UserError
from slabot.core.i18n import DEFAULT_LOCALE, Locale, tr
from slabot.languages.readers import Readers
from slabot.render.reply import Reply, error_reply, outage_reply
from storage.db import is_unreachable

log = logging.getLogger("slabot.slack")
Listener = Callable[..., Any]


def reply_for(error: Exception, what: str, locale: Locale = DEFAULT_LOCALE) -> Reply:
    """The reply for an error in handling `what` (logged with a reference unless it is the user's), in the
    reader's language."""
    if isinstance(error, UserError):
        return error_reply(error.text(locale), error.usage_text(locale), locale)
    if is_unreachable(error):
        log.warning("%s failed: the database cannot be reached (%s)", what, _first_line(error))
        return outage_reply(locale)
    ref = uuid.uuid4().hex[:8]
    log.error("%s failed (ref %s)", what, ref, exc_info=error)
    said = tr(
        locale, "Something went wrong on slabot's side (ref {ref}); it has been logged. Please try again.", ref=ref
    )
    return error_reply(said, locale=locale)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


READERS = "slabot_readers"  # the key in Bolt's context of the process's Readers (set by the app's middleware)


def language_of(readers: Readers, user: str) -> Locale:
    """The person's language; SLABOT_LANGUAGE when it cannot be looked up now (the database out of reach: what
    says so must still be told, and read)."""
    try:
        return readers.of_person(user)
    except Exception:
        return readers.default


def _reader_locale(kwargs: dict[str, Any]) -> Locale:
    """The language of whoever made the request: the person who typed or pressed; the default when it cannot be
    told (no person, the database out of reach)."""
    context = kwargs.get("context")
    readers = context.get(READERS) if isinstance(context, dict) else None
    if readers is None:
        return DEFAULT_LOCALE
    body = kwargs.get("body") or {}
    command = kwargs.get("command") or {}
    user = command.get("user_id") or (body.get("user") or {}).get("id") or (body.get("event") or {}).get("user")
    return language_of(readers, str(user)) if user else readers.default


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

    wanted = inspect.signature(listener)
    plain = all(p.kind == inspect.Parameter.POSITIONAL_OR_KEYWORD for p in wanted.parameters.values())
    takes_context = "context" in wanted.parameters or not plain  # an unusual signature is left as it is

    @functools.wraps(listener)
    def run(**kwargs: Any) -> Any:
        own = kwargs if takes_context else {key: value for key, value in kwargs.items() if key != "context"}
        try:
            return listener(**own)
        except Exception as error:
            reply = reply_for(error, _what(kwargs, listener.__name__), _reader_locale(kwargs))
            respond = kwargs.get("respond")
            if respond is not None and getattr(respond, "response_url", None):
                try:
                    respond(replace_original=False, **reply.for_respond())
                except Exception:
                    log.exception("could not tell the user about an error in %s", listener.__name__)
            return None

    # Bolt passes the arguments the listener names, and the context too, for the error's language: it reads the
    # names off this signature (not through __wrapped__, which would name only the listener's own).
    del run.__wrapped__
    context = inspect.Parameter("context", inspect.Parameter.POSITIONAL_OR_KEYWORD)
    shown = wanted if takes_context else wanted.replace(parameters=[*wanted.parameters.values(), context])
    setattr(run, "__signature__", shown)  # noqa: B010 (functools' wrapper type does not declare it)
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
