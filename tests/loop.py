"""The bot's scheduled work, driven by the test's clock: traffic arrives minute by minute, the evaluation
pass runs, the outbox is delivered to the local Slack."""

from __future__ import annotations

from datetime import timedelta

from slabot.languages.readers import Readers
from slabot.notify.delivery import Deliverer
from slabot.notify.notifier import Notifier
from slabot.notify.outcomes import create_delivery_client
from slabot.runtime.evaluation_pass import PassReport, evaluate_and_deliver
from slabot.slo.ingest import Point, event_objective, ingest
from tests.conftest import FakeClock
from tests.driver import SlackDriver


class Loop:
    def __init__(self, driver: SlackDriver, clock: FakeClock) -> None:
        self.driver = driver
        self.clock = clock
        runtime = driver.runtime
        client = create_delivery_client("xoxb-test", driver.slack.base_url)
        self.deliverer = Deliverer(runtime.db, client, clock)
        readers = Readers(runtime.db, runtime.settings.language, clock=runtime.clock)
        self.notifier = Notifier(self.deliverer, runtime.settings.timezone, readers)

    def send(self, ref: str, minutes: int, good: int, total: int, *, offset: int = 0) -> list[Point]:
        """One point per minute for the `minutes` minutes ending `offset` minutes before now; returns them."""
        points = [Point(self.clock.now - timedelta(minutes=offset + i + 1), good, total) for i in range(minutes)]
        self.store(ref, points)
        return points

    def store(self, ref: str, points: list[Point]) -> None:
        service, name = ref.split("/")
        runtime = self.driver.runtime
        for start in range(0, len(points), 10_000):
            with runtime.db.session() as session:
                objective = event_objective(session, service, name)
                ingest(session, objective, points[start : start + 10_000], runtime.now())

    def tick(self) -> PassReport:
        """One scheduled run: the evaluation pass, then the outbox delivered; returns the pass's report."""
        return evaluate_and_deliver(self.driver.runtime, self.notifier)[0]

    def run(self, minutes: int, traffic: dict[str, tuple[int, int]] | None = None, *, every: int = 1) -> None:
        """Let `minutes` pass `every` minutes at a time (SLABOT_EVAL_INTERVAL): the traffic of those minutes
        arrives, then the scheduled pass runs."""
        for _ in range(0, minutes, every):
            self.clock.advance(minutes=every)
            for ref, (good, total) in (traffic or {}).items():
                self.send(ref, every, good, total)
            self.tick()
