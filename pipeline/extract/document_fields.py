"""Document fields: title, publication date, jurisdiction, document type (GUIDELINES §5).

Cues, furniture and date-line patterns are in ``resources/zh/doc_types.yaml``; places and their
GB/T 2260 codes in ``resources/zh/places.tsv``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import pairwise
from typing import Any

import cn2an

from pipeline.extract.context import DocumentContext
from pipeline.resources import ResourceError, load_lines, load_yaml
from pipeline.textview import TextView, matching_form
from schemas import DocType

_HEAD_LINES = 12
_FOOTER_LINES = 3
_SIGNATURE_LINES = 6
_MAX_TITLE_CHARS = 80
_TRANSMITTAL_WINDOW = 3
_DATE_PARTS_RE = re.compile(
    r"(?P<y>\d{4}|[〇零一二三四五六七八九]{4})\s*[年\-/.]\s*"
    r"(?P<m>\d{1,2}|[一二三四五六七八九十]{1,2})\s*[月\-/.]\s*"
    r"(?P<d>\d{1,2}|[一二三四五六七八九十]{1,3})日?"
)
_SENTENCE_END = "。:：;；"
_PLACE_LEVELS = ("country", "province", "prefecture")


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
        name, code, level, short, parent = ([*line.split("\t"), "", "", "", ""])[:5]
        if name in seen:
            raise ResourceError(f"places.tsv: duplicate place {name}")
        if not re.fullmatch(r"\d{6}", code) or level not in _PLACE_LEVELS:
            raise ResourceError(f"places.tsv: bad code or level for {name}: {code!r} {level!r}")
        seen.add(name)
        rows.append(Place(name, code, level, short, parent or None))
    names = {p.name for p in rows}
    for place in rows:
        if place.parent and place.parent not in names:
            raise ResourceError(f"places.tsv: {place.name} has unknown parent {place.parent}")
    return tuple(rows)


@cache
def place_by_name() -> dict[str, Place]:
    return {p.name: p for p in places()}


@dataclass(frozen=True)
class FieldPatterns:
    cues: dict[str, tuple[re.Pattern[str], ...]]
    title_skip: tuple[re.Pattern[str], ...]
    central: tuple[re.Pattern[str], ...]
    national_framing: tuple[re.Pattern[str], ...]
    single: dict[str, re.Pattern[str]]
    report_heading_window: int


_CUE_KINDS = ("report_title", "policy_text", "news", "report_body", "news_title", "policy_title")
_SINGLE_KEYS = (
    "title_strip",
    "title_site_suffix",
    "issuer_line",
    "salutation_line",
    "transmitted_title",
    "title_continuation",
    "title_open_about",
    "title_document_end",
    "title_inline_meta",
    "title_after_issuer",
    "issuer_after_place",
    "title_issuer_place",
    "title_place_issues",
    "report_section_heading",
    "paragraph_end",
    "published_label",
    "signed_label",
    "title_label",
    "date_line",
    "source_date_line",
    "speech_dateline",
    "page_footer_date",
    "signature_line",
)


def _compile(pattern: Any, where: str) -> re.Pattern[str]:
    try:
        return re.compile(str(pattern))
    except re.error as exc:
        raise ResourceError(f"doc_types.yaml: {where} does not compile: {exc}") from exc


@cache
def field_patterns() -> FieldPatterns:
    data = load_yaml("doc_types.yaml")
    unknown = set(data["cues"]) - set(_CUE_KINDS)
    if unknown:
        raise ResourceError(f"doc_types.yaml: unknown cue kinds {sorted(unknown)}; valid: {_CUE_KINDS}")
    return FieldPatterns(
        cues={k: tuple(_compile(p, k) for p in data["cues"].get(k, [])) for k in _CUE_KINDS},
        title_skip=tuple(_compile(p, "title_skip") for p in data["title_skip"]),
        central=tuple(_compile(p, "central") for p in data["central"]),
        national_framing=tuple(_compile(p, "national_framing") for p in data["national_framing"]),
        single={k: _compile(data[k], k) for k in _SINGLE_KEYS},
        report_heading_window=int(data["report_heading_window"]),
    )


def doc_type_cues() -> dict[str, tuple[re.Pattern[str], ...]]:
    return field_patterns().cues


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


def _lines(view: TextView) -> list[tuple[str, str]]:
    """Non-empty (text, matching form) lines, stripped."""
    pairs = zip(view.text.split("\n"), view.norm.split("\n"), strict=True)
    return [(t.strip(), n.strip()) for t, n in pairs if t.strip()]


def _head_lines(view: TextView) -> list[str]:
    return [norm for _, norm in _lines(view)[:_HEAD_LINES]]


def _is_furniture(norm_line: str) -> bool:
    return any(p.search(norm_line) for p in field_patterns().title_skip)


def find_title(view: TextView) -> str | None:
    """The headline: the first line that is not furniture, a date or a sentence.

    A salutation opening a notice means the title is the transmitted 《…》; an issuer line
    above a 关于… line, or a bracketed period under a title, is joined to it.
    """
    single = field_patterns().single
    lines = _lines(view)[:_HEAD_LINES]
    for text, norm in lines:
        if labelled := single["title_label"].match(norm):
            return text[labelled.start("title") : labelled.end("title")]
    for index, (text, norm) in enumerate(lines):
        stripped = len(norm) - len(single["title_strip"].sub("", norm))
        text, norm = text[stripped:], norm[stripped:]
        if not norm or _is_furniture(norm):
            continue
        if single["salutation_line"].match(norm):
            for later_text, later_norm in lines[index + 1 : index + 1 + _TRANSMITTAL_WINDOW]:
                if match := single["transmitted_title"].search(later_norm):
                    return later_text[match.start("title") : match.end("title")]
            return None
        if single["date_line"].match(norm) and len(norm) <= 40:
            continue
        if meta := single["title_inline_meta"].search(norm):
            text, norm = text[: meta.start()], norm[: meta.start()]
        if len(norm) > _MAX_TITLE_CHARS or norm[-1] in _SENTENCE_END:
            return None
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        if single["title_open_about"].match(norm) and single["title_document_end"].match(following):
            return text + lines[index + 1][0]
        if single["issuer_line"].match(norm) and single["title_after_issuer"].match(following):
            return text + lines[index + 1][0]
        if single["title_continuation"].match(following):
            return text + lines[index + 1][0]
        return text
    return None


def find_report_section_title(view: TextView) -> str | None:
    """The first section heading of a report excerpt that opens mid-paragraph."""
    patterns = field_patterns()
    lines = _lines(view)[: patterns.report_heading_window]
    if not lines or not patterns.single["paragraph_end"].search(lines[0][1]):
        return None  # a salutation (各位代表:) opens a whole report, not an excerpt
    for text, norm in lines[1:]:
        if patterns.single["report_section_heading"].match(norm):
            return text
    return None


def find_published(view: TextView) -> date | None:
    """发布时间 line, else a date signed under a notice or a dated dateline; else a page footer."""
    single = field_patterns().single
    head = _head_lines(view)
    for label in ("published_label", "signed_label"):
        for line in head:
            match = single[label].search(line)
            if match and (parsed := parse_date(match.group("date"))):
                return parsed
    for line in head:
        for key in ("date_line", "source_date_line", "speech_dateline"):
            match = single[key].match(line)
            if match and (key != "date_line" or len(line) <= 40) and (parsed := parse_date(match.group(1))):
                return parsed
    tail = [norm for _, norm in _lines(view)[-_SIGNATURE_LINES:]]
    for above, line in pairwise(tail):
        match = single["date_line"].match(line)
        if match and single["signature_line"].match(above) and (parsed := parse_date(match.group(1))):
            return parsed  # the date signed under a long notice, below its issuer's name
    for line in tail[-_FOOTER_LINES:]:
        if (match := single["page_footer_date"].search(line)) and (parsed := parse_date(match.group(1))):
            return parsed
    return None


def published_in_cut_footer(raw: str, cleaned: str) -> date | None:
    """The date of an e-paper's page footer (`… 2023年10月31日 星期二`) that the clean stage cut
    with the rest of the page's tail; only when the kept text dates itself nowhere, so a 发布时间
    line or a dateline still wins."""
    pattern = field_patterns().single["page_footer_date"]
    raw_lines = [line.strip() for line in raw.rstrip().rsplit("\n", _FOOTER_LINES * 4)[-_FOOTER_LINES * 4 :]]
    footer = [matching_form(line) for line in raw_lines if line][-_FOOTER_LINES:]
    for line in footer:
        if (match := pattern.search(line)) and (parsed := parse_date(match.group(1))):
            return parsed if find_published(TextView.from_text(cleaned)) is None else None
    return None


def _places_in(haystack: str) -> list[tuple[int, int, Place]]:
    """(position, length of the name matched, place), leftmost first; at one position the longer
    name wins (吉林市出台… is the city, not the province whose short name is 吉林)."""
    found: list[tuple[int, int, Place]] = []
    for place in places():
        for name in (place.name, place.short):
            if name and (position := haystack.find(name)) >= 0:
                found.append((position, len(name), place))
                break
    country = _country()
    if country:
        hits = [
            (m.start(), m.end() - m.start()) for p in field_patterns().central if (m := p.search(haystack))
        ]
        if hits:
            found.append((*min(hits), country))
    return sorted(found, key=lambda item: (item[0], -item[1]))


def _country() -> Place | None:
    return next((p for p in places() if p.level == "country"), None)


def _choose_place(haystack: str, found: list[tuple[int, int, Place]]) -> Place:
    position, length, first = found[0]
    issuer_after_place = field_patterns().single["issuer_after_place"]
    if issuer_after_place.match(haystack[position + length :]):
        return first
    # A city written right after its own province (江苏盐城：…) is the more specific place.
    for other_position, _, place in found:
        if other_position == position + length and place.parent == first.name:
            return place
    if position == 0:
        return first
    # A city named with its own province (山东青岛, 对山东、对青岛) is the more specific place.
    named = {place.name for _, _, place in found}
    for _, _, place in found:
        if place.level == "prefecture" and place.parent in named and first.name == place.parent:
            return place
    return first


def find_jurisdiction(view: TextView, title: str | None) -> Place | None:
    """The issuing place: from the title, else from the opening lines (GB/T 2260 names).

    A place below prefecture level that issues the document by its title comes back with an
    empty code (its name is known, its GB/T 2260 code is not in places.tsv).
    """
    title_norm = matching_form(title) if title else ""
    if issuer := field_patterns().single["title_issuer_place"].match(title_norm):
        name = issuer.group("place")
        known = place_by_name().get(name) or next((p for p in places() if p.short and name == p.short), None)
        if known:
            return known
        if not _places_in(name):
            return Place(name=name, code="", level="county", short="", parent=None)
    for haystack in (title_norm, "\n".join(_head_lines(view))):
        if haystack and (found := _places_in(haystack)):
            return _choose_place(haystack, found)
        if haystack is title_norm and (
            issuing := field_patterns().single["title_place_issues"].match(title_norm)
        ):
            return Place(name=issuing.group("place"), code="", level="county", short="", parent=None)
        if haystack and any(p.search(haystack) for p in field_patterns().national_framing):
            return _country()
    return None


def classify_doc_type(view: TextView, title: str | None) -> DocType:
    cues = field_patterns().cues
    title_norm = matching_form(title) if title else ""
    head = "\n".join(_head_lines(view))

    def hit(kind: str, text: str) -> bool:
        return bool(text) and any(p.search(text) for p in cues[kind])

    if hit("report_title", title_norm):
        return "report"
    if hit("policy_text", head):
        return "policy"
    if hit("news", head):
        return "news"
    if hit("report_body", head):
        return "report"
    if hit("news_title", title_norm):
        return "news"
    if hit("policy_title", title_norm):
        return "policy"
    return "news" if title else "policy"


def _without_site_name(title: str | None) -> str | None:
    """A page's <title> as its headline: the site's name after it is cut."""
    if not title:
        return title
    suffix = field_patterns().single["title_site_suffix"].search(matching_form(title))
    return title[: suffix.start()] if suffix and suffix.start() > 0 else title


def extract_document_fields(view: TextView, hints: DocumentContext) -> DocumentContext:
    title = _without_site_name(hints.title) or find_title(view)
    if title is None and classify_doc_type(view, None) == "report":
        title = find_report_section_title(view)
    place = find_jurisdiction(view, title)
    return DocumentContext(
        title=title,
        published=hints.published or find_published(view),
        jurisdiction=hints.jurisdiction or (place.name if place else None),
        jurisdiction_code=hints.jurisdiction_code or (place.code if place and place.code else None),
        doc_type=hints.doc_type or classify_doc_type(view, title),
    )
