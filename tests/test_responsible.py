"""Responsible bodies per target: spec rows (tests/specs/responsible.jsonl) through the whole
pipeline; the bodies are also the document's agencies; ``compare --by agency`` lists them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from pipeline.compare.agency import agency_grid, targets_by_agency
from pipeline.extract.responsible import body_lists, merge_agencies
from pipeline.textview import TextView
from schemas import Agency, Mention

SPECS = Path(__file__).parent / "specs" / "responsible.jsonl"
ROWS = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("row", [pytest.param(row, id=row["id"]) for row in ROWS])
def test_responsible_spec(nlp: Language, row: dict[str, Any]) -> None:
    doc = nlp(row["input"])
    targets = doc._.zp_targets
    for indicator, bodies in row["targets"]:
        matching = [t for t in targets if t.indicator.startswith(indicator)]
        assert matching, f"{row['note']}: no target {indicator!r} in {[t.indicator for t in targets]}"
        assert [t.responsible for t in matching] == [bodies] * len(matching), row["note"]
    # every body named responsible is an agency (the agencies extractor may find more)
    agencies = {(a.name, a.role) for a in doc._.zp_agencies if a.role in ("lead", "responsible")}
    assert {tuple(pair) for pair in row["agencies"]} <= agencies, row["note"]
    for agency in doc._.zp_agencies:
        for mention in agency.mentions:
            assert doc.text[mention.start : mention.end] == mention.text


def test_bodies_keep_the_text_as_written() -> None:
    """Names and offsets index the original text (traditional characters, full-width marks)."""
    view = TextView.from_text("到2025年，合格率達到95%。（市市場監管局牽頭，市工信局配合）")
    (found,) = body_lists(view)
    assert [view.text[b.start : b.end] for b in found.bodies] == ["市市場監管局", "市工信局"]
    assert [b.lead for b in found.bodies] == [True, False]


def test_merge_agencies_adds_only_new_bodies() -> None:
    def agency(name: str, start: int, role: str) -> Agency:
        mention = Mention(start=start, end=start + len(name), text=name)
        return Agency(name=name, role=role, start=start, end=mention.end, evidence=name, mentions=[mention])

    found = [agency("市政府", 0, "issuer")]
    merged = merge_agencies(found, [agency("市政府", 10, "responsible"), agency("市财政局", 20, "lead")])
    assert [(a.name, a.role) for a in merged] == [("市政府", "issuer"), ("市财政局", "lead")]
    assert [m.start for m in merged[0].mentions] == [0, 10]


def _record(doc: str, place: str, targets: list[tuple[str, list[str]]]) -> dict[str, Any]:
    return {
        "doc": doc,
        "jurisdiction": place,
        "targets": [
            {
                "indicator": name,
                "value": 5,
                "unit": "%",
                "comparator": "ge",
                "deadline": 2025,
                "responsible": bodies,
            }
            for name, bodies in targets
        ],
    }


def test_compare_by_agency_lists_each_body_lead_targets_first() -> None:
    records = [
        _record("a.txt", "甲市", [("合格率", ["市市场监管局", "市工信局"]), ("覆盖率", ["市工信局"])]),
        _record("b.txt", "乙市", [("达标率", ["市市場監管局"])]),
    ]
    bodies = targets_by_agency(records)
    by_name = {b.name: b for b in bodies}
    # the traditional spelling is the same body
    assert [(lead, place) for lead, place, _, _ in by_name["市市场监管局"].lines] == [
        (True, "甲市"),
        (True, "乙市"),
    ]
    assert [lead for lead, *_ in by_name["市工信局"].lines] == [True, False]
    grid = agency_grid(records)
    assert grid.headers[:3] == ["body", "role", "place"]
    assert ["市工信局", "lead", "甲市", "覆盖率", "≥5% (2025)", "a.txt"] in grid.rows


def test_db_load_carries_responsible_and_binding(tmp_path: Path) -> None:
    from pipeline.compare.db import connect, load_documents, read_documents
    from pipeline.compare.registry import load_registry

    record = _record("a.txt", "甲市", [("合格率", ["市市场监管局", "市工信局"]), ("覆盖率", [])])
    record["targets"][0]["binding"] = True
    # The database takes whole records (its tables derive from the models): text and offsets.
    record["text"] = "合格率达到5%。覆盖率达到5%。"
    for target in record["targets"]:
        evidence = f"{target['indicator']}达到5%"
        start = record["text"].index(evidence)
        target.update(start=start, end=start + len(evidence), evidence=evidence)
    path = tmp_path / "policies.duckdb"
    with connect(path) as connection:
        load_documents(connection, [record], load_registry())
        stored = connection.execute("SELECT responsible, binding FROM targets ORDER BY position").fetchall()
        (document,) = read_documents(connection)
    assert stored == [(["市市场监管局", "市工信局"], True), ([], None)]
    assert [t["responsible"] for t in document["targets"]] == [["市市场监管局", "市工信局"], []]
    assert {b.name: [lead for lead, *_ in b.lines] for b in targets_by_agency([document])} == {
        "市市场监管局": [True],
        "市工信局": [False],
    }
