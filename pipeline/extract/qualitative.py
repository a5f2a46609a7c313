"""Qualitative targets: commitments with a named level and no number (GUIDELINES §1)."""

from __future__ import annotations

import re

from pipeline.textview import TextView
from schemas import Deadline, QualitativeTarget

_QUALITATIVE_RE = re.compile(
    r"(?P<subject>[\u4e00-\u9fff]{2,16}?)(?:稳定在|达到|保持在|接近)"
    r"(?P<level>满意区间|[\u4e00-\u9fff、]{0,12}(?:领先|先进|平均)水平)"
)


def extract_qualitative(view: TextView, deadlines: list[Deadline]) -> list[QualitativeTarget]:
    found: list[QualitativeTarget] = []
    for match in _QUALITATIVE_RE.finditer(view.norm):
        governing = [d for d in deadlines if d.end <= match.start()]
        found.append(
            QualitativeTarget(
                subject=view.text[match.start("subject") : match.end("subject")],
                level=view.text[match.start("level") : match.end("level")],
                deadline=governing[-1].year if governing else None,
                start=match.start(),
                end=match.end(),
                evidence=view.text[match.start() : match.end()],
                rule="subject_level",
            )
        )
    return found
