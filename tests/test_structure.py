"""The text-structure layer: one definition of clauses, paragraphs and headings."""

from __future__ import annotations

import pytest

from pipeline import resources
from pipeline.structure import TextStructure, structure_patterns
from pipeline.textview import TextView

REPORT = (
    "一、2025年工作回顾\n"
    "过去一年，全市地区生产总值增长5.8%，城镇新增就业12万人。\n"
    "二、2026年主要目标\n"
    "（一）经济增长。地区生产总值增长5.5%左右；居民消费价格涨幅3%左右。\n"
    "1 | 新建充电桩5000个 | 市发展改革委\n"
)


def _structure(text: str) -> tuple[TextView, TextStructure]:
    view = TextView.from_text(text)
    return view, TextStructure.of(view)


def test_clauses_split_at_punctuation_line_ends_and_table_cells() -> None:
    view, structure = _structure(REPORT)
    start = view.norm.index("（一）") if "（一）" in view.norm else view.norm.index("(一)")
    end = view.norm.index("\n", start)
    clauses = [view.norm[s:e] for s, e in structure.clauses(start, end)]
    assert clauses == [
        "(一)经济增长",
        "地区生产总值增长5.5%左右",
        "居民消费价格涨幅3%左右",
    ]
    row = view.norm.index("1 | ")
    cells = [view.norm[s:e].strip() for s, e in structure.clauses(row, view.norm.index("\n", row))]
    assert cells == ["1", "新建充电桩5000个", "市发展改革委"]


def test_clause_around_paragraphs_and_sections() -> None:
    view, structure = _structure(REPORT)
    value = view.norm.index("12万人")
    start, end = structure.clause_around(value, value + 4)
    assert view.norm[start:end] == "城镇新增就业12万人"
    paragraph = structure.paragraph_index(value)
    assert view.norm[structure.paragraph_starts[paragraph] : structure.paragraph_end(value)].startswith(
        "过去一年"
    )
    plan = view.norm.index("居民消费价格")
    assert view.norm[structure.section_start(plan) :].startswith("(一)经济增长")
    assert [view.norm[s : s + 2] for s in structure.top_heading_starts] == ["一、", "二、"]
    assert structure.section_start(0) == 0 and TextStructure.of(view) is structure


def test_a_report_on_one_line_still_opens_its_sections() -> None:
    view, structure = _structure("过去一年，经济平稳。二、2026年主要目标。地区生产总值增长5%左右。")
    assert [view.norm[s : s + 2] for s in structure.top_heading_starts] == ["二、"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param("CLAUSE_BREAK_RE: '[,;'\n", "CLAUSE_BREAK_RE", id="bad_regex"),
        pytest.param("CLAUSE_BREAK_RE: '[,;]'\nHEADING_RE: 'x'\n", "missing TOP_HEADING_RE", id="missing"),
    ],
)
def test_a_broken_structure_file_stops_the_load(tmp_path, monkeypatch, content: str, message: str) -> None:
    (tmp_path / "structure.yaml").write_text(content, encoding="utf-8")
    monkeypatch.setattr(resources, "RESOURCE_DIR", tmp_path)
    caches = (resources.load_yaml, resources.load_patterns, structure_patterns)
    for cached in caches:
        cached.cache_clear()
    try:
        with pytest.raises(resources.ResourceError, match=message):
            structure_patterns()
    finally:
        monkeypatch.undo()
        for cached in caches:
            cached.cache_clear()


HEADINGS = (
    "第一章 总则\n一、总体要求\n(一)主要目标\n  二、重点任务\n专栏1 重大工程\n第三部分 保障措施\n"
    "第二条 适用范围。三、组织实施。(二)加强领导。第四编 附则\n　四、 附件\n十一、其他"
)


def test_the_headings_are_those_the_patterns_find_in_the_whole_text(shared) -> None:
    """The structure tries HEADING_RE only after a HEADING_START_RE character and picks the
    top-level headings out of the headings (no whole-text scan): they must be exactly what
    HEADING_RE and TOP_HEADING_RE find in the whole text."""
    texts = [HEADINGS, REPORT, HEADINGS.replace("\n", "。"), "一、总体要求!二、重点任务?(三)保障措施"]
    texts += [path.read_text(encoding="utf-8") for path in sorted((shared / "corpus").glob("*/*.txt"))]
    heading, top_heading = structure_patterns()["HEADING_RE"], structure_patterns()["TOP_HEADING_RE"]
    headings = tops = 0
    for text in texts:
        view, structure = _structure(text)
        assert structure.heading_starts == [m.start() for m in heading.finditer(view.norm)]
        found = [m.start() for m in top_heading.finditer(view.norm)]
        assert structure.top_heading_starts == found
        headings += len(structure.heading_starts)
        tops += len(found)
    assert tops > 100 and headings > tops  # the reports and plans have sections: the check read some
