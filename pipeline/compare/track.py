"""Track targets against reported results: did a place do what it promised?

Each target is paired with a result for the same place, canonical indicator (``indicators.yaml``),
kind and unit, whose period is the target's deadline — from any input document, typically the
next year's work report. A target with no such result is ``no_result``.

How a pair is judged (GUIDELINES §1, §7): values are compared in a signed space, where a change
down (下降3%) is −3, so that a comparator reads the same way for every direction. ``ge``/``gt``/
``le``/``lt`` are read literally; ``approx`` and ``eq`` (a planned figure) are met within 5 %
(relative) of the value, or beyond it in the indicator's better direction (``better: higher`` or
``lower`` in the registry). A range (``value_max``) is met inside it or beyond it the better way.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from pipeline.compare.records import place_of
from pipeline.compare.registry import IndicatorRegistry, normalise_indicator
from pipeline.compare.table import normalise_unit

Status = Literal["met", "missed", "no_result"]
TOLERANCE = 0.05  # approx / eq: within 5 % of the planned value counts as met
CSV_COLUMNS = (
    "place",
    "indicator_id",
    "indicator",
    "deadline",
    "comparator",
    "target_value",
    "unit",
    "result_value",
    "period",
    "status",
    "gap",
    "target_doc",
    "result_doc",
)
CUMULATIVE_RE = re.compile(r"累计|[二三四五两]年(?:来|间|中)|过去[二三四五两]年|五年")
_FLIPPED = {"ge": "le", "gt": "lt", "le": "ge", "lt": "gt", "approx": "approx", "eq": "eq"}


@dataclass
class TrackRow:
    place: str
    indicator_id: str | None
    indicator: str
    deadline: int
    comparator: str
    target_value: float
    target_value_max: float | None
    unit: str | None
    kind: str
    direction: str | None
    better: str
    result_value: float | None
    result_direction: str | None
    period: int | None
    status: Status
    gap: float | None
    target_doc: str
    result_doc: str | None
    target_evidence: str
    result_evidence: str | None

    def as_csv(self) -> dict[str, Any]:
        return {column: getattr(self, column) for column in CSV_COLUMNS}


def signed(value: float, direction: str | None) -> float:
    return -value if direction == "down" else value


def judge_pair(
    comparator: str,
    target: float,
    target_max: float | None,
    direction: str | None,
    result: float,
    result_direction: str | None,
    better: str,
) -> tuple[Status, float]:
    """``met`` or ``missed`` and the gap (result − target, signed), for one target and result."""
    low = signed(target, direction)
    high = signed(target_max, direction) if target_max is not None else low
    low, high = min(low, high), max(low, high)
    got = signed(result, result_direction)
    op = _FLIPPED[comparator] if direction == "down" else comparator
    if op in ("ge", "gt", "le", "lt"):
        bound = low if op in ("ge", "gt") else high
        met = {"ge": got >= bound, "gt": got > bound, "le": got <= bound, "lt": got < bound}[op]
        return ("met" if met else "missed"), round(got - bound, 6)
    planned = high if better == "higher" else low
    tolerance = TOLERANCE * abs(planned)
    inside = low - tolerance <= got <= high + tolerance
    beyond = got >= high if better == "higher" else got <= low
    gap = 0.0 if low <= got <= high else got - (high if got > high else low)
    return ("met" if inside or beyond else "missed"), round(gap, 6)


def _is_cumulative(result: dict[str, Any]) -> bool:
    """A total over several years: a multi-year review's figure, or one its words call so."""
    return "review_years" in str(result.get("reason") or "") or bool(
        CUMULATIVE_RE.search(str(result.get("evidence", "")))
    )


def _key(registry: IndicatorRegistry, name: str) -> tuple[str | None, str]:
    match = registry.match(name)
    return match.indicator_id, match.indicator_id or f"raw:{normalise_indicator(name)}"


def _year(record: dict[str, Any]) -> int:
    published = record.get("published")
    return int(str(published)[:4]) if published else 0


def build_tracking(documents: list[dict[str, Any]], registry: IndicatorRegistry) -> list[TrackRow]:
    """One row per target with a deadline: its best result (another document, the latest one
    first) or ``no_result``."""
    results: dict[tuple[Any, ...], list[tuple[dict[str, Any], dict[str, Any]]]] = defaultdict(list)
    for record in documents:
        place = place_of(record, "jurisdiction")
        for result in record.get("results") or []:
            if result.get("period") is None:
                continue
            _, key = _key(registry, str(result["indicator"]))
            slot = (place, key, result.get("kind"), normalise_unit(result.get("unit")), int(result["period"]))
            results[slot].append((result, record))
    rows: list[TrackRow] = []
    for record in documents:
        place = place_of(record, "jurisdiction")
        for target in record.get("targets") or []:
            if target.get("deadline") is None:
                continue
            indicator_id, key = _key(registry, str(target["indicator"]))
            indicator = registry.get(indicator_id) if indicator_id else None
            # an indicator the registry does not know: a planned fall (下降3%) wants lower
            better = (
                indicator.better
                if indicator
                else ("lower" if target.get("direction") == "down" else "higher")
            )
            deadline = int(target["deadline"])
            slot = (place, key, target.get("kind"), normalise_unit(target.get("unit")), deadline)
            cumulative = bool(CUMULATIVE_RE.search(str(target.get("evidence", ""))))
            candidates = results.get(slot, [])
            if not cumulative:
                # a five-year or running total (过去五年…, 累计…) is no answer to a yearly target
                candidates = [pair for pair in candidates if not _is_cumulative(pair[0])]
            found = sorted(
                candidates,
                key=lambda pair, doc=record["doc"]: (pair[1]["doc"] != doc, _year(pair[1])),
                reverse=True,
            )
            row = TrackRow(
                place=place,
                indicator_id=indicator_id,
                indicator=indicator.name if indicator else str(target["indicator"]),
                deadline=deadline,
                comparator=str(target["comparator"]),
                target_value=float(target["value"]),
                target_value_max=target.get("value_max"),
                unit=target.get("unit"),
                kind=str(target.get("kind")),
                direction=target.get("direction"),
                better=better,
                result_value=None,
                result_direction=None,
                period=None,
                status="no_result",
                gap=None,
                target_doc=str(record["doc"]),
                result_doc=None,
                target_evidence=str(target.get("evidence", "")),
                result_evidence=None,
            )
            if found:
                result, result_record = found[0]
                row.result_value = float(result["value"])
                row.result_direction = result.get("direction")
                row.period = int(result["period"])
                row.result_doc = str(result_record["doc"])
                row.result_evidence = str(result.get("evidence", ""))
                row.status, row.gap = judge_pair(
                    row.comparator,
                    row.target_value,
                    row.target_value_max,
                    row.direction,
                    row.result_value,
                    row.result_direction,
                    better,
                )
            rows.append(row)
    rows.sort(key=lambda r: (r.place, r.indicator_id or "~", r.indicator, r.deadline, r.target_doc))
    return _one_per_target(rows)


def _one_per_target(rows: list[TrackRow]) -> list[TrackRow]:
    """A target restated in one document (headline and body) is tracked once."""
    seen: set[tuple[Any, ...]] = set()
    kept: list[TrackRow] = []
    for row in rows:
        key = (row.place, row.indicator_id or row.indicator, row.deadline, row.target_value, row.target_doc)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept
