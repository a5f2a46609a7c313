"""Resolvers on their own: numbers, units, comparators; and the target resources load cleanly."""

from __future__ import annotations

import pytest

from pipeline.extract.targets import target_rules
from pipeline.resolve.comparators import Predicate, comparator_lexicon, resolve_comparator, resolve_predicate
from pipeline.resolve.numbers import parse_number, parse_tenths
from pipeline.resolve.units import resolve_unit, unit_lexicon


@pytest.mark.parametrize(
    ("span", "value"),
    [
        pytest.param("92", 92.0, id="integer"),
        pytest.param("98.5", 98.5, id="decimal"),
        pytest.param("1,200", 1200.0, id="thousands_separator"),
        pytest.param("十", 10.0, id="cn_ten"),
        pytest.param("九十二", 92.0, id="cn_ninety_two"),
        pytest.param("百分之九十二", 92.0, id="cn_percent_word"),
        pytest.param("百分之98.5", 98.5, id="percent_word_arabic"),
        pytest.param("两", 2.0, id="cn_liang"),
        pytest.param("十二点五", 12.5, id="cn_decimal"),
        pytest.param("一百二十", 120.0, id="cn_hundreds"),
    ],
)
def test_parse_number(span: str, value: float) -> None:
    assert parse_number(span) == value


@pytest.mark.parametrize("span", ["十四五规划", "达到92", "", "abc"])
def test_parse_number_refuses_non_numerals(span: str) -> None:
    assert parse_number(span) is None


def test_tenths_are_percent() -> None:
    assert parse_tenths("八") == 80.0


@pytest.mark.parametrize(
    ("span", "surface", "base", "factor"),
    [
        pytest.param("%", "%", "%", 1.0, id="percent"),
        pytest.param("百分之", "%", "%", 1.0, id="percent_word"),
        pytest.param("个百分点", "个百分点", "个百分点", 1.0, id="points"),
        pytest.param("万人", "万人", "人", 1e4, id="ten_thousand_people"),
        pytest.param("亿元", "亿元", "元", 1e8, id="hundred_million_yuan"),
        pytest.param("万亿元", "万亿元", "元", 1e12, id="trillion_yuan"),
        pytest.param("万亩", "万亩", "亩", 1e4, id="mu"),
        pytest.param("家", "家", "家", 1.0, id="counter"),
        pytest.param("万元/人", "万元/人", "元/人", 1e4, id="per_person"),
        pytest.param("批次/千人", "批次/千人", "批次/千人", 1.0, id="per_thousand"),
        pytest.param("名", "名", "名", 1.0, id="rank"),
    ],
)
def test_resolve_unit(span: str, surface: str, base: str, factor: float) -> None:
    unit = resolve_unit(span)
    assert unit is not None
    assert (unit.surface, unit.base, unit.factor) == (surface, base, factor)


@pytest.mark.parametrize("span", [None, "", "年", "号线", "万"])
def test_resolve_unit_refuses(span: str | None) -> None:
    assert resolve_unit(span) is None


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        pytest.param("达到", Predicate("ge"), id="reach"),
        pytest.param("突破", Predicate("gt"), id="break_through"),
        pytest.param("控制在", Predicate("le"), id="keep_within"),
        pytest.param("低于", Predicate("lt"), id="below"),
        pytest.param("稳定在", Predicate("eq"), id="stable_at"),
        pytest.param("提高到", Predicate("ge"), id="raise_to_is_level"),
        pytest.param("提高", Predicate("eq", "change", "up"), id="raise_by_is_change"),
        pytest.param("下降", Predicate("eq", "change", "down"), id="fall_by"),
        pytest.param(None, Predicate(), id="bare_figure"),
    ],
)
def test_resolve_predicate(words: str | None, expected: Predicate) -> None:
    assert resolve_predicate(words) == expected


@pytest.mark.parametrize(
    ("predicate", "prefix", "qualifier", "comparator"),
    [
        pytest.param("稳定在", None, "以上", "ge", id="qualifier_over_verb_ge"),
        pytest.param("控制在", None, "左右", "approx", id="qualifier_over_verb_approx"),
        pytest.param("达到", None, "左右", "approx", id="reach_about"),
        pytest.param(None, "约", None, "approx", id="prefix_about"),
        pytest.param(None, "≥", None, "ge", id="table_sign"),
        pytest.param(None, "前", "以内", "le", id="rank_within"),
        pytest.param("增长", None, None, "eq", id="bare_change"),
    ],
)
def test_resolve_comparator(
    predicate: str | None, prefix: str | None, qualifier: str | None, comparator: str
) -> None:
    assert resolve_comparator(resolve_predicate(predicate), prefix, qualifier) == comparator


def test_target_resources_load_and_compile() -> None:
    rules = target_rules()
    assert rules["VALUE_RE"].fullmatch("98.5%以上")
    assert rules["VALUE_RE"].fullmatch("3至5家")
    assert rules["VALUE_RE"].fullmatch("百分之九十二")
    assert rules["TABLE_VALUE_RE"].fullmatch("≥1.2")
    assert unit_lexicon().base and comparator_lexicon().predicates
    for name, words in rules.words.items():
        assert len(set(words)) == len(words), name


def test_unknown_comparator_label_fails_at_load(tmp_path, monkeypatch) -> None:
    from pipeline import resources
    from pipeline.resources import ResourceError

    (tmp_path / "comparators.yaml").write_text(
        "predicates:\n  达到: {comparator: at_least}\nqualifiers: {}\nprefixes: {}\n", encoding="utf-8"
    )
    monkeypatch.setattr(resources, "RESOURCE_DIR", tmp_path)
    resources.load_yaml.cache_clear()
    comparator_lexicon.cache_clear()
    try:
        with pytest.raises(ResourceError, match="bad predicate"):
            comparator_lexicon()
    finally:
        resources.load_yaml.cache_clear()
        comparator_lexicon.cache_clear()
