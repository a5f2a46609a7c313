"""The structure of a text: paragraphs, headings, sentences and clauses, defined once.

Every extractor and the time scope ask this layer where a clause, paragraph or section begins and
ends, instead of each splitting the text with a pattern of its own. The patterns live in
``resources/zh/structure.yaml`` and run over the view's matching form (``TextView.norm``); the
sentences are the view's own (``pipeline.textview``). A structure is built once per view, and
each question is then a bisection.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache

from pipeline.resources import ResourceError, load_patterns
from pipeline.textview import TextView

PATTERN_FILE = "structure.yaml"
_PATTERNS = ("CLAUSE_BREAK_RE", "TOP_HEADING_RE", "HEADING_RE", "HEADING_START_RE")
_CACHE_KEY = "_zp_structure"
_NEWLINE_RE = re.compile("\n")


@cache
def structure_patterns() -> dict[str, re.Pattern[str]]:
    compiled = load_patterns(PATTERN_FILE)
    if missing := [name for name in _PATTERNS if name not in compiled]:
        raise ResourceError(f"{PATTERN_FILE}: missing {', '.join(missing)}")
    if extra := sorted(set(compiled) - set(_PATTERNS)):
        raise ResourceError(f"{PATTERN_FILE}: patterns nothing reads: {extra}")
    return compiled


@dataclass(frozen=True)
class TextStructure:
    """Offsets into ``view.norm``: clause breaks (one character each), paragraph starts (after
    each line break) and heading starts (any level, and top level); ``stripped_end`` is where the
    text ends without its trailing white space (``len(norm.rstrip())``)."""

    length: int
    stripped_end: int
    clause_breaks: list[int]
    paragraph_starts: list[int]
    heading_starts: list[int]
    top_heading_starts: list[int]

    @classmethod
    def of(cls, view: TextView) -> TextStructure:
        """The view's structure, built on first use and kept with the view."""
        return view.derived(_CACHE_KEY, cls.build)

    @classmethod
    def build(cls, view: TextView) -> TextStructure:
        found = structure_patterns()
        norm = view.norm
        # HEADING_RE opens with a line anchor or a lookbehind, so a whole-text scan tries every
        # position; it is tried only where a heading can start (structure.yaml)
        heading = found["HEADING_RE"].match
        starts = [0] + [m.end() for m in found["HEADING_START_RE"].finditer(norm)]
        headings = [start for start in starts if heading(norm, start)]
        top_heading = found["TOP_HEADING_RE"]
        return cls(
            length=len(norm),
            stripped_end=len(norm.rstrip()),
            clause_breaks=[m.start() for m in found["CLAUSE_BREAK_RE"].finditer(norm)],
            paragraph_starts=[0] + [m.end() for m in _NEWLINE_RE.finditer(norm)],
            heading_starts=headings,
            # a top-level heading is a heading (structure.yaml): the top ones are picked out of
            # the headings, not searched for in the whole text again
            top_heading_starts=[start for start in headings if top_heading.match(norm, start)],
        )

    # -- clauses -------------------------------------------------------------------------

    def clauses(self, start: int, end: int) -> list[tuple[int, int]]:
        """The non-empty clauses between ``start`` and ``end``."""
        spans: list[tuple[int, int]] = []
        position = start
        first = bisect_left(self.clause_breaks, start)
        last = bisect_left(self.clause_breaks, end)
        for brk in self.clause_breaks[first:last]:
            if brk > position:
                spans.append((position, brk))
            position = brk + 1
        if position < end:
            spans.append((position, end))
        return spans

    def clause_around(self, start: int, end: int) -> tuple[int, int]:
        """The clause holding ``start`` (stretched to ``end`` when the span crosses a break)."""
        breaks = self.clause_breaks
        before = bisect_left(breaks, start) - 1
        clause_start = breaks[before] + 1 if before >= 0 else 0
        after = bisect_left(breaks, max(end, start + 1) - 1)
        clause_end = breaks[after] if after < len(breaks) else self.length
        return clause_start, max(clause_end, end)

    # -- paragraphs and sections -----------------------------------------------------------

    def paragraph_index(self, offset: int) -> int:
        return bisect_right(self.paragraph_starts, offset) - 1

    def paragraph_end(self, offset: int) -> int:
        """Where the paragraph holding ``offset`` ends (its line break, or the text's end)."""
        index = bisect_right(self.paragraph_starts, offset)
        return self.paragraph_starts[index] - 1 if index < len(self.paragraph_starts) else self.length

    def section_start(self, offset: int) -> int | None:
        """The latest heading (any level) at or before ``offset``."""
        index = bisect_right(self.heading_starts, offset) - 1
        return self.heading_starts[index] if index >= 0 else None
