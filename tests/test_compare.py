"""`zhpolicy compare`: canonical indicators × places against the national line, on records written here.

The records are built through ``schemas.Document`` from sentences in the style of the national
quality outline and city implementation plans, so offsets and field names are those
``zhpolicy extract`` writes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare import chart as chart_module
from pipeline.compare.chart import ChartError, _covers, draw_indicator_chart, find_cjk_font
from pipeline.compare.registry import load_registry
from pipeline.compare.render import comparison_grid, comparison_records, grid_html, grid_markdown
from pipeline.compare.table import Comparison, build_comparison, most_covered_row
from schemas.models import Document

runner = CliRunner()
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def make_record(
    doc: str,
    jurisdiction: str | None,
    code: str | None,
    text: str,
    targets: list[dict[str, Any]],
    *,
    programmes: list[str] = (),  # type: ignore[assignment]
    policies: list[str] = (),  # type: ignore[assignment]
    doc_type: str = "policy",
) -> dict[str, Any]:
    """A validated record: each target's evidence is found in ``text`` and given its offsets."""

    def span(evidence: str) -> dict[str, Any]:
        start = text.index(evidence)
        return {"evidence": evidence, "start": start, "end": start + len(evidence)}

    items = []
    for target in targets:
        fields = {"comparator": "ge", "kind": "level", "deadline": 2025, "unit": None, **target}
        items.append({**fields, **span(fields.pop("evidence"))})
    record = Document(
        doc=doc,
        jurisdiction=jurisdiction,
        jurisdiction_code=code,
        doc_type=doc_type,
        text=text,
        targets=items,
        programmes=[{"name": name, "type": "brand", **span(name)} for name in programmes],
        policies_cited=[{"name": name.strip("《》"), **span(name)} for name in policies],
    )
    return json.loads(record.model_dump_json())


NATIONAL_TEXT = (
    "《质量强国建设纲要》提出,到2025年,制造业质量竞争力指数达到86,制造业产品质量合格率达到94%,"
    "城镇调查失业率5.5%左右,单位国内生产总值能耗降低2.5%左右。推进中国质量奖评选。"
)
QINGDAO_TEXT = (
    "贯彻《质量强国建设纲要》,到2023年,全市制造业质量竞争力指数达到88。到2025年,青岛制造业质量竞争力指数达到92,"
    "制造业产品质量合格率达到97%以上,城镇调查失业率控制在5%以内,力争控制在4.5%以内,"
    "单位地区生产总值能源消耗降低3%。打响青岛优品品牌,推进中国质量奖评选。"
)
MEIZHOU_TEXT = (
    "梅州市印发《梅州市质量强市建设实施方案》,到2025年,制造业质量竞争力指数达到83,"
    "城镇调查失业率控制在6%以内,新增省级中心村10个。"
)


def national_record() -> dict[str, Any]:
    return make_record(
        "national_outline.txt",
        "全国",
        "100000",
        NATIONAL_TEXT,
        [
            {"indicator": "制造业质量竞争力指数", "value": 86, "evidence": "制造业质量竞争力指数达到86"},
            {
                "indicator": "制造业产品质量合格率",
                "value": 94,
                "unit": "%",
                "evidence": "制造业产品质量合格率达到94%",
            },
            {
                "indicator": "城镇调查失业率",
                "value": 5.5,
                "unit": "%",
                "comparator": "approx",
                "evidence": "城镇调查失业率5.5%左右",
            },
            {
                "indicator": "单位国内生产总值能耗",
                "value": 2.5,
                "unit": "%",
                "comparator": "approx",
                "kind": "change",
                "direction": "down",
                "evidence": "单位国内生产总值能耗降低2.5%左右",
            },
        ],
        programmes=["中国质量奖"],
        policies=["《质量强国建设纲要》"],
    )


def qingdao_record() -> dict[str, Any]:
    return make_record(
        "qingdao_plan.txt",
        "青岛市",
        "370200",
        QINGDAO_TEXT,
        [
            {
                "indicator": "全市制造业质量竞争力指数",
                "value": 88,
                "deadline": 2023,
                "evidence": "全市制造业质量竞争力指数达到88",
            },
            {
                "indicator": "青岛制造业质量竞争力指数",
                "value": 92,
                "evidence": "青岛制造业质量竞争力指数达到92",
            },
            {
                "indicator": "制造业产品质量合格率",
                "value": 97,
                "unit": "%",
                "evidence": "制造业产品质量合格率达到97%以上",
            },
            {
                "indicator": "城镇调查失业率",
                "value": 5,
                "unit": "%",
                "comparator": "le",
                "evidence": "城镇调查失业率控制在5%以内",
            },
            {
                "indicator": "城镇调查失业率",
                "value": 4.5,
                "unit": "%",
                "comparator": "le",
                "evidence": "4.5%以内",
            },
            {
                "indicator": "单位地区生产总值能源消耗",
                "value": 3,
                "unit": "%",
                "kind": "change",
                "direction": "down",
                "evidence": "单位地区生产总值能源消耗降低3%",
            },
        ],
        programmes=["青岛优品", "中国质量奖"],
        policies=["《质量强国建设纲要》"],
    )


def meizhou_record() -> dict[str, Any]:
    return make_record(
        "meizhou_news.txt",
        "梅州市",
        "441400",
        MEIZHOU_TEXT,
        [
            {"indicator": "制造业质量竞争力指数", "value": 83, "evidence": "制造业质量竞争力指数达到83"},
            {
                "indicator": "城镇调查失业率",
                "value": 6,
                "unit": "%",
                "comparator": "le",
                "evidence": "城镇调查失业率控制在6%以内",
            },
            {"indicator": "新增省级中心村", "value": 10, "unit": "个", "evidence": "新增省级中心村10个"},
        ],
        policies=["《梅州市质量强市建设实施方案》"],
        doc_type="news",
    )


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def records() -> list[dict[str, Any]]:
    return [meizhou_record(), national_record(), qingdao_record()]


@pytest.fixture
def comparison(records: list[dict[str, Any]]) -> Comparison:
    return build_comparison(records, load_registry())


def test_places_in_code_order_and_national_as_reference(comparison: Comparison) -> None:
    assert comparison.places == ["青岛市", "梅州市"]
    assert comparison.national_docs == ["national_outline.txt"]
    row = comparison.row("mfg_quality_competitiveness_index")
    assert row is not None and row.national is not None
    assert row.national.chosen.display() == "≥86 (2025)"
    assert row.cells["青岛市"].chosen.display() == "≥92 (2025)"
    assert row.cells["梅州市"].chosen.display() == "≥83 (2025)"
    assert (row.cells["青岛市"].difference, row.cells["青岛市"].ambition) == (6, "more")
    assert (row.cells["梅州市"].difference, row.cells["梅州市"].ambition) == (-3, "less")


def test_several_targets_latest_deadline_wins_and_is_counted(comparison: Comparison) -> None:
    cell = comparison.row("mfg_quality_competitiveness_index").cells["青岛市"]
    assert cell.candidates == 2 and cell.chosen.value == 92 and cell.chosen.deadline == 2025


def test_lower_is_more_ambitious_for_unemployment(comparison: Comparison) -> None:
    row = comparison.row("surveyed_urban_unemployment_rate")
    qingdao, meizhou = row.cells["青岛市"], row.cells["梅州市"]
    # Same deadline: the most ambitious of 5% and 4.5% is the lower.
    assert qingdao.candidates == 2 and qingdao.chosen.value == 4.5
    assert (qingdao.difference, qingdao.ambition) == (-1, "more")
    assert (meizhou.difference, meizhou.ambition) == (0.5, "less")
    assert qingdao.difference_text() == "-1 ▲" and meizhou.difference_text() == "+0.5 ▼"


def test_a_larger_cut_in_energy_intensity_is_more_ambitious(comparison: Comparison) -> None:
    row = comparison.row("energy_intensity")
    assert row.national.chosen.display() == "≈-2.5% (2025)"
    cell = row.cells["青岛市"]
    assert cell.chosen.display() == "≥-3% (2025)"
    assert (cell.difference, cell.ambition) == (-0.5, "more")


def test_unmapped_indicators_keep_their_own_row(comparison: Comparison) -> None:
    unmapped = [row for row in comparison.rows if not row.mapped]
    assert [row.label for row in unmapped] == ["新增省级中心村"]
    assert unmapped[0].cells["梅州市"].chosen.display() == "≥10个 (2025)"
    assert comparison.rows[-1] is unmapped[0]  # after every canonical row


def test_indicator_filter_and_by_document(records: list[dict[str, Any]]) -> None:
    only = build_comparison(records, load_registry(), indicator="surveyed_urban_unemployment_rate")
    assert [row.key for row in only.rows] == ["surveyed_urban_unemployment_rate"]
    by_doc = build_comparison(records, load_registry(), by="doc")
    assert by_doc.places == ["qingdao_plan.txt", "meizhou_news.txt"]
    assert by_doc.row("mfg_quality_competitiveness_index").national.chosen.value == 86


def test_implausible_rate_is_not_chosen_over_a_plausible_one() -> None:
    text = "到2025年,食品安全抽检合格率达到98.5%。食品抽检合格率均达到985%以上。"
    record = make_record(
        "typo.txt",
        "青岛市",
        "370200",
        text,
        [
            {
                "indicator": "食品安全抽检合格率",
                "value": 98.5,
                "unit": "%",
                "evidence": "食品安全抽检合格率达到98.5%",
            },
            {
                "indicator": "食品抽检合格率",
                "value": 985,
                "unit": "%",
                "evidence": "食品抽检合格率均达到985%以上",
            },
        ],
    )
    cell = build_comparison([record], load_registry()).row("food_safety_sampling_pass_rate").cells["青岛市"]
    assert cell.chosen.value == 98.5 and cell.candidates == 2


def test_no_national_document_means_no_reference(records: list[dict[str, Any]]) -> None:
    local = build_comparison([r for r in records if r["jurisdiction"] != "全国"], load_registry())
    assert not local.has_national
    assert local.row("mfg_quality_competitiveness_index").cells["青岛市"].difference is None
    assert "no reference column" in comparison_grid(local).notes[0]


def test_tidy_records_markdown_and_html(comparison: Comparison) -> None:
    rows = comparison_records(comparison)
    qingdao = next(
        r for r in rows if r["place"] == "青岛市" and r["indicator_id"] == "mfg_quality_competitiveness_index"
    )
    assert (qingdao["value"], qingdao["national_value"], qingdao["difference"], qingdao["ambition"]) == (
        92,
        86,
        6,
        "more",
    )
    assert qingdao["match_method"] == "stripped" and qingdao["raw_indicator"] == "青岛制造业质量竞争力指数"
    markdown = grid_markdown(comparison_grid(comparison))
    assert "| indicator | id | 全国 (reference) | 青岛市 | 梅州市 |" in markdown
    assert (
        "| 制造业质量竞争力指数 | mfg_quality_competitiveness_index | ≥86 (2025) | ≥92 (2025) [+6 ▲] (1 of 2)"
        in markdown
    )
    page = grid_html(comparison_grid(comparison))
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert '<td class="more">≥92 (2025) [+6 ▲] (1 of 2)</td>' in page
    assert '<td class="less">≥83 (2025) [-3 ▼]</td>' in page


def test_cli_terminal_table_shows_places_and_reference(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", records)
    result = runner.invoke(app, ["compare", str(path)])
    assert result.exit_code == 0, result.output
    for expected in (
        "全国 (reference)",
        "青岛市",
        "梅州市",
        "≥92 (2025)",
        "≥83 (2025)",
        "≥86 (2025)",
        "+6 ▲",
    ):
        assert expected in result.output


def test_cli_csv_to_file_and_indicator_by_chinese_name(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", records)
    out = tmp_path / "table.csv"
    # No format flag: the .csv suffix says it (before, this printed the terminal table and wrote nothing).
    result = runner.invoke(app, ["compare", str(path), "--indicator", "制造业质量竞争力指数", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [(r["place"], r["value"], r["difference"], r["comparator"]) for r in rows] == [
        ("全国", "86.0", "", "at least"),
        ("青岛市", "92.0", "6.0", "at least"),
        ("梅州市", "83.0", "-3.0", "at least"),
    ]


def test_cli_markdown_and_html_to_stdout(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", records)
    markdown = runner.invoke(app, ["compare", str(path), "--format", "markdown"])
    assert markdown.exit_code == 0 and markdown.output.startswith("### Targets by jurisdiction")
    page = runner.invoke(app, ["compare", str(path), "-f", "html"])
    assert page.exit_code == 0 and "<table>" in page.output


def test_cli_usage_errors(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", records)
    assert runner.invoke(app, ["compare", str(path), "--format", "pdf"]).exit_code == 2
    unknown = runner.invoke(app, ["compare", str(path), "--indicator", "幸福指数"])
    assert unknown.exit_code == 2 and "no canonical indicator" in unknown.output
    assert runner.invoke(app, ["compare"]).exit_code == 2
    broken = tmp_path / "broken.jsonl"
    broken.write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(app, ["compare", str(broken)])
    assert result.exit_code == 2 and "broken.jsonl:1" in result.output


def test_cli_skips_error_records(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    error = {"status": "error", "doc": "empty.txt", "error": "empty_document", "message": "no text"}
    path = write_jsonl(tmp_path / "out.jsonl", [*records, error])
    result = runner.invoke(app, ["compare", str(path)])
    assert result.exit_code == 0 and "1 error record skipped" in result.output


def test_packaged_font_has_the_glyphs() -> None:
    font = find_cjk_font()
    assert font is not None and font.exists()
    assert _covers(str(font), "制造业质量竞争力指数青岛梅州全国")


def test_cli_chart_defaults_to_the_most_covered_indicator(
    tmp_path: Path, records: list[dict[str, Any]]
) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", records)
    png = tmp_path / "chart.png"
    result = runner.invoke(app, ["compare", str(path), "--chart", str(png)])
    assert result.exit_code == 0, result.output
    assert "chart of 制造业质量竞争力指数" in result.output
    assert png.read_bytes().startswith(PNG_SIGNATURE)


def test_most_covered_row_prefers_registry_order_on_ties(comparison: Comparison) -> None:
    # 制造业质量竞争力指数 and 城镇调查失业率 are both in two places; the registry lists the index first.
    assert most_covered_row(comparison).key == "mfg_quality_competitiveness_index"


def test_chart_without_cjk_font_is_a_clear_error(
    tmp_path: Path, comparison: Comparison, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart_module, "find_cjk_font", lambda: None)
    with pytest.raises(ChartError, match="no font with Chinese glyphs"):
        draw_indicator_chart(
            comparison, comparison.row("mfg_quality_competitiveness_index"), tmp_path / "x.png"
        )
    assert not (tmp_path / "x.png").exists()


def test_gold_records_compare_cities_against_the_national_line(shared: Path) -> None:
    """The dev gold has the shape of extract output: the acceptance view on correct records."""
    from pipeline.compare.records import read_records

    documents = read_records([shared / "gold" / "dev.jsonl"]).documents
    comparison = build_comparison(documents, load_registry(), indicator="mfg_quality_competitiveness_index")
    row = comparison.row("mfg_quality_competitiveness_index")
    assert row.national.chosen.value == 86
    assert row.cells["青岛市"].chosen.value == 92 and row.cells["青岛市"].ambition == "more"
    assert row.cells["梅州市"].chosen.value == 83 and row.cells["梅州市"].ambition == "less"
    assert len(row.cells) >= 8


def test_new_commands_have_help() -> None:
    for command in (["compare"], ["db"], ["db", "load"]):
        result = runner.invoke(app, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


def test_no_matching_targets_says_so(records: list[dict[str, Any]]) -> None:
    empty = build_comparison(records, load_registry(), indicator="grain_output")
    assert empty.rows == [] and empty.places == []
    assert comparison_grid(empty).notes[0].startswith("no targets in the input match")
