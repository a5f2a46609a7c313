"""The first-character guard on resource patterns: the same matches, only found sooner."""

from __future__ import annotations

import re

import pytest

from pipeline.extract.deadlines import (
    _LINE_CROSSING_BARRIER_RE,
    _RULE_BARRIER_RE,
    DEADLINE_RULES,
    FULL_SCAN_RULES,
    LINE_CROSSING_RULES,
    _key_stretches,
    _rule_matches,
    patterns,
)
from pipeline.resources import guarded_compile
from pipeline.textview import matching_form

SENTENCES = [
    "到2025年,制造业质量竞争力指数达到92,全市产品质量合格率稳定在95%以上。",
    "2023年,全省地区生产总值增长5.2%;今年力争增长5.5%左右。",
    "(二)主要目标。到2027年底前,培育省级质量标杆企业50家以上、制造业品牌百个。",
    "十四五期间,公共服务质量满意度保持在满意区间,与经济增长基本同步。",
    "| 指标 | 2025年目标值 |\n| 质量竞争力指数 | 86 |\n截至2024年底,累计建成示范区12个",
    "明年起用三年时间,开展质量提升行动,未来五年实现全覆盖",
    "",
]
GUARDED_SHAPES = [
    pytest.param(
        r"(?P<prefix>约|近)?(?P<num>\d+|[一二三四五六七八九十]+)(?P<unit>%|个|家)", id="optional-prefix"
    ),
    pytest.param(r"(?<!\d)(?:19|20)\d{2}年(?!底)", id="lookbehind-first"),
    pytest.param(r"[。！？!?；;]+|\n+", id="branch-of-sets"),
    pytest.param(r"(?:国内|全国)?(?:领先|先进)(?:水平)?", id="optional-group-first"),
]
UNGUARDED_SHAPES = [
    pytest.param(r"到|达到|提高", id="literal-alternation-engine-skips-ahead"),
    pytest.param(r"\d*", id="may-match-empty"),
    pytest.param(r"(?:[^,]|x)+年", id="negated-set"),
    pytest.param(r"(?i)(?:a|b)?c", id="inline-flags"),
    pytest.param(r".?年", id="any-character"),
]


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


@pytest.mark.parametrize("body", GUARDED_SHAPES)
def test_guard_is_added_and_finds_the_same_matches(body: str) -> None:
    guarded = guarded_compile(body)
    plain = re.compile(body)
    assert guarded.pattern.startswith("(?=[")
    assert guarded.groupindex == plain.groupindex
    for sentence in SENTENCES:
        norm = matching_form(sentence)
        assert _found(guarded, norm) == _found(plain, norm)
        for start in range(len(norm)):
            plain_match, guarded_match = plain.match(norm, start), guarded.match(norm, start)
            assert (plain_match and plain_match.span()) == (guarded_match and guarded_match.span())


@pytest.mark.parametrize("body", UNGUARDED_SHAPES)
def test_no_guard_when_it_cannot_be_stated_or_would_not_help(body: str) -> None:
    assert guarded_compile(body).pattern == body


def _read_as_extract_deadlines_does(name: str, norm: str) -> list[tuple[int, int]]:
    found = patterns()
    if name in FULL_SCAN_RULES:
        return [m.span() for m in found[name].finditer(norm)]
    barrier = _LINE_CROSSING_BARRIER_RE if name in LINE_CROSSING_RULES else _RULE_BARRIER_RE
    return [m.span() for m in _rule_matches(found[name], norm, _key_stretches(norm, barrier))]


def test_deadline_rules_over_key_stretches_match_as_over_the_whole_text() -> None:
    found = patterns()
    # a range whose dash sits between line breaks (a title broken over lines)
    for sentence in [*SENTENCES, "行动方案(2023\n—\n2025年)\n到2027年底前,完成改造。"]:
        norm = matching_form(sentence)
        for name in DEADLINE_RULES:
            whole = [m.span() for m in found[name].finditer(norm)]
            assert _read_as_extract_deadlines_does(name, norm) == whole


def test_deadline_rules_over_key_stretches_match_as_over_every_shared_document(shared) -> None:
    found = patterns()
    matches = 0
    for path in sorted((shared / "corpus").glob("*/*.txt")):
        norm = matching_form(path.read_text(encoding="utf-8"))
        for name in DEADLINE_RULES:
            whole = [m.span() for m in found[name].finditer(norm)]
            assert _read_as_extract_deadlines_does(name, norm) == whole, (name, path.name)
            matches += len(whole)
    assert matches > 500  # the plans and reports are full of deadlines: the check did read some


def test_without_the_private_parser_patterns_compile_unguarded(monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeline import regex_guard

    monkeypatch.setattr(regex_guard, "_parser", None)
    pattern = guarded_compile(r"(?:到|至)?(?P<year>20\d{2})年")
    assert pattern.pattern == r"(?:到|至)?(?P<year>20\d{2})年"
    assert pattern.search("力争到2027年完成").group("year") == "2027"
