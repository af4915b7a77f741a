"""The HTTP side of LocalSlack: the server and its request handler, request parsing, recording every
call, failure injection (failed calls, lost and delayed answers) and waiting for calls. The workspace
it serves (messages, files, views and the Web API methods) is ``slabot.devtools.localslack.workspace.Workspace``,
which ``LocalSlack`` extends."""

from __future__ import annotations

import copy
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qsl, urlsplit

from slabot.devtools.localslack.workspace import Args, SlackError, Workspace

logger = logging.getLogger("slabot.devtools.localslack")  # the package's name, as before it was split

RESPONSE_URL_LIMIT = 5  # replies Slack accepts per response_url
_JSON_FIELDS = ("blocks", "attachments", "files", "view", "metadata")


@dataclass(frozen=True)
class RecordedCall:
    """One request the server answered. `args` holds the form fields and JSON body merged, with JSON
    strings (blocks, attachments, files, view) decoded; `response` is the JSON the server answered."""

    method: str  # "chat.postMessage", ...; "response_url" for a response URL; "upload" for raw file bytes
    args: dict[str, Any]
    headers: dict[str, str]
    response: dict[str, Any]
    path: str


@dataclass
class _Reply:
    status: int
    payload: dict[str, Any]  # the JSON body, and what gets recorded
    text: str | None = None  # sent instead of the JSON body when set
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to hold the answer (it is recorded at once)


@dataclass(frozen=True)
class _Fault:
    """What to do to one upcoming call to a method: answer `reply` instead of carrying it out ("fail"),
    carry it out and answer `reply` instead of its result ("lose"), or carry it out and answer late."""

    kind: str  # "fail" | "lose" | "delay"
    reply: _Reply | None = None
    seconds: float = 0.0


def _error_reply(status: int, error: str, retry_after: int = 1) -> _Reply:
    headers = {"Retry-After": str(retry_after)} if status == 429 else {}
    return _Reply(status, {"ok": False, "error": error}, None, headers)


def _parse_args(query: str, content_type: str, body: bytes) -> Args:
    args: Args = dict(parse_qsl(query, keep_blank_values=True))
    if body and content_type == "application/json":
        data = json.loads(body)
        if not isinstance(data, dict):
            raise ValueError("a JSON body must be an object")
        args.update(data)
    elif body and content_type.startswith("multipart/"):
        raise ValueError("multipart bodies are not supported")
    elif body:
        args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    for key in _JSON_FIELDS:
        value = args.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            args[key] = json.loads(value)
    return args


def _header(headers: Mapping[str, str], name: str) -> str:
    name = name.lower()
    return next((value for key, value in headers.items() if key.lower() == name), "")


class LocalSlack(Workspace):
    """Slack's Web API on 127.0.0.1, recording every call; see the ``slabot.devtools.localslack`` docstring."""

    def __init__(
        self,
        *,
        team_id: str = "T0LOCAL",
        bot_user_id: str = "U0SLABOT",
        bot_id: str = "B0SLABOT",
        on_call: Callable[[RecordedCall], None] | None = None,
        channels: Mapping[str, str] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """`clock` (seconds, monotonic) times trigger ids; a test may pass its own to expire one."""
        super().__init__(team_id=team_id, bot_user_id=bot_user_id, bot_id=bot_id, channels=channels, clock=clock)
        self._on_call = on_call
        self._calls: list[RecordedCall] = []
        self._faults: dict[str, list[_Fault]] = {}  # per method, oldest first
        self._outages: dict[str, list[tuple[Callable[[], bool], _Reply]]] = {}
        self._stopping = threading.Event()  # wakes delayed answers when the server stops
        self._response_counts: dict[str, int] = {}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ---- lifecycle -------------------------------------------------------------------------------

    def start(self) -> LocalSlack:
        if self._server is not None:
            raise RuntimeError("LocalSlack is already running")
        server = _Server(("127.0.0.1", 0), _Handler)
        server.slack = self
        self._stopping.clear()
        self._server = server
        # stop() waits for the loop's next poll: 5 ms keeps it quick (the suite stops one server per test)
        self._thread = threading.Thread(target=server.serve_forever, args=(0.005,), name="localslack", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        self._stopping.set()  # a delayed answer goes out now, so server_close() does not wait for it
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> LocalSlack:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("LocalSlack is not running; call start() first")
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/api/"

    def new_response_url(self) -> str:
        with self._cond:
            return f"{self.url}/respond/{self._next_seq()}"

    def new_trigger_id(self, user: str) -> str:
        """A trigger_id for an interaction of `user` (a slash command, a click, a submission): views.open and
        views.push take it once, within 3 seconds."""
        return self.views.new_trigger_id(user)

    # ---- inspection and scripting ------------------------------------------------------------

    @property
    def calls(self) -> list[RecordedCall]:
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[RecordedCall]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def clear(self) -> None:
        """Forget the recorded calls (messages, files and pending failures, losses and delays stay)."""
        with self._cond:
            self._calls.clear()

    def fail(
        self,
        method: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: int = 1,
        error: str | None = None,
    ) -> None:
        """Answer the next `times` calls to `method` with HTTP `status` instead of carrying them out
        (429: rate limited, with a Retry-After of `retry_after` seconds; 0 is allowed)."""
        default = "ratelimited" if status == 429 else "internal_error"
        self._queue_fault(method, times, _Fault("fail", _error_reply(status, error or default, retry_after)))

    def fail_while(
        self,
        method: str,
        condition: Callable[[], bool],
        *,
        status: int = 500,
        retry_after: int = 1,
        error: str | None = None,
    ) -> None:
        """An outage: every call to `method` while `condition()` holds (say, until a test's clock passes a
        time) is answered with HTTP `status` and not carried out, before any fault queued with fail()."""
        default = "ratelimited" if status == 429 else "internal_error"
        with self._cond:
            self._outages.setdefault(method, []).append(
                (condition, _error_reply(status, error or default, retry_after))
            )

    def fail_with_error(self, method: str, error: str, *, times: int = 1) -> None:
        """Answer the next `times` calls to `method` with HTTP 200 and {"ok": false, "error": error}."""
        self._queue_fault(method, times, _Fault("fail", _Reply(200, {"ok": False, "error": error})))

    def lose_response(self, method: str, *, times: int = 1, status: int = 500, error: str = "internal_error") -> None:
        """The request reached Slack but its answer was lost: the next `times` calls to `method` are carried
        out (a message is stored, the call recorded) but the client gets HTTP `status` with
        {"ok": false, "error": error}. The recorded response is that error, as the client saw it."""
        self._queue_fault(method, times, _Fault("lose", _error_reply(status, error, 0)))

    def delay(self, method: str, seconds: float, *, times: int = 1) -> None:
        """Carry out the next `times` calls to `method` (recorded at once) but hold each answer for
        `seconds`, to run a client into its timeout. stop() releases held answers."""
        self._queue_fault(method, times, _Fault("delay", seconds=seconds))

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[RecordedCall]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.calls_to(method)) >= count, timeout):
                seen = [call.method for call in self._calls]
                raise AssertionError(f"expected {count} call(s) to {method} within {timeout}s; got {seen}")
            return self.calls_to(method)

    # ---- request handling (called from the server threads) ------------------------------------

    def _queue_fault(self, method: str, times: int, fault: _Fault) -> None:
        with self._cond:
            self._faults.setdefault(method, []).extend(copy.deepcopy(fault) for _ in range(times))

    def _handle(self, verb: str, raw_path: str, headers: dict[str, str], body: bytes) -> _Reply:
        parts = urlsplit(raw_path)
        path = parts.path
        if path.startswith("/api/") and len(path) > 5:
            content_type = _header(headers, "Content-Type").split(";")[0].strip().lower()
            try:
                args, bad = _parse_args(parts.query, content_type, body), ""
            except ValueError:
                args, bad = {}, "invalid_json" if content_type == "application/json" else "invalid_form_data"
            method = path[5:]
            return self._serve(method, raw_path, headers, args, lambda: self._api(method, args, headers, bad))
        if verb == "POST" and path.startswith("/upload/") and len(path) > 8:
            file_id = path[8:]
            args = {"file_id": file_id, "length": len(body)}
            return self._serve("upload", raw_path, headers, args, lambda: self._upload(file_id, body))
        if verb == "POST" and path.startswith("/respond/") and len(path) > 9:
            try:
                data = json.loads(body) if body else {}
            except ValueError:
                data = None
            args = {**(data if isinstance(data, dict) else {}), "response_url": self.url + path}
            return self._serve("response_url", raw_path, headers, args, lambda: self._respond(path, data))
        return _Reply(404, {"ok": False, "error": "not_found"})

    def _serve(
        self, method: str, path: str, headers: dict[str, str], args: Args, compute: Callable[[], _Reply]
    ) -> _Reply:
        with self._cond:
            outage = next((reply for holds, reply in self._outages.get(method, []) if holds()), None)
            queue = self._faults.get(method) if outage is None else None
            fault = _Fault("fail", outage) if outage is not None else (queue.pop(0) if queue else None)
            if fault is not None and fault.kind == "fail" and fault.reply is not None:
                reply = fault.reply
            else:
                try:
                    reply = compute()
                except SlackError as exc:
                    refused: dict[str, Any] = {"ok": False, "error": exc.error}
                    if exc.messages:
                        refused["response_metadata"] = {"messages": exc.messages}
                    reply = _Reply(200, refused)
                except Exception:  # a bug here, or a request shape nobody expected: answer like Slack would
                    logger.exception("LocalSlack: %s failed", method)
                    reply = _Reply(500, {"ok": False, "error": "internal_error"})
                if fault is not None and fault.kind == "lose" and fault.reply is not None:
                    reply = fault.reply
                elif fault is not None and fault.kind == "delay":
                    reply.delay = fault.seconds
            call = RecordedCall(method, args, dict(headers), copy.deepcopy(reply.payload), path)
            self._calls.append(call)
            self._cond.notify_all()
        if self._on_call is not None:
            try:
                self._on_call(call)
            except Exception:
                logger.exception("on_call callback failed for %s", method)
        return reply

    def _api(self, method: str, args: Args, headers: dict[str, str], bad_body: str) -> _Reply:
        handler = self._web_api_method(method)
        if handler is None:
            raise SlackError("unknown_method")
        if bad_body:
            raise SlackError(bad_body)
        auth = _header(headers, "Authorization")
        if not (auth.startswith("Bearer ") and auth[7:].strip()) and not args.get("token"):
            raise SlackError("not_authed")
        return _Reply(200, {"ok": True, **handler(args)})

    def _upload(self, file_id: str, body: bytes) -> _Reply:
        if file_id not in self._files:
            return _Reply(404, {"ok": False, "error": "file_not_found"})
        self._uploads[file_id] = body
        return _Reply(200, {"ok": True, "bytes": len(body)}, f"OK - {len(body)}")

    def _respond(self, path: str, data: object) -> _Reply:
        if not isinstance(data, dict):
            return _Reply(400, {"ok": False, "error": "invalid_payload"})
        used = self._response_counts.get(path, 0)
        if used >= RESPONSE_URL_LIMIT:
            return _Reply(404, {"ok": False, "error": "used_url"})
        self._response_counts[path] = used + 1
        return _Reply(200, {"ok": True}, "ok")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops bursts of connections, which then wait a second
    slack: LocalSlack

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("LocalSlack: error while serving %s", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server_version = "LocalSlack/1.0"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self, verb: str) -> None:
        slack = cast(_Server, self.server).slack
        try:
            reply = slack._handle(verb, self.path, dict(self.headers.items()), self._read_body())
        except Exception:
            logger.exception("LocalSlack: failed to handle %s %s", verb, self.path)
            reply = _Reply(500, {"ok": False, "error": "internal_error"})
        if reply.delay > 0:
            slack._stopping.wait(reply.delay)
        if reply.text is not None:
            data, content_type = reply.text.encode("utf-8"), "text/plain; charset=utf-8"
        else:
            data, content_type = json.dumps(reply.payload).encode("utf-8"), "application/json; charset=utf-8"
        self.send_response(reply.status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("X-Slack-Req-Id", uuid.uuid4().hex)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("LocalSlack: " + format, *args)
