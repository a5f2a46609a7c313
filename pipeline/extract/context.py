"""What extractors may know about the document besides its text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from schemas import DocType


@dataclass
class DocumentContext:
    """Document-level fields: hints from the reader, then what the document extractor found."""

    title: str | None = None
    published: date | None = None
    jurisdiction: str | None = None
    jurisdiction_code: str | None = None
    doc_type: DocType | None = None
    # the document's file name or web address: where the text names no place, the place its
    # source names in pinyin (xinxiang_2023_choucha.txt) is the jurisdiction
    source_name: str | None = None

    @property
    def year(self) -> int | None:
        return self.published.year if self.published else None
