"""Document fields: title, publication date, jurisdiction, document type (GUIDELINES §5)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache

import cn2an

from pipeline.extract.context import DocumentContext
from pipeline.resources import load_lines, load_yaml
from pipeline.textview import TextView
from schemas import DocType

_HEAD_LINES = 12
_MAX_TITLE_CHARS = 80
_DATE_PARTS_RE = re.compile(
    r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*[年\-/.]\s*"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*[月\-/.]\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日?"
)


@dataclass(frozen=True)
class Place:
    name: str
    code: str
    level: str
    short: str
    parent: str | None


@cache
def places() -> tuple[Place, ...]:
    rows: list[Place] = []
    seen: set[str] = set()
    for line in load_lines("places.tsv"):
        name, code, level, short, *rest = line.split("\t")
        if name in seen:
            raise ValueError(f"places.tsv: duplicate place {name}")
        seen.add(name)
        rows.append(Place(name, code, level, short, rest[0] if rest and rest[0] else None))
    return tuple(rows)


@cache
def doc_type_cues() -> dict[str, list[re.Pattern[str]]]:
    data = load_yaml("doc_types.yaml")
    return {kind: [re.compile(p) for p in patterns] for kind, patterns in data.items()}


def _to_int(part: str) -> int:
    return int(part) if part.isdigit() else int(cn2an.cn2an(part.replace("〇", "零"), "smart"))


def parse_date(text: str) -> date | None:
    match = _DATE_PARTS_RE.search(text)
    if not match:
        return None
    year = match.group("y")
    year_value = (
        int(year)
        if year.isdigit()
        else int("".join(str("〇一二三四五六七八九".index(c) if c != "零" else 0) for c in year))
    )
    try:
        return date(year_value, _to_int(match.group("m")), _to_int(match.group("d")))
    except ValueError:
        return None


def _head_lines(view: TextView) -> list[str]:
    lines = [line.strip() for line in view.norm.split("\n")]
    return [line for line in lines if line][:_HEAD_LINES]


def find_title(view: TextView) -> str | None:
    """The first line that reads as a heading: short, not a date, not a sentence."""
    for raw_line in view.text.split("\n")[:_HEAD_LINES]:
        line = raw_line.strip()
        if not line:
            continue
        if len(line) > _MAX_TITLE_CHARS or line[-1] in "。:：;；" or parse_date(line):
            return None
        return line
    return None


_PUBLISHED_LABEL_RE = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|日期|时间)\s*[:：]\s*(.{8,20})")
_DATE_ONLY_RE = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\S{4}年\S{1,3}月\S{1,3}日)(\s+\d{1,2}:\d{2}(:\d{2})?)?\b"
)


def find_published(view: TextView) -> date | None:
    """发布时间/发布日期 line, else a date standing alone on a line near the top."""
    head = _head_lines(view)
    for line in head:
        match = _PUBLISHED_LABEL_RE.search(line)
        if match and (parsed := parse_date(match.group(1))):
            return parsed
    for line in head:
        if _DATE_ONLY_RE.match(line) and len(line) <= 40 and (parsed := parse_date(line)):
            return parsed
    return None


def find_jurisdiction(view: TextView, title: str | None) -> Place | None:
    """The first place named in the title, else in the opening lines (full name before short)."""
    haystacks = [title or "", "\n".join(_head_lines(view))]
    for haystack in haystacks:
        if not haystack:
            continue
        best: tuple[int, Place] | None = None
        for place in places():
            for name in (place.name, place.short):
                position = haystack.find(name)
                if position >= 0 and (best is None or position < best[0]):
                    best = (position, place)
        if best:
            return best[1]
    return None


def classify_doc_type(view: TextView, title: str | None) -> DocType:
    head = (title or "") + "\n" + "\n".join(_head_lines(view))
    for kind in ("report", "news", "policy"):
        if any(p.search(head) for p in doc_type_cues()[kind]):
            return kind  # type: ignore[return-value]
    return "policy"


def extract_document_fields(view: TextView, hints: DocumentContext) -> DocumentContext:
    title = hints.title or find_title(view)
    place = find_jurisdiction(view, title)
    return DocumentContext(
        title=title,
        published=hints.published or find_published(view),
        jurisdiction=hints.jurisdiction or (place.name if place else None),
        jurisdiction_code=hints.jurisdiction_code or (place.code if place else None),
        doc_type=hints.doc_type or classify_doc_type(view, title),
    )
