"""Qualitative targets: commitments with a named level and no number (GUIDELINES §1).

A clause qualifies when it is, as a whole, a subject reaching a named level
(``公共服务质量满意度稳定在满意区间``) or a completion verb with its object
(``全面完成节能减排降碳约束性指标``). Vague phrases with no named level (``质量整体水平进一步提高``)
match neither. Patterns live in ``resources/zh/qualitative.yaml``.
"""

from __future__ import annotations

import re
from functools import cache

from pipeline.extract.context import DocumentContext
from pipeline.extract.time_scope import TimeScope
from pipeline.resources import ResourceError, load_patterns

try:
    from re import _constants, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python whose private regex parser moved
    _constants = _parser = None
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
        for name in (*SHAPES, "CLAUSE_RE", "LEVEL_SPLIT_RE", "STANDING_VERB_RE", "LEVEL_CUE_RE")
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


@cache
def _clause_marks(clause_pattern: str) -> str | None:
    """The marks that end a clause when CLAUSE_RE is a run of any other characters
    (``[^…]+`` of single characters), else None."""
    if _parser is None:
        return None
    parsed = list(_parser.parse(clause_pattern))
    if len(parsed) != 1 or parsed[0][0] is not _constants.MAX_REPEAT:
        return None
    minimum, maximum, body = parsed[0][1]
    if (
        minimum != 1
        or maximum is not _constants.MAXREPEAT
        or len(body) != 1
        or body[0][0] is not _constants.IN
    ):
        return None
    items = body[0][1]
    if not items or items[0][0] is not _constants.NEGATE:
        return None
    if any(op is not _constants.LITERAL for op, _ in items[1:]):
        return None
    return "".join(chr(code) for _, code in items[1:])


def _cue_clauses(norm: str, compiled: dict[str, re.Pattern[str]]) -> list[tuple[int, int]]:
    """The spans of CLAUSE_RE's matches that can hold a level cue, in text order.

    Only the clauses a match of LEVEL_CUE_RE over the whole text touches: a clause holding a cue
    always touches one (a match at the cue's position, or an earlier one running over it), and
    the few cue matches are cheaper to find than every clause to walk. CLAUSE_RE is a run of
    characters other than some marks (``[^…]+``); in any other form every clause is returned.
    """
    marks = _clause_marks(compiled["CLAUSE_RE"].pattern)
    if not marks:
        return [clause.span() for clause in compiled["CLAUSE_RE"].finditer(norm)]
    spans: list[tuple[int, int]] = []
    for cue in compiled["LEVEL_CUE_RE"].finditer(norm):
        position, cue_end = cue.start(), min(max(cue.end(), cue.start() + 1), len(norm))
        while position < cue_end:
            if norm[position] in marks:
                position += 1
                continue
            start = max(norm.rfind(mark, 0, position) for mark in marks) + 1
            ends = [end for mark in marks if (end := norm.find(mark, position)) >= 0]
            end = min(ends) if ends else len(norm)
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
    for clause_start, clause_end in _cue_clauses(view.norm, compiled):
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
