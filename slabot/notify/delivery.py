"""Sending the outbox to Slack: each message once, in order per channel, retried until Slack has it.

A row is claimed before it is sent, so two senders (threads or replicas) never send the same row; a claim
held longer than LEASE is taken over, since its sender may have died. Slack's chat.postMessage has no
idempotency key, so every post carries its outbox key in message metadata; a post whose earlier attempt
may have reached Slack (a timeout, a 5xx, a sender that died) is first looked up in the channel by that
key, and only sent when it is not there.

Order: rows go out oldest first, and a row that has to wait (Slack asked to slow down, its parent is not
there yet) holds back every later row of its channel, whether delivery runs right after a request for the
channels it wrote to, or periodically for all of them. So a thread never reads Why 2, Why 4, Why 3.

Uploads (a digest's charts) go through files_upload_v2; the row's `ts` then holds the shared file's id. An
upload may have shared its file only when files.completeUploadExternal failed without a clear answer (or
its sender died); such a row is looked up in the channel (or thread) by its file name, unique per upload,
before it is uploaded again. See `slabot.notify.uploads`. A message for one person (ephemeral) that cannot
be shown in its channel becomes a direct message.

When an incident's announcement is delivered, the incident learns its thread (storage records the ts).
"""

from __future__ import annotations

import http.client
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from slabot.core.clock import Clock
from slabot.notify import keys
from slabot.notify.outbox import blocks_of
from slabot.notify.outcomes import FIRST_BACKOFF, PARENT_FAILED, PERMANENT_ERRORS, WAITING, Outcome, error_outcome
from slabot.notify.uploads import file_named, may_have_shared, shared_file_id
from storage.db import Database
from storage.models.outbox import OutboxAction, OutboxFile, OutboxMessage, OutboxStatus
from storage.queries import incidents as incident_queries
from storage.queries import outbox as queries

log = logging.getLogger(__name__)
_T = TypeVar("_T")

METADATA_EVENT = "slabot_outbox"
LEASE = timedelta(minutes=2)
BATCH = 200
LOOKUP_PAGES = 5


@dataclass
class DeliveryReport:
    delivered: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # the last error of each row retrying or failed

    def problem(self, key: str) -> tuple[bool, str | None] | None:
        """None when the row was delivered; else (given up for good, its last error if it was tried)."""
        if key in self.delivered:
            return None
        return key in self.failed, self.errors.get(key)


def _key_of(message: Mapping[str, Any]) -> object:
    """The outbox key a message carries in its metadata (None for others)."""
    return ((message.get("metadata") or {}).get("event_payload") or {}).get("key")


class Deliverer:
    def __init__(self, db: Database, client: WebClient, clock: Clock, *, lease: timedelta = LEASE) -> None:
        self.db = db
        self.client = client
        self.clock = clock
        self.lease = lease

    def deliver_due(self, channels: Iterable[str] | None = None) -> DeliveryReport:
        """Send every row that is due (of these channels, or of all), oldest first; a channel whose earlier
        row has to wait holds back its later rows, so a breach never arrives before its warning."""
        report = DeliveryReport()
        wanted = None if channels is None else sorted(set(channels))
        if wanted == []:
            return report
        with self.db.session() as session:
            rows = queries.undelivered(session, BATCH, wanted)
        held: set[str] = set()
        for row in rows:
            if row.channel_id in held:
                continue
            if not self._deliver(row, report):
                held.add(row.channel_id)
        return report

    def _deliver(self, row: OutboxMessage, report: DeliveryReport) -> bool:
        """Send one row; False when it (and so its channel) has to wait."""
        now = self.clock()
        with self.db.session() as session:
            if not queries.claim(session, row.id, now, now - self.lease):
                return False
            taken_over = row.status == OutboxStatus.SENDING
            related = queries.by_keys(session, [k for k in (row.parent_key, row.target_key) if k])
        uncertain = row.uncertain or taken_over
        depends_on = related.get(row.parent_key or row.target_key or "")
        if (row.parent_key or row.target_key) and (depends_on is None or depends_on.ts is None):
            gone = depends_on is not None and depends_on.status in (OutboxStatus.FAILED, OutboxStatus.SUPERSEDED)
            if gone and row.action == OutboxAction.EPHEMERAL:  # no thread to show it in: a direct message
                return self._record(row, self._send(row, lambda: self._direct(row)), uncertain, report)
            outcome = Outcome(error=PARENT_FAILED) if gone else Outcome(error=WAITING, retry_after=FIRST_BACKOFF)
            return self._record(row, outcome, uncertain, report)
        thread_ts = row.thread_ts or (depends_on.ts if row.parent_key and depends_on else None)
        if row.action == OutboxAction.UPDATE:
            assert depends_on is not None and depends_on.ts is not None
            outcome = self._send(row, lambda: self._update(row, depends_on.channel_id, str(depends_on.ts)))
        elif row.action == OutboxAction.UPLOAD:
            outcome = self._upload(row, thread_ts, uncertain)
        elif row.action == OutboxAction.EPHEMERAL:
            outcome = self._send(row, lambda: self._ephemeral(row, thread_ts))
        else:
            outcome = self._send(row, lambda: self._post(row, thread_ts, uncertain))
        return self._record(row, outcome, uncertain, report)

    def _send(self, row: OutboxMessage, call: Callable[[], str]) -> Outcome:
        try:
            return Outcome(ts=call())
        except (SlackClientError, OSError, http.client.HTTPException) as error:
            outcome = error_outcome(error, row.attempts + 1)
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

    def _ephemeral(self, row: OutboxMessage, thread_ts: str | None) -> str:
        """Shown to one person in the channel (or thread); a direct message when it cannot be shown there.
        Slack keeps no trace of an ephemeral message to look up, so an uncertain attempt is simply retried."""
        assert row.user_id is not None
        try:
            response = self.client.chat_postEphemeral(
                channel=row.channel_id, user=row.user_id, thread_ts=thread_ts, text=row.text, blocks=blocks_of(row)
            )
            return str(response.get("message_ts") or "ephemeral")
        except SlackApiError as error:
            if str(error.response.get("error")) not in PERMANENT_ERRORS:
                raise
            log.info(
                "outbox %s cannot be shown in %s (%s): sending it as a direct message",
                row.key,
                row.channel_id,
                error.response.get("error"),
            )
        return self._direct(row)

    def _direct(self, row: OutboxMessage) -> str:
        """A message for one person, as a direct message to them."""
        assert row.user_id is not None
        response = self.client.chat_postMessage(channel=row.user_id, text=row.text, blocks=blocks_of(row))
        return str(response["ts"])

    def _update(self, row: OutboxMessage, channel_id: str, ts: str) -> str:
        self.client.chat_update(channel=channel_id, ts=ts, text=row.text, blocks=blocks_of(row))
        return ts

    def _upload(self, row: OutboxMessage, thread_ts: str | None, uncertain: bool) -> Outcome:
        with self.db.session() as session:
            file = queries.file_of(session, row.key)
        if file is None:
            return Outcome(error="file_missing")
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

    def _record(self, row: OutboxMessage, outcome: Outcome, uncertain: bool, report: DeliveryReport) -> bool:
        now = self.clock()
        values: dict[str, Any]
        if outcome.ts is not None:
            values = {"status": OutboxStatus.DELIVERED, "ts": outcome.ts, "delivered_at": now}
            report.delivered.append(row.key)
        elif outcome.retry_after is not None:
            values = {
                "status": OutboxStatus.PENDING,
                "next_attempt_at": now + outcome.retry_after,
                "uncertain": uncertain or outcome.uncertain,
            }
            if outcome.error != WAITING:
                log.warning("outbox %s: %s; retrying in %s", row.key, outcome.error, outcome.retry_after)
                report.retrying.append(row.key)
        else:
            values = {"status": OutboxStatus.FAILED}
            log.error("outbox %s to %s failed for good: %s", row.key, row.channel_id, outcome.error)
            report.failed.append(row.key)
        if outcome.error is not None:
            report.errors[row.key] = outcome.error
        values.update(claimed_at=None, last_error=(outcome.error or None) and str(outcome.error)[:200])
        with self.db.session() as session:
            queries.finish(session, row.id, **values)
            incident_id = keys.incident_of_announcement(row.key)
            if outcome.ts is not None and incident_id is not None:
                incident_queries.record_thread(session, incident_id, row.channel_id, outcome.ts)
        return outcome.final
