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


def test_misses_say_which_candidate_and_verdict_dropped_a_gold_item(tmp_path: Path) -> None:
    """evaluate --misses explains a miss: the candidate that held the value and its verdict."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    text = "2024年工作回顾\n过去一年，全市地区生产总值增长6%。\n"
    (corpus / "a.txt").write_text(text, encoding="utf-8")
    target = {
        "indicator": "地区生产总值",
        "value": 6,
        "unit": "%",
        "comparator": "eq",
        "kind": "change",
        "direction": "up",
        "deadline": 2024,
        "evidence": "全市地区生产总值增长6%",
    }
    unseen = {**target, "indicator": "城镇新增就业", "value": 77, "unit": "万人", "kind": "level"}
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"doc": "a.txt", "targets": [target, unseen]}, ensure_ascii=False) + "\n")
    run = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--corpus", str(corpus), "--misses"])
    assert run.exit_code == 0, run.output
    assert "judged result: reported" in run.output
    assert "no candidate holds this value" in run.output
