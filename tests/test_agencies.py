"""Agencies: spec rows (tests/specs/agencies.jsonl) and name normalisation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract.agencies import extract_agencies, normalise_agency
from pipeline.extract.context import DocumentContext
from pipeline.textview import TextView

SPECS = Path(__file__).parent / "specs" / "agencies.jsonl"
ROWS = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("row", [pytest.param(row, id=row["id"]) for row in ROWS])
def test_agency_spec(row: dict) -> None:
    view = TextView.from_text(row["input"])
    agencies = extract_agencies(view, DocumentContext(jurisdiction=row["jurisdiction"]))
    assert sorted((a.name, a.role, a.normalized) for a in agencies) == sorted(
        tuple(result) for result in row["results"]
    ), row["note"]
    for agency in agencies:
        for mention in agency.mentions:
            assert view.text[mention.start : mention.end] == mention.text


def test_each_agency_once_with_all_its_mentions() -> None:
    text = (
        "青岛市人民政府关于加快质量强市建设的实施意见\n"
        "青岛市人民政府将加强组织领导。青岛市人民政府办公厅负责督办。"
    )
    (agency,) = extract_agencies(TextView.from_text(text), DocumentContext(jurisdiction="青岛市"))
    assert agency.name == "青岛市人民政府" and len(agency.mentions) == 2


@pytest.mark.parametrize(
    ("name", "jurisdiction", "normalized"),
    [
        ("市市场监管局", "青岛市", "青岛市市场监督管理局"),
        ("省委", "青岛市", "中共山东省委员会"),
        ("市政府", "山东省", None),
        ("西安市人民政府办公厅", None, "西安市人民政府办公厅"),
        ("国家发展改革委", None, "国家发展和改革委员会"),
        ("区政府", "青岛市", None),
    ],
)
def test_normalise_agency(name: str, jurisdiction: str | None, normalized: str | None) -> None:
    assert normalise_agency(name, DocumentContext(jurisdiction=jurisdiction)) == normalized


_LEAD_PIECES = [
    "本报讯(记者 王明)",
    "新华社北京3月1日电",
    "近日,",
    "日前",
    "1月19日",
    "省委、省政府",
    "中共中央 国务院",
    "市政府",
    "市场监管总局",
    "福建省农业农村厅",
    "等18部门",
    "联合",
    "正式",
    "印发了",
    "发布",
    "公布",
    "通报",
    "据",
    "网站",
    "消息",
    "《关于加快质量强市建设的意见》",
    "关于推进质量提升的通知",
    "，",
    "。",
    "\n",
    "全年生产总值增长5.4%",
]


@pytest.mark.parametrize("name", ["NEWS_ISSUER", "NEWS_SOURCE"])
def test_every_news_lead_match_holds_its_cue(name: str) -> None:
    """A head without the cue is not scanned with the lead pattern: every match of the pattern
    must hold a match of its cue, or a news lead would go unread."""
    import random

    from pipeline.extract.agencies import agency_patterns

    compiled = agency_patterns().compiled
    pattern, cue = compiled[f"{name}_RE"], compiled[f"{name}_CUE_RE"]
    rng = random.Random(11)
    matched = 0
    for _ in range(3000):
        text = "".join(rng.choice(_LEAD_PIECES) for _ in range(rng.randint(2, 10)))
        for match in pattern.finditer(text):
            matched += 1
            assert any(match.start() <= c.start() < match.end() for c in cue.finditer(text)), text
    assert matched > 20  # the pieces do make leads
