"""Deadline phrases: spec rows in tests/specs/deadlines.jsonl, one test per row."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract.deadlines import document_year, extract_deadlines, parse_year, patterns, words
from pipeline.textview import TextView

SPECS = Path(__file__).parent / "specs" / "deadlines.jsonl"


def _rows() -> list[Any]:
    rows = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(row, id=row["id"]) for row in rows]


@pytest.mark.parametrize("row", _rows())
def test_deadline_spec(row: dict[str, Any]) -> None:
    view = TextView.from_text(row["input"])
    found = extract_deadlines(view, row.get("published_year"))
    got = [{"text": d.text, "year": d.year, "month": d.month, "rule": d.rule} for d in found]
    assert got == row["results"]
    for deadline in found:
        assert view.text[deadline.start : deadline.end] == deadline.evidence == deadline.text


def test_resources_load_and_name_every_rule() -> None:
    assert patterns()["TO_YEAR_RE"].search("到2025年")
    assert words().plan_periods["十四五"] == 2025
    assert parse_year("二〇二五") == 2025 and parse_year("2035") == 2035


@pytest.mark.parametrize(
    ("text", "title", "year"),
    [
        pytest.param("2025年安徽省政府工作报告\n\n经济社会发展的主要预期目标是", None, 2025, id="title-line"),
        pytest.param("政府工作报告\n——2025年3月5日在第十四届全国人民代表大会上\n", None, 2025, id="dateline"),
        pytest.param(
            "政府工作报告\n——二〇二六年一月二十日在青岛市人民代表大会上\n", None, 2026, id="cn-dateline"
        ),
        pytest.param(
            "各市人民政府:\n现印发给你们。\n正文\n河北省人民政府办公厅\n2023年3月24日", None, 2023, id="sig"
        ),
        pytest.param("正文没有日期。", "北京市深入开展质量提升行动方案(2021-2023年)", 2021, id="title-range"),
        pytest.param(
            "各位代表:\n一、2024年工作回顾\n二、2025年经济社会发展总体要求", None, 2025, id="plan-year"
        ),
        pytest.param("没有任何年份的正文。", None, None, id="unknown"),
    ],
)
def test_document_year(text: str, title: str | None, year: int | None) -> None:
    assert document_year(TextView.from_text(text), None, title) == year


def test_published_year_wins_over_the_text() -> None:
    view = TextView.from_text("2025年北京市政府工作报告")
    assert document_year(view, 2024) == 2024


def test_relative_deadline_uses_the_inferred_document_year() -> None:
    view = TextView.from_text("2025年河南省政府工作报告\n\n今年主要预期目标是:经济增长5.5%左右。")
    (this_year,) = [d for d in extract_deadlines(view) if d.rule == "this_year"]
    assert this_year.year == 2025


def test_plan_period_in_the_first_lines_bounds_a_news_story_year() -> None:
    text = "某省印发行动方案\n\n记者获悉，省政府办公厅印发《某省制造业质量提升行动方案（2025—2027年）》。\n"
    assert document_year(TextView.from_text(text)) == 2025
