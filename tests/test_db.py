"""`zhpolicy db load` and `compare --db`: DuckDB tables, idempotent loads, and the README's SQL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.compare.db import TABLES, connect, load_documents, read_documents
from pipeline.compare.registry import load_registry
from pipeline.compare.table import build_comparison
from tests.conftest import PROJECT
from tests.test_compare import meizhou_record, national_record, qingdao_record, write_jsonl

runner = CliRunner()
_SQL_BLOCK_RE = re.compile(r"```sql\n(.*?)```", re.DOTALL)


def _records() -> list[dict[str, Any]]:
    return [national_record(), qingdao_record(), meizhou_record()]


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "policies.duckdb"
    with connect(path) as connection:
        load_documents(connection, _records(), load_registry())
    return path


def readme_queries() -> list[str]:
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Comparing cities", 1)[1].split("\n## ", 1)[0]
    return _SQL_BLOCK_RE.findall(section)


def test_tables_and_canonical_ids(database: Path) -> None:
    with connect(database, read_only=True) as connection:
        counts = {t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
        rows = connection.execute(
            "SELECT indicator, indicator_id, match_method, match_score FROM targets "
            "WHERE doc = 'qingdao_plan.txt' ORDER BY position"
        ).fetchall()
        unmapped = connection.execute("SELECT indicator FROM targets WHERE indicator_id IS NULL").fetchall()
    assert {t: n for t, n in counts.items() if n} == {
        "documents": 3,
        "targets": 13,
        "programmes": 3,
        "policies": 3,
    }
    assert {"results", "qualitative", "agencies", "errors"} <= set(counts)
    assert rows[1] == ("青岛制造业质量竞争力指数", "mfg_quality_competitiveness_index", "stripped", 100.0)
    assert unmapped == [("新增省级中心村",)]


def test_loading_again_replaces_documents(database: Path) -> None:
    with connect(database) as connection:
        load_documents(connection, [qingdao_record()], load_registry())
        assert connection.execute("SELECT count(*) FROM documents").fetchone()[0] == 3
        assert connection.execute("SELECT count(*) FROM targets").fetchone()[0] == 13


def test_read_back_compares_like_jsonl(database: Path) -> None:
    with connect(database, read_only=True) as connection:
        documents = read_documents(connection)
    from_db = build_comparison(documents, load_registry())
    from_jsonl = build_comparison(_records(), load_registry())
    assert from_db.places == from_jsonl.places
    assert [row.key for row in from_db.rows] == [row.key for row in from_jsonl.rows]
    for row_db, row_jsonl in zip(from_db.rows, from_jsonl.rows, strict=True):
        assert {p: c.chosen.display() for p, c in row_db.cells.items()} == {
            p: c.chosen.display() for p, c in row_jsonl.cells.items()
        }


def test_readme_has_three_queries_and_they_answer(database: Path) -> None:
    queries = readme_queries()
    assert len(queries) == 3
    with connect(database, read_only=True) as connection:
        results = [connection.execute(query).fetchall() for query in queries]
    highest, against_national, spread = results
    assert [(r[0], r[2], r[3]) for r in highest] == [
        ("青岛市", 92, 2025),
        ("青岛市", 88, 2023),
        ("全国", 86, 2025),
        ("梅州市", 83, 2025),
    ]
    assert ("制造业质量竞争力指数", "青岛市", 92.0, 86.0, 6.0) in against_national
    assert ("制造业产品质量合格率", "青岛市", 97.0, 94.0, 3.0) in against_national
    assert ("programme", "中国质量奖", 2, ["全国", "青岛市"]) in spread
    assert ("policy", "质量强国建设纲要", 2, ["全国", "青岛市"]) in spread


def test_cli_db_load_then_compare_from_db(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "out.jsonl", _records())
    db = tmp_path / "sub" / "p.duckdb"
    loaded = runner.invoke(app, ["db", "load", str(path), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    assert "3 documents, 13 targets" in loaded.output
    result = runner.invoke(
        app, ["compare", "--db", str(db), "--indicator", "mfg_quality_competitiveness_index"]
    )
    assert result.exit_code == 0 and "≥92 (2025)" in result.output and "+6 ▲" in result.output
    missing = runner.invoke(app, ["compare", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and "zhpolicy db load" in missing.output
