"""Deadlines: time bounds normalised to their end year (GUIDELINES §2), and the document's own
year. The time scope built from them (which deadline governs a clause, whether it reports the
past, and which period) is ``pipeline.extract.time_scope``.

Patterns live in ``resources/zh/deadlines.yaml``, word maps in ``deadline_words.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

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
# between line breaks) consumes a clause mark below (lookbehinds and lookaheads may read one: they
# see the whole text, and each stretch ends with its closing mark). So those rules only ever match
# inside a stretch between two such marks that holds 年 or 五 (about a clause); scanning only those
# stretches (a tenth of a report) finds the same matches. RANGE_RE consumes no mark but the line
# break: it is read over the stretches between the other marks (LINE_CROSSING_RULES). A new rule
# whose match may lack both keys, or hold one of the other marks, must join FULL_SCAN_RULES.
_RULE_KEYS = ("年", "五")
_RULE_BARRIER_RE = re.compile("[。！？!?；;\n,:]")  # one character per match (see _key_stretches)
_LINE_CROSSING_BARRIER_RE = re.compile("[。！？!?；;,:]")  # the marks without the line break
LINE_CROSSING_RULES = frozenset({"RANGE_RE"})
FULL_SCAN_RULES: frozenset[str] = frozenset()
_STRETCHES_KEY = "_zp_key_stretches"
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


def _key_positions(norm: str) -> list[int]:
    """Where 年 and 五 stand, in text order (str.find: a regex scan for the two characters
    took longer than everything else here)."""
    positions: list[int] = []
    for key in _RULE_KEYS:
        position = norm.find(key)
        while position >= 0:
            positions.append(position)
            position = norm.find(key, position + 1)
    return sorted(positions)


def _key_stretches(norm: str, barrier: re.Pattern[str] = _RULE_BARRIER_RE) -> list[tuple[int, int]]:
    """The stretches between ``barrier`` marks (clause-breaking marks) that hold 年 or 五, each
    with its closing mark (a rule's lookahead may read it), merged where they touch.

    Two searches per stretch: the mark after its first key, and the mark before it (the first
    one in the reversed text); not a list of every mark in the text.
    """
    reverse = norm[::-1]
    stretches: list[tuple[int, int]] = []
    end = 0
    for key in _key_positions(norm):
        if key < end:
            continue  # inside the last stretch
        after = barrier.search(norm, key)
        end = after.start() + 1 if after else len(norm)
        before = barrier.search(reverse, len(norm) - key)
        start = len(norm) - before.start() if before else 0
        if stretches and start <= stretches[-1][1]:
            stretches[-1] = (stretches[-1][0], end)
        else:
            stretches.append((start, end))
    return stretches


def key_stretches(view: TextView) -> list[tuple[int, int]]:
    """The view's key stretches (``_key_stretches``), found once per view and kept with it: the
    deadline rules and the time scope's FACT_YEAR_RE both read them."""
    return view.derived(_STRETCHES_KEY, lambda v: _key_stretches(v.norm))


def _rule_matches(
    pattern: re.Pattern[str], norm: str, stretches: list[tuple[int, int]] | None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(norm)``, read only over ``stretches`` when given (see _RULE_KEYS)."""
    if stretches is None:
        yield from pattern.finditer(norm)
        return
    search = pattern.search
    for start, end in stretches:
        # most stretches hold no match of a given rule: one search tells, without an iterator
        if search(norm, start, end) is not None:
            yield from pattern.finditer(norm, start, end)


def key_matches(pattern: re.Pattern[str], view: TextView) -> Iterator[re.Match[str]]:
    """``pattern.finditer(view.norm)`` for a pattern with the two properties of the stretch-read
    deadline rules (see _RULE_KEYS), read only over the view's key stretches."""
    return _rule_matches(pattern, view.norm, key_stretches(view))


def extract_deadlines(
    view: TextView, published_year: int | None = None, *, title: str | None = None
) -> list[Deadline]:
    """Every time bound in the text, sorted by offset, each with its rule."""
    doc_year = document_year(view, published_year, title)
    found = patterns()
    taken = bytearray(len(view.norm))  # characters an earlier (higher-priority) rule matched
    deadlines: list[Deadline] = []
    stretches = key_stretches(view)
    crossing_stretches = _key_stretches(view.norm, _LINE_CROSSING_BARRIER_RE)
    for name in DEADLINE_RULES:
        rule = name.removesuffix("_RE").lower()
        read = crossing_stretches if name in LINE_CROSSING_RULES else stretches
        for match in _rule_matches(found[name], view.norm, None if name in FULL_SCAN_RULES else read):
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
