"""Cleaning scraped text that is messy in every way pages can be."""

from __future__ import annotations

from pipeline.clean import clean_text

STORY = "到2025年,制造业质量竞争力指数达到92。"


def test_stray_control_characters_and_line_ends() -> None:
    raw = "\x01标题\x7f\r\n\x0b正文\x1b:" + STORY + "\x85\r第二段\u2028。"
    assert clean_text(raw) == "标题\n正文:" + STORY + "\n第二段。"


def test_full_width_text_is_kept_as_written() -> None:
    raw = "到２０２５年，合格率达到９８％以上。"
    assert clean_text(raw) == raw  # offsets index this text: folding happens in the matching form


def test_very_long_line_without_punctuation_is_kept_whole() -> None:
    raw = "质量强市建设" * 50_000
    assert clean_text(raw + "\n" + STORY) == raw + "\n" + STORY


def test_only_furniture_leaves_nothing() -> None:
    assert clean_text("首页\n分享到:\n打印本页\n") == ""


def test_html_fragment_from_a_dump_has_main_text() -> None:
    from pipeline.clean import html_main_text

    page = html_main_text("<p>" + STORY + "</p>")
    assert page.text == STORY
