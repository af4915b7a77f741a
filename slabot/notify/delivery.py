"""Sending the outbox to Slack: each message once, in order per channel, retried until Slack has it.

A row is claimed before it is sent, so two senders (threads or replicas) never send the same row; a claim
held longer than LEASE is taken over, since its sender may have died. Slack's chat.postMessage has no
idempotency key, so every post carries its outbox key in message metadata; a post whose earlier attempt
may have reached Slack (a timeout, a 5xx, a sender that died) is first looked up in the channel by that
key, and only sent when it is not there.

Uploads (a digest's charts) go through files_upload_v2; the row's `ts` then holds the shared file's id. An
upload may have shared its file only when files.completeUploadExternal failed without a clear answer (or
its sender died); such a row is looked up in the channel (or thread) by its file name, unique per upload,
before it is uploaded again. See `slabot.notify.uploads`.

429 waits for Retry-After (slack_sdk's RateLimitErrorRetryHandler absorbs a short one inline); 5xx,
timeouts and connection errors back off exponentially; errors retrying cannot fix (the bot is not in the
channel, the channel is archived) mark the row failed and are logged.
"""

from __future__ import annotations

import http.client
import logging
import urllib.error
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from slabot.config.runtime import Clock
from slabot.config.settings import Settings
from slabot.notify.outbox import blocks_of
from slabot.notify.uploads import PERMANENT_UPLOAD_ERRORS, file_named, may_have_shared, shared_file_id
from storage.db import Database
from storage.models.outbox import OutboxAction, OutboxFile, OutboxMessage, OutboxStatus
from storage.queries import outbox as queries

log = logging.getLogger(__name__)
_T = TypeVar("_T")

METADATA_EVENT = "slabot_outbox"
LEASE = timedelta(minutes=2)
FIRST_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(minutes=5)
BATCH = 200
LOOKUP_PAGES = 5
MAX_INLINE_WAIT_SECONDS = 2
# Retrying cannot fix these: someone has to invite the bot, unarchive the channel, or fix the message.
PERMANENT_ERRORS = PERMANENT_UPLOAD_ERRORS | frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "restricted_action",
        "invalid_arguments",
    }
)


class ShortRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """slack_sdk's 429 handler, for short waits only: a longer Retry-After is left to the outbox, which
    schedules the row and goes on with other channels instead of sleeping in the sender."""

    def _can_retry(self, *, state: Any, request: Any, response: Any = None, error: Any = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        values = next((v for k, v in response.headers.items() if k.lower() == "retry-after"), ["1"])
        wait = str(values[0] if isinstance(values, list) else values)
        return wait.isdigit() and int(wait) <= MAX_INLINE_WAIT_SECONDS


def create_delivery_client(settings: Settings, *, token: str | None = None, base_url: str | None = None) -> WebClient:
    """A client that retries only what certainly did not reach Slack (a short 429, once); the outbox does the rest."""
    return WebClient(
        token=token or settings.bot_token,
        base_url=base_url or settings.api_url,
        timeout=10,
        retry_handlers=[ShortRateLimitRetryHandler(max_retry_count=1)],
    )


@dataclass
class DeliveryReport:
    delivered: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
    ts: str | None = None  # for an upload, the shared file's id
    error: str | None = None
    retry_after: timedelta | None = None  # set for retryable errors
    uncertain: bool = False  # the attempt may have reached Slack


def _backoff(attempts: int) -> timedelta:
    return min(FIRST_BACKOFF * 2 ** max(attempts - 1, 0), MAX_BACKOFF)


def _status_outcome(status: int, code: str, retry_after: object, attempts: int) -> _Outcome:
    if status == 429 or code == "ratelimited":
        header = str(retry_after or "")
        return _Outcome(error=code, retry_after=timedelta(seconds=int(header) if header.isdigit() else 1))
    if code in PERMANENT_ERRORS:
        return _Outcome(error=code)
    return _Outcome(error=code, retry_after=_backoff(attempts), uncertain=status >= 500 or status == 0)


def _error_outcome(error: Exception, attempts: int) -> _Outcome:
    if isinstance(error, SlackApiError):
        code, headers = str(error.response.get("error", "unknown_error")), error.response.headers
        wait = headers.get("Retry-After") or headers.get("retry-after")
        return _status_outcome(error.response.status_code, code, wait, attempts)
    if isinstance(error, urllib.error.HTTPError):  # only files_upload_v2's raw POST of the bytes lets one out
        return _status_outcome(error.code, f"upload_http_{error.code}", error.headers.get("Retry-After"), attempts)
    return _Outcome(error=type(error).__name__, retry_after=_backoff(attempts), uncertain=True)


def _key_of(message: Mapping[str, Any]) -> object:
    """The outbox key a message carries in its metadata (None for others)."""
    return ((message.get("metadata") or {}).get("event_payload") or {}).get("key")


class Deliverer:
    def __init__(self, db: Database, client: WebClient, clock: Clock, *, lease: timedelta = LEASE) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.lease = lease

    def deliver_due(self, only_keys: Iterable[str] | None = None) -> DeliveryReport:
        """Send every row that is due (or just the rows named), oldest first; a channel whose earlier row
        has to wait holds back its later rows, so a breach never arrives before its warning."""
        report = DeliveryReport()
        wanted = set(only_keys) if only_keys is not None else None
        with self.db.session() as session:
            rows = queries.undelivered(session, BATCH)
        held: set[str] = set()
        for row in rows:
            if row.channel_id in held or (wanted is not None and row.key not in wanted):
                continue
            if not self._deliver(row, report):
                held.add(row.channel_id)
        return report

    def _deliver(self, row: OutboxMessage, report: DeliveryReport) -> bool:
        """Send one row; False when it (and so its channel) has to wait."""
        assert row.id is not None
        now = self.clock()
        with self.db.session() as session:
            if not queries.claim(session, row.id, now, now - self.lease):
                return False
            taken_over = row.status == OutboxStatus.SENDING.value
            related = queries.by_keys(session, [k for k in (row.parent_key, row.target_key) if k])
        uncertain = row.uncertain or taken_over
        depends_on = related.get(row.parent_key or row.target_key or "")
        if (row.parent_key or row.target_key) and (depends_on is None or depends_on.ts is None):
            gone = depends_on is not None and depends_on.status in (OutboxStatus.FAILED, OutboxStatus.SUPERSEDED)
            outcome = _Outcome(error="parent_failed") if gone else _Outcome(error="waiting", retry_after=FIRST_BACKOFF)
            return self._record(row, outcome, uncertain, report)
        thread_ts = row.thread_ts or (depends_on.ts if row.parent_key and depends_on else None)
        if row.action == OutboxAction.UPDATE:
            assert depends_on is not None and depends_on.ts is not None
            outcome = self._send(row, lambda: self._update(row, depends_on.channel_id, str(depends_on.ts)))
        elif row.action == OutboxAction.UPLOAD:
            outcome = self._upload(row, thread_ts, uncertain)
        else:
            outcome = self._send(row, lambda: self._post(row, thread_ts, uncertain))
        return self._record(row, outcome, uncertain, report)

    def _send(self, row: OutboxMessage, call: Callable[[], str]) -> _Outcome:
        try:
            return _Outcome(ts=call())
        except (SlackClientError, OSError, http.client.HTTPException) as error:
            outcome = _error_outcome(error, row.attempts + 1)
            if outcome.uncertain and row.action == OutboxAction.UPLOAD and not may_have_shared(error):
                return replace(outcome, uncertain=False)
            return outcome

    def _post(self, row: OutboxMessage, thread_ts: str | None, uncertain: bool) -> str:
        if uncertain:
            found = self._find(row.channel_id, thread_ts, lambda m: str(m["ts"]) if _key_of(m) == row.key else None)
            if found is not None:
                log.info("outbox %s was already in Slack (ts %s); not posting it again", row.key, found)
                return found
        response = self.client.chat_postMessage(
            channel=row.channel_id,
            thread_ts=thread_ts,
            text=row.text,
            blocks=blocks_of(row),
            metadata={"event_type": METADATA_EVENT, "event_payload": {"key": row.key}},
            unfurl_links=False,
        )
        return str(response["ts"])

    def _update(self, row: OutboxMessage, channel_id: str, ts: str) -> str:
        self.client.chat_update(channel=channel_id, ts=ts, text=row.text, blocks=blocks_of(row))
        return ts

    def _upload(self, row: OutboxMessage, thread_ts: str | None, uncertain: bool) -> _Outcome:
        with self.db.session() as session:
            file = queries.file_of(session, row.key)
        if file is None:
            return _Outcome(error="file_missing")
        return self._send(row, lambda: self._share(row, file, thread_ts, uncertain))

    def _share(self, row: OutboxMessage, file: OutboxFile, thread_ts: str | None, uncertain: bool) -> str:
        """Upload the row's file into the channel (or thread); the shared file's id."""
        if uncertain:
            found = self._find(row.channel_id, thread_ts, lambda m: file_named(m, file.filename))
            if found is not None:
                log.info("outbox %s was already in Slack (file %s); not uploading it again", row.key, found["id"])
                return str(found["id"])
        response = self.client.files_upload_v2(
            channel=row.channel_id,
            thread_ts=thread_ts,
            file=bytes(file.content),  # a driver may hand bytea back as a memoryview
            filename=file.filename,
            title=file.title,
            alt_txt=file.alt_text or None,
        )
        return shared_file_id(response)

    def _find(
        self, channel_id: str, thread_ts: str | None, pick: Callable[[Mapping[str, Any]], _T | None]
    ) -> _T | None:
        """What `pick` finds in the first message of the channel (or thread) it finds anything in, newest page
        first (oldest for a thread): the trace of an earlier attempt that landed. None when nothing matches."""
        cursor: str | None = None
        for _ in range(LOOKUP_PAGES):
            if thread_ts:
                page = self.client.conversations_replies(
                    channel=channel_id, ts=thread_ts, include_all_metadata=True, limit=200, cursor=cursor
                )
            else:
                page = self.client.conversations_history(
                    channel=channel_id, include_all_metadata=True, limit=200, cursor=cursor
                )
            for message in page.get("messages") or []:
                found = pick(message)
                if found is not None:
                    return found
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not page.get("has_more") or not cursor:
                return None
        return None

    def _record(self, row: OutboxMessage, outcome: _Outcome, uncertain: bool, report: DeliveryReport) -> bool:
        assert row.id is not None
        now = self.clock()
        values: dict[str, Any]
        if outcome.ts is not None:
            values = {"status": OutboxStatus.DELIVERED.value, "ts": outcome.ts, "delivered_at": now}
            report.delivered.append(row.key)
        elif outcome.retry_after is not None:
            values = {
                "status": OutboxStatus.PENDING.value,
                "next_attempt_at": now + outcome.retry_after,
                "uncertain": uncertain or outcome.uncertain,
            }
            if outcome.error != "waiting":
                log.warning("outbox %s: %s; retrying in %s", row.key, outcome.error, outcome.retry_after)
                report.retrying.append(row.key)
        else:
            values = {"status": OutboxStatus.FAILED.value}
            log.error("outbox %s to %s failed for good: %s", row.key, row.channel_id, outcome.error)
            report.failed.append(row.key)
        values.update(claimed_at=None, last_error=(outcome.error or None) and str(outcome.error)[:200])
        with self.db.session() as session:
            queries.finish(session, row.id, **values)
        return outcome.ts is not None or outcome.retry_after is None
