"""The output seam: the tables derived from the models, the JSONL and Parquet writers, resuming a
Parquet output, and reading either back (compare, db load)."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from spacy.language import Language
from typer.testing import CliRunner

from pipeline.batch import outcome_of
from pipeline.cli import app
from pipeline.output import JsonlWriter, ParquetWriter, iter_records, open_writer
from pipeline.output.parquet import committed_parts, part_name
from pipeline.read import read_documents
from pipeline.tables import record_rows, records_to_tables, table_specs
from pipeline.write import OutputError, record_json
from schemas import Document, ErrorRecord, Target
from tests.conftest import PROJECT, SAMPLES

runner = CliRunner()
HELDOUT = PROJECT / "corpora" / "heldout"


def _inputs(tmp_path: Path) -> list[str]:
    """Real documents (held-out texts and pages, the samples) and two that fail to read."""
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "empty.txt").write_bytes(b"")
    (broken / "dump.jsonl").write_text('{"id": "cut", "text": "到2025年\n', encoding="utf-8")
    return [str(HELDOUT), str(SAMPLES), str(broken)]


@pytest.fixture(scope="module")
def outcomes(nlp: Language, tmp_path_factory: pytest.TempPathFactory) -> list:
    return [outcome_of(nlp, raw) for raw in read_documents(_inputs(tmp_path_factory.mktemp("in")))]


def _sorted_lines(records: object) -> list[str]:
    return sorted(record_json(r) for r in records)  # type: ignore[attr-defined]


def test_tables_follow_the_models() -> None:
    specs = table_specs()
    assert {
        "documents",
        "targets",
        "results",
        "qualitative",
        "programmes",
        "policies",
        "agencies",
        "errors",
    } <= set(specs)
    # Every field of Target is a column, offsets under SQL-safe names; a new field would be one too.
    targets = [field.name for field in specs["targets"].schema]
    assert targets[:3] == ["doc", "source", "position"]
    expected = [{"start": "start_offset", "end": "end_offset"}.get(f, f) for f in Target.model_fields]
    assert targets[3:] == expected
    assert "responsible" in targets and "binding" in targets
    assert str(specs["programmes"].schema.field("mentions").type).startswith("list<item: struct<start_offset")
    assert "status" not in specs["documents"].schema.names and "text" in specs["documents"].schema.names


def test_rows_are_keyed_by_doc_and_source(outcomes: list) -> None:
    record = next(o.record for o in outcomes if o.error is None and o.record.targets)
    rows = record_rows(record)
    assert {(row["doc"], row["source"]) for table in rows.values() for row in table} == {
        (record.doc, record.source)
    }
    assert "source" not in [c.name for c in table_specs()["documents"].columns]  # a key, not a column twice
    assert [row["position"] for row in rows["targets"]] == list(range(len(record.targets)))
    first = rows["targets"][0]
    assert record.text[first["start_offset"] : first["end_offset"]] == first["evidence"]


def test_tables_round_trip_to_the_same_records(outcomes: list) -> None:
    records = [o.record for o in outcomes]
    assert any(isinstance(r, ErrorRecord) for r in records) and any(isinstance(r, Document) for r in records)
    from pipeline.tables import records_from_tables

    back = list(records_from_tables(records_to_tables(records)))
    assert _sorted_lines(back) == _sorted_lines(records)


@pytest.mark.parametrize("fmt", ["jsonl", "parquet"])
def test_both_writers_take_the_same_outcomes_and_read_back(outcomes: list, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / ("out.jsonl" if fmt == "jsonl" else "out")
    writer = open_writer(out, fmt, part_documents=7)  # type: ignore[arg-type]
    assert len(writer.done) == 0
    for outcome in outcomes:
        writer.write_outcome(outcome)
    writer.close()
    back = list(iter_records(out))
    assert _sorted_lines(back) == _sorted_lines(o.record for o in outcomes)
    if fmt == "jsonl":  # today's output, byte for byte: one line per document, in input order
        assert out.read_text(encoding="utf-8") == "".join(record_json(o.record) + "\n" for o in outcomes)
    else:
        assert isinstance(writer, ParquetWriter)
        assert committed_parts(out) == list(range(-(-len(outcomes) // 7)))
        assert all((out / table / part_name(0)).exists() for table in table_specs())


def test_parquet_is_read_by_duckdb_pandas_and_pyarrow(outcomes: list, tmp_path: Path) -> None:
    import pandas as pd

    writer = ParquetWriter(tmp_path / "out", part_documents=5)
    for outcome in outcomes:
        writer.write_outcome(outcome)
    writer.close()
    documents = [o.record for o in outcomes if o.error is None]
    targets = sum(len(d.targets) for d in documents)
    assert targets > 0
    sql = f"SELECT count(*), count(DISTINCT doc) FROM read_parquet('{tmp_path}/out/targets/*.parquet')"
    assert duckdb.sql(sql).fetchall()[0] == (targets, len({d.doc for d in documents if d.targets}))
    assert len(pd.read_parquet(tmp_path / "out" / "documents")) == len(documents)
    errors = pq.read_table(tmp_path / "out" / "errors").to_pylist()
    assert sorted(e["error"] for e in errors) == sorted(o.error for o in outcomes if o.error)
    results = sum(len(d.results) for d in documents)
    assert duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/out/results/*.parquet')"
    ).fetchall() == [(results,)]
    # An empty table is still a table: every part has a file for it.
    only_errors = ParquetWriter(tmp_path / "errors_only")
    for outcome in outcomes:
        if outcome.error:
            only_errors.write_outcome(outcome)
    only_errors.close()
    assert duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/errors_only/targets/*.parquet')"
    ).fetchall() == [(0,)]


def test_a_part_never_holds_a_document_twice(nlp: Language, tmp_path: Path) -> None:
    text = "到2025年,制造业质量竞争力指数达到92。"
    dump = tmp_path / "dump.jsonl"
    dump.write_text(
        "".join(json.dumps({"id": "same", "text": text.replace("92", str(90 + i))}) + "\n" for i in range(3)),
        encoding="utf-8",
    )
    records = [outcome_of(nlp, raw).record for raw in read_documents([str(dump)])]
    # The reader makes ids unique (same, same:2, same:3); one document written again keeps its
    # doc and source (a record met twice), which a part never holds twice.
    writer = ParquetWriter(tmp_path / "out")
    for record in records:
        writer.write(record.model_copy(update={"doc": "same", "source": "dump.jsonl:1"}))
    writer.close()
    assert committed_parts(tmp_path / "out") == [0, 1, 2]
    values = sorted(r.targets[0].value for r in iter_records(tmp_path / "out"))  # type: ignore[union-attr]
    assert values == [90.0, 91.0, 92.0]
    # One id read from different places (two index.html) is two documents: one part holds both.
    writer = ParquetWriter(tmp_path / "two")
    for i, record in enumerate(records):
        writer.write(record.model_copy(update={"doc": "index.html", "source": f"site{i}/index.html"}))
    writer.close()
    assert committed_parts(tmp_path / "two") == [0]
    back = list(iter_records(tmp_path / "two"))
    assert sorted((r.source, r.targets[0].value) for r in back) == [  # type: ignore[union-attr]
        ("site0/index.html", 90.0),
        ("site1/index.html", 91.0),
        ("site2/index.html", 92.0),
    ]


def _extract(*args: str) -> object:
    return runner.invoke(app, ["extract", *args, "--quiet"])


def test_extract_parquet_then_resume_after_a_crash(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    jsonl, out = tmp_path / "all.jsonl", tmp_path / "pq"
    assert _extract(*inputs, "-o", str(jsonl)).exit_code == 1  # two inputs fail: error records
    assert _extract(*inputs, "-o", str(out), "--format", "parquet", "--part-size", "4").exit_code == 1
    expected = _sorted_lines(iter_records(jsonl))
    assert _sorted_lines(iter_records(out)) == expected
    parts = committed_parts(out)
    assert len(parts) >= 3

    # A crash while the last part was written: its documents file missing, a temporary left.
    last = parts[-1]
    (out / "documents" / part_name(last)).unlink()
    (out / "targets" / f".{part_name(last)}.0123abcd.tmp").write_bytes(b"PAR1 cut")
    assert _extract(*inputs, "-o", str(out), "--format", "parquet").exit_code == 2  # neither resume nor force
    result = _extract(*inputs, "-o", str(out), "--format", "parquet", "--part-size", "4", "--resume")
    assert result.exit_code in (0, 1), result.output
    assert _sorted_lines(iter_records(out)) == expected
    assert not list((out / "targets").glob(".*.tmp"))
    assert committed_parts(out) == parts  # only the lost part was redone (under its number)
    # Resuming a finished output does nothing more.
    again = _extract(*inputs, "-o", str(out), "--format", "parquet", "--resume")
    assert again.exit_code == 0 and committed_parts(out) == parts


def test_parquet_output_usage_errors(tmp_path: Path) -> None:
    assert _extract(str(SAMPLES), "--format", "parquet").exit_code == 2  # no directory given
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert _extract(str(SAMPLES), "-o", str(tmp_path / "file"), "--format", "parquet").exit_code == 2
    assert _extract(str(SAMPLES), "-o", "s3://bucket/run", "--format", "parquet").exit_code == 2
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine", encoding="utf-8")
    result = _extract(str(SAMPLES), "-o", str(tmp_path / "other"), "--format", "parquet", "--resume")
    assert result.exit_code == 2
    with pytest.raises(OutputError):
        list(iter_records(tmp_path / "other"))


def test_compare_and_db_load_read_parquet_as_they_read_jsonl(outcomes: list, tmp_path: Path) -> None:
    jsonl = JsonlWriter(tmp_path / "out.jsonl")
    parquet = ParquetWriter(tmp_path / "out", part_documents=6)
    for outcome in outcomes:
        jsonl.write_outcome(outcome)
        parquet.write_outcome(outcome)
    jsonl.close()
    parquet.close()
    from_jsonl = runner.invoke(app, ["compare", str(tmp_path / "out.jsonl"), "-f", "csv"])
    from_parquet = runner.invoke(app, ["compare", str(tmp_path / "out"), "-f", "csv"])
    assert from_jsonl.exit_code == 0 and from_parquet.exit_code == 0
    assert from_parquet.stdout == from_jsonl.stdout and from_jsonl.stdout.count("\n") > 5

    counts = {}
    for name, source in (("a", tmp_path / "out.jsonl"), ("b", tmp_path / "out")):
        db = tmp_path / f"{name}.duckdb"
        assert runner.invoke(app, ["db", "load", str(source), "--db", str(db)]).exit_code == 0
        with duckdb.connect(str(db), read_only=True) as connection:
            counts[name] = {
                t: connection.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in table_specs()
            }
            ids = connection.execute(
                "SELECT count(*) FROM targets WHERE indicator_id IS NOT NULL"
            ).fetchone()[0]
            assert ids > 0
    assert counts["a"] == counts["b"] and counts["a"]["errors"] == sum(1 for o in outcomes if o.error)


# --- the merge with main: documents keyed by doc and source, resume as for JSONL ---


def test_parquet_resume_tries_worker_crashed_documents_again(outcomes: list, tmp_path: Path) -> None:
    from pipeline.read import source_key

    documents = [o.record for o in outcomes if o.error is None][:3]
    crashed = documents[2]
    out = tmp_path / "out"
    writer = ParquetWriter(out, part_documents=2)
    for record in documents[:2]:
        writer.write(record)
    message = "the worker process died while extracting this document (2 times alone in the pool)"
    writer.write(ErrorRecord(doc=crashed.doc, source=crashed.source, error="worker_crashed", message=message))
    writer.close()
    again = ParquetWriter(out, resume=True)
    assert len(again.done) == 2
    assert again.done.take((documents[0].doc, source_key(documents[0].source)))
    assert not again.done.take((crashed.doc, source_key(crashed.source)))  # tried again
    assert [r.error for r in iter_records(out) if isinstance(r, ErrorRecord)] == []
    again.write(crashed)
    again.close()
    assert _sorted_lines(iter_records(out)) == _sorted_lines(documents)


def test_a_parquet_output_inside_an_input_directory_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text("到2025年,制造业质量竞争力指数达到92。", encoding="utf-8")
    result = _extract(str(corpus), "-o", str(corpus / "run"), "--format", "parquet")
    assert result.exit_code == 2 and "inside the input" in result.output
    assert not (corpus / "run").exists()
    assert _extract(str(corpus / "plan.txt"), "-o", str(tmp_path), "--format", "parquet").exit_code == 2


def test_db_load_keeps_two_documents_of_one_name_from_parquet(outcomes: list, tmp_path: Path) -> None:
    record = next(o.record for o in outcomes if o.error is None and o.record.targets)
    twins = [record.model_copy(update={"doc": "index.html", "source": f"{d}/index.html"}) for d in "ab"]
    writer = ParquetWriter(tmp_path / "out")
    for twin in twins:
        writer.write(twin)
    writer.close()
    joined = duckdb.sql(
        f"SELECT count(*) FROM read_parquet('{tmp_path}/out/targets/*.parquet') "
        f"JOIN read_parquet('{tmp_path}/out/documents/*.parquet') USING (doc, source)"
    ).fetchall()
    assert joined == [(2 * len(record.targets),)]
    db = tmp_path / "p.duckdb"
    for _ in range(2):  # loading again replaces, never duplicates
        result = runner.invoke(app, ["db", "load", str(tmp_path / "out"), "--db", str(db)])
        assert result.exit_code == 0 and "2 documents" in result.output, result.output
    with duckdb.connect(str(db), read_only=True) as connection:
        rows = connection.execute(
            "SELECT d.source, count(*) FROM targets t JOIN documents d USING (doc, source) "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    assert rows == [("a/index.html", len(record.targets)), ("b/index.html", len(record.targets))]
    # compare --by doc tells them apart, from the Parquet directory as from JSONL.
    by_doc = runner.invoke(app, ["compare", str(tmp_path / "out"), "--by", "doc", "-f", "csv"])
    assert by_doc.exit_code == 0 and "index.html (a/index.html)" in by_doc.stdout


def test_db_load_names_an_invalid_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    path.write_text(json.dumps({"doc": "a.txt", "status": "ok", "targets": []}) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["db", "load", str(path), "--db", str(tmp_path / "p.duckdb")])
    assert result.exit_code == 2 and "out.jsonl:1" in result.output and "text" in result.output
