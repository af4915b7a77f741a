"""LocalSlack, driven by the real slack_sdk clients."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.webhook import WebhookClient

from slabot.devtools.localslack import LocalSlack, RecordedCall

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*SLO* breached"}}]


@pytest.fixture
def slack() -> Iterator[LocalSlack]:
    with LocalSlack() as server:
        yield server


@pytest.fixture
def client(slack: LocalSlack) -> WebClient:
    return WebClient(token="xoxb-local", base_url=slack.base_url)


def test_urls_and_auth_test(slack: LocalSlack, client: WebClient) -> None:
    assert slack.base_url == slack.url + "/api/"
    assert slack.url.startswith("http://127.0.0.1:")
    info = client.auth_test()
    assert (info["user_id"], info["bot_id"], info["team_id"]) == ("U0SLABOT", "B0SLABOT", "T0LOCAL")
    (call,) = slack.calls
    assert call.method == "auth.test"
    assert call.path == "/api/auth.test"
    assert call.headers["Authorization"] == "Bearer xoxb-local"
    assert call.response["ok"] is True


def test_post_update_permalink_and_delete(slack: LocalSlack, client: WebClient) -> None:
    first = client.chat_postMessage(channel="C1", text="budget at 80%", blocks=BLOCKS)
    second = client.chat_postMessage(channel="C2", text="other channel")
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["user"] == "U0SLABOT"
    assert first["message"]["bot_id"] == "B0SLABOT"
    assert slack.calls_to("chat.postMessage")[0].args["blocks"] == BLOCKS

    updated = client.chat_update(channel="C1", ts=first["ts"], text="budget at 95%")
    assert updated["ts"] == first["ts"]
    (message,) = slack.messages("C1")
    assert (message["text"], message["blocks"], message["ts"]) == ("budget at 95%", BLOCKS, first["ts"])

    link = client.chat_getPermalink(channel="C1", message_ts=first["ts"])
    assert link["permalink"] == f"https://local.slack.invalid/archives/C1/p{first['ts'].replace('.', '')}"

    client.chat_delete(channel="C1", ts=first["ts"])
    assert slack.messages("C1") == []
    assert [m["text"] for m in slack.messages()] == ["other channel"]
    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel="C1", ts=first["ts"], text="gone")
    assert raised.value.response["error"] == "message_not_found"


def test_post_message_validation(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.api_call("chat.postMessage", json={"channel": "C1"})
    assert raised.value.response["error"] == "no_text"
    with pytest.raises(SlackApiError) as raised:
        client.api_call("chat.postMessage", json={"text": "no channel"})
    assert raised.value.response["error"] == "channel_not_found"


def test_form_encoded_blocks_are_decoded(slack: LocalSlack, client: WebClient) -> None:
    client.api_call("chat.postMessage", params={"channel": "C1", "text": "t", "blocks": json.dumps(BLOCKS)})
    assert slack.calls_to("chat.postMessage")[0].args["blocks"] == BLOCKS
    assert slack.messages("C1")[0]["blocks"] == BLOCKS


def test_thread_replies(slack: LocalSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="INC-7 opened")
    client.chat_postMessage(channel="C1", text="unrelated")
    client.chat_postMessage(channel="C1", text="mitigated", thread_ts=parent["ts"])
    person = slack.add_message("C1", "root cause: bad deploy", user="U0BOB", thread_ts=parent["ts"])

    replies = client.conversations_replies(channel="C1", ts=parent["ts"])
    texts = [m["text"] for m in replies["messages"]]
    assert texts == ["INC-7 opened", "mitigated", "root cause: bad deploy"]
    assert replies["messages"][0]["reply_count"] == 2
    assert replies["messages"][2]["ts"] == person
    assert "bot_id" not in replies["messages"][2]
    with pytest.raises(SlackApiError) as raised:
        client.chat_update(channel="C1", ts=person, text="edited by the bot")
    assert raised.value.response["error"] == "cant_update_message"


def test_files_upload_v2_end_to_end(slack: LocalSlack, client: WebClient) -> None:
    parent = client.chat_postMessage(channel="C1", text="weekly digest")
    png = b"\x89PNG\r\n\x1a\nchart-bytes"
    result = client.files_upload_v2(
        channel="C1", content=png, filename="a.png", title="t", alt_txt="burn chart", thread_ts=parent["ts"]
    )
    file_id = result["file"]["id"]
    assert result["file"]["title"] == "t"
    assert result["file"]["permalink"].startswith("https://local.slack.invalid/")
    assert slack.uploads == {file_id: png}

    methods = [call.method for call in slack.calls]
    assert methods == ["chat.postMessage", "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    url_call, upload_call, complete_call = slack.calls[1:]
    assert url_call.args["filename"] == "a.png"
    assert int(url_call.args["length"]) == len(png)
    assert upload_call.response == {"ok": True, "bytes": len(png)}
    assert complete_call.args["channel_id"] == "C1"
    assert complete_call.args["thread_ts"] == parent["ts"]
    assert complete_call.args["files"] == [{"id": file_id, "title": "t"}]
    shared = slack.messages("C1")[-1]
    assert shared["thread_ts"] == parent["ts"]
    assert shared["files"][0]["id"] == file_id


def test_uploaded_images_keep_their_alt_text(slack: LocalSlack, client: WebClient) -> None:
    client.files_upload_v2(channel="C1", content=b"png", filename="a.png", alt_txt="burn rate, flat at 0.4")
    client.files_upload_v2(channel="C1", content=b"png", filename="b.png")
    shown = [message["files"][0] for message in client.conversations_history(channel="C1")["messages"]]
    assert [(f["name"], f.get("alt_txt")) for f in shown] == [("b.png", None), ("a.png", "burn rate, flat at 0.4")]
    with pytest.raises(SlackApiError) as raised:
        client.files_upload_v2(channel="C1", content=b"png", filename="c.png", alt_txt="x" * 1001)
    assert raised.value.response["error"] == "alt_txt_too_large"
    assert len(slack.calls_to("upload")) == 2  # the third never got an upload URL


def test_complete_upload_rejects_unknown_file_and_channel_names(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        client.files_completeUploadExternal(files=[{"id": "F404", "title": "x"}], channel_id="C1")
    assert raised.value.response["error"] == "file_not_found"
    with pytest.raises(SlackApiError) as raised:
        client.files_upload_v2(channel="#general", content=b"x", filename="a.txt")
    assert raised.value.response["error"] == "channel_not_found"


def test_response_url_and_its_five_reply_limit(slack: LocalSlack) -> None:
    url = slack.new_response_url()
    assert url.startswith(slack.url + "/respond/")
    assert url != slack.new_response_url()
    webhook = WebhookClient(url)
    first = webhook.send(text="working on it", response_type="ephemeral")
    assert (first.status_code, first.body) == (200, "ok")
    for _ in range(4):
        assert webhook.send(text="again", replace_original=True).status_code == 200
    sixth = webhook.send(text="one too many")
    assert sixth.status_code == 404
    assert json.loads(sixth.body)["error"] == "used_url"

    calls = slack.calls_to("response_url")
    assert len(calls) == 6
    assert calls[0].args == {"text": "working on it", "response_type": "ephemeral", "response_url": url}
    assert calls[1].args["replace_original"] is True
    assert calls[5].response == {"ok": False, "error": "used_url"}


def test_rate_limit_is_retried_after_retry_after(slack: LocalSlack) -> None:
    client = WebClient(
        token="xoxb-local", base_url=slack.base_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)]
    )
    slack.fail("chat.postMessage", status=429, retry_after=0)
    assert client.chat_postMessage(channel="C1", text="hello")["ok"] is True
    failed, succeeded = slack.calls_to("chat.postMessage")
    assert failed.response == {"ok": False, "error": "ratelimited"}
    assert succeeded.response["ok"] is True
    assert len(slack.messages("C1")) == 1


def test_rate_limit_without_retry_handler_raises(slack: LocalSlack, client: WebClient) -> None:
    slack.fail("chat.postMessage", retry_after=1, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as raised:
            client.chat_postMessage(channel="C1", text="hello")
        assert raised.value.response.status_code == 429
        assert raised.value.response.headers["Retry-After"] == "1"
    assert client.chat_postMessage(channel="C1", text="hello")["ok"] is True


def test_server_error_is_retried(slack: LocalSlack) -> None:
    handler = ServerErrorRetryHandler(max_retry_count=2, interval_calculator=FixedValueRetryIntervalCalculator(0))
    client = WebClient(token="xoxb-local", base_url=slack.base_url, retry_handlers=[handler])
    slack.fail("users.info", status=500, times=2, error="fatal_error")
    assert client.users_info(user="U0BOB")["user"]["tz"] == "UTC"
    assert [c.response.get("error") for c in slack.calls_to("users.info")] == ["fatal_error", "fatal_error", None]


def test_fail_with_error(slack: LocalSlack, client: WebClient) -> None:
    slack.fail_with_error("chat.postMessage", "not_in_channel")
    with pytest.raises(SlackApiError) as raised:
        client.chat_postMessage(channel="C1", text="hello")
    assert raised.value.response.status_code == 200
    assert raised.value.response["error"] == "not_in_channel"
    assert slack.messages() == []
    assert client.chat_postMessage(channel="C1", text="hello")["ok"] is True


def test_not_authed_and_unknown_method(slack: LocalSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as raised:
        WebClient(base_url=slack.base_url).chat_postMessage(channel="C1", text="hello")
    assert raised.value.response["error"] == "not_authed"
    assert slack.messages() == []
    with pytest.raises(SlackApiError) as raised:
        client.api_call("made.up")
    assert raised.value.response["error"] == "unknown_method"
    assert raised.value.response.headers["X-Slack-Req-Id"]


def test_other_paths_are_404(slack: LocalSlack) -> None:
    for path in ("/", "/nothing", "/upload/FNOPE"):
        with pytest.raises(urllib.error.HTTPError) as raised:
            urllib.request.urlopen(urllib.request.Request(slack.url + path, data=b"x"), timeout=5)
        assert raised.value.code == 404
    assert [call.method for call in slack.calls] == ["upload"]  # the unknown file id is recorded


def test_views_users_and_conversations(slack: LocalSlack, client: WebClient) -> None:
    view = {"type": "modal", "title": {"type": "plain_text", "text": "New SLO"}, "blocks": []}
    opened = client.views_open(trigger_id=slack.new_trigger_id("U0BOB"), view=view)["view"]
    assert opened["id"].startswith("V")
    assert opened["title"]["text"] == "New SLO"
    updated = client.views_update(view_id=opened["id"], view={**view, "blocks": BLOCKS})["view"]
    assert (updated["id"], updated["blocks"]) == (opened["id"], BLOCKS)
    home = client.views_publish(user_id="U0BOB", view={"type": "home", "blocks": []})
    assert home["view"]["type"] == "home"

    user = client.users_info(user="U0BOB")["user"]
    assert (user["id"], user["tz"], user["is_bot"]) == ("U0BOB", "UTC", False)
    channel = client.conversations_info(channel="C0CHECKOUT")["channel"]
    assert (channel["name"], channel["is_member"]) == ("c0checkout", True)
    client.conversations_join(channel="C0PAYMENTS")
    listed = [c["id"] for c in client.conversations_list()["channels"]]
    assert {"C0GENERAL", "C0CHECKOUT", "C0PAYMENTS"} <= set(listed)
    assert "U0SLABOT" in client.conversations_members(channel="C0CHECKOUT")["members"]


def test_ephemeral_and_scheduled(slack: LocalSlack, client: WebClient) -> None:
    assert client.chat_postEphemeral(channel="C1", user="U0BOB", text="only you")["message_ts"]
    scheduled = client.chat_scheduleMessage(channel="C1", text="later", post_at=int(time.time()) + 60)
    assert scheduled["scheduled_message_id"].startswith("Q")
    assert slack.messages() == []


def test_wait_for_background_work(slack: LocalSlack, client: WebClient) -> None:
    def later() -> None:
        time.sleep(0.2)
        client.chat_postMessage(channel="C1", text="one")
        client.chat_postMessage(channel="C1", text="two")

    threading.Thread(target=later, daemon=True).start()
    calls = slack.wait_for("chat.postMessage", count=2, timeout=5)
    assert [call.args["text"] for call in calls] == ["one", "two"]
    with pytest.raises(AssertionError, match=r"chat\.delete"):
        slack.wait_for("chat.delete", timeout=0.1)


def test_on_call_and_clear() -> None:
    seen: list[RecordedCall] = []
    with LocalSlack(on_call=seen.append) as slack:
        client = WebClient(token="xoxb-local", base_url=slack.base_url)
        client.chat_postMessage(channel="C1", text="hello")
        assert [call.method for call in seen] == ["chat.postMessage"]
        assert seen[0].response["ok"] is True
        slack.clear()
        assert slack.calls == []
        assert len(slack.messages()) == 1


def test_on_call_errors_do_not_break_the_server() -> None:
    def explode(call: RecordedCall) -> None:
        raise RuntimeError("console crashed")

    with LocalSlack(on_call=explode) as slack:
        client = WebClient(token="xoxb-local", base_url=slack.base_url)
        assert client.chat_postMessage(channel="C1", text="hello")["ok"] is True


def test_bolt_app_talks_to_local_slack(slack: LocalSlack, monkeypatch: pytest.MonkeyPatch) -> None:
    from slack_bolt import App

    for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    App(client=WebClient(token="xoxb-local", base_url=slack.base_url), signing_secret="secret")
    assert [call.method for call in slack.calls] == ["auth.test"]


def test_not_running() -> None:
    slack = LocalSlack()
    with pytest.raises(RuntimeError):
        _ = slack.base_url
    slack.start()
    slack.stop()
    slack.stop()  # idempotent


def test_concurrent_posts_get_unique_increasing_ts(slack: LocalSlack, client: WebClient) -> None:
    def post(worker: int) -> None:
        for n in range(10):
            client.chat_postMessage(channel="C1", text=f"{worker}-{n}")

    workers = [threading.Thread(target=post, args=(w,)) for w in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    stamps = [m["ts"] for m in slack.messages("C1")]
    assert len(stamps) == len(set(stamps)) == 80
    assert [call.response["ts"] for call in slack.calls] == sorted(stamps, key=float)


def test_failed_raw_upload_stops_files_upload_v2(slack: LocalSlack, client: WebClient) -> None:
    slack.fail("upload", status=500)
    with pytest.raises(urllib.error.HTTPError):  # slack_sdk's raw upload uses urlopen, which raises
        client.files_upload_v2(channel="C1", content=b"chart", filename="a.png")
    assert slack.uploads == {}
    assert slack.calls_to("files.completeUploadExternal") == []
