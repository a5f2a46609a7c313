"""A chart of one indicator across places, the national target as a horizontal line: bars on an
axis from zero, dots on stems from the national line where the axis is cut.

Chinese labels need a CJK font: the one the project installs (Noto Sans SC from the
``pylopdf-fonts-zh-cn`` package) is used first, else any installed font that matplotlib's font
manager knows and that has the glyphs. With none, :class:`ChartError` says so rather than
drawing boxes. Drawing uses the Agg canvas directly: no pyplot state, no display needed.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from pipeline.compare.records import NATIONAL
from pipeline.compare.table import Comparison, Row

# Characters a font must have to label these charts (a sample, not the whole repertoire).
_PROBE = "制造业质量竞争力指数全国青岛梅州市省"
_COLOURS = {"more": "#2e7d32", "less": "#c62828", "same": "#546e7a", None: "#1f77b4"}
_LEGEND = {"more": "more ambitious than", "same": "the same as", "less": "less ambitious than"}


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
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.exists() else None


@cache
def find_cjk_font() -> Path | None:
    """A font file with Chinese glyphs: the packaged one, else the first installed that covers them."""
    packaged = _packaged_font()
    if packaged is not None:
        return packaged
    candidates = sorted({entry.fname for entry in font_manager.fontManager.ttflist})
    return next((Path(path) for path in candidates if _covers(path)), None)


def _font_name(path: Path) -> str:
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def draw_indicator_chart(comparison: Comparison, row: Row, out: Path, *, dpi: int = 150) -> Path:
    """Draw ``row`` of ``comparison`` to ``out`` (PNG); returns the path written."""
    places = [place for place in comparison.places if place in row.cells]
    if not places:
        raise ChartError(f"no place has a target for {row.label}")
    font = find_cjk_font()
    if font is None:
        raise ChartError(
            "no font with Chinese glyphs found: install the project (it depends on "
            "pylopdf-fonts-zh-cn) or a system CJK font such as fonts-noto-cjk"
        )
    family = _font_name(font)
    figure = Figure(figsize=(max(6.0, 1.1 * len(places) + 2), 4.8), layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    cells = [row.cells[place] for place in places]
    values = [cell.chosen.comparable for cell in cells]
    colours = [_COLOURS[cell.ambition] for cell in cells]
    labels = [cell.chosen.display() for cell in cells]
    reference = row.national if row.indicator is None or not row.indicator.extensive else None
    reference_value = reference.chosen.comparable if reference is not None else None
    low, high = min([*values, 0.0]), max(values)
    if reference_value is not None:
        high = max(high, reference_value)
    # Index-like values cluster near the top (83–92): start the axis near them so gaps show.
    truncated = low >= 0 and min(values) > 0.5 * high
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
                fontsize=9,
                family=family,
            )
    else:
        bars = axes.bar(places, values, color=colours)
        axes.bar_label(bars, labels=labels, padding=3, fontsize=9, family=family)
    if reference is not None and reference_value is not None:
        axes.axhline(reference_value, color="#444444", linestyle="--", linewidth=1.2)
        # A legend beside the axes, not a label on the line, so no mark hides it.
        handles = [
            Line2D([], [], color="#444444", linestyle="--", label=f"{NATIONAL} {reference.chosen.display()}"),
            *(
                Patch(color=_COLOURS[ambition], label=f"{text} {NATIONAL}")
                for ambition, text in _LEGEND.items()
                if any(cell.ambition == ambition for cell in cells)
            ),
        ]
        axes.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            frameon=False,
            prop=font_manager.FontProperties(family=family, size=9),
        )
    axes.set_ylim(low, high + 0.08 * (high - low or 1))
    unit = row.indicator.unit if row.indicator and row.indicator.unit else ""
    axes.set_title(row.label + (f" ({unit})" if unit else ""), family=family)
    axes.set_ylabel(unit or "index", family=family)
    for label in axes.get_xticklabels():
        label.set_family(family)
        if len(places) > 6:
            label.set_rotation(30)
            label.set_horizontalalignment("right")
    axes.spines[["top", "right"]].set_visible(False)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=dpi)
    return out
