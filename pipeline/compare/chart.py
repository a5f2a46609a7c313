"""A chart of one indicator across places, the national target as a horizontal line: bars on an
axis from zero, dots on stems from the national line where the axis is cut. Places are ordered
by value, the most ambitious first; a growth rate says so on its axis (增速 %); the legend sits
under the plot, where no value label can reach it; when there is no national line the chart
says why.

Chinese labels need a CJK font: Noto Sans CJK SC from the ``mpl-font`` package (a font package
made for matplotlib; its file is used directly, the package is not imported, so matplotlib's
global settings stay as they are) is used first, else any installed font that matplotlib's font
manager knows and that has the glyphs. With none, :class:`ChartError` says so rather than
drawing boxes. Drawing uses the Agg canvas directly: no pyplot state, no display needed.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from pipeline.compare.records import NATIONAL
from pipeline.compare.table import Cell, Comparison, Row

# Characters a font must have to label these charts (a sample, not the whole repertoire).
_PROBE = "制造业质量竞争力指数全国青岛梅州市省增速"
_COLOURS = {"more": "#2e7d32", "less": "#c62828", "same": "#546e7a", None: "#1f77b4"}
_LEGEND = {"more": "more ambitious than", "same": "the same as", "less": "less ambitious than"}
_PACKAGED = ("fonts", "noto", "NotoSansCJKsc-Regular.otf")


class ChartError(RuntimeError):
    """The chart cannot be drawn (no CJK font, nothing to plot)."""


def _covers(path: str, sample: str = _PROBE) -> bool:
    from matplotlib.ft2font import FT2Font

    try:
        charmap = FT2Font(path).get_charmap()
    except (OSError, RuntimeError, ValueError):
        return False
    return all(ord(ch) in charmap for ch in sample)


def _packaged_font() -> Path | None:
    spec = importlib.util.find_spec("mpl_font")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*_PACKAGED)
    return path if path.exists() else None


@cache
def find_cjk_font() -> Path | None:
    """A font file with Chinese glyphs: the packaged one, else the first installed that covers them."""
    packaged = _packaged_font()
    if packaged is not None:
        return packaged
    candidates = sorted({entry.fname for entry in font_manager.fontManager.ttflist})
    return next((Path(path) for path in candidates if _covers(path)), None)


def font_name(path: Path) -> str:
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def chart_places(row: Row, places: list[str]) -> list[str]:
    """The places of ``row`` ordered by value, the most ambitious first (ties keep code order)."""
    filled = [place for place in places if place in row.cells]
    sign = -1 if row.better == "higher" else 1
    return sorted(filled, key=lambda place: sign * row.cells[place].chosen.comparable)


def axis_label(row: Row, cells: list[Cell], *, written: bool = True) -> str:
    """What the numbers are: a growth rate says 增速 (%), a cut 增减 (降为负), a level its unit
    (as written when every place writes the same one, else the base unit)."""
    unit = cells[0].chosen.unit if written else cells[0].chosen.unit_base
    if row.kind == "change":
        annual = "年均" if all(cell.chosen.annual for cell in cells) else ""
        falling = any(cell.chosen.direction == "down" for cell in cells)
        word = f"{annual}增减 (降为负)" if falling else f"{annual}增速"
        return f"{word} {unit}" if unit else word
    return unit or "index"


def no_reference_reason(comparison: Comparison, row: Row, cells: list[Cell]) -> str | None:
    """Why the chart has no national line (None when it has one)."""
    if row.indicator is not None and row.indicator.extensive:
        return f"no {NATIONAL} line: {row.label} is a total that adds up over places"
    if not comparison.has_national:
        return f"no {NATIONAL} line: no central document (jurisdiction {NATIONAL}) in the input"
    if row.national is None:
        return f"no {NATIONAL} line: the central documents set no target for {row.label}"
    if all(cell.difference is None for cell in cells):
        return f"no {NATIONAL} line: its target ({row.national.chosen.display()}) is in another unit"
    return None


def draw_indicator_chart(comparison: Comparison, row: Row, out: Path, *, dpi: int = 150) -> Path:
    """Draw ``row`` of ``comparison`` to ``out`` (PNG); returns the path written."""
    figure = indicator_figure(comparison, row)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=dpi)
    return out


def indicator_figure(comparison: Comparison, row: Row) -> Figure:
    """The chart of ``row`` as a matplotlib figure (Agg canvas), not yet saved."""
    places = chart_places(row, comparison.places)
    if not places:
        raise ChartError(f"no place has a target for {row.label}")
    font = find_cjk_font()
    if font is None:
        raise ChartError(
            "no font with Chinese glyphs found: install the project (it depends on "
            "mpl-font) or a system CJK font such as fonts-noto-cjk"
        )
    family = font_name(font)
    small = font_manager.FontProperties(family=family, size=9)
    figure = Figure(figsize=(max(6.5, 1.1 * len(places) + 2), 5.2), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    cells = [row.cells[place] for place in places]
    # Numbers are compared in the unit's base (万人 → 人); draw them in the unit as written when
    # every place writes the same one, so the axis reads 110 (万人), not 1.1e6.
    factors = {cell.chosen.factor for cell in cells}
    scale = 1 / factors.pop() if len(factors) == 1 else 1.0
    values = [cell.chosen.comparable * scale for cell in cells]
    colours = [_COLOURS[cell.ambition] for cell in cells]
    labels = [cell.chosen.display() for cell in cells]
    reason = no_reference_reason(comparison, row, cells)
    reference = row.national if reason is None else None
    reference_value = reference.chosen.comparable * scale if reference is not None else None
    low, high = min([*values, 0.0]), max([*values, 0.0])
    if reference_value is not None:
        low, high = min(low, reference_value), max(high, reference_value)
    # Index-like values cluster near the top (83–92): start the axis near them so gaps show.
    truncated = min(values) > 0 and min(values) > 0.5 * high
    if truncated:
        lowest = min([*values, *([reference_value] if reference_value is not None else [])])
        low = lowest - 0.15 * (high - lowest or 0.1 * high)
        # Bar lengths on a cut axis mislead (83 would look a fraction of 92): draw dots, each on
        # a stem from the national line, so a stem's length is the distance from it.
        base = reference_value if reference_value is not None else low
        axes.vlines(places, base, values, colors=colours, linewidth=2.5)
        axes.scatter(places, values, color=colours, s=70, zorder=3)
        for place, value, label in zip(places, values, labels, strict=True):
            below = reference_value is not None and value < reference_value
            axes.annotate(
                label,
                (place, value),
                textcoords="offset points",
                xytext=(0, -14 if below else 7),
                ha="center",
                va="top" if below else "bottom",
                fontproperties=small,
            )
    else:
        bars = axes.bar(places, values, color=colours)
        axes.bar_label(bars, labels=labels, padding=3, fontproperties=small)
    span = high - low or abs(high) or 1.0
    # Room above and below for the value labels: they stay inside the axes.
    axes.set_ylim(low - (0.1 * span if low < 0 or truncated else 0), high + 0.14 * span)
    axes.margins(x=0.6 / len(places) if len(places) < 4 else 0.06)
    handles: list[Line2D | Patch] = []
    if reference is not None and reference_value is not None:
        axes.axhline(reference_value, color="#444444", linestyle="--", linewidth=1.2)
        handles.append(
            Line2D([], [], color="#444444", linestyle="--", label=f"{NATIONAL} {reference.chosen.display()}")
        )
        handles += [
            Patch(color=_COLOURS[ambition], label=f"{text} {NATIONAL}")
            for ambition, text in _LEGEND.items()
            if any(cell.ambition == ambition for cell in cells)
        ]
    if handles:
        # Under the plot, outside the axes: no value label can run into it.
        figure.legend(
            handles=handles,
            loc="outside lower center",
            ncols=min(len(handles), 4),
            frameon=False,
            prop=small,
        )
    ylabel = axis_label(row, cells, written=scale != 1.0 or len({c.chosen.unit for c in cells}) == 1)
    axes.set_title(f"{row.label} ({ylabel})", family=family)
    axes.set_ylabel(ylabel, family=family)
    order = "most ambitious first" + (" (lower is better)" if row.better == "lower" else "")
    note = f"places, {order}" + (f"\n{reason}" if reason else "")
    axes.set_xlabel(note, fontproperties=small, color="#555555")
    axes.ticklabel_format(axis="y", style="plain", useOffset=False)
    for label in axes.get_xticklabels():
        label.set_family(family)
        if len(places) > 6:
            label.set_rotation(30)
            label.set_horizontalalignment("right")
    axes.spines[["top", "right"]].set_visible(False)
    return figure
