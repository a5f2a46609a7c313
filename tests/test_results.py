"""Reported results (GUIDELINES §7): spec rows (tests/specs/results.jsonl) run through the whole
pipeline, so the time scope, the judge and the builder all take part."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

import pipeline
from schemas import Document

SPECS = Path(__file__).parent / "specs" / "results.jsonl"


def _rows() -> list[Any]:
    rows = [json.loads(line) for line in SPECS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [pytest.param(row, id=row["id"]) for row in rows]


def _check(items: list[Any], expected: list[dict[str, Any]], note: str, text: str) -> None:
    got = [item.model_dump() for item in items]
    assert len(got) == len(expected), f"{note}: {[(g['indicator'], g['value']) for g in got]}"
    for produced, wanted in zip(got, expected, strict=True):
        for key, value in wanted.items():
            assert produced[key] == value, f"{note}: {key} {produced[key]!r} != {value!r}"
        assert text[produced["start"] : produced["end"]] == produced["evidence"]


@pytest.mark.parametrize("row", _rows())
def test_result_spec(nlp: Language, row: dict[str, Any]) -> None:
    published = date.fromisoformat(row["published"]) if row.get("published") else None
    record: Document = pipeline.extract(row["input"], published=published, nlp=nlp, clean=False)
    _check(record.results, row["results"], row["note"], record.text)
    _check(record.targets, row["targets"], row["note"], record.text)


def test_every_result_carries_the_judges_reason(nlp: Language) -> None:
    record = pipeline.extract("过去一年，全市地区生产总值增长6%。", published=date(2024, 2, 1), nlp=nlp)
    assert record.results and all(r.reason for r in record.results)
    assert "过去一年" not in (record.results[0].reason or "")  # the reason names cues, not text
    assert any(word in (record.results[0].reason or "") for word in ("review", "reported"))
