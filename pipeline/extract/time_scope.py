"""The time scope: for any clause, the deadline that governs it and whether it reports the past.

Built once per document from its deadlines (``pipeline.extract.deadlines``) and the document
context; :meth:`TimeScope.at` answers for a clause with a handful of bisections. Reviews (a
回顾 section, a 过去一年 paragraph, a report's part before its 主要预期目标 anchor, a statistical
bulletin) are past, with the period their figures describe (GUIDELINES §2, §7).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import pairwise

from pipeline.extract.context import DocumentContext
from pipeline.extract.deadlines import (
    HEAD_LINES,
    HEADING_CHARS,
    LINE_TITLE_RULES,
    PROMULGATION_LINES,
    TITLE_RULES,
    document_year,
    extract_deadlines,
    key_matches,
    parse_year,
    patterns,
    words,
)
from pipeline.structure import TextStructure
from pipeline.textview import TextView, matching_form
from schemas import Deadline


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
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

        self.structure = TextStructure.of(view)
        self._paragraph_starts = self.structure.paragraph_starts
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
        past_paragraph = found["PAST_PARAGRAPH_RE"].match
        reviewing = [start for start in self._paragraph_starts if past_paragraph(norm, start)]
        self._past_spans = _merge_spans(self._past_paragraphs(reviewing) + self._past_sections(found))
        self._past_span_starts = [start for start, _ in self._past_spans]
        self._past_span_years = self._span_years(found)
        # review openers (过去一年… / 过去五年…, 一、2023年工作回顾) and whether each covers several years
        openers = sorted(set(reviewing) | set(self.structure.top_heading_starts))
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
        # the lines that open on a heading: the structure's headings at line starts (HEADING_RE
        # reads nothing across a line break, so matching it on the line alone finds the same)
        headings = set(self.structure.heading_starts)
        continuation, sentence_end = found["CONTINUATION_RE"].match, found["SENTENCE_END_RE"].search
        floors: list[int] = []
        previous_is_table = previous_is_heading = False
        starts = self._paragraph_starts
        ends = [next_start - 1 for next_start in starts[1:]] + [self.structure.length]  # the line breaks
        for index, (start, end) in enumerate(zip(starts, ends, strict=True)):
            line = norm[start:end]
            if not line.strip():
                floors.append(floors[-1] if floors else start)
                continue
            is_table = "|" in line
            continues = bool(continuation(line)) or (is_table and previous_is_table) or previous_is_heading
            floors.append(floors[index - 1] if continues and floors else start)
            previous_is_table = is_table
            # A heading line (二、2026年工作总体要求和主要目标) governs the paragraph under it.
            previous_is_heading = start in headings and not sentence_end(line)
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
            # a year opening a clause holds 年 and no clause mark: read over the key stretches
            # only, as the deadline rules are (a whole-text scan tried every position)
            markers += [
                _Marker(m.start("year"), None, True, parse_year(m.group("year")))
                for m in key_matches(found["FACT_YEAR_RE"], self.view)
                if parse_year(m.group("year")) < doc_year
            ]
        return markers

    def _heading(self, start: int) -> str:
        """A heading's words: its line, or (in a text without line breaks) its first characters."""
        return self.view.norm[start : min(self._paragraph_end(start), start + HEADING_CHARS)]

    def _paragraph_end(self, offset: int) -> int:
        return self.structure.paragraph_end(offset)

    def _past_paragraphs(self, reviewing: list[int]) -> list[tuple[int, int]]:
        """The spans of the paragraphs that open on a review (the starts PAST_PARAGRAPH_RE
        matches at: ``reviewing``)."""
        return [(start, self._paragraph_end(start)) for start in reviewing]

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
        tops = [*self.structure.top_heading_starts, len(norm)]
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
        found_in: dict[str, list[Deadline]] = {}  # the title is often the first line too: read once
        for index, (head, rules) in enumerate(heads):
            if not head:
                continue
            if head not in found_in:
                found_in[head] = extract_deadlines(TextView(text=head, norm=head), self.document_year)
            deadlines = [d for d in found_in[head] if d.rule in rules]
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
            # A plan title naming its five-year plan (四川省“十四五”现代流通体系建设实施方案): its end year.
            period = found["TITLE_PLAN_PERIOD_RE"].search(head) if index < title_count else None
            if period and found["PLAN_TITLE_RE"].search(head):
                end_year = words().plan_periods.get(period.group("period"))
                if end_year:
                    text = period.group(0)
                    return Deadline(text=text, year=end_year, start=0, end=0, evidence="", rule="plan_period")
        return None

    # -- answering ------------------------------------------------------------------------

    def _latest_before(self, starts: list[int], offset: int) -> int | None:
        index = bisect_right(starts, offset) - 1
        return starts[index] if index >= 0 else None

    def _has_cue(self, cues: list[int], start: int, end: int) -> bool:
        index = bisect_left(cues, start)
        return index < len(cues) and cues[index] < end

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
        section = self.structure.section_start(clause_start)
        if section is not None and marker.start < section:
            return None
        paragraph = self.structure.paragraph_index(clause_start)
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
        clause_start, clause_end = self.structure.clause_around(start, end)
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
