"""Targets by responsible body (``zhpolicy compare --by agency``): for each body a target names
in ``responsible`` (GUIDELINES §1), the targets it leads or shares, place by place.

Bodies group by their normalised name (traditional and simplified, spacing and punctuation
ignored); a body's lines list its lead targets first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.compare.records import place_of
from pipeline.compare.render import Grid
from pipeline.compare.table import COMPARATOR_SYMBOLS
from pipeline.lexicon.names import name_key as normalise_name


@dataclass
class BodyTargets:
    name: str  # as first written
    lines: list[tuple[bool, str, dict[str, Any], str]] = field(
        default_factory=list
    )  # lead, place, target, doc


def _target_text(target: dict[str, Any]) -> str:
    value = f"{float(target['value']):g}"
    if target.get("value_max") is not None:
        value += f"–{float(target['value_max']):g}"
    change = ""
    if target.get("kind") == "change":
        change = "-" if target.get("direction") == "down" else "+"
    deadline = f" ({target['deadline']})" if target.get("deadline") else ""
    symbol = COMPARATOR_SYMBOLS.get(str(target.get("comparator")), "")
    return f"{symbol}{change}{value}{target.get('unit') or ''}{deadline}"


def targets_by_agency(documents: list[dict[str, Any]]) -> list[BodyTargets]:
    """Every body named responsible for a target, with its targets (most targets first)."""
    bodies: dict[str, BodyTargets] = {}
    for record in documents:
        place = place_of(record, "jurisdiction")
        for target in record.get("targets") or []:
            for position, name in enumerate(target.get("responsible") or []):
                key = normalise_name(str(name))
                if not key:
                    continue
                body = bodies.setdefault(key, BodyTargets(str(name)))
                body.lines.append((position == 0, place, target, str(record["doc"])))
    for body in bodies.values():
        body.lines.sort(key=lambda line: not line[0])  # stable: lead targets first
    return sorted(bodies.values(), key=lambda b: (-len(b.lines), b.name))


def agency_records(documents: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One tidy record per body and target (CSV, JSON)."""
    return [
        {
            "body": body.name,
            "role": "lead" if lead else "shares",
            "place": place,
            "indicator": target.get("indicator"),
            "comparator": target.get("comparator"),
            "value": target.get("value"),
            "value_max": target.get("value_max"),
            "unit": target.get("unit"),
            "deadline": target.get("deadline"),
            "doc": doc,
            "evidence": target.get("evidence"),
        }
        for body in targets_by_agency(documents)
        for lead, place, target, doc in body.lines
    ]


def agency_grid(documents: list[dict[str, Any]]) -> Grid:
    bodies = targets_by_agency(documents)
    grid = Grid(
        title=f"Targets by responsible body: {len(bodies)} bodies",
        headers=["body", "role", "place", "indicator", "target", "doc"],
    )
    for body in bodies:
        grid.section_starts.append(len(grid.rows))
        for i, (lead, place, target, doc) in enumerate(body.lines):
            grid.rows.append(
                [
                    body.name if i == 0 else "",
                    "lead" if lead else "shares",
                    place,
                    str(target.get("indicator", "")),
                    _target_text(target),
                    doc,
                ]
            )
    if grid.section_starts:
        grid.section_starts.pop(0)
    if not bodies:
        grid.notes.append("no target in the input names a responsible body")
    grid.notes.append("role: lead = named first (the lead body), shares = named after it")
    return grid
