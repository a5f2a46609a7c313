"""`zhpolicy compare --overlap`: programmes and cited policies shared by places and unique to each."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare.overlap import build_overlap, overlap_grid
from tests.test_compare import make_record, meizhou_record, national_record, qingdao_record, write_jsonl

runner = CliRunner()


def _records() -> list[dict[str, Any]]:
    # A traditional-character mirror of the outline title must count as the same policy.
    text = "西安市貫徹《質量強國建設綱要》,打造西安品牌。"
    xian = make_record(
        "xian.txt", "西安市", "610100", text, [], programmes=["西安品牌"], policies=["《質量強國建設綱要》"]
    )
    return [national_record(), qingdao_record(), meizhou_record(), xian]


def test_shared_and_unique_names_after_normalising() -> None:
    overlap = build_overlap(_records())
    assert overlap.groups == ["全国", "青岛市", "梅州市", "西安市"]
    policies = {item.key: item for item in overlap.items if item.kind == "policy"}
    outline = policies["质量强国建设纲要"]
    assert outline.groups == {"全国", "青岛市", "西安市"}
    assert outline.name == "质量强国建设纲要"  # the first spelling seen
    assert [i.name for i in overlap.unique_to("梅州市", "policy")] == ["梅州市质量强市建设实施方案"]
    programmes = {item.name: item.groups for item in overlap.items if item.kind == "programme"}
    assert programmes["中国质量奖"] == {"全国", "青岛市"}  # spread from the national outline to the city
    assert programmes["青岛优品"] == {"青岛市"}
    assert overlap.shared_by_all() == []


def test_shared_by_all_with_two_groups() -> None:
    overlap = build_overlap([national_record(), qingdao_record()])
    assert {i.name for i in overlap.shared_by_all()} == {"中国质量奖", "质量强国建设纲要"}
    assert [i.name for i in overlap.unique_to("青岛市")] == ["青岛优品"]


def test_grid_marks_groups_and_summarises() -> None:
    grid = overlap_grid(build_overlap(_records()))
    assert grid.headers == ["kind", "name", "shared by", "全国", "青岛市", "梅州市", "西安市"]
    assert ["policy", "质量强国建设纲要", "3 of 4", "✓", "✓", "", "✓"] in grid.rows
    assert grid.notes[1].startswith("policies: 0 shared by all, 1 shared by two or more")


def test_by_document_groups_each_file() -> None:
    overlap = build_overlap([qingdao_record(), meizhou_record()], by="doc")
    assert overlap.groups == ["qingdao_plan.txt", "meizhou_news.txt"]


def test_cli_overlap_markdown_and_single_place_error(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", _records())
    result = runner.invoke(app, ["compare", str(path), "--overlap", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    assert "| policy | 质量强国建设纲要 | 3 of 4 | ✓ | ✓ |  | ✓ |" in result.output
    terminal = runner.invoke(app, ["compare", str(path), "--overlap"])
    assert terminal.exit_code == 0 and "青岛优品" in terminal.output
    single = write_jsonl(tmp_path / "one.jsonl", [qingdao_record()])
    failed = runner.invoke(app, ["compare", str(single), "--overlap"])
    assert failed.exit_code == 2 and "two places" in failed.output
