"""A local stand-in for Slack's Web API, for tests and the console mode.

``LocalSlack`` serves on 127.0.0.1 (a free port) from a daemon thread. Point a client at it with
``WebClient(token=..., base_url=local.base_url)``; give slash commands ``local.new_response_url()``.
Every request is recorded as a ``RecordedCall``; posted messages are kept (with edits and deletions
applied, and their ``metadata``) so ``messages()`` shows what a channel would look like, and
``conversations.history`` / ``conversations.replies`` read them back (metadata only with
``include_all_metadata``). Failure injection, per method and in the order scripted:
``fail()`` (HTTP 429 with Retry-After, or 5xx, without carrying the call out), ``fail_while()`` (the same
for every call while a condition holds: an outage), ``fail_with_error()``
(HTTP 200, ``ok: false``), ``lose_response()`` (carried out, but the client gets an error: a lost
answer) and ``delay()`` (carried out, answered late: a client timeout).

Only the methods the bot uses are implemented; others answer ``unknown_method``.

The package has two parts: ``workspace`` is the workspace the server pretends to be (its messages,
files, views and channels, and the Web API methods acting on them); ``server`` is the HTTP plumbing
around it (the server and request handler, request parsing, recording, failure injection, waiting).
"""

from slabot.devtools.localslack.server import RESPONSE_URL_LIMIT, LocalSlack, RecordedCall
from slabot.devtools.localslack.workspace import SLACK_URL

__all__ = ["RESPONSE_URL_LIMIT", "SLACK_URL", "LocalSlack", "RecordedCall"]
