import logging

import pytest

from bot.messages import Button, Capabilities, Reply
from bot.privacy import MaskingFilter, mask, mask_phone
from bot.render import as_plain_text, split_text


def test_mask_phone_and_id_numbers() -> None:
    text = "我电话13812345678，身份证14222319800101123X，旧证142223800101123"
    masked = mask(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "14222319800101123X" not in masked and masked.count("123X") == 1
    assert "142223800101123" not in masked
    assert mask("1131服务") == "1131服务"
    assert mask_phone("138-1234-5678") == "138****5678"


def test_log_records_are_masked(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.masking")
    logger.addFilter(MaskingFilter())
    with caplog.at_level(logging.INFO, logger="test.masking"):
        logger.info("caller %s", "13812345678")
    assert "13812345678" not in caplog.text and "138****5678" in caplog.text


def test_split_text_keeps_every_character_within_limit() -> None:
    text = "\n\n".join("段落" * 50 for _ in range(20)) + "\n" + "长" * 500
    chunks = split_text(text, 300)
    assert all(len(c) <= 300 for c in chunks)
    assert "".join(chunks).replace("\n", "") == text.replace("\n", "")


def test_buttons_become_numbered_choices_without_button_support() -> None:
    reply = Reply("您是想问哪一个？", (Button("交通补贴", "faq:transport-subsidy"), Button("稳岗补贴", "faq:x")))
    [text] = as_plain_text(reply, Capabilities(buttons=False))
    assert "1. 交通补贴" in text and "2. 稳岗补贴" in text
    [plain] = as_plain_text(reply, Capabilities(buttons=True))
    assert plain == "您是想问哪一个？"


def test_button_data_must_fit_telegram() -> None:
    with pytest.raises(ValueError):
        Button("x", "faq:" + "a" * 70)
    with pytest.raises(ValueError):
        Button("x", "faq:交通")


def test_times_are_shown_in_beijing_time() -> None:
    from bot.clock import local_time

    assert local_time("2026-11-25T20:30:00+00:00") == "2026-11-26 04:30"
