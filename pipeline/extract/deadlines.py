"""Deadlines: time bounds normalised to their end year (GUIDELINES §2), and the time scope
that tells every other extractor which deadline governs a clause and whether it reports the past.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.context import DocumentContext
from pipeline.textview import TextView
from schemas import Deadline

_DEADLINE_RE = re.compile(r"(?:到|至|在)?(?P<year>20\d{2})年(?:底前|前|底)?")


def extract_deadlines(view: TextView, published_year: int | None = None) -> list[Deadline]:
    deadlines: list[Deadline] = []
    for match in _DEADLINE_RE.finditer(view.norm):
        if not match.group(0).startswith(("到", "至")) and not match.group(0).endswith(("前", "底")):
            continue
        text = view.text[match.start() : match.end()]
        deadlines.append(
            Deadline(
                text=text,
                year=int(match.group("year")),
                start=match.start(),
                end=match.end(),
                evidence=text,
                month=12 if "底" in match.group(0) else None,
                rule="to_year",
            )
        )
    return deadlines


@dataclass(frozen=True)
class TimeContext:
    """What the time cues say about a clause: the deadline that governs it (None when there is
    none) and whether it reports the past (a review of last year, an achieved value)."""

    deadline: Deadline | None
    past: bool = False

    @property
    def year(self) -> int | None:
        return self.deadline.year if self.deadline else None


class TimeScope:
    """Built once per document from its deadlines; answers :meth:`at` for any clause."""

    def __init__(self, view: TextView, deadlines: list[Deadline], context: DocumentContext) -> None:
        self.view = view
        self.deadlines = sorted(deadlines, key=lambda d: d.start)
        self.context = context

    def at(self, start: int, end: int) -> TimeContext:
        """The time context of the clause ``text[start:end]``."""
        governing = [d for d in self.deadlines if d.start < end]
        return TimeContext(deadline=governing[-1] if governing else None, past=False)
