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

Views are checked as Slack checks them (``view_limits``: 100 blocks, 24-character modal titles, 3,000-character
private_metadata, 250 kB, ...) and kept per user (``views``): ``home_of(user)``, ``open_views(user)``,
``view(view_id)``; ``views.type_into()`` and ``views.answer()`` are what a person typing and Slack acting on a
submission's answer do. views.open and views.push need a trigger from ``local.new_trigger_id(user)``, used
once within 3 seconds (pass ``clock=`` to move time). User groups and their members are made with
``local.usergroups.add(handle, members)`` and listed by usergroups.list and usergroups.users.list.

Only the methods the bot uses are implemented; others answer ``unknown_method``.

The package's parts: ``workspace`` is the workspace the server pretends to be (its messages, files and
channels, and the Web API methods acting on them), with its ``views`` and their ``view_limits`` and its
``usergroups``; ``server`` is the HTTP plumbing around it (the server and request handler, request parsing,
recording, failure injection, waiting); ``errors`` is the error a method answers with.
"""

from slabot.devtools.localslack.errors import SlackError
from slabot.devtools.localslack.server import RESPONSE_URL_LIMIT, LocalSlack, RecordedCall
from slabot.devtools.localslack.workspace import SLACK_URL

__all__ = ["RESPONSE_URL_LIMIT", "SLACK_URL", "LocalSlack", "RecordedCall", "SlackError"]
