"""LocalSlack's metadata, history paging and the faults that exercise exactly-once delivery: lost answers,
delayed answers, Retry-After 0."""

from __future__ import annotations

import json
import threading
import time
import urllib.error

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from slabot.devtools.localslack import LocalSlack


@pytest.fixture
def client(slack: LocalSlack) -> WebClient:
    """A plain client (no retry handlers) on the local Slack (the `slack` fixture is conftest's)."""
    return WebClient(token="xoxb-local", base_url=slack.base_url)


METADATA = {"event_type": "slo_alert", "event_payload": {"alert_id": 42, "level": "critical"}}


def test_metadata_is_kept_and_shown_only_when_asked(slack: LocalSlack, client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C1", text="budget burned", metadata=METADATA)
    assert "metadata" not in posted["message"]
    assert slack.calls_to("chat.postMessage")[0].args["metadata"] == METADATA
    assert slack.messages("C1")[0]["metadata"] == METADATA
    client.api_call("chat.postMessage", params={"channel": "C1", "text": "form", "metadata": json.dumps(METADATA)})
    client.chat_postMessage(channel="C1", text="plain")

    plain = client.conversations_history(channel="C1")["messages"]
    assert [m["text"] for m in plain] == ["plain", "form", "budget burned"]
    assert all("metadata" not in m for m in plain)
    full = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert [m.get("metadata") for m in full] == [None, METADATA, METADATA]

    replies = client.conversations_replies(channel="C1", ts=posted["ts"], include_all_metadata=True)
    assert replies["messages"][0]["metadata"] == METADATA
    assert "metadata" not in client.conversations_replies(channel="C1", ts=posted["ts"])["messages"][0]

    client.chat_update(channel="C1", ts=posted["ts"], text="acked", metadata={**METADATA, "event_payload": {}})
    assert slack.messages("C1")[0]["metadata"]["event_payload"] == {}
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="bad", metadata={"event_payload": {}})
    assert raised.value.response["error"] == "invalid_metadata_format"


def test_history_order_bounds_and_pages(slack: LocalSlack, client: WebClient) -> None:
    stamps = [client.chat_postMessage(channel="C1", text=f"m{n}")["ts"] for n in range(5)]
    client.chat_postMessage(channel="C1", text="reply", thread_ts=stamps[1])
    client.chat_postMessage(channel="C2", text="elsewhere")

    def texts(**kwargs: object) -> list[str]:
        return [m["text"] for m in client.conversations_history(channel="C1", **kwargs)["messages"]]

    assert texts() == ["m4", "m3", "m2", "m1", "m0"]  # newest first, no thread replies
    assert client.conversations_history(channel="C1")["messages"][3]["reply_count"] == 1
    assert texts(oldest=stamps[1]) == ["m4", "m3", "m2"]
    assert texts(oldest=stamps[1], inclusive=True) == ["m4", "m3", "m2", "m1"]
    assert texts(latest=stamps[3]) == ["m2", "m1", "m0"]
    assert texts(oldest=stamps[0], latest=stamps[3], inclusive=True) == ["m3", "m2", "m1", "m0"]

    first = client.conversations_history(channel="C1", limit=2)
    assert ([m["text"] for m in first["messages"]], first["has_more"]) == (["m4", "m3"], True)
    client.chat_postMessage(channel="C1", text="m5")  # a new message does not shift the next pages
    second = client.conversations_history(channel="C1", limit=2, cursor=first["response_metadata"]["next_cursor"])
    assert [m["text"] for m in second["messages"]] == ["m2", "m1"]
    third = client.conversations_history(channel="C1", limit=2, cursor=second["response_metadata"]["next_cursor"])
    assert ([m["text"] for m in third["messages"]], third["has_more"]) == (["m0"], False)
    assert third["response_metadata"]["next_cursor"] == ""

    pages = client.conversations_history(channel="C1", limit=4)  # slack_sdk follows the cursor
    assert [m["text"] for page in pages for m in page["messages"]] == ["m5", "m4", "m3", "m2", "m1", "m0"]

    assert client.conversations_history(channel="C0GENERAL")["messages"] == []
    for kwargs, error in (({"channel": "#nowhere"}, "channel_not_found"), ({"cursor": "junk"}, "invalid_cursor")):
        with pytest.raises(SlackApiError) as raised:
            client.conversations_history(**{"channel": "C1", **kwargs})
        assert raised.value.response["error"] == error


def test_replies_bounds_and_pages(client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="parent")["ts"]
    stamps = [client.chat_postMessage(channel="C1", text=f"r{n}", thread_ts=parent)["ts"] for n in range(3)]
    later = client.conversations_replies(channel="C1", ts=parent, oldest=stamps[0])
    assert [m["text"] for m in later["messages"]] == ["parent", "r1", "r2"]
    first = client.conversations_replies(channel="C1", ts=parent, limit=2)
    assert [m["text"] for m in first["messages"]] == ["parent", "r0"]
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_replies(channel="C1", ts=parent, limit=2, cursor=cursor)
    assert ([m["text"] for m in rest["messages"]], rest["has_more"]) == (["r1", "r2"], False)


def test_lost_response_stores_the_message_but_the_client_sees_500(slack: LocalSlack, client: WebClient) -> None:
    slack.lose_response("chat.postMessage")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="alert", metadata=METADATA)
    assert raised.value.response.status_code == 500
    assert raised.value.response["error"] == "internal_error"
    (call,) = slack.calls_to("chat.postMessage")
    assert call.response == {"ok": False, "error": "internal_error"}  # as the client saw it
    history = client.conversations_history(channel="C1", include_all_metadata=True)["messages"]
    assert [(m["text"], m["metadata"]) for m in history] == [("alert", METADATA)]
    assert client.chat_postMessage(channel="C1", text="next")["ok"] is True  # only `times` calls are lost


def test_lost_response_with_other_status_and_order_of_faults(slack: LocalSlack, client: WebClient) -> None:
    slack.fail("chat.postMessage", status=503)
    slack.lose_response("chat.postMessage", status=502, times=2)
    statuses = []
    for n in range(4):
        try:
            client.chat_postMessage(channel="C1", text=f"m{n}")
            statuses.append(200)
        except SlackApiError as error:
            statuses.append(error.response.status_code)
    assert statuses == [503, 502, 502, 200]
    assert [m["text"] for m in slack.messages("C1")] == ["m1", "m2", "m3"]  # the failed one was not carried out


def test_delayed_answer_times_the_client_out_but_the_message_is_stored(slack: LocalSlack) -> None:
    slack.delay("chat.postMessage", 0.8)
    impatient = WebClient(token="xoxb-local", base_url=slack.base_url, timeout=0.4)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel="C1", text="slow")
    assert time.monotonic() - started < 2.5
    assert [m["text"] for m in slack.messages("C1")] == ["slow"]
    assert slack.calls_to("chat.postMessage")[0].response["ok"] is True
    assert impatient.chat_postMessage(channel="C1", text="fast")["ok"] is True


def test_delayed_answer_arrives_late_and_stop_is_not_blocked() -> None:
    slack = LocalSlack().start()
    slack.delay("auth.test", 0.3)
    client = WebClient(token="xoxb-local", base_url=slack.base_url)
    started = time.monotonic()
    assert client.auth_test()["ok"] is True
    assert time.monotonic() - started >= 0.3

    slack.delay("auth.test", 60)
    threading.Thread(target=lambda: WebClient(token="x", base_url=slack.base_url).auth_test(), daemon=True).start()
    slack.wait_for("auth.test", count=2)
    started = time.monotonic()
    slack.stop()
    assert time.monotonic() - started < 3


def test_rate_limit_with_retry_after_zero_is_retried_at_once(slack: LocalSlack) -> None:
    client = WebClient(
        token="xoxb-local", base_url=slack.base_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)]
    )
    slack.fail("chat.postMessage", status=429, retry_after=0, times=2)
    started = time.monotonic()
    assert client.chat_postMessage(channel="C1", text="hello")["ok"] is True
    assert time.monotonic() - started < 2.5  # slack_sdk sleeps Retry-After plus up to 1s of jitter per retry
    assert [c.response["ok"] for c in slack.calls_to("chat.postMessage")] == [False, False, True]
    assert len(slack.messages("C1")) == 1


def test_lost_answer_of_complete_upload_shares_the_file_in_the_thread(slack: LocalSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="digest")["ts"]
    slack.lose_response("files.completeUploadExternal")
    with pytest.raises(SlackApiError) as raised:
        client.files_upload_v2(channel="C1", thread_ts=parent, content=b"png", filename="chart.png", title="Chart")
    assert raised.value.response.status_code == 500
    assert raised.value.response.api_url.endswith("/files.completeUploadExternal")
    replies = client.conversations_replies(channel="C1", ts=parent)["messages"]
    assert [[f["name"] for f in m.get("files", [])] for m in replies] == [[], ["chart.png"]]


def test_failed_raw_upload_is_an_http_error_and_shares_nothing(slack: LocalSlack, client: WebClient) -> None:
    slack.fail("upload", status=503)
    with pytest.raises(urllib.error.HTTPError) as raised:  # urlopen, outside the client's retry handlers
        client.files_upload_v2(channel="C1", content=b"png", filename="chart.png")
    assert raised.value.code == 503
    assert slack.calls_to("files.completeUploadExternal") == [] and slack.messages("C1") == []
    slack.delay("upload", 0.8)
    impatient = WebClient(token="xoxb-local", base_url=slack.base_url, timeout=0.4)
    with pytest.raises(TimeoutError):  # the bytes arrived, but no share was asked for
        impatient.files_upload_v2(channel="C1", content=b"png", filename="chart.png")
    assert len(slack.uploads) == 1 and slack.messages("C1") == []
