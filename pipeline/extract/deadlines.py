"""Deadlines: time bounds normalised to their end year (GUIDELINES §2), and the time scope
that tells every other extractor which deadline governs a clause and whether it reports the past.

Patterns live in ``resources/zh/deadlines.yaml``, word maps in ``deadline_words.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from pipeline.extract.context import DocumentContext
from pipeline.resources import ResourceError, load_patterns, load_yaml
from pipeline.textview import TextView, matching_form
from schemas import Deadline

PATTERN_FILE = "deadlines.yaml"
WORDS_FILE = "deadline_words.yaml"
# Deadline rules in the order they are tried; an earlier rule's match blocks overlapping later ones.
DEADLINE_RULES = (
    "RANGE_RE",
    "TO_YEAR_RE",
    "AS_OF_RE",
    "BEFORE_YEAR_RE",
    "STANCE_YEAR_RE",
    "PLAN_PERIOD_RE",
    "PLAN_YEAR_RE",
    "THIS_YEAR_RE",
    "NEXT_YEAR_RE",
    "WITHIN_YEARS_RE",
    "TABLE_YEAR_RE",
    "LEAD_YEAR_RE",
)
# Every rule's match holds 年 or (PLAN_PERIOD_RE) 五, and none but RANGE_RE (whose dash may sit
# between line breaks) consumes a clause-breaking mark below (lookbehinds may read one: they see
# the whole text). So those rules only ever match inside a stretch between two such marks that
# holds 年 or 五; scanning only those stretches (about a fifth of a report) finds the same matches.
# A new rule that breaks either property must join FULL_SCAN_RULES.
_RULE_KEY_RE = re.compile("[年五]")
_RULE_BARRIER_RE = re.compile("[。！？!?；;\n]")
FULL_SCAN_RULES = frozenset({"RANGE_RE"})
# Rules that name a reporting date rather than a deadline when the year is not ahead.
REPORTING_RULES = frozenset({"lead_year", "as_of"})
# Rules whose year depends on the document's year.
RELATIVE_RULES = frozenset({"this_year", "next_year", "within_years"})
# Which rules may give a plan period in a title, and in a first line standing in for one.
TITLE_RULES = frozenset({"range", "to_year", "before_year", "plan_period", "plan_year", "table_year"})
LINE_TITLE_RULES = frozenset({"range"})
# How many leading lines may hold the title or dateline when the context has none.
HEAD_LINES = 3
HEADING_CHARS = 24
REVIEW_LINES = 6
PROMULGATION_LINES = 6
# How many trailing lines may hold a signature date.
TAIL_LINES = 4


@dataclass(frozen=True)
class DeadlineWords:
    plan_periods: dict[str, int]
    year_digits: dict[str, int]
    small_numbers: dict[str, int]


@cache
def patterns() -> dict[str, re.Pattern[str]]:
    compiled = load_patterns(PATTERN_FILE)
    missing = [name for name in DEADLINE_RULES if name not in compiled]
    if missing:
        raise ResourceError(f"{PATTERN_FILE}: missing rules {', '.join(missing)}")
    return compiled


@cache
def words() -> DeadlineWords:
    data: Any = load_yaml(WORDS_FILE)
    if not isinstance(data, dict):
        raise ResourceError(f"{WORDS_FILE}: expected a mapping")
    maps: dict[str, dict[str, int]] = {}
    for key in ("plan_periods", "year_digits", "small_numbers"):
        table = data.get(key)
        if not isinstance(table, dict) or not all(isinstance(v, int) for v in table.values()):
            raise ResourceError(f"{WORDS_FILE}: {key} must map words to integers")
        maps[key] = {str(k): int(v) for k, v in table.items()}
    return DeadlineWords(**maps)


def parse_year(text: str) -> int:
    """``2025`` or ``二〇二五`` -> 2025."""
    if text.isdigit():
        return int(text)
    digits = words().year_digits
    return int("".join(str(digits[ch]) for ch in text))


def parse_small_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    return words().small_numbers.get(text)


def document_year(view: TextView, published_year: int | None = None, title: str | None = None) -> int | None:
    """The document's own year: its date, else the year its title names (a report's year, a
    plan period's first year), else a dateline in its first lines or a signature in its last,
    else the first year of a plan period in its first lines, else the year a report's
    主要预期目标 or 工作总体要求 names."""
    if published_year is not None:
        return published_year
    found = patterns()
    lines = [line for line in view.norm.split("\n") if line.strip()]
    heads = [matching_form(title)] if title else []
    heads += lines[:1]
    # a report that opens on its review (一、2023年工作回顾) is the next year's
    for head in heads + lines[:REVIEW_LINES]:
        if head and (reviewed := found["REVIEW_HEADING_RE"].search(head)):
            return parse_year(reviewed.group("year")) + 1
    for head in heads:
        if head and (match := found["TITLE_YEAR_RE"].search(head)):
            return parse_year(match.group("year"))
    for line in lines[:HEAD_LINES] + lines[-TAIL_LINES:]:
        if match := found["DATELINE_RE"].search(line):
            return parse_year(match.group("year"))
    # A story on a period's figures (2023年上半年, 2024年1—6月) is written in that year.
    for line in lines[:HEAD_LINES]:
        if match := found["REPORTED_PERIOD_RE"].search(line):
            return parse_year(match.group("year"))
    # A plan period named in the first lines (a news story on 行动方案(2025—2027年)): the story is
    # no older than the period's first year.
    for line in lines[:HEAD_LINES]:
        if match := found["RANGE_RE"].search(line):
            return parse_year(match.group("from"))
    # Last resort: the year a report sets its targets for (二、2025年工作总体要求…).
    if match := found["PLAN_YEAR_RE"].search(view.norm):
        return parse_year(match.group("year"))
    return None


def _deadline(view: TextView, match: re.Match[str], year: int, rule: str, month: int | None) -> Deadline:
    text = view.text[match.start() : match.end()]
    return Deadline(
        text=text, year=year, month=month, start=match.start(), end=match.end(), evidence=text, rule=rule
    )


def _resolve(match: re.Match[str], rule: str, doc_year: int | None) -> tuple[int, int | None] | None:
    """(year, month) of one match, or None when it is no deadline (a past lead year, a relative
    phrase in a document whose year is unknown)."""
    groups = match.groupdict()
    if rule == "plan_period":
        period_end = words().plan_periods.get(groups["period"])
        return (period_end, None) if period_end else None
    if rule in RELATIVE_RULES:
        if doc_year is None:
            return None
        if rule == "this_year":
            return doc_year, 12 if groups.get("end") else None
        if rule == "next_year":
            return doc_year + 1, None
        span = parse_small_number(groups.get("span") or groups.get("span2") or "")
        return (doc_year + span - 1, None) if span else None
    year = parse_year(groups["year"])
    if rule in REPORTING_RULES and (doc_year is None or year < doc_year):
        return None
    month_text = groups.get("month")
    month = parse_small_number(month_text) if month_text else None
    if groups.get("end"):
        month = month or 12
    return year, month


def _key_stretches(norm: str) -> list[tuple[int, int]]:
    """The stretches between clause-breaking marks that hold 年 or 五, each with its closing
    mark (a rule's lookahead may read it), merged where they touch."""
    barriers = [match.start() for match in _RULE_BARRIER_RE.finditer(norm)]
    stretches: list[tuple[int, int]] = []
    for key in _RULE_KEY_RE.finditer(norm):
        if stretches and key.start() < stretches[-1][1]:
            continue
        index = bisect_left(barriers, key.start())
        start = barriers[index - 1] + 1 if index > 0 else 0
        end = barriers[index] + 1 if index < len(barriers) else len(norm)
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
    return stretches


def _rule_matches(
    pattern: re.Pattern[str], norm: str, stretches: list[tuple[int, int]] | None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(norm)``, read only over ``stretches`` when given (see _RULE_KEY_RE)."""
    if stretches is None:
        yield from pattern.finditer(norm)
        return
    for start, end in stretches:
        yield from pattern.finditer(norm, start, end)


def extract_deadlines(
    view: TextView, published_year: int | None = None, *, title: str | None = None
) -> list[Deadline]:
    """Every time bound in the text, sorted by offset, each with its rule."""
    doc_year = document_year(view, published_year, title)
    found = patterns()
    taken = bytearray(len(view.norm))  # characters an earlier (higher-priority) rule matched
    deadlines: list[Deadline] = []
    stretches = _key_stretches(view.norm)
    for name in DEADLINE_RULES:
        rule = name.removesuffix("_RE").lower()
        for match in _rule_matches(found[name], view.norm, None if name in FULL_SCAN_RULES else stretches):
            if match.end() == match.start():
                continue
            if any(taken[match.start() : match.end()]):
                continue
            resolved = _resolve(match, rule, doc_year)
            if resolved is None:
                continue
            taken[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
            deadlines.append(_deadline(view, match, resolved[0], rule, resolved[1]))
    return sorted(deadlines, key=lambda d: d.start)


@dataclass(frozen=True)
class TimeContext:
    """What the time cues say about a clause: the deadline that governs it (None when there is
    none) and whether it reports the past (a review of last year, an achieved value).

    ``source`` says where the deadline came from: ``clause`` (the clause's own time phrase),
    ``carried`` (stated earlier in the section), ``title`` (the plan period in the title),
    ``document`` (a report's own year) or None.
    """

    deadline: Deadline | None
    past: bool = False
    source: str | None = None
    period: int | None = None  # a past clause: the year its facts describe (GUIDELINES §7)
    past_reason: str | None = None  # what made it past: year, review, cue, weak_cue

    @property
    def year(self) -> int | None:
        return self.deadline.year if self.deadline else None


@dataclass(frozen=True)
class _Marker:
    """A carried time cue: a deadline, or a reported past year (deadline None, past True)."""

    start: int
    deadline: Deadline | None
    past: bool
    year: int | None = None  # a past marker's year (截至2024年底, 2023年,…)


def _inside(spans: list[tuple[int, int]], starts: list[int], offset: int) -> bool:
    index = bisect_right(starts, offset) - 1
    return index >= 0 and offset < spans[index][1]


def _merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class TimeScope:
    """Built once per document from its deadlines; answers :meth:`at` for any clause.

    Every index is built here (sorted markers, section starts, paragraph starts, past spans,
    clause ends, cue offsets) so :meth:`at` is a handful of bisections.
    """

    def __init__(self, view: TextView, deadlines: list[Deadline], context: DocumentContext) -> None:
        self.view = view
        self.context = context
        self.deadlines = sorted(deadlines, key=lambda d: d.start)
        found = patterns()
        norm = view.norm
        self.document_year = document_year(view, context.year, context.title)
        self.is_report = self._is_report(found)

        self._clause_ends = [m.start() for m in found["CLAUSE_END_RE"].finditer(norm)]
        self._paragraph_starts = [0] + [m.end() for m in re.finditer("\n", norm)]
        self._section_starts = [m.start() for m in found["HEADING_RE"].finditer(norm)]
        self._carry_floors = self._paragraph_carry_floors(found)
        self._past_cues = [m.start() for m in found["PAST_CUE_RE"].finditer(norm)]
        self._weak_past_cues = [m.start() for m in found["WEAK_PAST_CUE_RE"].finditer(norm)]
        self._future_cues = [m.start() for m in found["FUTURE_CUE_RE"].finditer(norm)]

        citations = [m.span() for m in found["CITATION_RE"].finditer(norm)]
        citation_starts = [start for start, _ in citations]
        markers = [
            _Marker(d.start, d, self._is_past_deadline(d))
            for d in self.deadlines
            if not _inside(citations, citation_starts, d.start)
        ]
        markers += self._past_year_markers(found)
        markers.sort(key=lambda m: m.start)
        self._markers = markers
        self._marker_starts = [m.start for m in markers]
        opening = [m for m in markers if m.deadline is not None and self._opens_paragraph(found, m.start)]
        self._opening_markers = opening
        self._opening_starts = [m.start for m in opening]

        self.bulletin_year = self._bulletin_year(found)
        self._past_spans = _merge_spans(self._past_paragraphs(found) + self._past_sections(found))
        self._past_span_starts = [start for start, _ in self._past_spans]
        self._past_span_years = self._span_years(found)
        # review openers (过去一年… / 过去五年…, 一、2023年工作回顾) and whether each covers several years
        openers = sorted(
            {start for start in self._paragraph_starts if found["PAST_PARAGRAPH_RE"].match(norm, start)}
            | {m.start() for m in found["TOP_HEADING_RE"].finditer(norm)}
        )
        self._review_openers = openers
        self._review_multi = [bool(found["MULTI_YEAR_REVIEW_RE"].search(self._heading(o))) for o in openers]
        self._current_cues = [m.start() for m in found["CURRENT_CUE_RE"].finditer(norm)]
        self.title_deadline = self._title_deadline(found)

    # -- building the indexes ------------------------------------------------------------

    def _is_report(self, found: dict[str, re.Pattern[str]]) -> bool:
        if self.context.doc_type == "report":
            return True
        head = (
            (self.context.title or "") + "\n" + "\n".join(self.view.norm.split("\n", HEAD_LINES)[:HEAD_LINES])
        )
        return bool(
            found["REPORT_TITLE_RE"].search(head) or found["REPORT_HEADING_RE"].search(self.view.norm)
        )

    def _paragraph_carry_floors(self, found: dict[str, re.Pattern[str]]) -> list[int]:
        """For each paragraph, the offset a carried deadline must start at or after.

        A deadline stated in a paragraph governs the list that follows it (——/1./● items, the
        rows of a table) but not the next ordinary paragraph: in news stories and reports a new
        paragraph starts a new topic.
        """
        norm = self.view.norm
        floors: list[int] = []
        previous_is_table = previous_is_heading = False
        for index, start in enumerate(self._paragraph_starts):
            end = self._paragraph_end(start)
            line = norm[start:end]
            if not line.strip():
                floors.append(floors[-1] if floors else start)
                continue
            is_table = "|" in line
            continues = (
                bool(found["CONTINUATION_RE"].match(line))
                or (is_table and previous_is_table)
                or previous_is_heading
            )
            floors.append(floors[index - 1] if continues and floors else start)
            previous_is_table = is_table
            # A heading line (二、2026年工作总体要求和主要目标) governs the paragraph under it.
            previous_is_heading = bool(found["HEADING_RE"].match(line)) and not found[
                "SENTENCE_END_RE"
            ].search(line)
        return floors

    def _opens_paragraph(self, found: dict[str, re.Pattern[str]], offset: int) -> bool:
        """Whether a time phrase frames its paragraph: 到2025年, … or (二)主要目标。到2025年, …"""
        paragraph = self._latest_before(self._paragraph_starts, offset) or 0
        return bool(found["PARAGRAPH_OPENER_RE"].fullmatch(self.view.norm, paragraph, offset))

    def _is_past_deadline(self, deadline: Deadline) -> bool:
        """A plan period that ended before the document was written (十三五期间 in 2021)."""
        return (
            deadline.rule == "plan_period"
            and self.document_year is not None
            and deadline.year < self.document_year
        )

    def _past_year_markers(self, found: dict[str, re.Pattern[str]]) -> list[_Marker]:
        """Clauses opened by a year before the document's year (2023年,…) or counted up to a
        past date (截至2024年底,…) report facts."""
        doc_year = self.document_year
        markers = [
            _Marker(m.start(), None, True, parse_year(m.group("year")))
            for m in found["AS_OF_RE"].finditer(self.view.norm)
            if doc_year is None or parse_year(m.group("year")) < doc_year
        ]
        if doc_year is not None:
            markers += [
                _Marker(m.start("year"), None, True, parse_year(m.group("year")))
                for m in found["FACT_YEAR_RE"].finditer(self.view.norm)
                if parse_year(m.group("year")) < doc_year
            ]
        return markers

    def _heading(self, start: int) -> str:
        """A heading's words: its line, or (in a text without line breaks) its first characters."""
        return self.view.norm[start : min(self._paragraph_end(start), start + HEADING_CHARS)]

    def _paragraph_end(self, offset: int) -> int:
        end = self.view.norm.find("\n", offset)
        return len(self.view.norm) if end < 0 else end

    def _past_paragraphs(self, found: dict[str, re.Pattern[str]]) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        norm = self.view.norm
        for start in self._paragraph_starts:
            if found["PAST_PARAGRAPH_RE"].match(norm, start):
                spans.append((start, self._paragraph_end(start)))
        return spans

    def _span_years(self, found: dict[str, re.Pattern[str]]) -> list[int | None]:
        """For each past span, the year its heading names (一、2023年工作回顾), else None."""
        years: list[int | None] = []
        for start, _ in self._past_spans:
            heading = self._heading(start)
            match = (
                found["TITLE_YEAR_RE"].search(heading) if found["PAST_HEADING_RE"].search(heading) else None
            )
            years.append(parse_year(match.group("year")) if match else self.bulletin_year)
        return years

    def _past_sections(self, found: dict[str, re.Pattern[str]]) -> list[tuple[int, int]]:
        """A report's review: a top-level section headed 回顾, or a year before the document's;
        and in a report with a 主要预期目标/工作总体要求 anchor, everything before the anchor."""
        norm = self.view.norm
        tops = [m.start() for m in found["TOP_HEADING_RE"].finditer(norm)] + [len(norm)]
        spans: list[tuple[int, int]] = []
        for start, end in pairwise(tops):
            heading = self._heading(start)
            if found["PAST_HEADING_RE"].search(heading):
                spans.append((start, end))
        if self.is_report:
            anchor = found["REPORT_ANCHOR_RE"].search(norm)
            if anchor is not None:
                spans.append((0, anchor.start()))
        if self.bulletin_year is not None:
            spans.append((0, len(norm)))  # a statistical bulletin reports, from end to end
        return spans

    def _bulletin_year(self, found: dict[str, re.Pattern[str]]) -> int | None:
        """The year a statistical bulletin (2023年…统计公报) reports on, else None."""
        head = (
            (self.context.title or "") + "\n" + "\n".join(self.view.norm.split("\n", HEAD_LINES)[:HEAD_LINES])
        )
        match = found["BULLETIN_TITLE_RE"].search(matching_form(head))
        return parse_year(match.group("year")) if match else None

    def _title_deadline(self, found: dict[str, re.Pattern[str]]) -> Deadline | None:
        """The plan period the title names (行动方案(2025年), (2023-2027年), 2025年政府工作报告,
        力争到2027年…): its end year. Without a title, a range in the first lines stands in."""
        # the title as given (full-width digits, traditional characters) in its matching form
        heads = [(matching_form(self.context.title), TITLE_RULES)] if self.context.title else []
        # a notice that promulgates a plan (关于印发《X2023年…方案》的通知): the plan's title is the
        # document's, also when the notice's title is broken over lines
        opening = "".join(self.view.norm.split("\n", PROMULGATION_LINES)[:PROMULGATION_LINES])
        for text in (heads[0][0] if heads else "", opening):
            if promulgated := found["PROMULGATION_RE"].search(text):
                heads.insert(0, (promulgated.group("inner"), TITLE_RULES))
                break
        title_count = len(heads)
        first_lines = self.view.norm.split("\n", HEAD_LINES)[:HEAD_LINES]
        heads += [(line, LINE_TITLE_RULES) for line in first_lines]
        for index, (head, rules) in enumerate(heads):
            if not head:
                continue
            head_view = TextView(text=head, norm=head)
            deadlines = [d for d in extract_deadlines(head_view, self.document_year) if d.rule in rules]
            if deadlines:
                return max(deadlines, key=lambda d: d.year)
            # A bare year only in the title (or the first line): a report's year, or (2025年).
            match = found["TITLE_YEAR_RE"].search(head) if index < max(title_count, 1) else None
            if match and (
                self.is_report
                or "(" in head[max(0, match.start() - 1) : match.start()]
                or found["PLAN_TITLE_RE"].search(head)
            ):
                text = head[match.start() : match.end()]
                year = parse_year(match.group("year"))
                return Deadline(text=text, year=year, start=0, end=0, evidence="", rule="title_year")
        return None

    # -- answering ------------------------------------------------------------------------

    def _clause_bounds(self, start: int, end: int) -> tuple[int, int]:
        before = bisect_left(self._clause_ends, start) - 1
        clause_start = self._clause_ends[before] + 1 if before >= 0 else 0
        after = bisect_left(self._clause_ends, max(end, start + 1) - 1)
        clause_end = self._clause_ends[after] if after < len(self._clause_ends) else len(self.view.norm)
        return clause_start, max(clause_end, end)

    def _latest_before(self, starts: list[int], offset: int) -> int | None:
        index = bisect_right(starts, offset) - 1
        return starts[index] if index >= 0 else None

    def _has_cue(self, cues: list[int], start: int, end: int) -> bool:
        index = bisect_left(cues, start)
        return index < len(cues) and cues[index] < end

    def _in_past_span(self, offset: int) -> bool:
        index = bisect_right(self._past_span_starts, offset) - 1
        return index >= 0 and offset < self._past_spans[index][1]

    def _own_marker(self, clause_start: int, clause_end: int, start: int) -> _Marker | None:
        first = bisect_left(self._marker_starts, clause_start)
        last = bisect_left(self._marker_starts, clause_end)
        if first == last:
            return None
        # Prefer the phrase nearest before the item; else the first one after it.
        before = bisect_right(self._marker_starts, start, first, last) - 1
        return self._markers[before if before >= first else first]

    def _carried_marker(self, clause_start: int) -> _Marker | None:
        """The latest cue before the clause in its paragraph (or the paragraphs it continues),
        else the cue in its section's heading; never one from an earlier section."""
        index = bisect_left(self._marker_starts, clause_start) - 1
        if index < 0:
            return None
        marker = self._markers[index]
        section = self._latest_before(self._section_starts, clause_start)
        if section is not None and marker.start < section:
            return None
        paragraph = bisect_right(self._paragraph_starts, clause_start) - 1
        if paragraph < 0 or marker.start >= self._carry_floors[paragraph]:
            return marker
        if section is None:
            return None
        # A deadline in the section's heading (二、2025年工作总体要求和主要目标) or opening one
        # of its paragraphs (到2025年,……) governs the rest of the section.
        opening = bisect_left(self._opening_starts, clause_start) - 1
        if opening >= 0 and self._opening_starts[opening] >= section:
            return self._opening_markers[opening]
        in_heading = bisect_left(self._marker_starts, self._paragraph_end(section)) - 1
        if in_heading >= 0 and self._markers[in_heading].start >= section:
            return self._markers[in_heading]
        return None

    def at(self, start: int, end: int) -> TimeContext:
        """The time context of the clause ``text[start:end]``."""
        clause_start, clause_end = self._clause_bounds(start, end)
        marker = self._own_marker(clause_start, clause_end, start)
        source = "clause"
        if marker is None:
            marker = self._carried_marker(clause_start)
            source = "carried"
        deadline = marker.deadline if marker else None
        # 下一步/今后 in the clause's paragraph after the last time cue turns a review forward.
        turned = self._turned_forward(clause_start, clause_end, marker)
        period: int | None = None
        reason: str | None = None
        if marker and marker.past and not turned:
            reason = "year"
            period = marker.year if marker.year is not None else (deadline.year if deadline else None)
        elif (span := self._past_span_index(start)) is not None and not turned:
            # 过去五年: totals over several years (their period is still the year before the report)
            reason = "review_years" if self._multi_year_review(start, self._past_spans[span][0]) else "review"
            period = self._past_span_years[span] or self._review_year()
        elif self._has_cue(self._past_cues, clause_start, clause_end):
            reason = "cue"
            period = self._cue_period(clause_start, clause_end)
        past = reason is not None
        if deadline is None and marker is None:
            if self.title_deadline is not None:
                deadline, source = self.title_deadline, "title"
            elif self.is_report and self.document_year is not None and not past:
                deadline, source = self._document_deadline(), "document"
        if (
            not past
            and (deadline is None or (self.document_year is not None and deadline.year < self.document_year))
            and self._has_cue(self._weak_past_cues, clause_start, clause_end)
        ):
            past, reason = True, "weak_cue"
            period = self._cue_period(clause_start, clause_end)
        return TimeContext(
            deadline=deadline,
            past=past,
            source=source if deadline else None,
            period=period,
            past_reason=reason,
        )

    def _multi_year_review(self, offset: int, span_start: int) -> bool:
        index = bisect_right(self._review_openers, offset) - 1
        return index >= 0 and self._review_openers[index] >= span_start and self._review_multi[index]

    def _past_span_index(self, offset: int) -> int | None:
        index = bisect_right(self._past_span_starts, offset) - 1
        return index if index >= 0 and offset < self._past_spans[index][1] else None

    def report_anchor(self) -> int | None:
        """Where a report's plan part starts (its 主要预期目标 / 工作总体要求 anchor), else None."""
        if not self.is_report:
            return None
        match = patterns()["REPORT_ANCHOR_RE"].search(self.view.norm)
        return match.start() if match else None

    def in_review(self, offset: int) -> bool:
        """Whether ``offset`` lies in a review: a 回顾 section, a 过去一年 paragraph, a report's
        part before its anchor."""
        return self._past_span_index(offset) is not None

    def reported_year(self) -> int | None:
        """The period of a reported figure with no time cue of its own: a report's review covers
        the year before it; news and bulletins report their own year."""
        if self.document_year is None:
            return None
        return self.document_year - 1 if self.is_report else self.document_year

    def _review_year(self) -> int | None:
        """A review (过去一年, 过去五年, 工作回顾) reports up to the year before the document's."""
        return self.document_year - 1 if self.document_year is not None else None

    def _cue_period(self, clause_start: int, clause_end: int) -> int | None:
        """今年以来, 目前, 1—6月: the document's own year; 去年, 过去一年 (and any past cue in a
        report): the year before."""
        if self.document_year is None:
            return None
        if self._has_cue(self._current_cues, clause_start, clause_end):
            return self.document_year
        return self.document_year - 1 if self.is_report else self.document_year

    def _turned_forward(self, clause_start: int, clause_end: int, marker: _Marker | None) -> bool:
        index = bisect_left(self._future_cues, clause_end) - 1
        if index < 0:
            return False
        cue = self._future_cues[index]
        paragraph = self._latest_before(self._paragraph_starts, clause_start) or 0
        return cue >= paragraph and (marker is None or cue > marker.start)

    def _document_deadline(self) -> Deadline:
        assert self.document_year is not None
        return Deadline(text="", year=self.document_year, start=0, end=0, evidence="", rule="document_year")
