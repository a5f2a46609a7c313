"""Deadlines: time bounds normalised to their end year (GUIDELINES §2)."""

from __future__ import annotations

import re

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
