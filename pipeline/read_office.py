"""Read stage, office formats: the text of a PDF (pdfplumber) or a Word .docx (python-docx).

Text comes in reading order; a table becomes one line per row, its cells joined as
``| a | b | c |``, the form the targets' table pass reads. A file that cannot give text raises
:class:`OfficeError` with a code for the error record: ``no_text_layer`` (a scanned PDF: pages
of images), ``encrypted`` (a password is needed), ``undecodable`` (a damaged file),
``unsupported_format`` (an old binary .doc under a .docx name).

Parsing a PDF costs far more than decoding text, so it runs where extraction runs (in the worker
processes), not in the reader that feeds them: see :func:`pipeline.read.materialise`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

# An OLE compound file (legacy .doc, or an encrypted .docx, which Office stores in one).
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")


class OfficeError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def table_row(cells: Iterable[str | None]) -> str:
    """One table row as a pipe line; line breaks inside a cell become spaces."""
    texts = [" ".join((cell or "").replace("|", "｜").split()) for cell in cells]
    return "| " + " | ".join(texts) + " |"


def _rows(table: Iterable[Iterable[str | None]]) -> list[str]:
    return [table_row(row) for row in table if any((cell or "").strip() for cell in row)]


# --- PDF ------------------------------------------------------------------------------------------


def _quiet_pdfminer() -> None:
    # pdfminer logs a warning for every harmless oddity of real PDFs (missing CropBox, …).
    logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _page_text(page: Any) -> str:
    """A page's text top to bottom, each table (pdfplumber's detection) as pipe rows where it
    stands; the text inside a table's box is read only as the table."""
    tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
    if not tables:
        return page.extract_text() or ""
    x0, top, x1, bottom = page.bbox
    parts: list[str] = []
    cursor = top
    for table in tables:
        t_top, t_bottom = max(table.bbox[1], cursor), min(table.bbox[3], bottom)
        if t_top > cursor:
            parts.append(page.crop((x0, cursor, x1, t_top)).extract_text() or "")
        parts.extend(_rows(table.extract()))
        cursor = max(cursor, t_bottom)
    if cursor < bottom:
        parts.append(page.crop((x0, cursor, x1, bottom)).extract_text() or "")
    return "\n".join(part for part in parts if part)


def _pdf_error(exc: Exception) -> OfficeError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    cause = exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc
    if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
        return OfficeError("encrypted", "the PDF is encrypted: a password is needed to read it")
    return OfficeError("undecodable", f"not a readable PDF ({type(cause).__name__}: {cause})")


def pdf_text(path: Path | str) -> str:
    """The text of a PDF, page after page; raises :class:`OfficeError`."""
    import pdfplumber

    _quiet_pdfminer()
    pages: list[str] = []
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                pages.append(_page_text(page))
                page.close()  # frees the page's parsed objects: memory stays at one page
            count = len(pdf.pages)
    except OSError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on a damaged or locked file
        raise _pdf_error(exc) from None
    text = "\n".join(pages)
    if not text.strip():
        raise OfficeError(
            "no_text_layer",
            f"the PDF has no text layer ({count} page{'s' if count != 1 else ''} of images, a scan?): "
            "run OCR on it first",
        )
    return text


# --- Word -----------------------------------------------------------------------------------------


def _docx_blocks(document: Any) -> Iterator[str]:
    from docx.table import Table

    for block in document.iter_inner_content():
        if isinstance(block, Table):
            yield from _rows(_cell_texts(block))
        else:
            yield block.text


def _cell_texts(table: Any) -> Iterator[list[str]]:
    """Each row's cells, a cell merged across columns given once."""
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            if cell._tc is previous:
                continue
            previous = cell._tc
            cells.append(cell.text)
        yield cells


def docx_text(path: Path | str) -> str:
    """The text of a Word .docx: paragraphs and tables in document order, one line each (a table
    one line per row); raises :class:`OfficeError`."""
    import zipfile

    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        with open(path, "rb") as handle:
            head = handle.read(1 << 16)
    except OSError:
        raise
    if head.startswith(_CFB_MAGIC):
        if _ENCRYPTION_INFO in head:
            raise OfficeError("encrypted", "the Word document is encrypted: a password is needed to read it")
        raise OfficeError("unsupported_format", "an old binary Word .doc file, not .docx: save it as .docx")
    try:
        document = docx.Document(str(path))
        return "\n".join(_docx_blocks(document))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise OfficeError("undecodable", f"not a readable .docx ({type(exc).__name__}: {exc})") from None
