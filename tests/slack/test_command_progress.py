"""A long command's progress through the real Bolt listener: shown through response_url while it runs, each
later message replacing the one before, and the reply replacing the last (a quick command sends its reply only)."""

from __future__ import annotations

from commands.context import CommandContext
from commands.router import CommandGroup
from slabot.config.runtime import Runtime
from slabot.devtools.localslack import LocalSlack
from slabot.render.reply import Reply, section
from slabot.slack.errors import guarded
from slabot.slack.listeners.commands import command_listener
from tests.driver import SlackDriver, command_body, signed_headers

SLOW = CommandGroup("/slow", "A slow command")


@SLOW.route("run", "/slow run [steps]", "runs in steps")
def run(ctx: CommandContext, text: str) -> Reply:
    for step in range(int(text or "0")):
        ctx.report_progress(Reply(text=f"step {step + 1}", blocks=[section(f"step {step + 1}")]))
    return Reply(text="done", blocks=[section("done")])


def test_progress_then_the_reply_each_replacing_the_one_before(runtime: Runtime, slack: LocalSlack) -> None:
    driver = SlackDriver(runtime, slack)
    driver.app.command("/slow")(guarded(command_listener(SLOW, runtime, driver.notifier)))
    for steps, expected in ((2, [("step 1", False), ("step 2", True), ("done", True)]), (0, [("done", None)])):
        before = len(slack.calls_to("response_url"))
        body = command_body(slack, "/slow", f"run {steps}")
        assert driver.dispatch(body, signed_headers(driver.secret, body)).status == 200
        sent = [c.args for c in slack.calls_to("response_url")[before:]]
        assert [(args["text"], args.get("replace_original")) for args in sent] == expected
        assert {args["response_url"] for args in sent} == {sent[0]["response_url"]}  # all to the command's URL
