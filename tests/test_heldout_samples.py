"""Held-out samples (corpora/heldout): ten documents written for this project in the styles of the
dev set (plans with pipe and one-cell-per-line indicator tables, news, report excerpts, traditional
characters, GBK with full-width digits), scored with the ``zhpolicy evaluate`` logic.

The floors are what the extractor reaches today, rounded down: a rule change that loses a
held-out target fails here even when the dev figures stay put.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language

from pipeline.evaluate import evaluate, read_jsonl
from pipeline.read import decode_bytes, read_documents
from pipeline.run import process_stream

HELDOUT = Path(__file__).resolve().parent.parent / "corpora" / "heldout"
GOLD = HELDOUT / "gold.jsonl"


@pytest.fixture(scope="module")
def gold() -> list[dict[str, Any]]:
    return read_jsonl(GOLD)


@pytest.fixture(scope="module")
def summary(nlp: Language, gold: list[dict[str, Any]]) -> dict[str, Any]:
    paths = [str(HELDOUT / line["doc"]) for line in gold]
    predictions = {
        record.doc: json.loads(record.model_dump_json())
        for record in process_stream(nlp, read_documents(paths))
    }
    return evaluate(predictions, gold).summary()


def test_every_gold_evidence_is_in_its_document(gold: list[dict[str, Any]]) -> None:
    for line in gold:
        text = decode_bytes((HELDOUT / line["doc"]).read_bytes())
        for item in line["targets"] + line["qualitative"]:
            assert item["evidence"] in text, (line["doc"], item["evidence"])


def test_gbk_sample_is_really_gbk() -> None:
    (path,) = HELDOUT.glob("*_gbk_*.txt")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")


def test_heldout_target_floors(summary: dict[str, Any]) -> None:
    targets = summary["targets"]
    assert targets["precision"] >= 0.99
    assert targets["recall"] >= 0.99
    pairs = summary["matched_pairs"]
    assert pairs["comparator_accuracy"] >= 0.99
    assert pairs["kind_accuracy"] >= 0.99
    assert pairs["indicator_char_f1"] >= 0.98
    assert pairs["sector_accuracy"] >= 0.85


def test_heldout_qualitative_floor(summary: dict[str, Any]) -> None:
    assert summary["qualitative"]["f1"] >= 0.99
