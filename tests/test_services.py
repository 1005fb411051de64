"""The one composition root: serve, the CLI and the tests get the same stores and the same settings."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.config import Config, PostingsConfig
from bot.services import Services, open_services, services_for
from tests.conftest import CONTENT


async def test_the_cli_gets_the_configured_services(tmp_path: Path) -> None:
    config = Config(data_dir=tmp_path, content_dir=CONTENT, postings=PostingsConfig(review="bureau", default_days=7))
    async with services_for(config) as svc:
        assert (svc.postings.review_mode, svc.postings.default_days) == ("bureau", 7)  # postings_cli had dropped it
        assert svc.postings.outbox is svc.outbox  # one outbox, its hooks registered once
        assert "posting" in svc.outbox.items.guards and svc.prebuilt_matcher is None  # the FAQ index waits until used
        assert svc.binder is None  # no ID key configured


async def test_serve_builds_the_faq_matcher_up_front(tmp_path: Path) -> None:
    svc = await open_services(Config(data_dir=tmp_path, content_dir=CONTENT))
    try:
        assert svc.prebuilt_matcher is not None and svc.matcher is svc.prebuilt_matcher
    finally:
        await svc.db.close()


def test_stores_share_the_one_database(services: Services) -> None:
    stores = [f.name for f in dataclasses.fields(services) if hasattr(getattr(services, f.name), "db")]
    assert {"questions", "conversations", "directory", "roster", "reports", "briefings", "ledger"} <= set(stores)
    assert all(getattr(services, name).db is services.db for name in stores)
