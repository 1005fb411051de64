"""Rendering replies for Telegram and reading deep-link payloads (pure functions, no server)."""

from __future__ import annotations

from bot.channels.telegram.render import MAX_TEXT, render, to_html
from bot.channels.telegram.updates import start_payload
from bot.messages import Button, Reply


def test_text_is_escaped_for_html_and_a_title_line_is_bold() -> None:
    assert to_html("工资<3000 & 包吃住 >_<") == "工资&lt;3000 &amp; 包吃住 &gt;_&lt;"
    assert to_html("【交通补贴】\n<说明>") == "<b>【交通补贴】</b>\n&lt;说明&gt;"


def test_long_text_is_split_on_paragraphs_with_buttons_under_the_last_part() -> None:
    paragraph = "一" * 3000
    parts = render(Reply(f"{paragraph}\n\n{paragraph}", (Button("更多", "cat:jobs"),)))
    assert len(parts) == 2 and all(len(p.html) <= MAX_TEXT for p in parts)
    assert parts[0].keyboard is None and parts[1].keyboard is not None
    [[button]] = parts[1].keyboard.inline_keyboard
    assert (button.text, button.callback_data) == ("更多", "cat:jobs")


def test_images_carry_short_text_as_caption_and_long_text_after() -> None:
    [photo] = render(Reply("本周岗位", image=b"png"))
    assert photo.photo == b"png" and photo.html == "本周岗位"
    photo, text = render(Reply("岗" * 2000, image=b"png"))
    assert photo.photo == b"png" and not photo.html and text.photo is None


def test_buttons_without_text_still_render() -> None:
    [only] = render(Reply("", (Button("是", "yes"),)))
    assert only.html and only.keyboard is not None


def test_deep_link_payloads_are_checked() -> None:
    assert start_payload("/start t_sunjiaping") == "t_sunjiaping"
    assert start_payload("/start@wuzhai_test_bot b_X1-y") == "b_X1-y"
    assert start_payload("/start") is None
    assert start_payload("/start 孙家坪") is None
    assert start_payload("/start " + "a" * 65) is None
    assert start_payload("/help t_sunjiaping") is None
