"""Render a comparison or an overlap: a rich terminal table, CSV, Markdown or standalone HTML.

Both are first laid out as a :class:`Grid` (header, rows, sections, notes) so that every format
shows the same cells. CSV of a comparison is the exception: it is tidy (one line per place and
indicator, every number in its own column) because that is what a spreadsheet or pandas wants.

CSV cells are guarded against formula injection as OWASP advises: a text cell that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (a document id
``=1+1`` stays text in a spreadsheet); numbers and booleans are written as they are.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.compare.table import COMPARATOR_WORDS, Cell, Comparison, Row
from pipeline.wording import plural

FORMATS = ("table", "csv", "markdown", "html")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """``value`` for a CSV cell: text that a spreadsheet would run as a formula is prefixed with '."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


LEGEND = "▲ more ambitious than the national target, ▼ less, = the same (direction-aware)"


@dataclass
class Grid:
    title: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    section_starts: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _cell_text(cell: Cell | None, *, with_difference: bool = True) -> str:
    if cell is None:
        return ""
    text = cell.chosen.display()
    if with_difference and cell.difference is not None:
        text += f" [{cell.difference_text()}]"
    if cell.candidates > 1:
        text += f" (1 of {cell.candidates})"
    return text


def comparison_grid(comparison: Comparison) -> Grid:
    reference = ["全国 (reference)"] if comparison.has_national else []
    grid = Grid(
        title=f"Targets by {comparison.by}: "
        f"{plural(len(comparison.rows), 'indicator')} × "
        f"{plural(len(comparison.places), 'place' if comparison.by == 'jurisdiction' else 'document')}",
        headers=["indicator", "id", *reference, *comparison.places],
    )
    first_unmapped = next((i for i, row in enumerate(comparison.rows) if not row.mapped), None)
    for i, row in enumerate(comparison.rows):
        if i == first_unmapped and i > 0:
            grid.section_starts.append(i)
        national = [_cell_text(row.national)] if comparison.has_national else []
        places = [_cell_text(row.cells.get(place)) for place in comparison.places]
        grid.rows.append([row.label, row.indicator.id if row.indicator else "unmapped", *national, *places])
    if not comparison.rows:
        grid.notes.append("no targets in the input match (check --indicator, or the extraction)")
    if comparison.has_national:
        grid.notes.append(f"reference: {', '.join(comparison.national_docs)} (jurisdiction 全国); {LEGEND}")
    else:
        grid.notes.append("no central document (jurisdiction 全国) in the input: no reference column")
    grid.notes.append(f"several targets for one place and indicator: {comparison.choice_rule} (1 of N)")
    unmapped = sum(not row.mapped for row in comparison.rows)
    if unmapped:
        grid.notes.append(
            f"{plural(unmapped, 'row')} of indicators the registry does not know (id 'unmapped')"
        )
    return grid


def _record(row: Row, place: str, cell: Cell, reference: Cell | None) -> dict[str, Any]:
    target = cell.chosen
    match = target.match
    return {
        "indicator_id": row.indicator.id if row.indicator else "",
        "indicator": row.label,
        "kind": row.kind,
        "better": row.better,
        "place": place,
        "display": target.display(),
        "comparator": COMPARATOR_WORDS.get(target.comparator, target.comparator),
        "value": target.value,
        "value_max": "" if target.value_max is None else target.value_max,
        "unit": target.unit or "",
        "value_base": target.value_base,
        "unit_base": target.unit_base or "",
        "direction": target.direction or "",
        "annual": target.annual,
        "deadline": "" if target.deadline is None else target.deadline,
        "national_value": "" if reference is None else reference.chosen.comparable,
        "difference": "" if cell.difference is None else cell.difference,
        "ambition": cell.ambition or "",
        "candidates": cell.candidates,
        "raw_indicator": match.raw,
        "match_method": match.method,
        "match_score": match.score,
        "doc": target.doc,
        "source": target.source,
        "evidence": target.evidence,
    }


def comparison_records(comparison: Comparison) -> list[dict[str, Any]]:
    """One dict per filled cell (the national reference included, place 全国)."""
    records: list[dict[str, Any]] = []
    for row in comparison.rows:
        if row.national is not None:
            records.append(_record(row, "全国", row.national, None))
        for place in comparison.places:
            cell = row.cells.get(place)
            if cell is not None:
                records.append(_record(row, place, cell, row.national))
    return records


def to_csv_records(records: list[dict[str, Any]], fieldnames: list[str] | None = None) -> str:
    buffer = io.StringIO()
    names = fieldnames or (list(records[0]) if records else [])
    writer = csv.DictWriter(buffer, fieldnames=[csv_safe(n) for n in names], lineterminator="\n")
    writer.writeheader()
    writer.writerows({csv_safe(k): csv_safe(v) for k, v in record.items()} for record in records)
    return buffer.getvalue()


def grid_csv(grid: Grid) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([csv_safe(h) for h in grid.headers])
    writer.writerows([csv_safe(cell) for cell in row] for row in grid.rows)
    return buffer.getvalue()


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def grid_markdown(grid: Grid) -> str:
    lines = [f"### {_md(grid.title)}", ""]
    lines.append("| " + " | ".join(map(_md, grid.headers)) + " |")
    lines.append("|" + "|".join("---" for _ in grid.headers) + "|")
    lines += ["| " + " | ".join(_md(cell) for cell in row) + " |" for row in grid.rows]
    if grid.notes:
        lines.append("")
        lines += [f"- {_md(note)}" for note in grid.notes]
    return "\n".join(lines) + "\n"


def grid_html(grid: Grid) -> str:
    def cell_class(text: str) -> str:
        if "▲" in text:
            return ' class="more"'
        if "▼" in text:
            return ' class="less"'
        return ""

    head = "".join(f"<th>{html.escape(h)}</th>" for h in grid.headers)
    body: list[str] = []
    for i, row in enumerate(grid.rows):
        row_class = ' class="section"' if i in grid.section_starts else ""
        cells = "".join(f"<td{cell_class(c)}>{html.escape(c)}</td>" for c in row)
        body.append(f"<tr{row_class}>{cells}</tr>")
    notes = "".join(f"<li>{html.escape(note)}</li>" for note in grid.notes)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(grid.title)}</title>\n"
        "<style>body{font-family:sans-serif}table{border-collapse:collapse}"
        "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
        "td.more{color:#176f2c}td.less{color:#a32020}tr.section td{border-top:3px solid #888}</style>\n"
        f"</head>\n<body>\n<h3>{html.escape(grid.title)}</h3>\n"
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n" + "\n".join(body) + "\n</tbody>\n</table>\n"
        f"<ul>{notes}</ul>\n</body>\n</html>\n"
    )


def _rich_cell(text: str) -> str:
    text = escape(text)
    return text.replace("▲", "[green]▲[/green]").replace("▼", "[red]▼[/red]")


def print_grid(grid: Grid, console: Console) -> None:
    table = Table(title=grid.title, show_lines=False)
    for i, header in enumerate(grid.headers):
        table.add_column(escape(header), overflow="fold", no_wrap=i == 1, style="dim" if i == 1 else None)
    for i, row in enumerate(grid.rows):
        if i in grid.section_starts:
            table.add_section()
        table.add_row(*(_rich_cell(cell.replace(" [", "\n[", 1)) for cell in row))
    console.print(table)
    for note in grid.notes:
        console.print(f"[dim]{escape(note)}[/dim]")


WIDE_PLACES = 6


def print_comparison(comparison: Comparison, console: Console) -> None:
    """A wide grid when few places fit side by side, else one section per indicator, a line per place."""
    if len(comparison.places) <= WIDE_PLACES:
        print_grid(comparison_grid(comparison), console)
        return
    grid = comparison_grid(comparison)
    table = Table(title=grid.title)
    table.add_column("indicator", overflow="fold", min_width=34)
    table.add_column("place", overflow="fold")
    table.add_column("target", no_wrap=True)
    table.add_column("vs 全国", no_wrap=True)
    table.add_column("targets", justify="right")
    table.add_column("doc", overflow="fold")
    for row in comparison.rows:
        label = f"{escape(row.label)}\n[dim]{row.indicator.id if row.indicator else 'unmapped'}[/dim]"
        lines: list[tuple[str, Cell]] = []
        if row.national is not None:
            lines.append(("全国 (reference)", row.national))
        lines += [(place, row.cells[place]) for place in comparison.places if place in row.cells]
        for i, (place, cell) in enumerate(lines):
            table.add_row(
                label if i == 0 else "",
                escape(place),
                escape(cell.chosen.display()),
                _rich_cell(cell.difference_text()),
                str(cell.candidates),
                escape(cell.chosen.doc),
            )
        table.add_section()
    console.print(table)
    for note in grid.notes:
        console.print(f"[dim]{escape(note)}[/dim]")


def render_text(grid: Grid, fmt: str, csv_text: str | None = None) -> str:
    """The grid as text in one of csv, markdown, html (``csv_text`` overrides the wide CSV)."""
    if fmt == "csv":
        return csv_text if csv_text is not None else grid_csv(grid)
    if fmt == "markdown":
        return grid_markdown(grid)
    if fmt == "html":
        return grid_html(grid)
    raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS[1:])}")
