"""The reversible text view: artefacts kept out of matching, offsets mapped back exactly.

Spec rows (tests/specs/artefacts.jsonl): ``view`` is the text the extractors match on; the
span of ``find`` in the view maps back to ``evidence``, the document's own characters (artefacts
inside included).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from itertools import accumulate
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.segment import SegmentMode, ZhpolicyTokenizer, character_tokens, segment_words, words_and_spaces
from pipeline.textview import TextView
from schemas import Mention, Programme

SPECS = Path(__file__).parent / "specs" / "artefacts.jsonl"


def _rows() -> list[Any]:
    rows = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(row, id=row["id"]) for row in rows]


@pytest.mark.parametrize("row", _rows())
def test_artefact_spec(row: dict[str, Any]) -> None:
    view = TextView.from_text(row["input"])
    assert view.text == row["view"], row["note"]
    assert len(view.norm) == len(view.text)
    assert view.original == row["input"]
    start = view.text.index(row["find"])
    end = start + len(row["find"])
    original_start, original_end = view.orig_span(start, end)
    assert row["input"][original_start:original_end] == row["evidence"], row["note"]
    assert view.evidence(start, end) == row["evidence"]
    assert view.has_artefacts == (row["input"] != row["view"])


@pytest.mark.parametrize("row", _rows())
def test_every_kept_character_maps_to_itself(row: dict[str, Any]) -> None:
    view = TextView.from_text(row["input"])
    for index, character in enumerate(view.text):
        source = row["input"][view.orig(index) : view.orig_end(index + 1)]
        # a kept character maps to itself; a replacement (an entity, a break tag) to its source
        assert source == character or len(source) > 1, (index, character, source)
    assert view.orig_span(len(view.text), len(view.text)) == (len(row["input"]),) * 2


def test_items_are_copied_back_to_document_offsets() -> None:
    text = "深入实施“[b]好品[/b]山东”品牌战略，“好品山东”品牌企业达到 500 家。"
    view = TextView.from_text(text)
    start = view.text.index("好品山东")
    end = start + len("好品山东")
    second = view.text.index("好品山东", end)
    programme = Programme(
        name="好品山东",
        type="brand",
        start=start,
        end=end,
        evidence=view.text[start:end],
        mentions=[Mention(start=second, end=second + 4, text="好品山东")],
    )
    mapped = view.to_original(programme)
    assert text[mapped.start : mapped.end] == mapped.evidence == "好品[/b]山东"
    assert text[mapped.mentions[0].start : mapped.mentions[0].end] == mapped.mentions[0].text == "好品山东"
    assert programme.evidence == "好品山东"  # the view's item is left as it was


def test_deadlines_and_targets_come_back_through_pdf_spaces() -> None:
    text = "到 2025 年，全市规模以上工业企业达到 1000 家，高新技术企业数量突破 500 家。"
    record = pipeline.extract(text)
    assert [(t.value, t.deadline) for t in record.targets] == [(1000, 2025), (500, 2025)]
    assert [d.year for d in record.deadlines] == [2025]
    assert record.deadlines[0].evidence == "到 2025 年"
    for item in [*record.targets, *record.deadlines]:
        assert record.text[item.start : item.end] == item.evidence


def test_control_characters_never_stop_extraction() -> None:
    text = "\x00\x01到2025年，全市制造业产品质量合格率达到94%以上，\x07中国质量奖获奖数量达到2个。"
    record = pipeline.extract(text, clean=False)
    assert record.text == text
    assert [(t.indicator, t.value) for t in record.targets] == [
        ("制造业产品质量合格率", 94),
        ("中国质量奖获奖数量", 2),
    ]


def test_every_control_character_is_removed_from_otherwise_clean_text() -> None:
    """The view skips its control-character scan for text without unprintable characters
    (blanks aside): no character of the scan's class may slip past that test."""
    controls = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]]
    controls += [chr(c) for c in [*range(0x200B, 0x2010), 0x2060, 0xFEFF]]
    for control in controls:
        text = f"到2025年，全市合格率达到94%以上。\n质量{control}强市　建设 \t提升。"
        view = TextView.from_text(text)
        assert control not in view.text, hex(ord(control))
        assert view.text == TextView.from_text(text.replace(control, "")).text


_PIECES = st.sampled_from(
    ["质", "量", "强", "市", "，", "。", "到", "2025", "年", " ", "\n", "[b]", "[/b]", "&nbsp;", "— 3 —",
     "(zhì)", "，，", "\x00", "达到", "90", "%", "以上"]
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_view_maps_back_for_any_mix_of_artefacts(pieces: list[str]) -> None:
    text = "".join(pieces)
    view = TextView.from_text(text)
    assert len(view.norm) == len(view.text)
    previous_end = 0
    for index in range(len(view.text)):
        start, end = view.orig(index), view.orig_end(index + 1)
        assert previous_end <= start < end <= len(text)  # order kept, no overlap
        previous_end = end
    for start in range(len(view.text) + 1):
        for end in range(start, min(len(view.text), start + 6) + 1):
            original_start, original_end = view.orig_span(start, end)
            assert 0 <= original_start <= original_end <= len(text)
            assert view.evidence(start, end) == text[original_start:original_end]


@pytest.mark.parametrize(
    ("text", "view_text", "marked"),
    [
        pytest.param("加快质 量强市建设，到2025年。", "加快质量强市建设，到2025年。", [3], id="space"),
        pytest.param("标准&amp;计量，质量。", "标准&计量，质量。", [2], id="replaced_entity"),
        pytest.param("质量强市。", "质量强市。", [], id="no_artefact"),
    ],
)
def test_marked_positions_are_where_view_and_document_differ(
    text: str, view_text: str, marked: list[int]
) -> None:
    """The tokenizer maps only the words holding these positions back one by one; the tokens
    of the whole document must still tile it exactly."""
    view = TextView.from_text(text)
    assert view.text == view_text
    assert view.marked_positions() == marked
    assert pipeline.load()(text).text == text


def _mapped_by_lengths(view: TextView, words: list[str]) -> list[str]:
    """The plain definition of the words on the document: each word holding a marked position
    becomes the document's span for it, after what was removed before it (cut into character
    tokens); the words are located by their lengths."""
    original = view.original
    bounds = list(accumulate(map(len, words), initial=0))
    special = sorted({bisect_right(bounds, position) - 1 for position in view.marked_positions()})
    out: list[str] = []
    previous = 0
    for index in special:
        out.extend(words[previous:index])
        start, end = view.orig(bounds[index]), view.orig_end(bounds[index + 1])
        gap_start = view.orig_end(bounds[index]) if index else 0
        out.extend(character_tokens(original[gap_start:start]))
        out.append(original[start:end])
        previous = index + 1
    out.extend(words[previous:])
    tail = view.orig_end(bounds[-1]) if words else 0
    return out + character_tokens(original[tail:])


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40), st.sampled_from(["candidates", "full"]))
def test_words_are_mapped_onto_the_document_as_by_their_lengths(pieces: list[str], mode: SegmentMode) -> None:
    """The segmenter finds the words holding marked positions from where each stretch of the
    view went, never reading every word's length; the words must be those of the plain
    definition, and so the tokens."""
    text = "".join(pieces)
    view = TextView.from_text(text)
    bare = TextView(text=view.text, norm=view.norm, sentences=view.sentences)  # the view's own words
    expected = _mapped_by_lengths(view, segment_words(bare, mode))
    assert segment_words(view, mode) == expected
    doc = ZhpolicyTokenizer(pipeline.load().vocab, mode)(text)
    words, spaces = words_and_spaces(expected)
    assert [token.text for token in doc] == words
    assert [bool(token.whitespace_) for token in doc] == spaces
