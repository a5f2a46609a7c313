"""Document fields: title, publication date, jurisdiction, document type (GUIDELINES §5).

Cues, furniture and date-line patterns are in ``resources/zh/doc_types.yaml``; places and their
GB/T 2260 codes in ``resources/zh/places.tsv``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from itertools import pairwise

import cn2an
import jieba

from pipeline.extract.context import DocumentContext
from pipeline.lexicon import Lexicon, Place, PlaceTable, default_lexicon
from pipeline.lexicon.fields import FieldPatterns
from pipeline.segment import load_jieba
from pipeline.textview import TextView, matching_form
from schemas import DocType

__all__ = ["Place", "extract_document_fields", "find_jurisdiction", "parse_date", "place_by_name", "places"]

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
_LEVEL_RANK = {"country": 0, "province": 1, "prefecture": 2, "county": 3}
_LEAD_CHARS = 300
_DEEP_CHARS = 8000


def places() -> tuple[Place, ...]:
    """The country, provinces and prefectures (the rows other extractors match names against);
    county-level divisions are in ``default_lexicon().places``."""
    return _upper_places()


@cache
def _upper_places() -> tuple[Place, ...]:
    return tuple(p for p in default_lexicon().places.rows if p.level != "county")


@cache
def place_by_name() -> dict[str, Place]:
    return {p.name: p for p in places()}


@cache
def provincial_names() -> dict[str, Place]:
    """The full and short names of the provinces and prefectures (not the country's), each with
    the first place that bears it: what a body's or a brand's name may open with."""
    by_name: dict[str, Place] = {}
    for p in places():
        for name in (p.name, p.short):
            if name and p.level != "country":
                by_name.setdefault(name, p)
    return by_name


def field_patterns() -> FieldPatterns:
    return default_lexicon().fields


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


_LINES_KEY = "_document_field_lines"


def _lines(view: TextView) -> tuple[tuple[str, str], ...]:
    """Non-empty (text, matching form) lines, stripped; made once per view and kept with it (the
    title, date, type and place finders each read them)."""
    return view.derived(_LINES_KEY, _stripped_lines)


def _stripped_lines(view: TextView) -> tuple[tuple[str, str], ...]:
    pairs = zip(view.text.split("\n"), view.norm.split("\n"), strict=True)
    return tuple((t.strip(), n.strip()) for t, n in pairs if t.strip())


def _head_lines(view: TextView) -> list[str]:
    return [norm for _, norm in _lines(view)[:_HEAD_LINES]]


def _is_furniture(norm_line: str, fields: FieldPatterns) -> bool:
    return any(p.search(norm_line) for p in fields.title_skip)


def find_title(view: TextView, lexicon: Lexicon | None = None) -> str | None:
    """The headline: the first line that is not furniture, a date or a sentence.

    A salutation opening a notice means the title is the transmitted 《…》; an issuer line
    above a 关于… line, or a bracketed period under a title, is joined to it.
    """
    single = (lexicon or default_lexicon()).fields.single
    lines = _lines(view)[:_HEAD_LINES]
    for text, norm in lines:
        if labelled := single["title_label"].match(norm):
            return text[labelled.start("title") : labelled.end("title")]
    for index, (text, norm) in enumerate(lines):
        stripped = len(norm) - len(single["title_strip"].sub("", norm))
        text, norm = text[stripped:], norm[stripped:]
        if not norm:
            continue
        # a salutation (各位代表:, 各区市人民政府:) before the kicker rule, which also ends in a colon
        if single["salutation_line"].match(norm):
            for later_text, later_norm in lines[index + 1 : index + 1 + _TRANSMITTAL_WINDOW]:
                if match := single["transmitted_title"].search(later_norm):
                    return later_text[match.start("title") : match.end("title")]
            return None
        if _is_furniture(norm, (lexicon or default_lexicon()).fields):
            continue
        if single["date_line"].match(norm) and len(norm) <= 40:
            continue
        if meta := single["title_inline_meta"].search(norm):
            text, norm = text[: meta.start()], norm[: meta.start()]
        if len(norm) > _MAX_TITLE_CHARS or norm[-1] in _SENTENCE_END:
            return None
        following = lines[index + 1][1] if index + 1 < len(lines) else ""
        end = single["title_document_end"]
        if 0 < len(following) <= 2 and end.match(norm + following) and not end.match(norm):
            return text + lines[index + 1][0]  # a title wrapped before its last character (政府工作报/告)
        if single["title_open_about"].match(norm) and single["title_document_end"].match(following):
            return text + lines[index + 1][0]
        if single["issuer_line"].match(norm) and single["title_after_issuer"].match(following):
            return text + lines[index + 1][0]
        if single["title_continuation"].match(following):
            return text + lines[index + 1][0]
        return text
    return None


def find_report_section_title(view: TextView, lexicon: Lexicon | None = None) -> str | None:
    """The first section heading of a report excerpt that opens mid-paragraph."""
    patterns = (lexicon or default_lexicon()).fields
    lines = _lines(view)[: patterns.report_heading_window]
    if not lines or not patterns.single["paragraph_end"].search(lines[0][1]):
        return None  # a salutation (各位代表:) opens a whole report, not an excerpt
    for text, norm in lines[1:]:
        if patterns.single["report_section_heading"].match(norm):
            return text
    return None


def find_published(view: TextView, lexicon: Lexicon | None = None) -> date | None:
    """发布时间 line, else a date signed under a notice or a dated dateline; else a page footer."""
    single = (lexicon or default_lexicon()).fields.single
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


def _mask(haystack: str, patterns: tuple[re.Pattern[str], ...]) -> str:
    """``haystack`` with every match of ``patterns`` blanked (same length, offsets kept)."""
    for pattern in patterns:
        haystack = pattern.sub(lambda m: " " * len(m.group(0)), haystack)
    return haystack


def _places_in(
    haystack: str, lexicon: Lexicon | None = None, *, every_mention: bool = False
) -> list[tuple[int, int, Place]]:
    """(position, length of the name matched, place), leftmost first; at one position the longer
    name wins (吉林市出台… is the city, not the province whose short name is 吉林).

    A county-level name counts only where it opens a phrase (line start, after 年, 在, a comma …)
    or right after its own city or province, so 示范县 is not 范县; a name several counties share
    (鼓楼区) or one that reads as a word (城区, 江南区) needs its parent city named in the text.
    """
    lexicon = lexicon or default_lexicon()
    table = lexicon.places
    matches = list(table.finditer(haystack))
    named = {p.name for _, _, candidates in matches for p in candidates if p.level != "county"}
    found: list[tuple[int, int, Place]] = []
    seen: set[str] = set()
    previous: tuple[int, Place] | None = None  # (end, place) of the last place kept
    for position, name, candidates in matches:
        place = _resolve(table, haystack, position, name, candidates, previous, named)
        if place is None:
            continue
        previous = (position + len(name), place)
        if every_mention or place.code not in seen:
            seen.add(place.code)
            found.append((position, len(name), place))
    country = _country(lexicon)
    if country:
        hits = [(m.start(), m.end() - m.start()) for p in lexicon.fields.central if (m := p.search(haystack))]
        if hits:
            found.append((*min(hits), country))
    return sorted(found, key=lambda item: (item[0], -item[1]))


def _resolve(
    table: PlaceTable,
    haystack: str,
    position: int,
    name: str,
    candidates: tuple[Place, ...],
    previous: tuple[int, Place] | None,
    named: set[str],
) -> Place | None:
    if candidates[0].level != "county":
        return candidates[0]
    after_parent = [
        p
        for p in candidates
        if previous and previous[0] == position and previous[1].name in _lineage(table, p)
    ]
    if after_parent:
        return after_parent[0]
    if name in table.needs_parent:
        return None
    opener = haystack[position - 1] if position else "\n"
    if opener != "\n" and opener not in table.county_openers and _is_word(opener + name[0]):
        return None  # 示范县, 完成县级, 振兴县域: the name's first character ends a word
    after = haystack[position + len(name) : position + len(name) + 1]
    if len(name) == 2 and after and _is_word(name[1] + after):
        return None  # 新县城: a one-character name whose 县 opens a word
    if len(candidates) == 1:
        return candidates[0]
    # several counties of that name: the one whose city (or province) the text names
    by_parent = [p for p in candidates if p.parent in named]
    return by_parent[0] if len(by_parent) == 1 else None


def _is_word(chars: str) -> bool:
    """Whether ``chars`` is a word of jieba's dictionary (with the domain user dictionary).

    The dictionary is loaded on the first call whatever the segmenter (rjieba does not expose
    its own), so only documents that name a county standing alone pay for it."""
    load_jieba()
    return jieba.dt.FREQ.get(chars, 0) > 0


def _lineage(table: PlaceTable, place: Place) -> set[str]:
    return {p.name for p in table.ancestors(place)}


def _country(lexicon: Lexicon | None = None) -> Place | None:
    return next((p for p in (lexicon or default_lexicon()).places.rows if p.level == "country"), None)


def _choose_place(
    haystack: str, found: list[tuple[int, int, Place]], lexicon: Lexicon | None = None
) -> Place:
    lexicon = lexicon or default_lexicon()
    position, length, first = found[0]
    issuer_after_place = lexicon.fields.single["issuer_after_place"]
    # A place below, written right after it (江苏盐城：…, 鞍山市立山区), is the more specific place.
    chain = first
    end = position + length
    for other_position, other_length, place in found[1:]:
        if other_position == end and place.parent == chain.name:
            chain, end = place, other_position + other_length
    if chain is not first:
        return chain
    if issuer_after_place.match(haystack[position + length :]):
        return first
    if position == 0:
        return first
    # A city named with its own province (山东青岛, 对山东、对青岛) is the more specific place.
    named = {place.name for _, _, place in found}
    for _, _, place in found:
        if place.level == "prefecture" and place.parent in named and first.name == place.parent:
            return place
    return first


def _issuer_place(text: str, lexicon: Lexicon) -> Place | None:
    """The place of an issuer's name (鞍山市立山区人民政府 → 鞍山市立山区)."""
    found = _places_in(text, lexicon)
    return _choose_place(text, found, lexicon) if found else None


def _voice_levels(haystack: str, lexicon: Lexicon) -> frozenset[str]:
    """The levels the document speaks for (本省 / 全市 / 我县 …): those of the own-place words it
    uses most. A word may speak for two levels (全区: a district or an autonomous region). A
    speaker who names the government they speak for (我代表市人民政府) decides."""
    speaker = frozenset(
        level for level, words in lexicon.fields.speaker_words.items() if any(w in haystack for w in words)
    )
    if speaker:
        return speaker
    counts: dict[str, int] = {}
    for words in lexicon.fields.own_place_words.values():
        for word in words:
            counts[word] = haystack.count(word)
    top = max(counts.values(), default=0)
    if top == 0:
        return frozenset()
    return frozenset(
        level
        for level, words in lexicon.fields.own_place_words.items()
        if any(counts[word] == top for word in words)
    )


def _speaks_for(place: Place, levels: frozenset[str]) -> bool:
    """Whether ``place`` is of a level the document speaks for; 北京市, 上海市 … speak as cities."""
    return place.level in levels or (
        "prefecture" in levels and place.level == "province" and place.name.endswith("市")
    )


def _most_named(text: str, levels: frozenset[str], above: Place | None, lexicon: Lexicon) -> Place | None:
    counts: dict[str, int] = {}
    places_by_code: dict[str, Place] = {}
    for _, _, place in _places_in(text, lexicon, every_mention=True):
        if _speaks_for(place, levels) and (above is None or above.name in _lineage(lexicon.places, place)):
            counts[place.code] = counts.get(place.code, 0) + 1
            places_by_code[place.code] = place
    if not counts:
        return None
    return places_by_code[max(counts, key=lambda code: counts[code])]


def _news_subject(lead: str, lexicon: Lexicon) -> Place | None:
    """The place a news story's lead is about: the most specific place it names as a subject,
    not as the seat of a body (福建省农业农村厅) or of a company (泉州市…有限公司)."""
    single = lexicon.fields.single
    subjects: list[tuple[int, int, Place]] = []
    for position, length, place in _places_in(lead, lexicon):
        rest = lead[position + length :]
        if place.level == "country":
            subjects.append((position, length, place))
            continue
        if any(p.match(rest) for p in lexicon.fields.lists["agency_suffix"]) or single[
            "company_after_place"
        ].match(rest):
            continue
        subjects.append((position, length, place))
    if not subjects:
        return None
    return max(subjects, key=lambda item: (_LEVEL_RANK[item[2].level], -item[0]))[2]


def find_jurisdiction(
    view: TextView, title: str | None, lexicon: Lexicon | None = None, doc_type: DocType | None = None
) -> Place | None:
    """The issuing place, from the document's own voice: a title's or letterhead's issuer, a
    portal's 发布机构 line, the title, the issuer signed under a notice, then the opening lines;
    for news the place the lead is about. The issuer of a cited document (为贯彻落实中共中央、
    国务院《…》) and a wire's dateline (北京2月8日电) are blanked first.

    A place below prefecture level missing from places.tsv that issues the document by its
    title comes back with an empty code.
    """
    lexicon = lexicon or default_lexicon()
    fields = lexicon.fields
    single = fields.single
    blank = fields.lists["cited_issuer"]
    title_norm = matching_form(title) if title else ""
    if issuer := single["title_issuer_place"].match(title_norm):
        name = issuer.group("place")
        # the whole issuer (深圳市宝安区人民政府办公室), so that a district after its city counts
        if known := _issuer_place(title_norm[: issuer.end()], lexicon):
            return known
        if shared := lexicon.places.named(name):
            # a county name several cities have (鼓楼区): the one whose city the text names, else
            # the name alone, without a code
            head_text = "\n".join(norm for _, norm in _lines(view)[:_HEAD_LINES])
            named = {p.name for _, _, p in _places_in(head_text, lexicon) if p.level != "county"}
            by_parent = [p for p in shared if p.parent in named]
            if len(by_parent) == 1:
                return by_parent[0]
        return Place(name=name, code="", level="county", short="", parent=None)
    head = _lines(view)[:_HEAD_LINES]
    # the page's publisher, not the issuer, when the page is a story
    for _, norm in head if doc_type != "news" else ():
        for key, group in (("issuer_label", "issuer"), ("letterhead_line", "issuer")):
            if (match := single[key].match(norm)) and (place := _issuer_place(match.group(group), lexicon)):
                return place
    masked_title = _mask(title_norm, blank)
    if masked_title and (found := _places_in(masked_title, lexicon)):
        return _choose_place(masked_title, found, lexicon)
    if masked_title and (issuing := single["title_place_issues"].match(masked_title)):
        return Place(name=issuing.group("place"), code="", level="county", short="", parent=None)
    for above, below in pairwise(norm for _, norm in head):
        signed = single["signature_line"].match(above) and single["date_line"].match(below)
        if signed and (place := _issuer_place(above, lexicon)):
            return place
    text = _mask(_mask("\n".join(norm for _, norm in head), fields.lists["dateline"]), blank)
    voice = _voice_levels(text, lexicon)
    if (own := single["own_place"].search(text)) and (place := _issuer_place(own.group("place"), lexicon)):
        return place
    if doc_type == "news" and not title_norm:
        lead = text[:_LEAD_CHARS].split("\n", 1)[0]
        if place := _news_subject(lead, lexicon):
            return place
    found = _places_in(text, lexicon)
    # the document speaks for a level (我代表市政府, 全市) that its opening lines do not name:
    # the place of that level it names most often further on, below the place named first
    unnamed_level = bool(voice) and not any(_speaks_for(item[2], voice) for item in found)
    above = found[0][2] if found else None
    if unnamed_level and (place := _most_named(view.norm[:_DEEP_CHARS], voice, above, lexicon)):
        return place
    if found:
        # the place the document speaks for (全县, 本市), when the first place named is above it
        first = found[0][2]
        spoken = [
            item
            for item in found
            if _speaks_for(item[2], voice)
            and (
                item[2] is first
                or first.level == "country"
                or first.name in _lineage(lexicon.places, item[2])
            )
        ]
        if spoken and _LEVEL_RANK[spoken[0][2].level] > _LEVEL_RANK[first.level]:
            return spoken[0][2]
        return _choose_place(text, found, lexicon)
    if not voice and any(p.search(text) for p in fields.national_framing):
        return _country(lexicon)
    return None


def classify_doc_type(view: TextView, title: str | None, lexicon: Lexicon | None = None) -> DocType:
    cues = (lexicon or default_lexicon()).fields.cues
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
    if hit("policy_portal", head):
        return "policy"
    if hit("report_body", head):
        return "report"
    if hit("news_body", head):
        return "news"
    if hit("news_title", title_norm):
        return "news"
    if hit("policy_title", title_norm):
        return "policy"
    return "news" if title else "policy"


def _without_site_name(title: str | None, lexicon: Lexicon | None = None) -> str | None:
    """A page's <title> as its headline: the site's name after it is cut."""
    if not title:
        return title
    suffix = (lexicon or default_lexicon()).fields.single["title_site_suffix"].search(matching_form(title))
    return title[: suffix.start()] if suffix and suffix.start() > 0 else title


# Spaces a PDF or a wrapped line left in a Chinese title (印发 《…分解 和责任分工方案》): beside a
# book-title bracket, or between Chinese characters inside one (the space between two issuers,
# 中共湖北省委 湖北省人民政府, is written on purpose).
_BRACKET_GAP_RE = re.compile(r"\s+(?=[《〈])|(?<=[《〈》〉])\s+")
_NAMED_RE = re.compile(r"《[^《》]*》")
_CJK_GAP_RE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def title_form(title: str | None) -> str | None:
    """A title as a reader writes it: no stray spaces, and a document named
    inside a transmitted title (〈质量强国建设纲要〉, nested in 《…》) in its own 《》 again once the
    outer brackets are gone."""
    if not title:
        return title
    title = _BRACKET_GAP_RE.sub("", title)
    title = _NAMED_RE.sub(lambda named: _CJK_GAP_RE.sub("", named.group()), title)
    if "《" not in title and "〈" in title:
        title = title.replace("〈", "《").replace("〉", "》")
    return title


def extract_document_fields(
    view: TextView, hints: DocumentContext, lexicon: Lexicon | None = None
) -> DocumentContext:
    lexicon = lexicon or default_lexicon()
    title = title_form(_without_site_name(hints.title, lexicon) or find_title(view, lexicon))
    if title is None and classify_doc_type(view, None, lexicon) == "report":
        title = find_report_section_title(view, lexicon)
    doc_type = hints.doc_type or classify_doc_type(view, title, lexicon)
    place = find_jurisdiction(view, title, lexicon, doc_type)
    return DocumentContext(
        title=title,
        published=hints.published or find_published(view, lexicon),
        jurisdiction=hints.jurisdiction or (place.jurisdiction if place else None),
        jurisdiction_code=hints.jurisdiction_code or (place.code if place and place.code else None),
        doc_type=doc_type,
    )
