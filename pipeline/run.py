"""Drive the stages for a stream of documents: read -> clean -> segment/extract -> validate.

Every input document yields exactly one record: a :class:`schemas.Document` or an
:class:`schemas.ErrorRecord` naming the document and the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from pydantic import ValidationError
from spacy.language import Language

from pipeline import process
from pipeline.clean import clean_text, has_main_text, html_main_text
from pipeline.extract.context import DocumentContext
from pipeline.extract.document_fields import published_in_cut_footer
from pipeline.read import RawDocument, materialise
from schemas import Document, ErrorRecord


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def process_raw(nlp: Language, raw: RawDocument) -> Document | ErrorRecord:
    """One input document -> its record; never raises."""

    def error(code: str, message: str) -> ErrorRecord:
        return ErrorRecord(doc=raw.doc, source=raw.source, error=code, message=message)

    raw = materialise(raw)  # a PDF or .docx is parsed here, in the process that extracts it
    if raw.error is not None:
        return error(raw.error.code, raw.error.message)
    assert raw.text is not None
    hints = DocumentContext(title=raw.title, published=raw.published, source_name=raw.url or raw.doc)
    body = raw.text
    if raw.is_html:
        page = html_main_text(body)
        if not page.text or not page.text.strip():
            return error("no_main_text", "the HTML page has no main text that could be extracted")
        body = page.text
        hints.title = hints.title or page.title
        hints.published = hints.published or _iso(page.published)
    text = clean_text(body)
    if not text:
        return error("empty_document", "nothing is left after removing page furniture")
    if raw.is_html and not has_main_text(text):
        return error("no_main_text", "the HTML page holds only navigation, a footer or other page furniture")
    # spaCy refuses texts over nlp.max_length (1,000,000 by default); the reader has already
    # bounded every document by --max-chars, which is the limit that counts.
    if len(text) >= nlp.max_length:
        nlp.max_length = len(text) + 1
    hints.published = hints.published or published_in_cut_footer(body, text)
    try:
        return process(nlp, text, raw.doc, source=raw.source, hints=hints)
    except ValidationError as exc:
        return error("invalid_record", f"extracted record failed validation: {exc.errors()[0]['msg']}")
    except Exception as exc:
        return error("internal_error", f"{type(exc).__name__}: {exc}")


def process_stream(nlp: Language, documents: Iterable[RawDocument]) -> Iterator[Document | ErrorRecord]:
    for raw in documents:
        yield process_raw(nlp, raw)
