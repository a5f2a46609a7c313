"""Read stage: paths -> a lazy stream of :class:`RawDocument`, one per input document.

Plain text, HTML (main text by trafilatura) and JSONL (one article a line). Bytes are decoded
as UTF-8 when they are UTF-8, else by charset-normalizer among the Chinese encodings. A document
that cannot be read becomes a ``RawDocument`` with ``error`` set: nothing is dropped silently.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import charset_normalizer

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "gbk", "big5", "big5hkscs", "utf_16", "utf_32"]
DEFAULT_MAX_CHARS = 2_000_000
# Most CJK text decodes with a chaos ratio near zero; binary junk does not.
_MAX_CHAOS = 0.3
_MIN_PRINTABLE_SHARE = 0.9


@dataclass
class ReadError:
    code: str
    message: str


@dataclass
class RawDocument:
    doc: str
    source: str
    text: str | None = None
    is_html: bool = False
    title: str | None = None
    published: date | None = None
    error: ReadError | None = None


class DecodeError(ValueError):
    pass


def _printable_share(text: str) -> float:
    if not text:
        return 1.0
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\t\r")
    return printable / len(text)


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM stripped) when valid, else the best Chinese-capable encoding; junk raises."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DecodeError("binary data (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
        if best is None or best.chaos > _MAX_CHAOS:
            raise DecodeError(
                f"bytes decode in none of the supported encodings ({', '.join(CANDIDATE_ENCODINGS)})"
            ) from None
        text = str(best)
    if _printable_share(text) < _MIN_PRINTABLE_SHARE:
        raise DecodeError("mostly unprintable characters: binary data, not text")
    return text


def _parse_iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def iter_paths(paths: Iterable[str]) -> Iterator[Path | None]:
    """Files to read, in order: directories recursively (supported suffixes, sorted); ``-`` is
    yielded as ``None`` (standard input)."""
    for raw in paths:
        if raw == "-":
            yield None
            continue
        path = Path(raw)
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            yield path


def read_documents(
    paths: Iterable[str],
    *,
    text_field: str = "text",
    id_field: str = "id",
    max_chars: int = DEFAULT_MAX_CHARS,
) -> Iterator[RawDocument]:
    """Every document under ``paths``, lazily; errors become documents with ``error`` set."""
    for path in iter_paths(paths):
        if path is None:
            data = sys.stdin.buffer.read()
            yield from _documents_from_bytes(
                data, "<stdin>", "<stdin>", "stdin", text_field, id_field, max_chars
            )
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield RawDocument(
                path.name,
                str(path),
                error=ReadError("unreadable_file", f"cannot read {path}: {exc.strerror or exc}"),
            )
            continue
        kind = (
            "jsonl"
            if path.suffix.lower() in JSONL_SUFFIXES
            else "html"
            if path.suffix.lower() in HTML_SUFFIXES
            else "text"
        )
        yield from _documents_from_bytes(data, path.name, str(path), kind, text_field, id_field, max_chars)


def _documents_from_bytes(
    data: bytes, doc_id: str, source: str, kind: str, text_field: str, id_field: str, max_chars: int
) -> Iterator[RawDocument]:
    try:
        text = decode_bytes(data)
    except DecodeError as exc:
        yield RawDocument(doc_id, source, error=ReadError("undecodable", str(exc)))
        return
    if kind == "stdin":
        kind = (
            "jsonl" if text.lstrip().startswith("{") else "html" if text.lstrip().startswith("<") else "text"
        )
    if kind == "jsonl":
        yield from _jsonl_documents(text, doc_id, source, text_field, id_field, max_chars)
        return
    yield _checked(RawDocument(doc_id, source, text=text, is_html=kind == "html"), max_chars)


def _checked(document: RawDocument, max_chars: int) -> RawDocument:
    if document.error is None:
        if document.text is None or not document.text.strip():
            document.error = ReadError("empty_document", "the document has no text")
        elif len(document.text) > max_chars:
            document.error = ReadError(
                "too_large", f"{len(document.text):,} characters exceed --max-chars {max_chars:,}"
            )
    if document.error is not None:
        document.text = None
    return document


def _jsonl_documents(
    text: str, file_id: str, source: str, text_field: str, id_field: str, max_chars: int
) -> Iterator[RawDocument]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        line_source = f"{source}:{number}"
        fallback_id = f"{file_id}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield RawDocument(
                fallback_id,
                line_source,
                error=ReadError(
                    "malformed_jsonl", f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
                ),
            )
            continue
        if not isinstance(record, dict):
            yield RawDocument(
                fallback_id,
                line_source,
                error=ReadError(
                    "malformed_jsonl", f"line {number}: expected a JSON object, got {type(record).__name__}"
                ),
            )
            continue
        doc_id = str(record.get(id_field) or fallback_id)
        body = record.get(text_field)
        if body is not None and not isinstance(body, str):
            yield RawDocument(
                doc_id,
                line_source,
                error=ReadError("malformed_jsonl", f"line {number}: field {text_field!r} is not a string"),
            )
            continue
        if body is None:
            fields = ", ".join(sorted(record)) or "none"
            yield RawDocument(
                doc_id,
                line_source,
                error=ReadError(
                    "missing_text_field", f"line {number}: no {text_field!r} field (fields: {fields})"
                ),
            )
            continue
        is_html = bool(record.get("html")) or body.lstrip().startswith("<")
        title = record.get("title") if isinstance(record.get("title"), str) else None
        published = _parse_iso_date(record.get("published") or record.get("date"))
        yield _checked(
            RawDocument(doc_id, line_source, text=body, is_html=is_html, title=title, published=published),
            max_chars,
        )
