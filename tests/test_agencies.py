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


def test_news_source_matches_found_near_anchors_are_the_scans_matches() -> None:
    """The news-source pattern is tried only up to its reach before an anchor character: every
    match must hold one within its reach, and the matches found so must be the full scan's."""
    import random

    from pipeline.extract.agencies import _anchored_matches, agency_patterns

    patterns = agency_patterns()
    pattern, anchor = patterns.compiled["NEWS_SOURCE_RE"], patterns.compiled["NEWS_SOURCE_ANCHOR_RE"]
    reach = patterns.anchor_reach["NEWS_SOURCE"]
    rng = random.Random(13)
    pieces = [
        *_LEAD_PIECES,
        "记者22日了解到,",
        "获悉,",
        "据悉,",
        "今天",
        "昨日",
        "新华社北京12月31日电 (记者 刘亮)",
    ]
    matched = 0
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(2, 10)))
        scanned = list(pattern.finditer(text))
        for match in scanned:
            assert anchor.search(text, match.start(), match.start() + reach + 1), text
        anchored = list(_anchored_matches(pattern, anchor, reach, text))
        assert [(m.span(), m.groupdict()) for m in anchored] == [(m.span(), m.groupdict()) for m in scanned]
        matched += len(scanned)
    assert matched > 20


_CUED_PIECES = {
    "SIGNATURE": [
        "青岛市人民政府",
        "\n",
        "2023年10月8日",
        "二〇二三年十月八日",
        " ",
        "附件",
        "。",
        "12月31日",
    ],
    "FOUNDER": ["区长质量奖", "是", "由", "深圳市宝安区人民政府", "设立的", "设置的", "创设的", "设立", "，"],
    "RESPONSIBLE_HEADER": ["牵头", "责任", "单位", "部门", " ", "|", "\n", "县教育局"],
    "BRACKET_RESPONSIBLE": [
        "(",
        ")",
        "市工信局",
        "、",
        "市市场监管局",
        "牵头",
        "负责",
        "配合",
        "落实",
        "参与",
    ],
}


@pytest.mark.parametrize("name", sorted(_CUED_PIECES))
def test_every_cued_match_holds_its_cue(name: str) -> None:
    """A text without a pattern's cue is not scanned with the pattern: every match must hold a
    match of the cue (found within the match's own stretch)."""
    import random

    from pipeline.extract.agencies import agency_patterns

    compiled = agency_patterns().compiled
    pattern, cue = compiled[f"{name}_RE"], compiled[f"{name}_CUE_RE"]
    rng = random.Random(17)
    matched = 0
    for _ in range(3000):
        text = "".join(rng.choice(_CUED_PIECES[name]) for _ in range(rng.randint(2, 12)))
        for match in pattern.finditer(text):
            matched += 1
            assert cue.search(text, match.start(), match.end()), text
    assert matched > 20


def test_the_matching_form_has_no_full_width_bracket() -> None:
    """The bracket cue looks for ``)`` only: the matching form writes every bracket half-width."""
    from pipeline.extract.agencies import agency_patterns

    view = TextView.from_text("（市工信局、市市场监管局负责）")
    assert "）" not in view.norm and "（" not in view.norm
    matches = agency_patterns().compiled["BRACKET_RESPONSIBLE_RE"].finditer(view.norm)
    assert [m.group("agencies") for m in matches] == ["市工信局、市市场监管局"]
