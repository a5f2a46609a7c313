"""An embedded DuckDB database of extracted records, for SQL across many runs.

The tables are those of :mod:`pipeline.tables` (the flattening the Parquet output uses):
``documents``, ``targets``, ``results``, ``qualitative``, ``deadlines``, ``programmes``,
``policies``, ``agencies``, ``sectors``, ``warnings`` and ``errors``; their columns are derived
from the record models, so a field added there is a column here (an existing database gains it
on the next load). A document is identified by ``doc`` and ``source`` together (two
``index.html`` in different folders are two documents; a record without a source has ``source``
''), and every table carries both, so joins are ``USING (doc, source)``. A few columns are added
for comparison: a table with an ``indicator`` gets the canonical ``indicator_id``, its
``indicator_name`` and the match's ``match_score`` and ``match_method`` (and ``value_base`` /
``unit_base`` computed for records written before they were); a table with a ``name`` gets
``name_key`` (normalised). Loading is idempotent per document: a document already in the
database is replaced, and when one load holds the same document twice the last record wins.
A database written by an older zhpolicy (documents keyed by ``doc`` alone) is refused.
:func:`read_documents` turns the tables back into record dicts, so ``zhpolicy compare --db``
shares every step after reading.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
from pydantic import TypeAdapter

from pipeline.compare.registry import IndicatorRegistry
from pipeline.lexicon.names import name_key as normalise_name
from pipeline.resolve.units import to_base
from pipeline.tables import (
    KEY,
    SOURCE,
    TableBuffer,
    record_key,
    records_from_tables,
    table_names,
    table_specs,
)
from schemas import Document, ErrorRecord, Record

TABLES = table_names()
# Rows are inserted this many records at a time (memory stays flat however many are loaded).
LOAD_BATCH = 500
_RECORD: TypeAdapter[Document | ErrorRecord] = TypeAdapter(Record)


class DatabaseError(RuntimeError):
    """The database cannot be used: not a DuckDB file, or written by another zhpolicy version."""


def _enrichment(table: str) -> dict[str, pa.DataType]:
    fields = {column.field for column in table_specs()[table].columns}
    extra: dict[str, pa.DataType] = {}
    if "indicator" in fields:
        extra.update(
            indicator_id=pa.string(),
            indicator_name=pa.string(),
            match_score=pa.float64(),
            match_method=pa.string(),
        )
    if "name" in fields:
        extra["name_key"] = pa.string()
    return extra


def table_schema(table: str) -> pa.Schema:
    """The database table's columns: the flattening's, then the comparison columns."""
    schema = table_specs()[table].schema
    for name, kind in _enrichment(table).items():
        schema = schema.append(pa.field(name, kind))
    return schema


def _wanted_columns(connection: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    """The DuckDB column types of ``table`` as this zhpolicy writes it."""
    connection.register("_zhpolicy_empty", table_schema(table).empty_table())
    try:
        return {
            row[0]: row[1] for row in connection.execute("DESCRIBE SELECT * FROM _zhpolicy_empty").fetchall()
        }
    finally:
        connection.unregister("_zhpolicy_empty")


def _present_columns(connection: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    present: dict[str, dict[str, str]] = {}
    for table, column, kind in connection.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main'"
    ).fetchall():
        present.setdefault(table, {})[column] = kind
    return present


def _check_layout(connection: duckdb.DuckDBPyConnection, path: Path, *, read_only: bool) -> None:
    """Refuse a database this zhpolicy cannot load into or read (exit 2 in the CLI)."""
    present = _present_columns(connection)
    for table in TABLES:
        columns = present.get(table)
        if columns is None:
            if read_only and present:
                raise DatabaseError(
                    f"{path} has no table {table}: it was written by an older zhpolicy; "
                    "load the records into a new database file"
                )
            continue
        if SOURCE not in columns:
            raise DatabaseError(
                f"{path} was written by an older zhpolicy (documents keyed by doc alone): "
                "load into a new database file"
            )
        for column, kind in _wanted_columns(connection, table).items():
            if column in columns and columns[column] != kind:
                raise DatabaseError(
                    f"{path} was written by an older zhpolicy (table {table} column {column} is "
                    f"{columns[column]}, this zhpolicy writes {kind}): load into a new database file"
                )
            if column not in columns and read_only:
                raise DatabaseError(
                    f"{path} was written by an older zhpolicy (table {table} has no column {column}): "
                    "load the records into a new database file"
                )


def _ensure_tables(connection: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and add missing columns (the models gained a field)."""
    present = _present_columns(connection)
    for table in TABLES:
        if table not in present:
            connection.register("_zhpolicy_empty", table_schema(table).empty_table())
            try:
                connection.execute(f"CREATE TABLE {table} AS SELECT * FROM _zhpolicy_empty")
            finally:
                connection.unregister("_zhpolicy_empty")
            continue
        for column, kind in _wanted_columns(connection, table).items():
            if column not in present[table]:
                connection.execute(f'ALTER TABLE {table} ADD COLUMN "{column}" {kind}')


def connect(path: Path, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only and not path.exists():
        raise FileNotFoundError(f"no database at {path}; create it with `zhpolicy db load`")
    try:
        connection = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise DatabaseError(f"{path}: not a DuckDB database ({exc})") from exc
    try:
        _check_layout(connection, path, read_only=read_only)
        if not read_only:
            _ensure_tables(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def as_record(record: dict[str, Any] | Document | ErrorRecord) -> Document | ErrorRecord:
    """A record dict (as in the JSONL output) validated into its model; models pass through.
    Raises ``pydantic.ValidationError``."""
    if isinstance(record, Document | ErrorRecord):
        return record
    if "status" not in record:  # as compare reads it: a record without one is a document
        record = {**record, "status": "ok"}
    return _RECORD.validate_python(record)


def _enriched(table: str, rows: pa.Table, registry: IndicatorRegistry) -> pa.Table:
    extra = _enrichment(table)
    if "indicator_id" in extra:
        matches = [registry.match(str(indicator)) for indicator in rows.column("indicator").to_pylist()]
        rows = rows.append_column("indicator_id", pa.array([m.indicator_id for m in matches], pa.string()))
        names = [m.indicator.name if m.indicator else None for m in matches]
        rows = rows.append_column("indicator_name", pa.array(names, pa.string()))
        rows = rows.append_column("match_score", pa.array([m.score for m in matches], pa.float64()))
        rows = rows.append_column("match_method", pa.array([m.method for m in matches], pa.string()))
    if {"value_base", "unit_base", "value", "unit"} <= set(rows.column_names):
        # Records written before value_base/unit_base existed get them here, as compare does.
        values, units = rows.column("value").to_pylist(), rows.column("unit").to_pylist()
        bases, base_units = rows.column("value_base").to_pylist(), rows.column("unit_base").to_pylist()
        for i, (value, unit, base) in enumerate(zip(values, units, bases, strict=True)):
            if base is None and value is not None:
                bases[i], base_units[i] = to_base(float(value), unit)
        for name, column in (("value_base", bases), ("unit_base", base_units)):
            index = rows.column_names.index(name)
            rows = rows.set_column(
                index, rows.schema.field(name), pa.array(column, rows.schema.field(name).type)
            )
    if "name_key" in extra:
        keys = [normalise_name(str(name)) for name in rows.column("name").to_pylist()]
        rows = rows.append_column("name_key", pa.array(keys, pa.string()))
    return rows


def _batches(records: Iterable[dict[str, Any] | Document | ErrorRecord]) -> Iterator[TableBuffer]:
    """Records a batch at a time; a batch ends before a document (doc and source) repeats, so the
    later record replaces the earlier one."""
    buffer = TableBuffer()
    for record in records:
        model = as_record(record)
        if record_key(model) in buffer.docs or buffer.records >= LOAD_BATCH:
            yield buffer
            buffer = TableBuffer()
        buffer.add(model)
    if buffer.records:
        yield buffer


def load_documents(
    connection: duckdb.DuckDBPyConnection,
    documents: Iterable[dict[str, Any] | Document | ErrorRecord],
    registry: IndicatorRegistry,
) -> dict[str, int]:
    """Insert (or replace) records (dicts as in the JSONL output, or models); error records go
    to ``errors``. A document is its ``doc`` and ``source``; one given twice is loaded once, from
    its last record. Returns the number of rows in the database per table for the documents
    loaded (a document loaded twice counts once)."""
    counts = dict.fromkeys(TABLES, 0)
    loaded: dict[tuple[str, str], dict[str, int]] = {}
    connection.execute("BEGIN TRANSACTION")
    try:
        for buffer in _batches(documents):
            keys = [{KEY: doc, SOURCE: source} for doc, source in sorted(buffer.docs)]
            for table in TABLES:
                connection.execute(
                    f"DELETE FROM {table} WHERE ({KEY}, {SOURCE}) IN "
                    f"(SELECT (k.{KEY}, k.{SOURCE}) FROM (SELECT unnest(?) AS k))",
                    [keys],
                )
            rows_of: dict[tuple[str, str], dict[str, int]] = {key: {} for key in buffer.docs}
            for table, rows in buffer.arrow_tables().items():
                if not rows.num_rows:
                    continue
                connection.register("_zhpolicy_rows", _enriched(table, rows, registry))
                try:
                    connection.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _zhpolicy_rows")
                finally:
                    connection.unregister("_zhpolicy_rows")
                for doc, source in zip(
                    rows.column(KEY).to_pylist(), rows.column(SOURCE).to_pylist(), strict=True
                ):
                    per_table = rows_of[(doc, source)]
                    per_table[table] = per_table.get(table, 0) + 1
            loaded.update(rows_of)  # a document loaded again counts its last rows only
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    for per_table in loaded.values():
        for table, n in per_table.items():
            counts[table] += n
    return counts


def read_records(connection: duckdb.DuckDBPyConnection) -> Iterator[Document | ErrorRecord]:
    """The database's records (documents by doc and source, then error records), validated."""
    specs = table_specs()
    tables = {}
    for table in TABLES:
        columns = ", ".join(f'"{field.name}"' for field in specs[table].schema)
        order = f"{KEY}, {SOURCE}, position" if specs[table].keyed_by_position else f"{KEY}, {SOURCE}"
        relation = connection.sql(f"SELECT {columns} FROM {table} ORDER BY {order}")
        # duckdb >= 1.4 names it to_arrow_table; earlier versions arrow.
        tables[table] = (getattr(relation, "to_arrow_table", None) or relation.arrow)()
    return records_from_tables(tables)


def read_documents(connection: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The database's documents as record dicts (as in the JSONL output), in doc order."""
    return [r.model_dump(mode="json") for r in read_records(connection) if isinstance(r, Document)]
