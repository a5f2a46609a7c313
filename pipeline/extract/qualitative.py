"""Qualitative targets: commitments with a named level and no number (GUIDELINES §1)."""

from __future__ import annotations

import re

from pipeline.extract.context import DocumentContext
from pipeline.extract.deadlines import TimeScope
from pipeline.textview import TextView
from schemas import QualitativeTarget

_QUALITATIVE_RE = re.compile(
    r"(?P<subject>[\u4e00-\u9fff]{2,16}?)(?:稳定在|达到|保持在|接近)"
    r"(?P<level>满意区间|[\u4e00-\u9fff、]{0,12}(?:领先|先进|平均)水平)"
)


def extract_qualitative(
    view: TextView, scope: TimeScope, context: DocumentContext
) -> list[QualitativeTarget]:
    found: list[QualitativeTarget] = []
    for match in _QUALITATIVE_RE.finditer(view.norm):
        time = scope.at(match.start(), match.end())
        if time.past:
            continue
        found.append(
            QualitativeTarget(
                subject=view.text[match.start("subject") : match.end("subject")],
                level=view.text[match.start("level") : match.end("level")],
                deadline=time.year,
                start=match.start(),
                end=match.end(),
                evidence=view.text[match.start() : match.end()],
                rule="subject_level",
            )
        )
    return found
