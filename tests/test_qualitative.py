"""Qualitative targets: spec rows in tests/specs/qualitative.jsonl and the seed article."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract.context import DocumentContext
from pipeline.extract.deadlines import extract_deadlines
from pipeline.extract.qualitative import extract_qualitative
from pipeline.extract.time_scope import TimeScope
from pipeline.textview import TextView
from schemas import QualitativeTarget

SPECS = Path(__file__).parent / "specs" / "qualitative.jsonl"


def _rows() -> list[Any]:
    rows = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(row, id=row["id"]) for row in rows]


def qualitative_of(text: str, published_year: int | None = None) -> list[QualitativeTarget]:
    view = TextView.from_text(text)
    published = date(published_year, 1, 1) if published_year else None
    context = DocumentContext(published=published)
    scope = TimeScope(view, extract_deadlines(view, published_year), context)
    return extract_qualitative(view, scope, context)


@pytest.mark.parametrize("row", _rows())
def test_qualitative_spec(row: dict[str, Any]) -> None:
    found = qualitative_of(row["input"], row.get("published_year"))
    got = [{"subject": q.subject, "level": q.level, "deadline": q.deadline} for q in found]
    assert got == row["results"]
    for item in found:
        assert row["input"][item.start : item.end] == item.evidence


def test_seed_article_2035_target(seed_text: str) -> None:
    found = qualitative_of(seed_text, 2023)
    by_subject = {q.subject: q for q in found}
    strength = by_subject["质量和品牌综合实力"]
    assert (strength.level, strength.deadline) == ("国内领先、国际先进水平", 2035)
    assert by_subject["公共服务质量满意度"].deadline == 2025
    assert not any("质量整体水平" in q.subject for q in found)


def test_qualitative_scoring_pairs_by_subject_and_deadline() -> None:
    from pipeline.evaluate import evaluate

    gold = {
        "doc": "d.txt",
        "qualitative": [
            {"subject": "公共服务质量满意度", "level": "满意区间", "deadline": 2025},
            {"subject": "质量和品牌综合实力", "level": "国内领先、国际先进水平", "deadline": 2035},
            {"subject": "国际收支", "level": "基本平衡", "deadline": 2025, "optional": True},
        ],
    }
    predicted = {
        "d.txt": {
            "qualitative": [
                {"subject": "全市公共服务质量满意度", "level": "满意区间", "deadline": 2025},
                {"subject": "质量和品牌综合实力", "level": "国内领先、国际先进水平", "deadline": 2025},
                {"subject": "国际收支", "level": "基本平衡", "deadline": 2025},
            ]
        }
    }
    summary = evaluate(predicted, [gold]).summary()
    assert {k: summary["qualitative"][k] for k in ("tp", "fp", "fn")} == {"tp": 1, "fp": 1, "fn": 1}
    assert summary["targets"]["tp"] == 0


_CLAUSE_PIECES = [
    "公共服务质量满意度稳定在满意区间",
    "主要指标保持全国领先水平",
    "走在全省前列",
    "高于全省平均水平",
    "完成省下达目标任务",
    "全面完成节能减排降碳约束性指标",
    "居民收入增长与经济增长同步",
    "质量整体水平进一步提高",
    "到2025年",
    "，",
    "。",
    "！",
    "？",
    "、",
    "\n",
    ":",
    " ",
]


def test_clauses_read_for_cues_include_every_clause_holding_one() -> None:
    """Only clauses a whole-text cue match touches are read: none holding a cue may be left out,
    also when a cue match runs over a clause mark (高于…水平 may cross ! and ?)."""
    import random

    from pipeline.extract.qualitative import _cue_clauses, patterns
    from pipeline.structure import TextStructure

    compiled = patterns()
    rng = random.Random(13)
    for _ in range(400):
        text = "".join(rng.choice(_CLAUSE_PIECES) for _ in range(rng.randint(1, 14)))
        text += rng.choice(["", "高于全国!平均水平", "高于全?省水平", "完成本年考核目标"])
        view = TextView.from_text(text)
        with_cue = [
            span
            for span in TextStructure.of(view).clauses(0, len(view.norm))
            if compiled["LEVEL_CUE_RE"].search(view.norm, *span)
        ]
        read = _cue_clauses(view, compiled)
        assert set(with_cue) <= set(read), text
        assert read == sorted(set(read))


_LEVEL_PIECES = [
    *_CLAUSE_PIECES,
    "就业形势总体稳定",
    "收支基本平衡",
    "实现全覆盖",
    "保持正增长",
    "跻身全国先进行列",
    "达到国际一流、国内领先水平",
    "稳居同类城市前列",
    "与经济增长基本同步",
    "高于城镇居民收入增速",
    "完成市下达的目标任务",
    "完成年度考核目标",
    "达到国家标准要求",
    "控制在省下达指标以内",
    "确保不发生规模性返贫致贫",
    "率先基本实现社会主义现代化",
    "坚决完成",
    "圆满完成",
    "合理区间",
]


def test_every_level_holds_a_key_word() -> None:
    """Only the clauses a key word touches are tested for a level: every match of the level cue
    must hold a key word, or its clause would go unread."""
    import random

    from pipeline.extract.qualitative import patterns

    compiled = patterns()
    rng = random.Random(19)
    matched = 0
    for _ in range(2000):
        text = TextView.from_text("".join(rng.choice(_LEVEL_PIECES) for _ in range(rng.randint(1, 8)))).norm
        for match in compiled["LEVEL_CUE_RE"].finditer(text):
            matched += 1
            assert compiled["LEVEL_KEY_RE"].search(text, match.start(), match.end()), match.group()
    assert matched > 500
