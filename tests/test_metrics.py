"""/metrics scraped from the real aiohttp server, in Prometheus text format: messages handled, answers by
outcome, deliveries by status, platform errors, outbox depth; a bearer token when one is configured."""

from __future__ import annotations

import dataclasses

import pytest
from aiohttp import ClientSession
from prometheus_client.parser import text_string_to_metric_families

from bot.config import HttpConfig
from bot.dispatcher import Dispatcher
from bot.messages import Reply
from bot.outbox.delivery import DeliveryResult, DeliveryStatus
from bot.outbox.sender import Push
from bot.services import Services
from bot.web import build_app, start_server
from tests.conftest import Chat
from tests.fakes.net import free_port
from tests.fakes.transport import FakeTransport


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def scrape(services: Services, dispatcher: Dispatcher[Services], headers: dict[str, str]) -> tuple[int, str]:
    port = free_port()
    runner = await start_server(build_app(services, dispatcher), "127.0.0.1", port)
    try:
        async with ClientSession() as session, session.get(f"http://127.0.0.1:{port}/metrics", headers=headers) as r:
            return r.status, await r.text()
    finally:
        await runner.cleanup()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_the_figures_a_monitoring_system_scrapes(services: Services, dispatcher: Dispatcher[Services]) -> None:
    chat = Chat(dispatcher)
    await chat.say("交通补贴咋领")
    await chat.say("今天天气咋样，股票能涨吗")
    outbox = services.outbox
    pushes = [Push("tg", f"u{i}", "user", Reply("招工"), user_id=f"u{i}") for i in range(3)]
    await outbox.enqueue("notice", "9", pushes)  # (postings have a guard: no such posting)

    def script(recipient: str, attempt: int) -> DeliveryResult:
        return DeliveryResult(DeliveryStatus.UNREACHABLE if recipient == "u2" else DeliveryStatus.SENT, "403")

    await outbox.enqueue("notice", "10", [Push("other", "x", "user", Reply("招工"))])  # no sender: stays queued
    await outbox.run({"tg": FakeTransport("tg", script)}, until_idle=True)

    status, text = await scrape(services, dispatcher, {})
    assert status == 200
    found = samples(text)
    assert found[("bot_messages_handled_total", (("channel", "test"),))] == 2
    logged = await services.db.fetchall("SELECT outcome, count(*) FROM question_log GROUP BY outcome")
    assert {k[1][0][1]: v for k, v in found.items() if k[0] == "bot_answers_total"} == {r[0]: r[1] for r in logged}
    assert sum(r[1] for r in logged) == 2
    assert found[("bot_deliveries_total", (("channel", "tg"), ("status", "sent")))] == 2
    assert found[("bot_deliveries_total", (("channel", "tg"), ("status", "unreachable")))] == 1
    assert found[("bot_platform_errors_total", (("channel", "tg"), ("result", "unreachable")))] == 1
    assert found[("bot_outbox_depth", (("channel", "other"), ("status", "pending")))] == 1
    assert ("bot_outbox_depth", (("channel", "tg"), ("status", "pending"))) not in found
    assert any(name == "process_resident_memory_bytes" for name, _ in found)


async def test_a_configured_token_is_required(services: Services, dispatcher: Dispatcher[Services]) -> None:
    config = dataclasses.replace(services.config, http=HttpConfig(metrics_token="s3cret-scrape"))
    guarded = dataclasses.replace(services, config=config)
    assert (await scrape(guarded, dispatcher, {}))[0] == 401
    assert (await scrape(guarded, dispatcher, {"Authorization": "Bearer wrong"}))[0] == 401
    status, text = await scrape(guarded, dispatcher, {"Authorization": "Bearer s3cret-scrape"})
    assert status == 200 and "bot_outbox_depth" in text
