"""What a new user and a hostile batch found in the commands (issue 13): formats, bad input,
documents that share a name, line separators inside strings, formula injection, conventions."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from pipeline.cli import SegmentMode, app
from pipeline.compare.overlap import build_overlap, overlap_records, print_overlap
from pipeline.compare.registry import load_registry
from pipeline.compare.render import comparison_records, to_csv_records
from pipeline.compare.table import build_comparison
from pipeline.evaluate import read_jsonl
from pipeline.schema_export import SCHEMA_DIR
from pipeline.segment import SEGMENT_MODES
from pipeline.wording import plural
from tests.conftest import PROJECT
from tests.test_compare import make_record, meizhou_record, national_record, qingdao_record, write_jsonl

runner = CliRunner()


def _records() -> list[dict[str, Any]]:
    return [national_record(), qingdao_record(), meizhou_record()]


# --- compare: the format from the -o suffix, one --format option ---


@pytest.mark.parametrize(
    ("suffix", "check"),
    [
        (".csv", lambda text: next(csv.DictReader(io.StringIO(text)))["place"] == "全国"),
        (".md", lambda text: text.startswith("### Targets by jurisdiction")),
        (".html", lambda text: text.startswith("<!DOCTYPE html>") and "<table>" in text),
        (".json", lambda text: json.loads(text)["records"][0]["indicator_id"]),
    ],
)
def test_compare_infers_the_format_from_the_output_suffix(tmp_path: Path, suffix: str, check: Any) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", _records())
    out = tmp_path / "build" / f"x{suffix}"
    result = runner.invoke(app, ["compare", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert check(out.read_text(encoding="utf-8"))
    assert "全国 (reference)" not in result.stdout  # written to the file, not printed


def test_compare_refuses_an_unknown_suffix_and_a_contradiction(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", _records())
    unknown = runner.invoke(app, ["compare", str(path), "-o", str(tmp_path / "x.xlsx")])
    assert unknown.exit_code == 2 and "--format" in unknown.output
    assert not (tmp_path / "x.xlsx").exists()
    mismatch = runner.invoke(app, ["compare", str(path), "--format", "csv", "-o", str(tmp_path / "x.md")])
    assert mismatch.exit_code == 2 and not (tmp_path / "x.md").exists()
    # An explicit --format writes any name; table goes out as plain text.
    text = tmp_path / "table.out"
    assert runner.invoke(app, ["compare", str(path), "-f", "table", "-o", str(text)]).exit_code == 0
    content = text.read_text(encoding="utf-8")
    assert "≥92 (2025)" in content and "\x1b[" not in content


def test_declared_choices_are_checked_by_the_parser(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", _records())
    result = runner.invoke(app, ["compare", str(path), "--by", "city"])
    assert result.exit_code == 2 and "'city' is not one of 'jurisdiction', 'doc'" in " ".join(
        result.output.split()
    )
    assert [mode.value for mode in SegmentMode] == list(SEGMENT_MODES)
    help_text = runner.invoke(app, ["compare", "--help"]).output
    assert "--by [jurisdiction|doc]" in help_text or "<jurisdiction|doc>" in help_text
    assert "--db FILE.duckdb" in help_text and "--chart FILE.png" in help_text


# --- summary: never a traceback ---


def test_summary_on_a_file_that_is_not_zhpolicy_output(tmp_path: Path) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text('{"id": 1, "text": "到2025年"}\n', encoding="utf-8")
    result = runner.invoke(app, ["summary", str(other)])
    assert result.exit_code == 2 and "other.jsonl:1" in result.output and "no 'doc' field" in result.output
    broken = tmp_path / "broken.jsonl"
    broken.write_text("not json at all\n", encoding="utf-8")
    result = runner.invoke(app, ["summary", str(broken)])
    assert result.exit_code == 2 and "not a JSON line" in result.output
    binary = tmp_path / "binary.jsonl"
    binary.write_bytes(b"\xff\xfe\x00junk\n")
    result = runner.invoke(app, ["summary", str(binary)])
    assert result.exit_code == 2 and "not UTF-8" in result.output
    missing = runner.invoke(app, ["summary", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.output
    for outcome in (result, missing):
        assert outcome.exception is None or isinstance(outcome.exception, SystemExit)


def test_summary_reads_standard_input() -> None:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records())
    result = runner.invoke(app, ["summary", "-"], input=lines)
    assert result.exit_code == 0, result.output
    assert "qingdao_plan.txt" in result.output and "3 documents" in result.output


# --- documents that share a name (data-loss item 5) ---


def _same_name_records() -> list[dict[str, Any]]:
    a = make_record(
        "index.html",
        "青岛市",
        "370200",
        "到2025年,制造业质量竞争力指数达到92。",
        [{"indicator": "制造业质量竞争力指数", "value": 92, "evidence": "制造业质量竞争力指数达到92"}],
    )
    b = make_record(
        "index.html",
        "梅州市",
        "441400",
        "到2025年,制造业质量竞争力指数达到83。",
        [{"indicator": "制造业质量竞争力指数", "value": 83, "evidence": "制造业质量竞争力指数达到83"}],
    )
    a["source"], b["source"] = "qingdao/index.html", "meizhou/index.html"
    return [a, b]


def test_compare_by_doc_keeps_two_documents_with_one_name_apart(tmp_path: Path) -> None:
    comparison = build_comparison(_same_name_records(), load_registry(), by="doc")
    row = comparison.row("mfg_quality_competitiveness_index")
    assert comparison.places == ["index.html (qingdao/index.html)", "index.html (meizhou/index.html)"]
    assert [cell.chosen.value for cell in row.cells.values()] == [92, 83]
    assert all(cell.candidates == 1 for cell in row.cells.values())
    overlap = build_overlap(_same_name_records(), by="doc")
    assert len(overlap.groups) == 2


def test_db_load_keeps_documents_that_share_a_name(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", _same_name_records())
    db = tmp_path / "p.duckdb"
    result = runner.invoke(app, ["db", "load", str(path), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "2 documents, 2 targets" in result.output
    # The same lines again (a rerun, or the file given twice) replace, never duplicate or crash.
    again = runner.invoke(app, ["db", "load", str(path), str(path), "--db", str(db)])
    assert again.exit_code == 0, again.output
    import duckdb

    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            "SELECT d.source, t.value FROM targets t JOIN documents d USING (doc, source) ORDER BY t.value"
        ).fetchall()
    assert rows == [("meizhou/index.html", 83.0), ("qingdao/index.html", 92.0)]
    by_doc = runner.invoke(app, ["compare", "--db", str(db), "--by", "doc", "-f", "csv"])
    assert by_doc.exit_code == 0
    places = [r["place"] for r in csv.DictReader(io.StringIO(by_doc.stdout))]
    assert places == ["index.html (qingdao/index.html)", "index.html (meizhou/index.html)"]


def test_db_load_refuses_a_database_of_the_old_layout(tmp_path: Path) -> None:
    import duckdb

    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as connection:
        connection.execute("CREATE TABLE documents (doc VARCHAR PRIMARY KEY, source VARCHAR)")
        connection.execute("CREATE TABLE targets (doc VARCHAR, position INTEGER)")
    path = write_jsonl(tmp_path / "out.jsonl", _records())
    result = runner.invoke(app, ["db", "load", str(path), "--db", str(db)])
    assert result.exit_code == 2 and "older zhpolicy" in result.output


# --- line separators inside strings (item 6) ---


def test_line_separators_inside_strings_are_not_line_ends(tmp_path: Path) -> None:
    record = meizhou_record()
    record["title"] = "梅州\u2028质量\u0085强市\u2029方案"  # what extract keeps from a scraped title
    records = [national_record(), qingdao_record(), record]
    path = tmp_path / "out.jsonl"
    # ensure_ascii=False writes the separators raw, as extract does.
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert "\u2028" in path.read_text(encoding="utf-8")
    compared = runner.invoke(app, ["compare", str(path), "-f", "csv"])
    assert compared.exit_code == 0, compared.output
    loaded = runner.invoke(app, ["db", "load", str(path), "--db", str(tmp_path / "p.duckdb")])
    assert loaded.exit_code == 0 and "3 documents" in loaded.output
    summary = runner.invoke(app, ["summary", str(path)])
    assert summary.exit_code == 0 and "3 documents" in summary.output
    assert [r["title"] for r in read_jsonl(path)][2] == record["title"]


# --- formula injection in CSV (item 8) ---


def test_csv_cells_cannot_start_a_formula(tmp_path: Path) -> None:
    text = "到2025年,新增省级中心村100个,制造业质量竞争力指数达到92。"
    record = make_record(
        "=1+1",
        None,
        None,
        text,
        [
            {
                "indicator": "新增省级中心村",
                "value": 100,
                "unit": "个",
                "comparator": "eq",
                "evidence": "新增省级中心村100个",
            },
            {"indicator": "制造业质量竞争力指数", "value": 92, "evidence": "制造业质量竞争力指数达到92"},
        ],
    )
    path = write_jsonl(tmp_path / "out.jsonl", [record, meizhou_record()])
    out = tmp_path / "x.csv"
    assert runner.invoke(app, ["compare", str(path), "--by", "doc", "-o", str(out)]).exit_code == 0
    content = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(content)))
    risky = ("=", "+", "-", "@", "\t", "\r")
    assert not [cell for row in rows for cell in row.values() if cell.startswith(risky) and cell[0] != "-"]
    eq = next(r for r in rows if r["indicator"] == "新增省级中心村" and r["place"] == "'=1+1")
    assert eq["display"] == "100个 (2025)" and eq["comparator"] == "exactly" and eq["doc"] == "'=1+1"
    index = next(
        r for r in rows if r["indicator_id"] == "mfg_quality_competitiveness_index" and r["place"] == "'=1+1"
    )
    assert index["comparator"] == "at least" and index["display"] == "≥92 (2025)"
    # Numbers stay numbers (a negative difference is no formula and must stay readable as one).
    assert float(next(r for r in rows if r["place"] == "meizhou_news.txt")["value"]) == 83.0


def test_csv_guard_leaves_negative_numbers_and_prefixes_text() -> None:
    text = to_csv_records([{"a": -3.0, "b": "-3% (2025)", "c": "@SUM(A1)", "d": "\tx", "e": "ok"}])
    assert text.splitlines()[1] == "-3.0,'-3% (2025),'@SUM(A1),'\tx,ok"


# --- overlap: readable at 120 columns, CSV of booleans and numbers ---


def _many_places() -> list[dict[str, Any]]:
    records = [national_record()]
    cities = [("青岛市", "370200"), ("济南市", "370100"), ("杭州市", "330100"), ("宁波市", "330200")]
    cities += [("南昌市", "360100"), ("郑州市", "410100"), ("西安市", "610100"), ("成都市", "510100")]
    for city, code in cities:
        text = f"{city}贯彻《质量强国建设纲要》,推进中国质量奖评选,打造{city}品牌。"
        records.append(
            make_record(
                f"{code}.txt",
                city,
                code,
                text,
                [],
                programmes=["中国质量奖", f"{city}品牌"],
                policies=["《质量强国建设纲要》"],
            )
        )
    return records


def test_overlap_is_readable_at_120_columns() -> None:
    buffer = io.StringIO()
    print_overlap(build_overlap(_many_places()), Console(file=buffer, width=120, color_system=None))
    lines = buffer.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 120
    # Every name whole on one line, and the places where it is mentioned readable.
    assert any("质量强国建设纲要" in line and "all" in line for line in lines)
    assert any("青岛市品牌" in line and "1 of 9" in line and "青岛市" in line for line in lines)
    assert not any(re.search(r"│ [a-z] │", line) for line in lines)  # no column squeezed to a letter


def test_overlap_csv_holds_booleans_and_numbers(tmp_path: Path) -> None:
    records = overlap_records(build_overlap(_many_places()))
    outline = next(r for r in records if r["name"] == "质量强国建设纲要")
    assert outline["groups"] == 9 and outline["of_groups"] == 9 and outline["shared_by_all"] is True
    assert outline["全国"] is True
    path = write_jsonl(tmp_path / "out.jsonl", _many_places())
    result = runner.invoke(app, ["compare", str(path), "--overlap", "-f", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    brand = next(r for r in rows if r["name"] == "青岛市品牌")
    assert (brand["groups"], brand["of_groups"], brand["青岛市"], brand["济南市"]) == (
        "1",
        "9",
        "True",
        "False",
    )
    assert "✓" not in result.stdout and "/9" not in result.stdout


# --- units: like with like ---


def test_compare_normalises_units_to_the_base() -> None:
    national_text = "到2025年,国家级专精特新企业达到18000家,制造业质量竞争力指数达到86。"
    city_text = "到2025年,国家级专精特新企业达到1.8万家以上。"
    other_text = "到2025年,国家级专精特新企业占比达到30%。"
    national = make_record(
        "n.txt",
        "全国",
        "100000",
        national_text,
        [
            {
                "indicator": "国家级专精特新企业",
                "value": 18000,
                "unit": "家",
                "evidence": "国家级专精特新企业达到18000家",
            }
        ],
    )
    city = make_record(
        "c.txt",
        "青岛市",
        "370200",
        city_text,
        [
            {
                "indicator": "国家级专精特新企业",
                "value": 1.8,
                "unit": "万家",
                "evidence": "国家级专精特新企业达到1.8万家",
            }
        ],
    )
    other = make_record(
        "o.txt",
        "梅州市",
        "441400",
        other_text,
        [
            {
                "indicator": "国家级专精特新企业",
                "value": 30,
                "unit": "%",
                "evidence": "国家级专精特新企业占比达到30%",
            }
        ],
    )
    rows = [r for r in build_comparison([national, city, other], load_registry()).rows if r.cells]
    assert [r.label for r in rows] == ["国家级专精特新企业", "国家级专精特新企业 [%]"]
    counts, shares = rows
    qingdao = counts.cells["青岛市"]
    assert qingdao.chosen.value_base == 18000 and qingdao.chosen.unit_base == "家"
    assert (qingdao.difference, qingdao.ambition) == (0, "same")  # 1.8万家 is 18000家
    # A share is no count: its own row, never compared with the national 18000家.
    assert list(shares.cells) == ["梅州市"] and shares.national is None
    assert shares.cells["梅州市"].difference is None
    tidy = {r["place"]: r for r in comparison_records(build_comparison([national, city], load_registry()))}
    assert (tidy["青岛市"]["value_base"], tidy["青岛市"]["unit_base"]) == (18000.0, "家")


def test_extracted_targets_carry_value_base(nlp: Any) -> None:
    import pipeline

    record = pipeline.extract("到2025年,高新技术企业达到1.8万家,城镇新增就业2.3万人。", doc="u.txt")
    bases = {(t.value, t.unit): (t.value_base, t.unit_base) for t in record.targets}
    assert bases[(1.8, "万家")] == (18000.0, "家")
    assert bases[(2.3, "万人")] == (23000.0, "人")


# --- conventions ---


def test_unexpected_error_is_one_line_and_debug_shows_the_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pipeline.compare.registry as registry_module

    def broken() -> None:
        raise RuntimeError("registry exploded")

    monkeypatch.setattr(registry_module, "load_registry", broken)
    path = write_jsonl(tmp_path / "out.jsonl", _records())
    result = runner.invoke(app, ["compare", str(path)])
    assert result.exit_code == 70
    assert "internal error: RuntimeError: registry exploded" in result.output
    assert "Traceback" not in result.output and "--debug" in result.output
    debug = runner.invoke(app, ["--debug", "compare", str(path)])
    assert isinstance(debug.exception, RuntimeError)  # raised: the traceback is printed
    runner.invoke(app, ["--version"])


def test_python_dash_m_and_completion() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline", "--help"], capture_output=True, text=True, check=False, cwd=PROJECT
    )
    assert result.returncode == 0 and "Usage: zhpolicy" in result.stdout
    assert "--install-completion" in result.stdout and "--verbose" in result.stdout


def test_end_summary_only_on_a_terminal_or_when_asked(tmp_path: Path) -> None:
    sample = tmp_path / "one.txt"
    sample.write_text("到2025年,制造业质量竞争力指数达到92。", encoding="utf-8")
    quiet = runner.invoke(app, ["extract", str(sample), "-o", str(tmp_path / "a.jsonl")])
    assert quiet.exit_code in (0, 1) and quiet.output == ""
    asked = runner.invoke(app, ["extract", str(sample), "-o", str(tmp_path / "b.jsonl"), "--summary"])
    assert re.search(r"^1 document, \d+ targets?, 0 errors in", asked.output)
    assert plural(1, "agency", "agencies") == "1 agency" and plural(2, "agency", "agencies") == "2 agencies"


def test_indicators_lists_the_registry() -> None:
    result = runner.invoke(app, ["indicators", "--json"])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert len(rows) == len(load_registry())
    first = rows[0]
    assert set(first) >= {"id", "name", "unit", "better"} and first["better"] in ("higher", "lower")
    table = runner.invoke(app, ["indicators"])
    assert "mfg_quality_competitiveness_index" in table.output and "canonical indicators" in table.output


def test_schema_goes_to_the_project_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["schema", "--check"])
    assert result.exit_code == 0, result.output
    assert SCHEMA_DIR == PROJECT / "schemas" / "json" and not (tmp_path / "schemas").exists()
    out = tmp_path / "elsewhere"
    assert runner.invoke(app, ["schema", "-o", str(out)]).exit_code == 0
    for path in sorted(out.glob("*.schema.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"] == "urn:zhpolicy:schema:" + path.name.removesuffix(".schema.json")
    assert len(list(out.glob("*.schema.json"))) == 10


def test_evaluate_on_a_file_that_is_not_gold(tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"doc": "a.txt"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(app, ["evaluate", "--gold", str(gold), "--corpus", str(tmp_path)])
    assert result.exit_code == 2 and "not a gold file" in result.output


# --- charts ---


def test_chart_orders_places_by_value_and_keeps_labels_off_the_legend() -> None:
    from pipeline.compare.chart import chart_places, indicator_figure

    records = [*_records(), _same_name_records()[0] | {"doc": "jinan.txt", "jurisdiction": "济南市"}]
    records[-1]["jurisdiction_code"] = "370100"
    comparison = build_comparison(records, load_registry())
    row = comparison.row("mfg_quality_competitiveness_index")
    assert chart_places(row, comparison.places) == ["济南市", "青岛市", "梅州市"]  # 92, 92 (code order), 83
    unemployment = comparison.row("surveyed_urban_unemployment_rate")
    assert chart_places(unemployment, comparison.places) == ["青岛市", "梅州市"]  # lower is better: 4.5 first
    figure = indicator_figure(comparison, row)
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    legend = figure.legends[0].get_window_extent(renderer)
    texts = [t for t in figure.axes[0].texts if t.get_text()]
    assert len(texts) == 3
    assert not [t.get_text() for t in texts if t.get_window_extent(renderer).overlaps(legend)]
    axes_box = figure.axes[0].get_window_extent(renderer)
    assert all(axes_box.contains(*t.get_window_extent(renderer).corners()[1]) for t in texts)


def test_chart_says_growth_rate_and_why_no_national_line() -> None:
    from pipeline.compare.chart import axis_label, indicator_figure, no_reference_reason

    text = "到2025年,地区生产总值年均增长6%左右。"
    growth = make_record(
        "g.txt",
        "青岛市",
        "370200",
        text,
        [
            {
                "indicator": "地区生产总值",
                "value": 6,
                "unit": "%",
                "kind": "change",
                "direction": "up",
                "annual": True,
                "comparator": "approx",
                "evidence": "地区生产总值年均增长6%左右",
            }
        ],
    )
    comparison = build_comparison([growth, meizhou_record()], load_registry())
    row = comparison.row("gdp")
    cells = list(row.cells.values())
    assert axis_label(row, cells) == "年均增速 %"
    assert "no central document" in no_reference_reason(comparison, row, cells)
    figure = indicator_figure(comparison, row)
    assert "增速" in figure.axes[0].get_ylabel() and "no central document" in figure.axes[0].get_xlabel()


# --- the README's examples run as written ---


def _readme_section(title: str) -> str:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    return readme.split(f"## {title}", 1)[1].split("\n## ", 1)[0]


def test_readme_compare_examples_run_as_written(tmp_path: Path) -> None:
    import shlex

    records = write_jsonl(tmp_path / "dev.jsonl", _records())
    block = re.search(r"```sh\n(.*?)```", _readme_section("Comparing cities"), re.DOTALL).group(1)
    commands = [line.split("  #", 1)[0].strip() for line in block.splitlines() if "zhpolicy" in line]
    ran = 0
    for command in commands:
        words = shlex.split(command)
        assert words[0] == ".venv/bin/zhpolicy"
        if words[1] == "extract":
            continue  # extraction of ../shared is tested elsewhere; its output is `records` here
        words = [
            str(records) if w == "build/dev.jsonl" else str(tmp_path / w[6:]) if w.startswith("build/") else w
            for w in words[1:]
        ]
        result = runner.invoke(app, words)
        assert result.exit_code == 0, (command, result.output)
        ran += 1
    assert ran >= 6 and (tmp_path / "compare.md").read_text(encoding="utf-8").startswith("### Targets")
    assert (tmp_path / "mqci.png").exists() and (tmp_path / "policies.duckdb").exists()
    # The Python way the README gives to run its SQL works with what `make demo` installs.
    import duckdb

    assert ".df()` needs pandas" in _readme_section("Comparing cities")
    query = re.findall(r"```sql\n(.*?)```", _readme_section("Comparing cities"), re.DOTALL)[0]
    with duckdb.connect(str(tmp_path / "policies.duckdb"), read_only=True) as connection:
        assert connection.sql(query).fetchall()[0][:3] == ("青岛市", "ge", 92.0)


def test_verbose_logs_and_titles_count_right(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", [qingdao_record()])
    with caplog.at_level("INFO", logger="zhpolicy"):
        result = runner.invoke(
            app, ["-v", "compare", str(path), "--indicator", "制造业质量竞争力指数", "-f", "markdown"]
        )
    assert result.exit_code == 0
    assert "read 1 document from" in caplog.text
    assert result.stdout.startswith("### Targets by jurisdiction: 1 indicator × 1 place\n")


# --- install: runtime for the demo, tools for the tests ---


def test_demo_installs_the_runtime_only() -> None:
    import tomllib

    project = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {re.split(r"[<>=\[; ]", dep, maxsplit=1)[0].lower() for dep in project["dependencies"]}
    dev = {
        re.split(r"[<>=\[; ]", dep, maxsplit=1)[0].lower() for dep in project["optional-dependencies"]["dev"]
    }
    assert {"pytest", "hypothesis", "ipykernel", "nbclient", "nbformat", "ruff"} <= dev
    assert not runtime & dev
    assert "lxml_html_clean" not in runtime and "pylopdf-fonts-zh-cn" not in runtime
    assert project["license"] == "MIT"  # an SPDX expression, not a table
    makefile = (PROJECT / "Makefile").read_text(encoding="utf-8")
    runtime_rule = makefile.split("$(STAMP): pyproject.toml", 1)[1].split("\n\n", 1)[0]
    assert "install --quiet -e .\n" in runtime_rule and "[dev]" not in runtime_rule
    assert re.search(r"^demo: \$\(STAMP\)$", makefile, re.MULTILINE)
    assert re.search(r"^test: \$\(DEV_STAMP\)$", makefile, re.MULTILINE)


def test_compare_and_db_load_read_standard_input(tmp_path: Path) -> None:
    lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in _records())
    result = runner.invoke(app, ["compare", "-", "-f", "csv"], input=lines)
    assert result.exit_code == 0 and "青岛市" in result.stdout
    loaded = runner.invoke(app, ["db", "load", "-", "--db", str(tmp_path / "p.duckdb")], input=lines)
    assert loaded.exit_code == 0 and "3 documents" in loaded.output
    missing = runner.invoke(app, ["compare", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2 and "no such file" in missing.output
