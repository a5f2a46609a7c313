"""An embedded DuckDB database of extracted records, for SQL across many runs.

Tables: ``documents``, ``targets`` (with the canonical ``indicator_id``, its name and the match
score and method), ``programmes``, ``policies``, ``agencies``. A document is identified by
``doc`` and ``source`` together (two ``index.html`` in different folders are two documents; a
record without a source has ``source`` ''), and every table carries both, so joins are
``USING (doc, source)``. Loading is idempotent per document: a document already in the database
is replaced, and when one load holds the same document twice the last line wins.
:func:`read_documents` turns the tables back into record dicts, so ``zhpolicy compare --db``
shares every step after reading.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb

from pipeline.compare.records import document_key
from pipeline.compare.registry import IndicatorRegistry
from pipeline.lexicon.names import name_key as normalise_name
from pipeline.resolve.units import to_base

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc VARCHAR NOT NULL, source VARCHAR NOT NULL, title VARCHAR, published DATE,
    jurisdiction VARCHAR, jurisdiction_code VARCHAR, doc_type VARCHAR, n_targets INTEGER,
    PRIMARY KEY (doc, source)
);
CREATE TABLE IF NOT EXISTS targets (
    doc VARCHAR, source VARCHAR, position INTEGER, indicator VARCHAR, indicator_id VARCHAR,
    indicator_name VARCHAR, match_score DOUBLE, match_method VARCHAR, value DOUBLE, value_max DOUBLE,
    unit VARCHAR, value_base DOUBLE, unit_base VARCHAR, comparator VARCHAR, kind VARCHAR,
    direction VARCHAR, annual BOOLEAN, deadline INTEGER, sector VARCHAR, evidence VARCHAR,
    start_offset INTEGER, end_offset INTEGER, rule VARCHAR
);
CREATE TABLE IF NOT EXISTS programmes (
    doc VARCHAR, source VARCHAR, position INTEGER, name VARCHAR, name_key VARCHAR, type VARCHAR,
    mentions INTEGER
);
CREATE TABLE IF NOT EXISTS policies (
    doc VARCHAR, source VARCHAR, position INTEGER, name VARCHAR, name_key VARCHAR, short_names VARCHAR[],
    mentions INTEGER
);
CREATE TABLE IF NOT EXISTS agencies (
    doc VARCHAR, source VARCHAR, position INTEGER, name VARCHAR, normalized VARCHAR, role VARCHAR,
    mentions INTEGER
);
"""
TABLES = ("documents", "targets", "programmes", "policies", "agencies")


class DatabaseError(RuntimeError):
    """The database cannot be used: missing, or written by an older zhpolicy."""


def _check_layout(connection: duckdb.DuckDBPyConnection, path: Path) -> None:
    columns = {
        row[0]
        for row in connection.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'targets' AND table_schema = 'main'"
        ).fetchall()
    }
    if columns and not {"source", "value_base", "unit_base"} <= columns:
        connection.close()
        raise DatabaseError(
            f"{path} was written by an older zhpolicy (documents keyed by doc alone): "
            "load into a new database file"
        )


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise FileNotFoundError(f"no database at {path}; create it with `zhpolicy db load`")
    try:
        connection = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise DatabaseError(f"{path}: not a DuckDB database ({exc})") from exc
    _check_layout(connection, path)
    if not read_only:
        connection.execute(SCHEMA)
    return connection


def _name(entry: Any) -> str:
    return str(entry["name"] if isinstance(entry, dict) else entry)


def _mentions(entry: Any) -> int:
    return len(entry.get("mentions") or []) if isinstance(entry, dict) else 0


def _rows(record: dict[str, Any], registry: IndicatorRegistry) -> dict[str, list[tuple[Any, ...]]]:
    doc, source = document_key(record)
    targets = record.get("targets") or []
    rows: dict[str, list[tuple[Any, ...]]] = {
        "documents": [
            (
                doc,
                source,
                record.get("title"),
                record.get("published"),
                record.get("jurisdiction"),
                record.get("jurisdiction_code"),
                record.get("doc_type"),
                len(targets),
            )
        ],
        "targets": [],
        "programmes": [],
        "policies": [],
        "agencies": [],
    }
    for i, target in enumerate(targets):
        match = registry.match(str(target["indicator"]))
        value_base, unit_base = to_base(float(target["value"]), target.get("unit"))
        rows["targets"].append(
            (
                doc,
                source,
                i,
                target["indicator"],
                match.indicator_id,
                match.indicator.name if match.indicator else None,
                match.score,
                match.method,
                target["value"],
                target.get("value_max"),
                target.get("unit"),
                target.get("value_base", value_base),
                target.get("unit_base", unit_base),
                target.get("comparator"),
                target.get("kind", "level"),
                target.get("direction"),
                bool(target.get("annual")),
                target.get("deadline"),
                target.get("sector"),
                target.get("evidence"),
                target.get("start"),
                target.get("end"),
                target.get("rule"),
            )
        )
    for i, entry in enumerate(record.get("programmes") or []):
        name = _name(entry)
        kind = entry.get("type") if isinstance(entry, dict) else None
        rows["programmes"].append((doc, source, i, name, normalise_name(name), kind, _mentions(entry)))
    for i, entry in enumerate(record.get("policies_cited") or []):
        name = _name(entry)
        short = list(entry.get("short_names") or []) if isinstance(entry, dict) else []
        rows["policies"].append((doc, source, i, name, normalise_name(name), short, _mentions(entry)))
    for i, entry in enumerate(record.get("agencies") or []):
        normalized = entry.get("normalized") if isinstance(entry, dict) else None
        role = entry.get("role") if isinstance(entry, dict) else None
        rows["agencies"].append((doc, source, i, _name(entry), normalized, role, _mentions(entry)))
    return rows


def load_documents(
    connection: duckdb.DuckDBPyConnection, documents: Iterable[dict[str, Any]], registry: IndicatorRegistry
) -> dict[str, int]:
    """Insert (or replace) ``documents``; returns the number of rows written per table.

    A document is its ``doc`` and ``source``; one given twice in ``documents`` is loaded once,
    from its last record (as a second load would replace the first)."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    for record in documents:
        key = document_key(record)
        latest.pop(key, None)  # the last record wins, in the position it was last seen
        latest[key] = record
    batch: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for record in latest.values():
        for table, rows in _rows(record, registry).items():
            batch[table].extend(rows)
    keys = [{"doc": doc, "source": source} for doc, source in latest]
    connection.execute("BEGIN TRANSACTION")
    try:
        if keys:
            for table in TABLES:
                connection.execute(
                    f"DELETE FROM {table} WHERE (doc, source) IN "
                    "(SELECT (k.doc, k.source) FROM (SELECT unnest(?) AS k))",
                    [keys],
                )
        for table in TABLES:
            if batch[table]:
                width = len(batch[table][0])
                placeholders = ", ".join("?" * width)
                connection.executemany(f"INSERT INTO {table} VALUES ({placeholders})", batch[table])
        connection.execute("COMMIT")
    except Exception:
        connection.execute("ROLLBACK")
        raise
    return {table: len(batch[table]) for table in TABLES}


def read_documents(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The database as record dicts (the fields comparison and overlap use), in document order."""

    def fetch(sql: str) -> list[dict[str, Any]]:
        cursor = connection.execute(sql)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    documents: dict[tuple[str, str], dict[str, Any]] = {}
    for row in fetch("SELECT * FROM documents ORDER BY doc, source"):
        published = row["published"]
        documents[(row["doc"], row["source"])] = {
            "status": "ok",
            "doc": row["doc"],
            "source": row["source"] or None,
            "title": row["title"],
            "published": None if published is None else published.isoformat(),
            "jurisdiction": row["jurisdiction"],
            "jurisdiction_code": row["jurisdiction_code"],
            "doc_type": row["doc_type"],
            "targets": [],
            "programmes": [],
            "policies_cited": [],
            "agencies": [],
        }
    for row in fetch("SELECT * FROM targets ORDER BY doc, source, position"):
        documents[(row["doc"], row["source"])]["targets"].append(
            {
                "indicator": row["indicator"],
                "value": row["value"],
                "value_max": row["value_max"],
                "unit": row["unit"],
                "value_base": row["value_base"],
                "unit_base": row["unit_base"],
                "comparator": row["comparator"],
                "kind": row["kind"],
                "direction": row["direction"],
                "annual": row["annual"],
                "deadline": row["deadline"],
                "sector": row["sector"],
                "evidence": row["evidence"],
                "start": row["start_offset"],
                "end": row["end_offset"],
            }
        )
    for row in fetch("SELECT * FROM programmes ORDER BY doc, source, position"):
        programme = {"name": row["name"], "type": row["type"]}
        documents[(row["doc"], row["source"])]["programmes"].append(programme)
    for row in fetch("SELECT * FROM policies ORDER BY doc, source, position"):
        documents[(row["doc"], row["source"])]["policies_cited"].append(
            {"name": row["name"], "short_names": list(row["short_names"] or [])}
        )
    for row in fetch("SELECT * FROM agencies ORDER BY doc, source, position"):
        documents[(row["doc"], row["source"])]["agencies"].append(
            {"name": row["name"], "normalized": row["normalized"], "role": row["role"]}
        )
    return list(documents.values())
