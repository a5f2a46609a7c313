"""Responsible bodies per target (GUIDELINES §1 ``responsible``, §3 agencies).

The text names who carries out a commitment in three shapes:

- a task table's lead and responsible columns (牵头单位, 责任单位): the row's bodies go to every
  target in the row (its task text, or its indicator and values);
- a labelled list (``牵头单位:区发改局`` ⏎ ``责任单位:立山经济开发区``, ``〔责任单位:A、B〕``):
  on a line of its own it governs the item above it; inside a line, the text before it;
- a bracket that closes a sentence, item or paragraph and says what bodies do
  (``(市市场监管局牵头,市工信局等按职责分工负责)``): the text before it in its line.

Bodies are names as written, lead first; collectives (各区, 有关单位, 区直各部门) are no names.
Every body found is also one of the document's agencies (role ``lead`` or ``responsible``).
Patterns: ``resources/zh/responsible.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from pipeline.extract.agencies import normalise_agency
from pipeline.extract.column_tables import assigned_rows
from pipeline.extract.context import DocumentContext
from pipeline.resources import load_patterns
from pipeline.textview import TextView, to_simplified
from schemas import Agency, Mention, Target


@cache
def responsible_patterns() -> dict[str, re.Pattern[str]]:
    return load_patterns("responsible.yaml")


@dataclass(frozen=True)
class Body:
    start: int
    end: int
    lead: bool


@dataclass(frozen=True)
class BodyList:
    """Bodies and the stretch of text they are responsible for (``start``–``end``)."""

    start: int
    end: int
    bodies: tuple[Body, ...]
    source: str  # "table", "label", "bracket"


def _names(view: TextView, start: int, end: int, lead: bool, strict: bool) -> list[Body] | None:
    """The bodies a list names; None when ``strict`` and some part is no body's name."""
    patterns = responsible_patterns()
    norm = view.norm
    bodies: list[Body] = []
    position = start
    clauses: list[tuple[int, int]] = []
    for brk in patterns["CLAUSE_SPLIT_RE"].finditer(norm, start, end):
        clauses.append((position, brk.start()))
        position = brk.end()
    clauses.append((position, end))
    for clause_start, clause_end in clauses:
        text = norm[clause_start:clause_end]
        clause_lead = lead or bool(patterns["LEAD_WORD_RE"].search(text))
        role = patterns["ROLE_WORDS_RE"].search(text)
        if role:
            clause_end = clause_start + role.start()
        piece_start = clause_start
        pieces: list[tuple[int, int]] = []
        for brk in patterns["NAME_SPLIT_RE"].finditer(norm, clause_start, clause_end):
            pieces.append((piece_start, brk.start()))
            piece_start = brk.end()
        pieces.append((piece_start, clause_end))
        for piece_start, piece_end in pieces:
            trail = patterns["TRAIL_RE"].search(norm, piece_start, piece_end)
            if trail and trail.start() > piece_start:
                piece_end = trail.start()
            lead_word = patterns["NAME_LEAD_RE"].match(norm, piece_start, piece_end)
            if lead_word and lead_word.end() < piece_end:
                piece_start = lead_word.end()
            name = norm[piece_start:piece_end]
            if not name.strip():
                continue
            if len(name) < 2 or not patterns["CJK_RE"].search(name) or patterns["COLLECTIVE_RE"].search(name):
                if strict and len(name) >= 2 and not patterns["COLLECTIVE_RE"].search(name):
                    return None
                continue
            if strict and not patterns["BODY_RE"].fullmatch(name):
                return None
            bodies.append(Body(piece_start, piece_end, clause_lead))
    return bodies


def _ordered(view: TextView, bodies: list[Body]) -> tuple[Body, ...]:
    """Lead first, each name once."""
    seen: set[str] = set()
    ordered: list[Body] = []
    for body in sorted(bodies, key=lambda b: not b.lead):
        key = view.norm[body.start : body.end]
        if key not in seen:
            seen.add(key)
            ordered.append(body)
    return tuple(ordered)


def _line_bounds(norm: str, offset: int) -> tuple[int, int]:
    start = norm.rfind("\n", 0, offset) + 1
    end = norm.find("\n", offset)
    return start, len(norm) if end < 0 else end


def _governed(view: TextView, opener: int, previous_end: int) -> tuple[int, int] | None:
    """What a list starting at ``opener`` is responsible for: the text before it in its line (after
    the previous list), or, for a list on a line of its own, the nearest line above that is no list
    (with the lines of its item above it, when the item's opening line is near)."""
    norm = view.norm
    line_start, _ = _line_bounds(norm, opener)
    if norm[line_start:opener].strip():
        start = max(line_start, previous_end)
        return (start, opener) if norm[start:opener].strip() else None
    labelled = responsible_patterns()["LABELLED_RE"]
    opening = responsible_patterns()["OPEN_RE"]
    position = line_start - 1  # the line break that ends the line above
    while position > 0:
        start = norm.rfind("\n", 0, position) + 1
        segment = norm[start:position]
        first = start + len(segment) - len(segment.lstrip())
        is_list = bool(
            labelled.match(norm, first) or (opening.match(norm, first) and labelled.match(norm, first + 1))
        )
        if segment.strip() and not is_list:
            return _item_start(norm, start), position
        position = start - 1
    return None


_ITEM_LINES = 4  # how far above its last line an item's opening line is looked for


def _item_start(norm: str, start: int) -> int:
    """Where the item holding the line at ``start`` opens: a line marked 1. / (一) / 一、 at most a
    few lines above it, with no blank line or list between; else the line itself."""
    patterns = responsible_patterns()
    position = start
    for _ in range(_ITEM_LINES):
        if patterns["ITEM_START_RE"].match(norm, position):
            return position
        if position == 0:
            break
        above = norm.rfind("\n", 0, position - 1) + 1
        line = norm[above : position - 1]
        if not line.strip() or patterns["LABELLED_RE"].search(line):
            break
        position = above
    return start


def body_lists(view: TextView, document_year: int | None = None) -> list[BodyList]:
    """Every list of responsible bodies in the document and the text it governs."""
    patterns = responsible_patterns()
    norm = view.norm
    lists: list[BodyList] = []
    for table, row in assigned_rows(view, document_year):
        if not table.has_bodies:
            continue
        bodies: list[Body] = []
        for role in ("lead", "responsible"):
            for cell in row.by_role.get(role, []):
                bodies.extend(_names(view, cell.start, cell.end, role == "lead", strict=False) or [])
        if bodies:
            lists.append(BodyList(row.start, row.end, _ordered(view, bodies), "table"))

    labelled_spans: list[tuple[int, int]] = []
    previous_end = 0
    for match in patterns["LABELLED_RE"].finditer(norm):
        lead = bool(patterns["LEAD_LABEL_RE"].fullmatch(match.group("label")))
        bodies = _names(view, match.start("list"), match.end("list"), lead, strict=False) or []
        opener = match.start()
        if opener > 0 and patterns["OPEN_RE"].match(norm, opener - 1):
            opener -= 1
        labelled_spans.append((opener, match.end()))
        governed = _governed(view, opener, previous_end)
        previous_end = match.end()
        if bodies and governed:
            lists.append(BodyList(governed[0], governed[1], _ordered(view, bodies), "label"))

    for match in patterns["BRACKET_RE"].finditer(norm):
        if any(match.start() <= s < match.end() for s, _ in labelled_spans):
            continue
        bodies = _names(view, match.start("list"), match.end("list"), False, strict=True)
        if not bodies:
            continue
        governed = _governed(view, match.start(), 0)
        if governed:
            line_start, _ = _line_bounds(norm, match.start())
            earlier = [b.end for b in lists if b.source == "bracket" and line_start <= b.end <= match.start()]
            start = max([governed[0], *(e + 1 for e in earlier)])
            lists.append(BodyList(start, governed[1], _ordered(view, bodies), "bracket"))
    return _merged(lists)


def _merged(lists: list[BodyList]) -> list[BodyList]:
    """Lists governing the same text (牵头单位:… then 责任单位:…) become one, leads first."""
    by_span: dict[tuple[int, int, str], list[Body]] = {}
    for item in lists:
        by_span.setdefault((item.start, item.end, item.source), []).extend(item.bodies)
    merged: list[BodyList] = []
    for (start, end, source), bodies in by_span.items():
        leads = [b for b in bodies if b.lead]
        others = [b for b in bodies if not b.lead]
        merged.append(BodyList(start, end, tuple(leads + others), source))
    return merged


def _names_of(view: TextView, item: BodyList) -> list[str]:
    seen: set[str] = set()
    names: list[str] = []
    for body in item.bodies:
        key = view.norm[body.start : body.end]
        if key not in seen:
            seen.add(key)
            names.append(view.text[body.start : body.end])
    return names


def assign_responsible(
    view: TextView, targets: list[Target], lists: list[BodyList] | None = None
) -> list[Target]:
    """``targets`` with ``responsible`` filled from the list governing each (a table row first,
    then the narrowest stretch holding the target's start)."""
    lists = body_lists(view) if lists is None else lists
    if not lists:
        return targets
    for target in targets:
        holding = [item for item in lists if item.start <= target.start < max(item.end, item.start + 1)]
        if not holding:
            continue
        best = min(holding, key=lambda item: (item.source != "table", item.end - item.start))
        target.responsible = _names_of(view, best)
    return targets


def responsible_agencies(
    view: TextView, context: DocumentContext | None, lists: list[BodyList] | None = None
) -> list[Agency]:
    """Every body of every list as an agency (role ``lead`` or ``responsible``), one per name."""
    lists = body_lists(view) if lists is None else lists
    agencies: dict[str, Agency] = {}
    for item in lists:
        for body in item.bodies:
            key = view.norm[body.start : body.end]
            text = view.text[body.start : body.end]
            mention = Mention(start=body.start, end=body.end, text=text)
            if key in agencies:
                agency = agencies[key]
                if all(m.start != body.start for m in agency.mentions):
                    agency.mentions.append(mention)
                if body.lead:
                    agency.role = "lead"
                continue
            agencies[key] = Agency(
                name=text,
                normalized=normalise_agency(key, context),
                role="lead" if body.lead else "responsible",
                start=body.start,
                end=body.end,
                evidence=text,
                mentions=[mention],
            )
    return list(agencies.values())


def merge_agencies(found: list[Agency], extra: list[Agency]) -> list[Agency]:
    """``found`` plus the bodies of ``extra`` it does not name yet (same simplified name)."""
    known = {to_simplified(a.name): a for a in found}
    merged = list(found)
    for agency in extra:
        same = known.get(to_simplified(agency.name))
        if same is None:
            known[to_simplified(agency.name)] = agency
            merged.append(agency)
            continue
        starts = {m.start for m in same.mentions}
        same.mentions.extend(m for m in agency.mentions if m.start not in starts)
        same.mentions.sort(key=lambda m: m.start)
        if agency.role == "lead" and same.role in ("responsible", "other"):
            same.role = "lead"  # a body that leads a task somewhere is a lead body
    return merged
