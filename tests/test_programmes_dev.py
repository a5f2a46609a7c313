"""Dev-gold floors for programmes, cited policies, agencies and the document fields.

Figures reached when written (34 dev documents): programmes F1 1.000, policies 1.000,
agencies 1.000, title 1.000, published 0.971 (014's only date is in a page footer the clean
stage removes; 1.000 since the cut footer's date is read when the kept text has none),
jurisdiction 1.000, doc_type 1.000.
The floors sit a little below them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app

FLOORS = {
    ("programmes", "f1"): 0.97,
    ("policies_cited", "f1"): 0.97,
    ("agencies", "f1"): 0.97,
    ("document_fields", "title"): 0.97,
    ("document_fields", "published"): 0.97,
    ("document_fields", "jurisdiction"): 0.97,
    ("document_fields", "doc_type"): 0.97,
}


@pytest.fixture(scope="module")
def dev_scores(shared: Path) -> dict:
    gold, corpus = shared / "gold" / "dev.jsonl", shared / "corpus" / "dev"
    result = CliRunner().invoke(app, ["evaluate", "--gold", str(gold), "--corpus", str(corpus), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


@pytest.mark.parametrize(("group", "measure"), [pytest.param(*key, id=".".join(key)) for key in FLOORS])
def test_dev_floor(dev_scores: dict, group: str, measure: str) -> None:
    assert dev_scores[group][measure] >= FLOORS[(group, measure)]
