"""Targets: quantified commitments (GUIDELINES §1)."""

from __future__ import annotations

import re

from pipeline.extract.context import DocumentContext
from pipeline.extract.deadlines import TimeScope
from pipeline.extract.sectors import sector_of
from pipeline.textview import TextView
from schemas import Target

_TARGET_RE = re.compile(
    r"(?P<indicator>[\u4e00-\u9fff]{2,20}?)(?P<verb>达到|提高到|不低于|突破|超过)"
    r"(?P<value>\d+(?:\.\d+)?)(?P<unit>%|个百分点|个|家|万人|亿元)?(?P<qual>以上|左右)?"
)
_COMPARATORS = {"达到": "ge", "提高到": "ge", "不低于": "ge", "突破": "gt", "超过": "gt"}


def extract_targets(view: TextView, scope: TimeScope, context: DocumentContext) -> list[Target]:
    targets: list[Target] = []
    for match in _TARGET_RE.finditer(view.norm):
        time = scope.at(match.start(), match.end())
        if time.past:
            continue
        comparator = "approx" if match.group("qual") == "左右" else _COMPARATORS[match.group("verb")]
        evidence = view.text[match.start() : match.end()]
        indicator = view.text[match.start("indicator") : match.end("indicator")]
        targets.append(
            Target(
                indicator=indicator,
                value=float(match.group("value")),
                unit=match.group("unit"),
                comparator=comparator,
                deadline=time.year,
                sector=sector_of(indicator),
                start=match.start(),
                end=match.end(),
                evidence=evidence,
                rule="verb_value",
            )
        )
    return targets
