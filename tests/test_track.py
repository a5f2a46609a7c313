"""zhpolicy track: targets against the results reported for the same place, indicator and year."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare.registry import load_registry
from pipeline.compare.track import CSV_COLUMNS, build_tracking, judge_pair


def _quantity(indicator: str, value: float, unit: str | None, **extra: Any) -> dict[str, Any]:
    return {
        "indicator": indicator,
        "value": value,
        "value_max": None,
        "unit": unit,
        "kind": "level",
        "direction": None,
        "evidence": f"{indicator}{value:g}{unit or ''}",
        **extra,
    }


def _record(doc: str, place: str, published: str, targets=(), results=()) -> dict[str, Any]:
    return {
        "status": "ok",
        "doc": doc,
        "jurisdiction": place,
        "published": published,
        "targets": list(targets),
        "results": list(results),
    }


@pytest.mark.parametrize(
    ("comparator", "target", "direction", "result", "result_direction", "better", "status"),
    [
        pytest.param("approx", 5.0, "up", 5.0, "up", "higher", "met", id="approx_exact"),
        pytest.param("approx", 5.0, "up", 4.8, "up", "higher", "met", id="approx_within_5pct"),
        pytest.param("approx", 5.0, "up", 4.7, "up", "higher", "missed", id="approx_short"),
        pytest.param("approx", 5.0, "up", 6.5, "up", "higher", "met", id="approx_beyond_better"),
        pytest.param("approx", 5.5, None, 5.1, None, "lower", "met", id="unemployment_lower_is_better"),
        pytest.param("approx", 5.5, None, 6.2, None, "lower", "missed", id="unemployment_too_high"),
        pytest.param("ge", 1200, None, 1256, None, "higher", "met", id="ge_literal"),
        pytest.param("ge", 1200, None, 1199, None, "higher", "missed", id="ge_short"),
        pytest.param("le", 3.0, None, 3.2, None, "lower", "missed", id="le_literal"),
        pytest.param("ge", 3.0, "down", 3.1, "down", "lower", "met", id="fall_at_least"),
        pytest.param("ge", 3.0, "down", 2.5, "down", "lower", "missed", id="fall_too_small"),
        pytest.param("approx", 5.0, "up", 1.0, "down", "higher", "missed", id="growth_turned_fall"),
    ],
)
def test_judge_pair(comparator, target, direction, result, result_direction, better, status) -> None:
    got, _ = judge_pair(comparator, target, None, direction, result, result_direction, better)
    assert got == status


def test_a_range_is_met_inside_it() -> None:
    assert judge_pair("eq", 5.0, 5.5, "up", 5.2, "up", "higher")[0] == "met"
    assert judge_pair("eq", 5.0, 5.5, "up", 4.5, "up", "higher")[0] == "missed"


def test_build_tracking_pairs_place_indicator_and_year() -> None:
    gdp_2024 = _quantity(
        "地区生产总值", 5.0, "%", comparator="approx", kind="change", direction="up", deadline=2024
    )
    jobs = _quantity("城镇新增就业", 1200, "万人", comparator="ge", deadline=2024)
    unemployment = _quantity("城镇调查失业率", 5.5, "%", comparator="approx", deadline=2024)
    later = _quantity("城镇新增就业", 50, "万人", comparator="ge", deadline=2026)
    records = [
        _record("2024.txt", "全国", "2024-03-05", targets=[gdp_2024, jobs, unemployment, later]),
        _record(
            "2025.txt",
            "全国",
            "2025-03-05",
            results=[
                _quantity(
                    "国内生产总值", 5.0, "%", comparator="eq", kind="change", direction="up", period=2024
                ),
                _quantity("城镇新增就业", 1256, "万人", comparator="eq", period=2024),
                _quantity("城镇调查失业率", 5.1, "%", comparator="eq", period=2024),
                # another place's figure and another year's answer nothing
                _quantity("城镇新增就业", 9999, "万人", comparator="eq", period=2023),
            ],
        ),
        _record(
            "sd.txt",
            "山东省",
            "2025-02-01",
            results=[_quantity("城镇新增就业", 1, "万人", comparator="eq", period=2024)],
        ),
    ]
    rows = {(r.indicator_id, r.deadline): r for r in build_tracking(records, load_registry())}
    assert rows[("gdp", 2024)].status == "met" and rows[("gdp", 2024)].result_doc == "2025.txt"
    assert rows[("urban_new_jobs", 2024)].status == "met" and rows[("urban_new_jobs", 2024)].gap == 56
    assert rows[("surveyed_urban_unemployment_rate", 2024)].status == "met"
    assert rows[("urban_new_jobs", 2026)].status == "no_result"


def test_a_five_year_total_does_not_answer_a_yearly_target() -> None:
    jobs = _quantity("城镇新增就业", 1100, "万人", comparator="ge", deadline=2017)
    total = _quantity(
        "城镇新增就业", 6600, "万人", comparator="ge", period=2017, reason="time scope: past:review_years"
    )
    rows = build_tracking(
        [
            _record("2017.txt", "全国", "2017-03-05", targets=[jobs]),
            _record("2018.txt", "全国", "2018-03-05", results=[total]),
        ],
        load_registry(),
    )
    assert [r.status for r in rows] == ["no_result"]


def test_a_multi_year_change_does_not_answer_a_yearly_target() -> None:
    """比2002年增长65.5% and 年均增长10.6% in the 2008 review describe 2003-2007, not 2007."""
    growth = _quantity("国内生产总值", 8, "%", comparator="approx", deadline=2007)
    since_base = dict(_quantity("国内生产总值", 65.5, "%", period=2007), evidence="比2002年增长65.5%")
    average = dict(_quantity("国内生产总值", 10.6, "%", period=2007), annual=True, evidence="年均增长10.6%")
    that_year = dict(_quantity("国内生产总值", 11.4, "%", period=2007), evidence="比上年增长11.4%")
    documents = [
        _record("2007.txt", "全国", "2007-03-05", targets=[growth]),
        _record("2008.txt", "全国", "2008-03-05", results=[since_base, average]),
    ]
    assert [r.status for r in build_tracking(documents, load_registry())] == ["no_result"]
    documents[1]["results"].append(that_year)
    rows = build_tracking(documents, load_registry())
    assert [(r.status, r.result_value) for r in rows] == [("met", 11.4)]


def test_track_csv_columns_and_format_from_suffix(tmp_path: Path) -> None:
    records = tmp_path / "records.jsonl"
    gdp = _quantity(
        "地区生产总值", 5.0, "%", comparator="approx", kind="change", direction="up", deadline=2024
    )
    result = _quantity("国内生产总值", 4.0, "%", comparator="eq", kind="change", direction="up", period=2024)
    lines = [
        _record("a.txt", "全国", "2024-03-05", targets=[gdp]),
        _record("b.txt", "全国", "2025-03-05", results=[result]),
    ]
    records.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in lines), encoding="utf-8")
    out = tmp_path / "track.csv"
    run = CliRunner().invoke(app, ["track", str(records), "-o", str(out)])
    assert run.exit_code == 0, run.output
    table = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert tuple(table[0]) == CSV_COLUMNS
    assert (table[0]["status"], table[0]["result_value"], table[0]["gap"]) == ("missed", "4.0", "-1.0")
    refused = CliRunner().invoke(app, ["track", str(records), "-o", str(tmp_path / "track.xyz")])
    assert refused.exit_code == 2


def test_track_national_reports_end_to_end(shared: Path, tmp_path: Path) -> None:
    """The 2024 national report's targets against the 2025 report's review."""
    out = tmp_path / "national.jsonl"
    reports = [
        shared / "corpus" / "national" / "2024_guowuyuan_zhengfugongzuobaogao.txt",
        shared / "corpus" / "full" / "078_national_2025_guowuyuan_zhengfugongzuobaogao.txt",
    ]
    run = CliRunner().invoke(app, ["extract", *map(str, reports), "-o", str(out), "--quiet"])
    assert run.exit_code == 0, run.output
    tracked = CliRunner().invoke(app, ["track", str(out), "--format", "json"])
    assert tracked.exit_code == 0, tracked.output
    rows = {(r["indicator_id"], r["deadline"]): r for r in map(json.loads, tracked.stdout.splitlines())}
    gdp = rows[("gdp", 2024)]
    assert (gdp["status"], gdp["target_value"], gdp["result_value"]) == ("met", 5.0, 5.0)
    assert rows[("urban_new_jobs", 2024)]["status"] == "met"
    assert rows[("surveyed_urban_unemployment_rate", 2024)]["result_value"] == 5.1
