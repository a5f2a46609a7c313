"""Column tables: spec rows (tests/specs/column_tables.jsonl) read through the real pipeline's
text view and time scope; every item's evidence is its text span."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from pipeline.components import document_context, time_scope
from pipeline.extract.column_tables import extract_column_tables, find_tables
from pipeline.segment import text_view

SPECS = Path(__file__).parent / "specs" / "column_tables.jsonl"
ROWS = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]
TARGET_FIELDS = ("indicator", "value", "value_max", "unit", "comparator", "kind", "direction", "annual")
RESULT_FIELDS = ("indicator", "value", "unit", "comparator", "kind", "direction", "period")


def _key(item: dict[str, Any], fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(
        float(item[f]) if f in ("value", "value_max") and item[f] is not None else item[f] for f in fields
    )


@pytest.mark.parametrize("row", [pytest.param(row, id=row["id"]) for row in ROWS])
def test_column_table_spec(nlp: Language, row: dict[str, Any]) -> None:
    doc = nlp(row["input"])
    view = text_view(doc)
    found = extract_column_tables(view, time_scope(doc), document_context(doc))
    targets = [t.model_dump() for t in found.targets]
    results = [r.model_dump() for r in found.results]
    target_fields = (*TARGET_FIELDS, "deadline", "binding")
    assert sorted(_key(t, target_fields) for t in targets) == sorted(
        _key(t, target_fields) for t in row["targets"]
    ), row["note"]
    assert sorted(_key(r, RESULT_FIELDS) for r in results) == sorted(
        _key(r, RESULT_FIELDS) for r in row["results"]
    ), row["note"]
    for item in targets + results:
        assert view.text[item["start"] : item["end"]] == item["evidence"]
        assert any(start <= item["start"] < end for start, end in found.covered)


def test_flat_dump_rows_follow_serial_numbers(nlp: Language) -> None:
    """A serial number restarts a row even when a value is missing from the row before."""
    text = (
        "序号\n指标\n单位\n2023年基期值\n2026年目标值\n"
        "1\n制造业产品质量合格率\n%\n≥94.5\n"
        "2\n有效注册商标数\n万件\n10.3\n13\n"
    )
    doc = nlp(text)
    (table,) = find_tables(text_view(doc), 2024)
    assert [len(row.cells) for row in table.rows] == [4, 5]
    found = extract_column_tables(text_view(doc), time_scope(doc), document_context(doc))
    assert {(t.indicator, t.value, t.deadline) for t in found.targets} == {
        ("有效注册商标数", 13.0, 2026),
        ("制造业产品质量合格率", 94.5, 2026),
    }
    assert [(r.indicator, r.value, r.period) for r in found.results] == [("有效注册商标数", 10.3, 2023)]


def test_pipeline_keeps_table_targets_once_with_binding(nlp: Language) -> None:
    """The old table pass gives up the rows a column table covers; a target stated in the text
    and in the table is one target, with the table's binding."""
    text = (
        "到2025年，药品抽检合格率不低于99%。\n"
        "指标 | 单位 | 2020年 | 2025年 | 属性\n"
        "药品抽检合格率 | % | 98.6 | ≥99 | 约束性\n"
    )
    doc = nlp(text)
    assert [(t.indicator, t.value, t.binding) for t in doc._.zp_targets] == [("药品抽检合格率", 99.0, True)]
    assert [(r.indicator, r.value, r.period) for r in doc._.zp_results] == [("药品抽检合格率", 98.6, 2020)]


def test_dev_indicator_table_reads_binding(shared: Path, nlp: Language) -> None:
    path = shared / "corpus" / "dev" / "026_xian_zhiliangqiangshi_shishifangan_table_trad.txt"
    doc = nlp(path.read_text(encoding="utf-8"))
    table = [t for t in doc._.zp_targets if t.rule == "column_table"]
    assert len(table) == 6
    assert [t.binding for t in table].count(True) == 1  # 單位地區生產總值能源消耗降低: 約束性
    assert all(t.deadline == 2025 for t in table)
