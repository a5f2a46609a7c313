"""Qualitative targets: commitments with a named level and no number (GUIDELINES §1).

A clause qualifies when it is, as a whole, a subject reaching a named level
(``公共服务质量满意度稳定在满意区间``) or a completion verb with its object
(``全面完成节能减排降碳约束性指标``). Vague phrases with no named level (``质量整体水平进一步提高``)
match neither. Patterns live in ``resources/zh/qualitative.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache

from pipeline.extract.context import DocumentContext
from pipeline.extract.time_scope import TimeScope
from pipeline.resources import ResourceError, load_patterns
from pipeline.structure import TextStructure
from pipeline.textview import TextView
from schemas import QualitativeTarget

PATTERN_FILE = "qualitative.yaml"
# Clause shapes, tried in order; the rule id is the name without _RE, lower case.
SHAPES = ("SUBJECT_LEVEL_RE", "LEVEL_OBJECT_RE")


@cache
def patterns() -> dict[str, re.Pattern[str]]:
    compiled = load_patterns(PATTERN_FILE)
    missing = [
        name
        for name in (*SHAPES, "LEVEL_SPLIT_RE", "STANDING_VERB_RE", "LEVEL_CUE_RE", "LEVEL_KEY_RE")
        if name not in compiled
    ]
    if missing:
        raise ResourceError(f"{PATTERN_FILE}: missing {', '.join(missing)}")
    for name in SHAPES:
        if {"subject", "level"} - set(compiled[name].groupindex):
            raise ResourceError(f"{PATTERN_FILE}: {name} needs (?P<subject>…) and (?P<level>…)")
    return compiled


def _levels(view: TextView, match: re.Match[str]) -> list[tuple[int, int]]:
    """Offsets of each level in the match: one per item of a 、-list of 高于… levels."""
    start, end = match.span("level")
    pieces: list[tuple[int, int]] = []
    for separator in patterns()["LEVEL_SPLIT_RE"].finditer(view.norm, start, end):
        pieces.append((start, separator.start()))
        start = separator.end()
    pieces.append((start, end))
    return pieces


def _cue_clauses(view: TextView, compiled: dict[str, re.Pattern[str]]) -> list[tuple[int, int]]:
    """The clauses (the text structure's, ``pipeline.structure``) that a match of LEVEL_KEY_RE
    touches, in text order: every clause holding a match of LEVEL_CUE_RE, which holds a key word,
    touches one (a match at the key word's position, or an earlier one running over it), and the
    few key words are cheaper to find than every clause to walk."""
    structure = TextStructure.of(view)
    breaks, length = structure.clause_breaks, structure.length
    spans: list[tuple[int, int]] = []
    for cue in compiled["LEVEL_KEY_RE"].finditer(view.norm):
        position, cue_end = cue.start(), min(max(cue.end(), cue.start() + 1), length)
        while position < cue_end:
            index = bisect_left(breaks, position)
            if index < len(breaks) and breaks[index] == position:
                position += 1  # a break is no part of a clause
                continue
            start = breaks[index - 1] + 1 if index else 0
            end = breaks[index] if index < len(breaks) else length
            if not spans or spans[-1][0] < start:
                spans.append((start, end))
            position = end
    return spans


def extract_qualitative(
    view: TextView, scope: TimeScope, context: DocumentContext
) -> list[QualitativeTarget]:
    found: list[QualitativeTarget] = []
    seen: set[tuple[str, str]] = set()
    compiled = patterns()
    for clause_start, clause_end in _cue_clauses(view, compiled):
        if not compiled["LEVEL_CUE_RE"].search(view.norm, clause_start, clause_end):
            continue
        while clause_start < clause_end and view.norm[clause_start].isspace():
            clause_start += 1
        while clause_end > clause_start and view.norm[clause_end - 1].isspace():
            clause_end -= 1
        for name in SHAPES:
            match = compiled[name].fullmatch(view.norm, clause_start, clause_end)
            if match is None:
                continue
            time = scope.at(clause_start, clause_end)
            if time.past or (
                time.deadline is None and compiled["STANDING_VERB_RE"].match(match.group("level"))
            ):
                break
            subject = view.text[match.start("subject") : match.end("subject")]
            for level_start, level_end in _levels(view, match):
                level = view.text[level_start:level_end]
                if (subject, level) in seen:
                    continue
                seen.add((subject, level))
                found.append(
                    QualitativeTarget(
                        subject=subject,
                        level=level,
                        deadline=time.year,
                        start=clause_start,
                        end=clause_end,
                        evidence=view.text[clause_start:clause_end],
                        rule=name.removesuffix("_RE").lower(),
                    )
                )
            break
    return found
