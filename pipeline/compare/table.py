"""The comparison table: canonical indicators × places, with the national target as reference.

Rows are keyed by canonical indicator and target kind (a level and a growth rate of 地区生产总值
are different quantities); unmapped indicators get their own rows keyed by their normalised name,
so nothing extracted disappears. When a place has several targets for one row, the cell takes the
one with the latest deadline, then the most ambitious value (``better`` in the registry), then the
first by document and offset, and records how many it chose from.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from pipeline.compare.records import NATIONAL, doc_labels, document_key, is_national, place_of
from pipeline.compare.registry import Indicator, IndicatorMatch, IndicatorRegistry
from pipeline.lexicon.names import unit_key
from pipeline.resolve.units import to_base

CHOICE_RULE = (
    "plausible values first (a level rate over 100% is not), then latest deadline, "
    "then most ambitious value, then first by document and offset"
)
Ambition = Literal["more", "less", "same"]
By = Literal["jurisdiction", "doc"]
# An exact value needs no mark: "100家 (2025)", never "=100家" (a formula in a spreadsheet).
COMPARATOR_SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "approx": "≈", "eq": ""}
COMPARATOR_WORDS = {
    "ge": "at least",
    "gt": "more than",
    "le": "at most",
    "lt": "less than",
    "approx": "about",
    "eq": "exactly",
}


def normalise_unit(unit: str | None) -> str | None:
    return unit_key(unit)


@dataclass(frozen=True)
class PlaceTarget:
    """One extracted target, placed and mapped."""

    doc: str
    place: str
    match: IndicatorMatch
    value: float
    value_max: float | None
    unit: str | None
    comparator: str
    kind: str
    direction: str | None
    annual: bool
    deadline: int | None
    evidence: str
    start: int
    source: str = ""
    unit_base: str | None = None
    factor: float = 1.0

    @property
    def value_base(self) -> float:
        """The value in the unit's base (1.8万家 → 18000)."""
        return _round(self.value * self.factor)

    @property
    def comparable(self) -> float:
        """The number compared across places, in the unit's base (1.8万家 → 18000, unit 家): a
        range's midpoint, a decline negative."""
        middle = self.value if self.value_max is None else (self.value + self.value_max) / 2
        middle = _round(middle * self.factor)
        return -middle if self.kind == "change" and self.direction == "down" else middle

    @property
    def plausible(self) -> bool:
        """False for a level rate over 100% (a typo such as 985% for 98.5%, kept by extraction)."""
        return not (self.kind == "level" and normalise_unit(self.unit) == "%" and self.value > 100)

    def display(self) -> str:
        """``≥92 (2025)``, ``≈+5% (2025)``, ``-3% (2025)``, ``3–3.5% /yr``."""
        number = format_number(self.value)
        if self.value_max is not None:
            number = f"{number}–{format_number(self.value_max)}"
        if self.kind == "change":
            number = ("-" if self.direction == "down" else "+") + number
        symbol = COMPARATOR_SYMBOLS.get(self.comparator, "")
        text = f"{symbol}{number}{self.unit or ''}"
        if self.annual:
            text += " /yr"
        if self.deadline is not None:
            text += f" ({self.deadline})"
        return text


def format_number(value: float) -> str:
    """92 for 92.0, 98.5 as written."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _round(value: float) -> float:
    """Twelve significant digits: 2.3 × 10⁴ is 23000, not 23000.000000000004."""
    return float(f"{value:.12g}")


@dataclass
class Cell:
    chosen: PlaceTarget
    candidates: int
    difference: float | None = None
    ambition: Ambition | None = None

    def difference_text(self) -> str:
        if self.difference is None:
            return ""
        marker = {"more": "▲", "less": "▼", "same": "="}[self.ambition or "same"]
        return f"{self.difference:+g} {marker}"


@dataclass
class Row:
    key: str
    label: str
    kind: str
    indicator: Indicator | None
    national: Cell | None = None
    cells: dict[str, Cell] = field(default_factory=dict)

    @property
    def mapped(self) -> bool:
        return self.indicator is not None

    @property
    def better(self) -> str:
        return self.indicator.better if self.indicator else "higher"


@dataclass
class Comparison:
    places: list[str]
    rows: list[Row]
    national_docs: list[str]
    by: str
    choice_rule: str = CHOICE_RULE

    @property
    def has_national(self) -> bool:
        return bool(self.national_docs)

    def row(self, key: str) -> Row | None:
        return next((row for row in self.rows if row.key == key), None)


def _row_key(match: IndicatorMatch, kind: str) -> tuple[str, str, Indicator | None]:
    indicator = match.indicator
    if indicator is None:
        return f"unmapped:{match.key}:{kind}", match.key, None
    if kind == indicator.kind:
        return indicator.id, indicator.name, indicator
    return f"{indicator.id}:{kind}", f"{indicator.name} ({kind})", indicator


def _canonical_base(indicator: Indicator) -> str | None:
    """The base unit of a canonical indicator's unit (万人 → 人; None for an index)."""
    return to_base(1.0, normalise_unit(indicator.unit))[1] if indicator.unit else None


def _base_of(target: dict[str, Any]) -> tuple[str | None, float]:
    """The base unit and the factor to it: the record's ``unit_base`` when it has one (records
    from before it existed are resolved here with the same lexicon)."""
    unit = normalise_unit(target.get("unit"))
    value = float(target["value"])
    base_value, base_unit = to_base(value, unit)
    if target.get("unit_base") is not None:
        base_unit = normalise_unit(str(target["unit_base"]))
    factor = base_value / value if value else to_base(1.0, unit)[0]
    return base_unit, factor


def place_targets(
    documents: Iterable[dict[str, Any]],
    registry: IndicatorRegistry,
    by: str,
    labels: dict[tuple[str, str], str] | None = None,
) -> list[PlaceTarget]:
    targets: list[PlaceTarget] = []
    for record in documents:
        place = NATIONAL if is_national(record) else place_of(record, by, labels)
        doc, source = document_key(record)
        for target in record.get("targets") or []:
            unit_base, factor = _base_of(target)
            targets.append(
                PlaceTarget(
                    doc=doc,
                    source=source,
                    unit_base=unit_base,
                    factor=factor,
                    place=place,
                    match=registry.match(str(target["indicator"])),
                    value=float(target["value"]),
                    value_max=None if target.get("value_max") is None else float(target["value_max"]),
                    unit=target.get("unit"),
                    comparator=str(target.get("comparator") or "eq"),
                    kind=str(target.get("kind") or "level"),
                    direction=target.get("direction"),
                    annual=bool(target.get("annual")),
                    deadline=target.get("deadline"),
                    evidence=str(target.get("evidence") or ""),
                    start=int(target.get("start") or 0),
                )
            )
    return targets


def choose(targets: list[PlaceTarget], better: str) -> Cell:
    """The cell for one place and row (see the module docstring for the rule)."""

    def rank(target: PlaceTarget) -> tuple[bool, float, float]:
        deadline = -math.inf if target.deadline is None else target.deadline
        ambition = target.comparable if better == "higher" else -target.comparable
        return (target.plausible, deadline, ambition)

    # max() keeps the first of equal ranks: sorting first makes ties go to the first document.
    best = max(sorted(targets, key=lambda t: (t.doc, t.start)), key=rank)
    return Cell(chosen=best, candidates=len(targets))


def _against_national(cell: Cell, national: Cell, row: Row) -> None:
    # Totals (新增就业 in 万人, 粮食产量) add up over places: the national figure is no line for one.
    if row.indicator is not None and row.indicator.extensive:
        return
    # Like with like: 1.8万家 and 18000家 are one quantity (base unit 家); % and 个 are not.
    if cell.chosen.unit_base != national.chosen.unit_base:
        return
    better = row.better
    difference = round(cell.chosen.comparable - national.chosen.comparable, 6)
    cell.difference = difference
    if difference == 0:
        cell.ambition = "same"
    else:
        cell.ambition = "more" if (difference > 0) == (better == "higher") else "less"


def build_comparison(
    documents: list[dict[str, Any]],
    registry: IndicatorRegistry,
    *,
    by: str = "jurisdiction",
    indicator: str | None = None,
) -> Comparison:
    """The comparison of every target in ``documents``; ``indicator`` keeps only rows of that id.

    Two documents with the same ``doc`` (two ``index.html`` in different folders) stay two
    columns with ``by='doc'``: each is named with its source."""
    if by not in ("jurisdiction", "doc"):
        raise ValueError(f"--by must be jurisdiction or doc, not {by!r}")
    labels = doc_labels(documents)
    grouped: dict[str, dict[str, list[PlaceTarget]]] = defaultdict(lambda: defaultdict(list))
    rows: dict[str, Row] = {}
    homes: dict[str, str | None] = {}
    for target in place_targets(documents, registry, by, labels):
        key, label, canonical = _row_key(target.match, target.kind)
        if indicator is not None and (canonical is None or canonical.id != indicator):
            continue
        # Like with like: a row holds one base unit. The registry's unit is a canonical row's
        # (an unmapped row's: the first seen); a target in another (a share in % of an indicator
        # counted in 家) gets a row of its own, labelled with its base.
        if key not in homes:
            homes[key] = _canonical_base(canonical) if canonical is not None else target.unit_base
        if target.unit_base != homes[key]:
            key, label = f"{key}@{target.unit_base}", f"{label} [{target.unit_base or 'no unit'}]"
        rows.setdefault(key, Row(key=key, label=label, kind=target.kind, indicator=canonical))
        grouped[key][target.place].append(target)

    codes: dict[str, str] = {}
    for record in documents:
        if not is_national(record):
            place = place_of(record, by, labels)
            code = str(record.get("jurisdiction_code") or "999999")
            codes[place] = min(codes.get(place, code), code)
    national_docs = sorted(str(r["doc"]) for r in documents if is_national(r))

    for key, row in rows.items():
        for place, targets in grouped[key].items():
            cell = choose(targets, row.better)
            if place == NATIONAL:
                row.national = cell
            else:
                row.cells[place] = cell
        if row.national is not None:
            for cell in row.cells.values():
                _against_national(cell, row.national, row)

    order = {ind.id: i for i, ind in enumerate(registry.indicators)}

    def row_order(row: Row) -> tuple[int, int, int, str]:
        if row.indicator is not None:
            return (0, order[row.indicator.id], row.kind != row.indicator.kind, row.key)
        return (1, -len(row.cells) - (row.national is not None), 0, row.key)

    # A place without any cell (no targets, or none of the chosen indicator) is no column.
    filled = {place for row in rows.values() for place in row.cells}
    places = sorted((p for p in codes if p in filled), key=lambda p: (codes[p], p))
    return Comparison(
        places=places,
        rows=sorted(rows.values(), key=row_order),
        national_docs=national_docs,
        by=by,
    )


def most_covered_row(comparison: Comparison) -> Row | None:
    """The mapped row filled for the most places (registry order breaks ties): the default chart."""
    mapped = [row for row in comparison.rows if row.mapped and row.cells]
    if not mapped:
        return None
    return max(mapped, key=lambda row: len(row.cells))
