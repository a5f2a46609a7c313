from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from tests.conftest import PROJECT, SAMPLES

runner = CliRunner()


def test_extract_writes_one_line_per_document(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text("到2025年,制造业质量竞争力指数达到92。", encoding="utf-8")
    (tmp_path / "in" / "empty.txt").write_text("", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(tmp_path / "in"), str(SAMPLES), "-o", str(out), "-q"])
    assert result.exit_code == 1  # one document failed
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 2 + 4
    by_doc = {r["doc"]: r for r in records}
    assert by_doc["empty.txt"]["status"] == "error" and by_doc["empty.txt"]["error"] == "empty_document"
    assert by_doc["good.txt"]["targets"][0]["value"] == 92


def test_extract_all_good_exits_zero_and_summary_reads_output(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert runner.invoke(app, ["extract", str(SAMPLES), "-o", str(out), "-q"]).exit_code == 0
    result = runner.invoke(app, ["summary", str(out)])
    assert result.exit_code == 0 and "gz-2024-001" in result.output


def test_version_and_helps() -> None:
    assert runner.invoke(app, ["--version"]).output.startswith("zhpolicy ")
    for command in ("extract", "evaluate", "schema", "summary"):
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_schema_check_passes_on_committed_files() -> None:
    result = runner.invoke(app, ["schema", "--check", "--out", str(PROJECT / "schemas" / "json")])
    assert result.exit_code == 0, result.output


def test_schema_check_fails_on_stale_files(tmp_path: Path) -> None:
    assert runner.invoke(app, ["schema", "--out", str(tmp_path)]).exit_code == 0
    (tmp_path / "target.schema.json").write_text("{}", encoding="utf-8")
    assert runner.invoke(app, ["schema", "--check", "--out", str(tmp_path)]).exit_code == 1


@pytest.mark.usefixtures("shared")
def test_evaluate_prints_scores_on_dev_gold(shared: Path) -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            "--gold",
            str(shared / "gold" / "dev.jsonl"),
            "--corpus",
            str(shared / "corpus" / "dev"),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["documents"] == 34
    assert 0 < scores["targets"]["f1"] <= 1
    assert scores["policies_cited"]["f1"] >= 0.9
