"""`/metrics` on the bot's web server: what a monitoring system scrapes, in Prometheus text format.

Per process (Prometheus sums them across the processes it scrapes):
- `bot_messages_handled_total{channel}` — messages the dispatcher handled;
- `bot_answers_total{outcome}` — questions answered, by outcome (answer, suggest, decline, choice);
- `bot_deliveries_total{channel,status}` — deliveries this process's outbox sender finished (sent, failed,
  unreachable, invalid, out_of_window);
- `bot_platform_errors_total{channel,result}` — push attempts a platform did not accept (retry, unreachable,
  invalid, out_of_window, bad_request);
- the process's CPU, memory and open files (prometheus_client's process collector).
From the database (the same for every process; scrape one, or take max()):
- `bot_outbox_depth{channel,status}` — deliveries pending or in flight.

Access: when `http.metrics_token` (BOT_HTTP_METRICS_TOKEN) is set, a scrape must send `Authorization: Bearer
<token>`; the nginx site in deploy/ refuses /metrics from outside, and Prometheus scrapes each process on its own
loopback port.
"""

from __future__ import annotations

import hmac
from collections import Counter
from collections.abc import Iterator, Sequence

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, ProcessCollector, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.dispatcher import Dispatcher
from bot.services import Services
from storage.outbox import OutboxStore

SERVICES = web.AppKey("metrics_services", Services)
DISPATCHER = web.AppKey("metrics_dispatcher", Dispatcher[Services])
TOKEN = web.AppKey("metrics_token", str)


class Snapshot(Collector):
    """The figures of one scrape, gathered before rendering (the database part is async)."""

    def __init__(
        self, services: Services, dispatchers: Sequence[Dispatcher[Services]], depth: dict[tuple[str, str], int]
    ) -> None:
        self.services = services
        self.dispatchers = dispatchers
        self.depth = depth

    def collect(self) -> Iterator[Metric]:
        handled: Counter[str] = Counter()
        for dispatcher in self.dispatchers:
            handled.update(dispatcher.handled)
        yield _counter("bot_messages_handled", "Messages the dispatcher handled", ["channel"], handled)
        answers = self.services.questions.outcomes
        yield _counter("bot_answers", "Questions answered, by outcome", ["outcome"], answers)
        outbox = self.services.outbox
        yield _counter("bot_deliveries", "Deliveries finished by this sender", ["channel", "status"], outbox.finished)
        errors = Counter({k: n for k, n in outbox.attempts.items() if k[1] != "sent"})
        yield _counter("bot_platform_errors", "Push attempts a platform did not accept", ["channel", "result"], errors)
        depth = GaugeMetricFamily("bot_outbox_depth", "Deliveries pending or in flight", labels=["channel", "status"])
        for (channel, status), count in sorted(self.depth.items()):
            depth.add_metric([channel, status], count)
        yield depth


def _counter(name: str, doc: str, labels: list[str], values: Counter[str] | Counter[tuple[str, str]]) -> Metric:
    family = CounterMetricFamily(name, doc, labels=labels)
    for key, count in sorted(values.items()):
        family.add_metric([*key] if isinstance(key, tuple) else [str(key)], count)
    return family


async def metrics(request: web.Request) -> web.Response:
    token = request.app.get(TOKEN, "")
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return web.Response(status=401, text="metrics: Authorization: Bearer <http.metrics_token> required\n")
    services = request.app[SERVICES]
    dispatcher = request.app.get(DISPATCHER)
    registry = CollectorRegistry(auto_describe=False)
    ProcessCollector(registry=registry)
    depth = await OutboxStore(services.db).depth()
    registry.register(Snapshot(services, [dispatcher] if dispatcher is not None else [], depth))
    body = generate_latest(registry)
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


def mount(app: web.Application, services: Services, dispatcher: Dispatcher[Services] | None, token: str) -> None:
    """Serve /metrics (behind a bearer token when one is configured)."""
    app[SERVICES] = services
    if dispatcher is not None:
        app[DISPATCHER] = dispatcher
    app[TOKEN] = token
    app.router.add_get("/metrics", metrics)
