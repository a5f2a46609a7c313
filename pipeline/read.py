"""Read stage: paths -> a lazy stream of :class:`RawDocument`, one per input document.

Plain text, HTML (main text by trafilatura) and JSONL (one article a line, streamed line by
line). Bytes are decoded as UTF-8 when they are UTF-8, else by charset-normalizer among the
Chinese encodings; a mostly-UTF-8 page with GBK fragments is decoded piece by piece. A document
that cannot be read becomes a ``RawDocument`` with ``error`` set: nothing is dropped silently.

Memory stays bounded by the largest single document: directories are walked one listing at a
time, JSONL files are never read whole, and a file or line too large for ``max_chars`` is
skipped without being held in memory.
"""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES
CANDIDATE_ENCODINGS = ["utf_8", "gb18030", "gbk", "big5", "big5hkscs", "utf_16", "utf_32"]
DEFAULT_MAX_CHARS = 2_000_000
# No encoding spends more than four bytes on a character: a larger input is too large unread.
MAX_BYTES_PER_CHAR = 4
# Most CJK text decodes with a chaos ratio near zero; binary junk does not.
_MAX_CHAOS = 0.3
_MIN_PRINTABLE_SHARE = 0.9
_MAX_DAMAGED_SHARE = 0.01
# Text is UTF-8 with GBK fragments pasted in when valid multi-byte UTF-8 characters are at least
# as many as invalid bytes: GBK bytes read as UTF-8 form a valid character only about once in
# ten, so pure GBK text is far below this.
_MIXED_UTF8_RATIO = 1
# Enough of a JSONL file's head to settle its encoding.
_SNIFF_BYTES = 64 * 1024
_UTF16_32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_GB_FALLBACK = "zhpolicy-gb18030-fallback"
_NON_ASCII_RUN_RE = re.compile(rb"[\x80-\xff]+")
_CJK_RE = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


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

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the document in an output file (``--resume`` skips by it)."""
        return (self.doc, self.source)


class DecodeError(ValueError):
    pass


def _gb18030_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: bytes that are not UTF-8 are tried as one GB18030 character."""
    assert isinstance(exc, UnicodeDecodeError)
    for width in (2, 4):
        piece = exc.object[exc.start : exc.start + width]
        try:
            decoded = piece.decode("gb18030")
        except UnicodeDecodeError:
            continue
        if len(decoded) == 1:
            return decoded, exc.start + width
    return "\ufffd", exc.start + 1


codecs.register_error(_GB_FALLBACK, _gb18030_fallback)


def _printable_share(text: str) -> float:
    sample = text[:_SNIFF_BYTES]
    # Line breaks and tabs are not "printable" to str.isprintable but are text; the fast path
    # covers every real document, the count only suspicious ones.
    if not sample or sample.replace("\n", " ").replace("\t", " ").replace("\r", " ").isprintable():
        return 1.0
    printable = sum(1 for ch in sample if ch.isprintable() or ch in "\n\t\r")
    return printable / len(sample)


def _non_ascii_count(text: str) -> int:
    return len(text) - len(text.encode("ascii", "ignore"))


def _cjk_share(text: str) -> float:
    return len(_CJK_RE.findall(text)) / len(text) if text else 0.0


def _decode_run(run: bytes) -> str:
    """One run of non-ASCII bytes: UTF-8 or GB18030, whichever reads as more Chinese (a short
    GBK run can be valid UTF-8 by accident: 业 is D2 B5, UTF-8 for ҵ)."""
    decodings: list[str] = []
    for encoding in ("utf-8", "gb18030"):
        try:
            decodings.append(run.decode(encoding))
        except UnicodeDecodeError:
            continue
    if not decodings:
        return run.decode("utf-8", _GB_FALLBACK)
    return max(decodings, key=_cjk_share)


def _decode_mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with GBK/GB18030 fragments, run by run, when the bytes are mostly UTF-8; else None."""
    lenient = data.decode("utf-8", "replace")
    invalid = lenient.count("\ufffd")
    if _non_ascii_count(lenient) - invalid < _MIXED_UTF8_RATIO * invalid:
        return None
    return _NON_ASCII_RUN_RE.sub(lambda m: _decode_run(m.group()).encode("utf-8"), data).decode("utf-8")


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM stripped) when valid, else the best Chinese-capable encoding; junk raises."""
    if data.startswith(_UTF16_32_BOMS):
        encoding = "utf-32" if data.startswith(_UTF16_32_BOMS[:2]) else "utf-16"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"starts with a {encoding} byte-order mark but is not {encoding}") from exc
    elif b"\x00" in data[:4096]:
        raise DecodeError("binary data (NUL bytes), not text")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _decode_mostly_utf8(data) or _detect_and_decode(data)
    if _printable_share(text) < _MIN_PRINTABLE_SHARE:
        raise DecodeError("mostly unprintable characters: binary data, not text")
    return text


def _detect_and_decode(data: bytes) -> str:
    best = charset_normalizer.from_bytes(data, cp_isolation=CANDIDATE_ENCODINGS).best()
    if best is not None and best.chaos <= _MAX_CHAOS:
        return str(best)
    # GB18030 with a few damaged bytes (a truncated character, a stray byte from a bad copy)
    # defeats detection; a handful of replacement characters is better than losing the page.
    damaged = data.decode("gb18030", "replace")
    if damaged.count("\ufffd") <= len(damaged) * _MAX_DAMAGED_SHARE and _cjk_share(damaged) > 0.5:
        return damaged
    raise DecodeError(f"bytes decode in none of the supported encodings ({', '.join(CANDIDATE_ENCODINGS)})")


def detect_encoding(head: bytes) -> str | None:
    """The encoding of a file from its first bytes (UTF-8 wins when they are UTF-8); None when
    the head is binary."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(_UTF16_32_BOMS):
        return "utf-32" if head.startswith(_UTF16_32_BOMS[:2]) else "utf-16"
    if b"\x00" in head:
        return None
    try:
        # A multi-byte character cut at the end of the head is not an error.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(head, cp_isolation=CANDIDATE_ENCODINGS).best()
    # Undecided (lines in several encodings): UTF-8, and each line that is not is detected alone.
    return best.encoding if best is not None and best.chaos <= _MAX_CHAOS else "utf-8"


def _parse_iso_date(value: object) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _unreadable(path: Path | str, exc: OSError, what: str = "read") -> RawDocument:
    name = Path(path).name or str(path)
    return RawDocument(
        name, str(path), error=ReadError("unreadable_file", f"cannot {what} {path}: {exc.strerror or exc}")
    )


def _walk(directory: Path) -> Iterator[Path | RawDocument]:
    """Supported files under ``directory``, depth first, each listing sorted by name (the order
    of sorting all paths), one directory listing in memory at a time. Symbolic links to
    directories are not followed (no cycles)."""
    try:
        with os.scandir(directory) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as exc:
        yield _unreadable(directory, exc, "list directory")
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _walk(path)
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            elif entry.is_file():
                yield path
            else:
                message = f"{path} is not a regular file (a dangling link, a device or a pipe)"
                yield RawDocument(path.name, str(path), error=ReadError("unreadable_file", message))
        except OSError as exc:  # vanished or unreadable between listing and use
            yield _unreadable(path, exc, "inspect")


def iter_paths(paths: Iterable[str]) -> Iterator[Path | RawDocument | None]:
    """Files to read, in order: directories recursively (supported suffixes, sorted); ``-`` is
    yielded as ``None`` (standard input); a directory that cannot be listed as an error."""
    for raw in paths:
        if raw == "-":
            yield None
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def read_documents(
    paths: Iterable[str],
    *,
    text_field: str = "text",
    id_field: str = "id",
    max_chars: int = DEFAULT_MAX_CHARS,
    skip: Callable[[tuple[str, str]], bool] | None = None,
    exclude: Path | None = None,
) -> Iterator[RawDocument]:
    """Every document under ``paths``, lazily; errors become documents with ``error`` set.

    ``skip(key)`` leaves out documents already done (``--resume``); a text or HTML file it skips
    is not even read. ``exclude`` is the output file: written inside an input directory, it
    would otherwise be read back as input while it grows.
    """
    options = _Options(text_field, id_field, max_chars)
    excluded = os.path.abspath(exclude) if exclude is not None else None
    for item in iter_paths(paths):
        if isinstance(item, Path) and excluded is not None and os.path.abspath(item) == excluded:
            continue
        if isinstance(item, RawDocument):
            documents: Iterable[RawDocument] = (item,)
        elif item is None:
            documents = _read_stdin(options)
        elif skip is not None and _kind(item) != "jsonl" and skip((item.name, str(item))):
            continue
        else:
            documents = _read_file(item, options)
        for document in documents:
            if skip is None or not skip(document.key):
                yield document


@dataclass(frozen=True)
class _Options:
    text_field: str
    id_field: str
    max_chars: int

    @property
    def max_bytes(self) -> int:
        return self.max_chars * MAX_BYTES_PER_CHAR


def _kind(path: Path) -> str:
    suffix = path.suffix.lower()
    return "jsonl" if suffix in JSONL_SUFFIXES else "html" if suffix in HTML_SUFFIXES else "text"


def _too_large(doc_id: str, source: str, size: str, max_chars: int) -> RawDocument:
    message = f"{size}: more than --max-chars {max_chars:,} allows"
    return RawDocument(doc_id, source, error=ReadError("too_large", message))


def _read_file(path: Path, options: _Options) -> Iterator[RawDocument]:
    kind = _kind(path)
    try:
        handle = path.open("rb", buffering=_SNIFF_BYTES)
    except OSError as exc:
        yield _unreadable(path, exc)
        return
    with handle:
        if kind == "jsonl":
            yield from _jsonl_stream(handle, path.name, str(path), options)
            return
        try:
            size = os.fstat(handle.fileno()).st_size
            if size > options.max_bytes:
                yield _too_large(path.name, str(path), f"{size:,} bytes", options.max_chars)
                return
            data = handle.read(options.max_bytes + 1)
        except OSError as exc:
            yield _unreadable(path, exc)
            return
    yield _document_from_bytes(data, path.name, str(path), kind, options)


def _read_stdin(options: _Options) -> Iterator[RawDocument]:
    stream: BinaryIO = sys.stdin.buffer
    head = stream.peek(_SNIFF_BYTES) if isinstance(stream, io.BufferedReader) else b""
    if head.lstrip()[:1] == b"{":
        yield from _jsonl_stream(stream, "<stdin>", "<stdin>", options)
        return
    data = stream.read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        yield _too_large("<stdin>", "<stdin>", "standard input", options.max_chars)
        return
    kind = "jsonl" if data.lstrip()[:1] == b"{" else "html" if data.lstrip()[:1] == b"<" else "text"
    if kind == "jsonl":
        yield from _jsonl_stream(io.BytesIO(data), "<stdin>", "<stdin>", options)
        return
    yield _document_from_bytes(data, "<stdin>", "<stdin>", kind, options)


def _document_from_bytes(data: bytes, doc_id: str, source: str, kind: str, options: _Options) -> RawDocument:
    try:
        text = decode_bytes(data)
    except DecodeError as exc:
        return RawDocument(doc_id, source, error=ReadError("undecodable", str(exc)))
    return _checked(RawDocument(doc_id, source, text=text, is_html=kind == "html"), options.max_chars)


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


def _raw_lines(handle: BinaryIO, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, bytes) for each line; bytes is None for a line longer than ``limit``, which
    is skipped in pieces rather than held in memory."""
    number = 0
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        number += 1
        if len(line) > limit and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = handle.readline(limit + 1)
            yield number, None
            continue
        yield number, line


def _text_lines(handle: BinaryIO, encoding: str, limit: int) -> Iterator[tuple[int, bytes | None]]:
    """Lines of a UTF-16/32 file (a newline is not one byte there), re-encoded as UTF-8."""
    reader = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="\n")
    for number, line in enumerate(reader, start=1):
        yield number, line.encode("utf-8") if len(line) <= limit else None
    reader.detach()


def _jsonl_stream(handle: BinaryIO, file_id: str, source: str, options: _Options) -> Iterator[RawDocument]:
    try:
        head = handle.peek(_SNIFF_BYTES)[:_SNIFF_BYTES] if isinstance(handle, io.BufferedReader) else b""
        encoding = detect_encoding(head) if head else "utf-8"
        if encoding is None:
            yield RawDocument(
                file_id,
                source,
                error=ReadError("undecodable", "binary data or an unsupported encoding, not JSON lines"),
            )
            return
        lines = (
            _text_lines(handle, encoding, options.max_chars)
            if encoding in ("utf-16", "utf-32")
            else _raw_lines(handle, options.max_bytes)
        )
        line_encoding = "utf-8" if encoding in ("utf-16", "utf-32") else encoding
        for number, data in lines:
            yield from _jsonl_document(data, number, line_encoding, file_id, source, options)
    except OSError as exc:
        yield _unreadable(source, exc)


def _decode_line(data: bytes, encoding: str) -> str:
    """UTF-8 first (valid UTF-8 is almost never another encoding), then the file's encoding, then
    detection on the line alone: dumps concatenated from several sources mix encodings."""
    for candidate in dict.fromkeys(("utf-8-sig", encoding)):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return decode_bytes(data)


def _jsonl_document(
    data: bytes | None, number: int, encoding: str, file_id: str, source: str, options: _Options
) -> Iterator[RawDocument]:
    line_source = f"{source}:{number}"
    fallback_id = f"{file_id}:{number}"

    def error(code: str, message: str, doc_id: str = fallback_id) -> RawDocument:
        return RawDocument(doc_id, line_source, error=ReadError(code, f"line {number}: {message}"))

    if data is None:
        yield error("too_large", f"longer than --max-chars {options.max_chars:,} allows")
        return
    if not data.strip():
        return
    try:
        line = _decode_line(data, encoding)
    except DecodeError as exc:
        yield error("undecodable", str(exc))
        return
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        yield error("malformed_jsonl", f"not valid JSON ({exc.msg} at column {exc.colno})")
        return
    if not isinstance(record, dict):
        yield error("malformed_jsonl", f"expected a JSON object, got {type(record).__name__}")
        return
    raw_id = record.get(options.id_field)
    doc_id = str(raw_id) if raw_id not in (None, "") else fallback_id
    body = record.get(options.text_field)
    if body is None:
        fields = ", ".join(sorted(record)) or "none"
        yield error("missing_text_field", f"no {options.text_field!r} field (fields: {fields})", doc_id)
        return
    if not isinstance(body, str):
        yield error("malformed_jsonl", f"field {options.text_field!r} is not a string", doc_id)
        return
    is_html = bool(record.get("html")) or body.lstrip().startswith("<")
    title = record.get("title") if isinstance(record.get("title"), str) else None
    published = _parse_iso_date(record.get("published") or record.get("date"))
    yield _checked(
        RawDocument(doc_id, line_source, text=body, is_html=is_html, title=title, published=published),
        options.max_chars,
    )
