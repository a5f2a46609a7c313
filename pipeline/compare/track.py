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
from pathlib import Path
from typing import Any, Literal

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from pipeline.compare.chart import ChartError, find_cjk_font, font_name
from pipeline.compare.records import place_of
from pipeline.compare.registry import IndicatorRegistry, normalise_indicator
from pipeline.compare.render import Grid, to_csv_records
from pipeline.compare.table import COMPARATOR_SYMBOLS, format_number, normalise_unit
from pipeline.extract.targets import target_rules

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
    """A total over several years: a multi-year review's figure, one its words call so, or a
    change against a base year earlier than the year before its period."""
    evidence = str(result.get("evidence", ""))
    period = result.get("period")
    # a change against a named base year (比2002年增长65.5%; the extractor's own pattern): over
    # several years when that year is not the one before the period
    base = target_rules()["BASE_YEAR_MENTION_RE"].search(evidence)
    return (
        "review_years" in str(result.get("reason") or "")
        or bool(CUMULATIVE_RE.search(evidence))
        or (base is not None and isinstance(period, int) and int(base.group("year")) < period - 1)
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
            if not target.get("annual"):
                # nor is a yearly average over several years (五年来…年均增长10.6%)
                candidates = [pair for pair in candidates if not pair[0].get("annual")]
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


_HEADERS = ("place", "indicator", "deadline", "target", "result", "period", "status", "gap", "documents")
STATUS_MARK = {"met": "✓ met", "missed": "✗ missed", "no_result": "· no result"}


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value)


def tracking_grid(rows: list[TrackRow], *, with_unmatched: bool = True) -> Grid:
    """The rows as a table: one line per target (``no_result`` lines only with ``with_unmatched``)."""
    shown = [r for r in rows if with_unmatched or r.status != "no_result"]
    counts = {status: sum(r.status == status for r in rows) for status in STATUS_MARK}
    grid = Grid(
        title=f"Targets against results: {counts['met']} met, {counts['missed']} missed, "
        f"{counts['no_result']} without a result",
        headers=[
            "place",
            "indicator",
            "deadline",
            "target",
            "result",
            "period",
            "status",
            "gap",
            "documents",
        ],
    )
    for row in shown:
        target = f"{COMPARATOR_SYMBOLS[row.comparator]}{_number(row.target_value)}"
        if row.target_value_max is not None:
            target += f"–{_number(row.target_value_max)}"
        unit = row.unit or ""
        sign = "-" if row.direction == "down" else ("+" if row.kind == "change" else "")
        result_sign = "-" if row.result_direction == "down" else ("+" if row.kind == "change" else "")
        grid.rows.append(
            [
                row.place,
                row.indicator,
                str(row.deadline),
                f"{sign}{target}{unit}",
                f"{result_sign}{_number(row.result_value)}{unit}" if row.result_value is not None else "",
                str(row.period or ""),
                STATUS_MARK[row.status],
                _number(row.gap),
                row.target_doc + (f" → {row.result_doc}" if row.result_doc else ""),
            ]
        )
    if not with_unmatched and counts["no_result"]:
        grid.notes.append(f"{counts['no_result']} targets without a result are not shown (--all shows them)")
    return grid


def tracking_csv(rows: list[TrackRow]) -> str:
    """The CSV columns issue #9 fixes, in order, formula-safe."""
    return to_csv_records([r.as_csv() for r in rows], list(CSV_COLUMNS))


def draw_tracking_chart(rows: list[TrackRow], out: Path, *, dpi: int = 150) -> Path:
    """Target against result for one indicator: across years (one place) or places (one year)."""
    pairs = [r for r in rows if r.result_value is not None]
    if not pairs:
        raise ChartError("no target has a result to draw")
    places = sorted({r.place for r in pairs})
    if len(places) == 1:
        pairs.sort(key=lambda r: r.deadline)
        labels = [str(r.deadline) for r in pairs]
        title = f"{places[0]} · {pairs[0].indicator}"
    else:
        year = max(r.deadline for r in pairs)
        pairs = sorted((r for r in pairs if r.deadline == year), key=lambda r: r.result_value or 0.0)
        labels = [r.place for r in pairs]
        title = f"{pairs[0].indicator} · {year}"
    font = find_cjk_font()
    if font is None:
        raise ChartError("no font with Chinese glyphs found: install a CJK font such as fonts-noto-cjk")
    family = font_name(font)
    figure = Figure(figsize=(max(6.0, 1.0 * len(pairs) + 3), 4.6), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(pairs)))
    targets = [signed(r.target_value, r.direction) for r in pairs]
    results = [signed(r.result_value or 0.0, r.result_direction) for r in pairs]
    colours = ["#2e7d32" if r.status == "met" else "#c62828" for r in pairs]
    axes.bar([p + 0.2 for p in positions], results, width=0.4, color=colours, label="result")
    axes.scatter([p - 0.2 for p in positions], targets, marker="_", s=600, color="#333333", label="target")
    axes.set_xticks(positions, labels, family=family)
    unit = pairs[0].unit or ""
    kind = "增速" if pairs[0].kind == "change" else ""
    axes.set_ylabel(f"{kind} {unit}".strip() or "value", family=family)
    axes.set_title(title, family=family)
    axes.legend(
        handles=[
            Line2D([], [], color="#333333", marker="_", linestyle="", markersize=18, label="target"),
            Patch(color="#2e7d32", label="result: met"),
            Patch(color="#c62828", label="result: missed"),
        ],
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        prop=font_manager.FontProperties(family=family, size=9),
    )
    axes.spines[["top", "right"]].set_visible(False)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=dpi)
    return out
