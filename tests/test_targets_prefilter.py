"""The clause prefilter of the target extractor (CLAUSE_NUMBER_RE) never skips a clause that can
hold a value (a VALUE_RE match the extractor reads as one) or open with a year (OPENING_YEAR_RE)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean import clean_text
from pipeline.extract.targets import _parse_value, target_rules
from pipeline.structure import TextStructure
from pipeline.textview import TextView

# what values are written with: digits, numerals of every kind, units, qualifiers, signs, ranges
PIECES = [
    *"0123456789零〇一二两三四五六七八九十百千万亿点成",
    "百分之",
    "%",
    "‰",
    "个",
    "家",
    "万元",
    "亿元",
    "公里",
    "左右",
    "余",
    "多",
    "以上",
    "以内",
    "约",
    "超过",
    "不低于",
    "每千人",
    "批次",
    "-",
    "−",
    "至",
    "—",
    "~",
    ".",
    ",",
    "年",
    "2025年",
    "达到",
    "增长",
    "企业",
    "“",
    "”",
    "第",
    " ",
]
value_text = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def _skipped(text: str, start: int, end: int) -> bool:
    return target_rules()["CLAUSE_NUMBER_RE"].search(text, start, end) is None


@settings(max_examples=500, deadline=None)
@given(text=value_text, cut=st.tuples(st.integers(0, 60), st.integers(0, 60)))
def test_a_clause_the_prefilter_skips_holds_no_value_and_no_opening_year(
    text: str, cut: tuple[int, int]
) -> None:
    rules = target_rules()
    start, end = min(cut), min(max(cut), len(text))
    if not _skipped(text, start, end):
        return
    assert all(_parse_value(match) is None for match in rules["VALUE_RE"].finditer(text, start, end))
    assert not rules["OPENING_YEAR_RE"].match(text, start, end)


def test_the_prefilter_keeps_every_clause_with_a_value_in_real_reports(shared: Path) -> None:
    rules = target_rules()
    values = skipped = 0
    for path in sorted((shared / "corpus" / "full").glob("*.txt")):
        view = TextView.from_text(clean_text(path.read_text(encoding="utf-8")))
        structure = TextStructure.of(view)
        for sentence in view.sentences:
            for start, end in structure.clauses(sentence.start, sentence.end):
                matches = rules["VALUE_RE"].finditer(view.norm, start, end)
                found = [match for match in matches if _parse_value(match) is not None]
                values += len(found)
                if found or rules["OPENING_YEAR_RE"].match(view.norm, start, end):
                    assert not _skipped(view.norm, start, end), view.norm[start:end]
                skipped += _skipped(view.norm, start, end)
    assert values > 1000  # the reports are full of figures: the check did read them
    assert skipped > 1000  # and clauses with numerals only inside words (统一, 进一步) are skipped


def test_a_sentence_passes_the_prefilter_exactly_when_one_of_its_clauses_does(shared: Path) -> None:
    """The extractor skips whole sentences with the clause prefilter: that is the same as testing
    each clause only because the pattern spans no clause break and looks at nothing around it."""
    prefilter = target_rules()["CLAUSE_NUMBER_RE"]
    passed = 0
    for path in sorted((shared / "corpus" / "full").glob("*.txt")):
        view = TextView.from_text(clean_text(path.read_text(encoding="utf-8")))
        structure = TextStructure.of(view)
        for sentence in view.sentences:
            whole = prefilter.search(view.norm, sentence.start, sentence.end) is not None
            clauses = structure.clauses(sentence.start, sentence.end)
            assert whole == any(not _skipped(view.norm, start, end) for start, end in clauses)
            passed += whole
    assert passed > 500
