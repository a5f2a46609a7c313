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
from functools import cache
from pathlib import Path
from typing import BinaryIO

import charset_normalizer

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
JSON_SUFFIXES = (".json",)
PDF_SUFFIXES = (".pdf",)
DOCX_SUFFIXES = (".docx",)
SUPPORTED_SUFFIXES = (
    TEXT_SUFFIXES + HTML_SUFFIXES + JSONL_SUFFIXES + JSON_SUFFIXES + PDF_SUFFIXES + DOCX_SUFFIXES
)
# A PDF or .docx holds far more bytes than characters (fonts, images, XML): its own size limit.
MAX_OFFICE_BYTES = 512 * 1024 * 1024
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
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# UTF-16 without a byte-order mark: Chinese text always holds some ASCII (digits, line breaks),
# whose high byte is NUL, all at even offsets (big-endian) or all at odd ones (little-endian).
_UTF16_MIN_NUL_SHARE = 0.02
_UTF16_PARITY_SHARE = 0.95
# A JSONL head where more than this share of the lines hold NUL bytes is binary, not JSON lines.
_MAX_NUL_LINE_SHARE = 0.5


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
    url: str | None = None  # a JSONL article's address (its ``url`` or ``link`` field)
    error: ReadError | None = None
    # A PDF or .docx is parsed where it is extracted (see :func:`materialise`): its path and
    # format wait here until then.
    path: str | None = None
    pending: str | None = None
    max_chars: int = DEFAULT_MAX_CHARS

    @property
    def key(self) -> tuple[str, str]:
        """What identifies the document in an output file (``--resume`` skips by it): its id and
        where it was read from, the path resolved (however it was typed) with its line number."""
        return (self.doc, source_key(self.source))


def printable_name(name: str) -> str:
    """A path or id that JSON can hold: bytes of a file name that are not UTF-8 (kept by Python
    as lone surrogates) are written as ``\\xNN`` escapes."""
    if not _SURROGATE_RE.search(name):
        return name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _no_surrogates(text: str) -> str:
    """Lone surrogates (a JSON ``\\udcxx`` escape) cannot be written as UTF-8: U+FFFD, same length."""
    return _SURROGATE_RE.sub("\ufffd", text) if _SURROGATE_RE.search(text) else text


@cache
def _resolved(path: str) -> str:
    return os.path.realpath(path)


_LINE_SOURCE_RE = re.compile(r"(?P<path>.+):(?P<line>\d+)")


def source_key(source: str | None) -> str:
    """A record's ``source`` with its path resolved: the same document typed as a relative or an
    absolute path, or through a link, has one key. ``PATH:LINE`` (a JSONL line) keeps its line."""
    if source is None or source.startswith("<"):
        return str(source)
    match = _LINE_SOURCE_RE.fullmatch(source)
    if match and not os.path.exists(source) and os.path.isfile(match["path"]):
        return f"{_resolved(match['path'])}:{match['line']}"
    return _resolved(source)


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
    flat = sample.replace("\n", " ").replace("\t", " ").replace("\r", " ")
    if not sample or flat.isprintable():
        return 1.0
    # Ideographic and no-break spaces (unprintable too) are common in Chinese text: when they
    # are the only unprintable characters, counting them gives the share without a loop.
    blanks = flat.count("\u3000") + flat.count("\xa0")
    if blanks and flat.replace("\u3000", " ").replace("\xa0", " ").isprintable():
        return (len(sample) - blanks) / len(sample)
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


def utf16_without_bom(head: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when the NUL bytes of ``head`` say so, else None."""
    nuls = head.count(b"\x00")
    if nuls < max(2, len(head) * _UTF16_MIN_NUL_SHARE):
        return None
    odd = head[1::2].count(b"\x00")
    if odd >= nuls * _UTF16_PARITY_SHARE:
        encoding = "utf-16-le"
    elif nuls - odd >= nuls * _UTF16_PARITY_SHARE:
        encoding = "utf-16-be"
    else:
        return None
    sample = head[: len(head) - len(head) % 2].decode(encoding, "replace")
    return encoding if _printable_share(sample) >= _MIN_PRINTABLE_SHARE else None


def decode_bytes(data: bytes) -> str:
    """UTF-8 (BOM stripped) when valid, else the best Chinese-capable encoding; junk raises.

    NUL and other control bytes do not make text binary: a UTF-8 text that carries some decodes
    (the clean stage removes them), and UTF-16 without a byte-order mark is told by its NULs."""
    head = data[:4096]
    utf16 = utf16_without_bom(head) if not data.startswith(_UTF16_32_BOMS) else None
    text: str | None = None
    if data.startswith(_UTF16_32_BOMS):
        encoding = "utf-32" if data.startswith(_UTF16_32_BOMS[:2]) else "utf-16"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise DecodeError(f"starts with a {encoding} byte-order mark but is not {encoding}") from exc
    elif utf16 is not None:
        try:
            text = data[: len(data) - len(data) % 2].decode(utf16)
        except UnicodeDecodeError:
            text = None
        if text is not None and _printable_share(text) < _MIN_PRINTABLE_SHARE:
            text = None
    if text is None:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            if b"\x00" in head:
                # A few stray NULs in GBK or Big5 text (a bad copy) are dropped; many are binary.
                if data.count(b"\x00") > len(data) * _MAX_DAMAGED_SHARE:
                    raise DecodeError("binary data (NUL bytes), not text") from None
                data = data.replace(b"\x00", b"")
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
    the head is binary. A few lines with NUL bytes or junk do not decide for the whole file:
    they are left out here and judged line by line."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith(_UTF16_32_BOMS):
        return "utf-32" if head.startswith(_UTF16_32_BOMS[:2]) else "utf-16"
    if b"\x00" in head:
        utf16 = utf16_without_bom(head)
        if utf16 is not None:
            return utf16
        lines = head.split(b"\n")
        clean = [line for line in lines if b"\x00" not in line]
        if len(clean) <= len(lines) * _MAX_NUL_LINE_SHARE or not b"".join(clean).strip():
            return None
        head = b"\n".join(clean)
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


def _unreadable(path: Path | str, exc: OSError, what: str = "read", doc_id: str | None = None) -> RawDocument:
    shown = printable_name(str(path))
    name = doc_id or printable_name(Path(path).name) or shown
    return RawDocument(
        name, shown, error=ReadError("unreadable_file", f"cannot {what} {shown}: {exc.strerror or exc}")
    )


@dataclass(frozen=True)
class InputFile:
    """A file to read and its document id: the path relative to the directory given on the
    command line (``2024/05/index.html``), or the file name for a file given itself."""

    path: Path
    doc: str


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _walk(directory: Path) -> Iterator[InputFile | RawDocument]:
    """Every file under ``directory``, depth first, each listing sorted by name (the order of
    sorting all paths), one directory listing per level in memory; iterative, so no depth is too
    deep. Hidden entries (``.git``, ``.DS_Store``) are not inputs and are passed over; symbolic
    links to directories are not followed (no cycles). A file of a format zhpolicy does not read
    is an ``unsupported_format`` error record, never skipped silently."""
    stack: list[tuple[Iterator[os.DirEntry[str]], str]] = []

    def listing(path: Path, prefix: str) -> RawDocument | None:
        try:
            with os.scandir(path) as scan:
                entries = sorted(scan, key=lambda e: e.name)
        except OSError as exc:
            return _unreadable(path, exc, "list directory", doc_id=printable_name(prefix or path.name))
        stack.append((iter(entries), prefix))
        return None

    failed = listing(directory, "")
    if failed is not None:
        yield failed
    while stack:
        entries, prefix = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if _is_hidden(entry.name):
            continue
        path = Path(entry.path)
        relative = f"{prefix}{entry.name}"
        doc_id = printable_name(relative)
        try:
            if entry.is_dir(follow_symlinks=False):
                failed = listing(path, relative + "/")
                if failed is not None:
                    yield failed
            elif not entry.is_file():
                message = (
                    f"{printable_name(str(path))} is not a regular file (a dangling link, a device or a pipe)"
                )
                yield RawDocument(
                    doc_id, printable_name(str(path)), error=ReadError("unreadable_file", message)
                )
            elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
                yield _unsupported(path, doc_id)
            else:
                yield InputFile(path, relative)
        except OSError as exc:  # vanished or unreadable between listing and use
            yield _unreadable(path, exc, "inspect", doc_id=doc_id)


def _unsupported(path: Path, doc_id: str) -> RawDocument:
    suffix = path.suffix or "(no suffix)"
    message = (
        f"{printable_name(str(path))}: {suffix} is not a format zhpolicy reads "
        f"({', '.join(s for s in SUPPORTED_SUFFIXES)})"
    )
    return RawDocument(doc_id, printable_name(str(path)), error=ReadError("unsupported_format", message))


def iter_paths(paths: Iterable[str]) -> Iterator[InputFile | RawDocument | None]:
    """Files to read, in order: directories recursively (sorted); ``-`` is yielded as ``None``
    (standard input); a directory that cannot be listed, or a file of a format zhpolicy does not
    read, as an error document."""
    for raw in paths:
        if raw == "-":
            yield None
            continue
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        else:
            yield InputFile(path, path.name)


def is_zhpolicy_output(path: Path) -> bool:
    """True when the file's first line is a zhpolicy record (an earlier run's output)."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(_SNIFF_BYTES)
        record = json.loads(first)
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("status") in ("ok", "error")
        and "doc" in record
        and ("targets" in record if record["status"] == "ok" else "error" in record)
    )


class _Identities:
    """Document ids, unique within a run: a repeated id gets the JSONL line number (``id:7``) or
    a counter (``index.html#2``)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, doc_id: str, alternative: str | None = None) -> str:
        if doc_id in self.used:
            doc_id = alternative if alternative is not None and alternative not in self.used else doc_id
            base, number = doc_id, 2
            while doc_id in self.used:
                doc_id, number = f"{base}#{number}", number + 1
        self.used.add(doc_id)
        return doc_id


def read_documents(
    paths: Iterable[str],
    *,
    text_field: str = "text",
    id_field: str = "id",
    max_chars: int = DEFAULT_MAX_CHARS,
    skip: Callable[[tuple[str, str]], bool] | None = None,
    exclude: Path | None = None,
    notice: Callable[[str], None] | None = None,
) -> Iterator[RawDocument]:
    """Every document under ``paths``, lazily; errors become documents with ``error`` set.

    ``skip(key)`` leaves out documents already done (``--resume``); a file it skips is not even
    read. ``exclude`` is the output file: found among the inputs (written inside an input
    directory, or reached through a link) it is never read back. A JSONL file that is an earlier
    zhpolicy output is passed over with a ``notice``, not read as articles.
    """
    options = _Options(text_field, id_field, max_chars)
    excluded = _identity(exclude) if exclude is not None else None
    identities = _Identities()
    for item in iter_paths(paths):
        if isinstance(item, RawDocument):
            item.doc = identities.claim(item.doc)
            documents: Iterable[RawDocument] = (item,)
        elif item is None:
            documents = _read_stdin(options, identities)
        else:
            if excluded is not None and _identity(item.path) == excluded:
                continue
            kind = _kind(item.path)
            if kind == "jsonl" and is_zhpolicy_output(item.path):
                if notice is not None:
                    notice(f"{printable_name(str(item.path))} is zhpolicy output, not articles: skipped")
                continue
            if kind not in ("jsonl", "json"):
                doc_id = identities.claim(printable_name(item.doc))
                if skip is not None and skip((doc_id, source_key(printable_name(str(item.path))))):
                    continue
                documents = _read_file(item.path, doc_id, options, identities)
            else:
                documents = _read_file(item.path, printable_name(item.doc), options, identities)
        for document in documents:
            if skip is None or not skip(document.key):
                yield document


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_dev, status.st_ino)


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
    for kind, suffixes in (
        ("jsonl", JSONL_SUFFIXES),
        ("json", JSON_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("pdf", PDF_SUFFIXES),
        ("docx", DOCX_SUFFIXES),
    ):
        if suffix in suffixes:
            return kind
    return "text"


def _too_large(doc_id: str, source: str, size: str, max_chars: int) -> RawDocument:
    message = f"{size}: more than --max-chars {max_chars:,} allows"
    return RawDocument(doc_id, source, error=ReadError("too_large", message))


def _read_file(path: Path, doc_id: str, options: _Options, identities: _Identities) -> Iterator[RawDocument]:
    kind = _kind(path)
    source = printable_name(str(path))
    try:
        handle = path.open("rb", buffering=_SNIFF_BYTES)
    except OSError as exc:
        yield _unreadable(path, exc, doc_id=doc_id)
        return
    with handle:
        if kind == "jsonl":
            yield from _jsonl_stream(handle, doc_id, source, options, identities)
            return
        try:
            size = os.fstat(handle.fileno()).st_size
            limit = MAX_OFFICE_BYTES if kind in ("pdf", "docx") else options.max_bytes
            if size > limit:
                yield _too_large(doc_id, source, f"{size:,} bytes", options.max_chars)
                return
            if kind in ("pdf", "docx"):
                yield RawDocument(doc_id, source, path=str(path), pending=kind, max_chars=options.max_chars)
                return
            data = handle.read(options.max_bytes + 1)
        except OSError as exc:
            yield _unreadable(path, exc, doc_id=doc_id)
            return
    if kind == "json":
        yield from _json_documents(data, doc_id, source, options, identities)
        return
    yield _document_from_bytes(data, doc_id, source, kind, options)


def materialise(raw: RawDocument) -> RawDocument:
    """A PDF or .docx document with its text read (or its error set); any other as it is."""
    if raw.pending is None or raw.error is not None:
        return raw
    from pipeline.read_office import OfficeError, docx_text, pdf_text

    assert raw.path is not None
    try:
        text = pdf_text(raw.path) if raw.pending == "pdf" else docx_text(raw.path)
    except OfficeError as exc:
        raw.error = ReadError(exc.code, exc.message)
    except OSError as exc:
        raw.error = ReadError("unreadable_file", f"cannot read {raw.source}: {exc.strerror or exc}")
    else:
        raw.text = text
    raw.pending = None
    return _checked(raw, raw.max_chars)


def _read_stdin(options: _Options, identities: _Identities) -> Iterator[RawDocument]:
    stream: BinaryIO = sys.stdin.buffer
    head = stream.peek(_SNIFF_BYTES) if isinstance(stream, io.BufferedReader) else b""
    if head.lstrip()[:1] == b"{":
        yield from _jsonl_stream(stream, "<stdin>", "<stdin>", options, identities)
        return
    data = stream.read(options.max_bytes + 1)
    if len(data) > options.max_bytes:
        yield _too_large(identities.claim("<stdin>"), "<stdin>", "standard input", options.max_chars)
        return
    first = data.lstrip()[:1]
    kind = "jsonl" if first == b"{" else "json" if first == b"[" else "html" if first == b"<" else "text"
    if kind == "jsonl":
        yield from _jsonl_stream(io.BytesIO(data), "<stdin>", "<stdin>", options, identities)
        return
    if kind == "json":  # a JSON array of articles
        yield from _json_documents(data, "<stdin>", "<stdin>", options, identities)
        return
    yield _document_from_bytes(data, identities.claim("<stdin>"), "<stdin>", kind, options)


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


def _jsonl_stream(
    handle: BinaryIO, file_id: str, source: str, options: _Options, identities: _Identities
) -> Iterator[RawDocument]:
    try:
        head = handle.peek(_SNIFF_BYTES)[:_SNIFF_BYTES] if isinstance(handle, io.BufferedReader) else b""
        encoding = detect_encoding(head) if head else "utf-8"
        if encoding is None:
            yield RawDocument(
                identities.claim(file_id),
                source,
                error=ReadError("undecodable", "binary data or an unsupported encoding, not JSON lines"),
            )
            return
        wide = encoding.startswith(("utf-16", "utf-32"))
        lines = (
            _text_lines(handle, encoding, options.max_chars)
            if wide
            else _raw_lines(handle, options.max_bytes)
        )
        line_encoding = "utf-8" if wide else encoding
        for number, data in lines:
            for document in _jsonl_document(data, number, line_encoding, file_id, source, options):
                document.doc = identities.claim(document.doc, f"{document.doc}:{number}")
                yield document
    except OSError as exc:
        yield _unreadable(source, exc, doc_id=identities.claim(file_id))


def _decode_line(data: bytes, encoding: str) -> str:
    """UTF-8 first (valid UTF-8 is almost never another encoding), then the file's encoding, then
    detection on the line alone: dumps concatenated from several sources mix encodings."""
    for candidate in dict.fromkeys(("utf-8-sig", encoding)):
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    return decode_bytes(data)


def _id_text(value: object) -> str | None:
    """An id field as text: a string as it is, anything else as JSON (``{"a": 1}``, ``7``)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return printable_name(_no_surrogates(value))
    return _no_surrogates(json.dumps(value, ensure_ascii=False, sort_keys=True))


def _jsonl_document(
    data: bytes | None, number: int, encoding: str, file_id: str, source: str, options: _Options
) -> Iterator[RawDocument]:
    """One JSONL line's document (none for a blank line)."""
    if data is None:
        line_source = f"{source}:{number}"
        message = f"line {number}: longer than --max-chars {options.max_chars:,} allows"
        yield RawDocument(f"{file_id}:{number}", line_source, error=ReadError("too_large", message))
        return
    if not data.strip():
        return
    try:
        line = _decode_line(data, encoding)
    except DecodeError as exc:
        line_source = f"{source}:{number}"
        error = ReadError("undecodable", f"line {number}: {exc}")
        yield RawDocument(f"{file_id}:{number}", line_source, error=error)
        return
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        message = f"line {number}: not valid JSON ({exc.msg} at column {exc.colno})"
        yield RawDocument(
            f"{file_id}:{number}", f"{source}:{number}", error=ReadError("malformed_jsonl", message)
        )
        return
    yield _article(
        record, f"line {number}", file_id, f"{source}:{number}", number, options, "malformed_jsonl"
    )


def _article(
    record: object, where: str, file_id: str, source: str, number: int, options: _Options, malformed: str
) -> RawDocument:
    """One article object (a JSONL line, an item of a JSON file) -> its document."""
    fallback_id = f"{file_id}:{number}"

    def error(code: str, message: str, doc_id: str = fallback_id) -> RawDocument:
        return RawDocument(doc_id, source, error=ReadError(code, f"{where}: {message}"))

    if not isinstance(record, dict):
        return error(malformed, f"expected a JSON object, got {type(record).__name__}")
    doc_id = _id_text(record.get(options.id_field)) or fallback_id
    if options.text_field not in record:
        fields = ", ".join(sorted(record)) or "none"
        return error("missing_text_field", f"no {options.text_field!r} field (fields: {fields})", doc_id)
    body = record[options.text_field]
    if body is None:
        return error("empty_document", f"field {options.text_field!r} is null", doc_id)
    if not isinstance(body, str):
        return error(malformed, f"field {options.text_field!r} is not a string", doc_id)
    body = _no_surrogates(body)
    is_html = bool(record.get("html")) or body.lstrip().startswith("<")
    title = _no_surrogates(record["title"]) if isinstance(record.get("title"), str) else None
    published = _parse_iso_date(record.get("published") or record.get("date"))
    url = next((v for v in (record.get("url"), record.get("link")) if isinstance(v, str) and v), None)
    document = RawDocument(
        doc_id, source, text=body, is_html=is_html, title=title, published=published, url=url
    )
    return _checked(document, options.max_chars)


def _json_documents(
    data: bytes, file_id: str, source: str, options: _Options, identities: _Identities
) -> Iterator[RawDocument]:
    """A ``.json`` file: one article (an object with the text field) or an array of them, each
    item a document (``source`` ``PATH:N``, N counted from 1); anything else is refused."""

    def refused(code: str, message: str) -> RawDocument:
        return RawDocument(identities.claim(file_id), source, error=ReadError(code, message))

    if len(data) > options.max_bytes:
        yield _too_large(file_id, source, f"more than {options.max_bytes:,} bytes", options.max_chars)
        return
    try:
        value = json.loads(decode_bytes(data))
    except DecodeError as exc:
        yield refused("undecodable", str(exc))
        return
    except json.JSONDecodeError as exc:
        yield refused("malformed_json", f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})")
        return
    if isinstance(value, dict):
        if options.text_field not in value:
            fields = ", ".join(sorted(value)[:12]) or "none"
            message = (
                f"a JSON object without a {options.text_field!r} field (fields: {fields}): expected an "
                "article or an array of articles"
            )
            yield refused("malformed_json", message)
            return
        document = _article(value, "the object", file_id, source, 1, options, "malformed_json")
        document.doc = identities.claim(file_id if document.doc == f"{file_id}:1" else document.doc)
        yield document
        return
    if not isinstance(value, list):
        yield refused(
            "malformed_json", f"expected an article or an array of articles, got {type(value).__name__}"
        )
        return
    if not value:
        yield refused("empty_document", "an empty JSON array: no articles")
        return
    for number, item in enumerate(value, start=1):
        document = _article(
            item, f"item {number}", file_id, f"{source}:{number}", number, options, "malformed_json"
        )
        document.doc = identities.claim(document.doc, f"{document.doc}:{number}")
        yield document


def count_documents(paths: Iterable[str], exclude: Path | None = None) -> int | None:
    """How many documents :func:`read_documents` will give for ``paths`` (a JSONL file counted by
    its lines, a JSON array as one), for a progress total; None with standard input, whose size
    is unknown. Reads only JSONL files, in blocks."""
    excluded = _identity(exclude) if exclude is not None else None
    total = 0
    for item in iter_paths(paths):
        if item is None:
            return None
        if isinstance(item, RawDocument):
            total += 1
        elif excluded is not None and _identity(item.path) == excluded:
            continue
        elif _kind(item.path) != "jsonl":
            total += 1
        elif not is_zhpolicy_output(item.path):
            total += _count_lines(item.path)
    return total


def _count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                lines += block.count(b"\n")
                last = block[-1:]
    except OSError:
        return 1
    return lines + (last != b"\n")
