"""Column tables: tables whose header row names the columns (GUIDELINES §1 "Tables", §7).

A header row names each column's role — indicator (指标/指标名称), unit (单位), attribute (属性),
value columns (``2020年``, ``2025年目标值``, ``基期值``, ``现状值`` …), a task (目标任务) and the
bodies in charge (牵头单位, 责任单位) — in any order. Tables come as pipe rows (``a | b | c``),
tab-separated rows, or dumped one cell per line (a line per cell, with or without a trailing
``|``). Rows are read by what their cells hold (a number, a unit, 预期性/约束性, text), the
header's order deciding between cells of one kind, so a merged cell (a category spanning rows)
that a dump leaves out does not shift the rest.

Each cell under a target column is a :class:`schemas.Target` (deadline from the header, unit
from the unit column or the indicator's parentheses, ``binding`` from the attribute); each cell
under a base column (a year before the document's, 基期值, 现状值) is a :class:`schemas.Result`
with that year as its ``period``; statistics columns (绝对数, 比上年增长(%)) give results for the
table's year. Task tables (a lead or responsible column) give no values here: their task text is
read by the clause pass, and :mod:`pipeline.extract.responsible` reads their bodies.

Words and patterns: ``resources/zh/column_tables.yaml``.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from pipeline.extract.context import DocumentContext
from pipeline.extract.sectors import sector_of
from pipeline.extract.time_scope import TimeScope
from pipeline.resolve.comparators import Predicate, comparator_lexicon, resolve_comparator, resolve_predicate
from pipeline.resolve.numbers import parse_number
from pipeline.resolve.units import resolve_unit, unit_lexicon
from pipeline.resources import ResourceError, compile_expanded, expand_references, load_yaml
from pipeline.textview import TextView
from schemas import Result, Target

_ROLES = (
    "serial",
    "category",
    "indicator",
    "unit",
    "attribute",
    "task",
    "lead",
    "responsible",
    "leader",
    "deadline",
    "remark",
)
VALUE_ROLES = ("target", "base", "amount", "change")
BODY_ROLES = ("lead", "responsible")
_SPACE_RE = re.compile(r"\s+")
_TOKEN_RE = re.compile(r"\S+")
_INDICATOR_DROP_RE = re.compile(r"[\s\"“”‘’'「」『』]+")
_MIN_HEADER_CELLS = 2
_MIN_FLAT_HEADER_CELLS = 3


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True)
class TableRules:
    patterns: dict[str, re.Pattern[str]]
    header_words: dict[str, str]
    attribute_values: dict[str, bool]
    text_roles: tuple[str, ...]
    max_flat_cell: int


@cache
def table_rules() -> TableRules:
    data = load_yaml("column_tables.yaml")
    header_words: dict[str, str] = {}
    for role, words in data["header_words"].items():
        if role not in _ROLES:
            raise ResourceError(f"column_tables.yaml: unknown header role {role!r}; valid: {_ROLES}")
        for word in words:
            if word in header_words:
                raise ResourceError(f"column_tables.yaml: header word {word!r} listed twice")
            header_words[str(word)] = role
    attributes = {str(k): bool(v) for k, v in data["attribute_values"].items()}
    text_roles = tuple(str(r) for r in data["text_roles"])
    if bad := set(text_roles) - set(_ROLES):
        raise ResourceError(f"column_tables.yaml: unknown text roles {sorted(bad)}")
    lexicon = comparator_lexicon()
    prefix_words = [*lexicon.prefixes, *(w for w, p in lexicon.predicates.items() if len(w) > 1)]
    fragments = {str(k): str(v) for k, v in data["patterns"].items()}
    built = {
        "UNIT": unit_lexicon().fragment(),
        "PREFIX": _alternation(prefix_words),
        "QUALIFIER": _alternation(list(lexicon.qualifiers)),
    }
    if clash := set(built) & set(fragments):
        raise ResourceError(f"column_tables.yaml: fragments {sorted(clash)} are built from other files")
    expanded = expand_references({**fragments, **built}, "column_tables.yaml")
    return TableRules(
        patterns=compile_expanded(expanded, "column_tables.yaml"),
        header_words=header_words,
        attribute_values=attributes,
        text_roles=text_roles,
        max_flat_cell=int(data["max_flat_cell"]),
    )


@cache
def _plan_periods() -> dict[str, int]:
    return {str(k): int(v) for k, v in load_yaml("deadline_words.yaml")["plan_periods"].items()}


@dataclass(frozen=True, slots=True)
class Cell:
    """A cell's text span, trimmed of spaces (``start == end`` for an empty cell)."""

    start: int
    end: int


@dataclass(frozen=True)
class Column:
    role: str  # one of _ROLES or VALUE_ROLES
    header: Cell
    year: int | None = None
    unit: str | None = None


@dataclass
class Row:
    cells: list[Cell]
    # filled by _assign: role → cells (value columns by column index)
    by_role: dict[str, list[Cell]] = field(default_factory=dict)
    values: dict[int, Cell] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.cells[0].start

    @property
    def end(self) -> int:
        return self.cells[-1].end


@dataclass
class Table:
    start: int
    end: int
    columns: list[Column]
    rows: list[Row]
    caption_year: int | None = None

    @property
    def has_values(self) -> bool:
        return any(c.role in VALUE_ROLES for c in self.columns)

    @property
    def has_bodies(self) -> bool:
        return any(c.role in BODY_ROLES for c in self.columns)


def _trimmed(norm: str, start: int, end: int) -> Cell:
    while start < end and norm[start].isspace():
        start += 1
    while end > start and norm[end - 1].isspace():
        end -= 1
    return Cell(start, end)


def _has_space(norm: str, cell: Cell) -> bool:
    """Whether a trimmed cell holds white space (inside it: its ends have none). str.split stops
    at the first one and reads a long line several times faster than a regex scan for white
    space (the same characters: both use Unicode's white space)."""
    return len(norm[cell.start : cell.end].split(maxsplit=1)) > 1


def _key(text: str) -> str:
    return _SPACE_RE.sub("", text).rstrip(":")


def _classify_header(text: str, document_year: int | None) -> tuple[str, int | None, str | None] | None:
    """A header cell's (role, year, unit), or None when it names no column."""
    rules = table_rules()
    key = _key(text)
    if not key:
        return None
    bare = re.sub(r"\([^()]{1,8}\)$", "", key)
    if key in rules.header_words or bare in rules.header_words:
        return rules.header_words.get(key) or rules.header_words[bare], None, None
    match = rules.patterns["VALUE_HEADER_RE"].fullmatch(key)
    if match and (match.group("year") or match.group("role") or match.group("period")):
        year_text = match.group("year") or match.group("year2")
        year = int(year_text) if year_text else _plan_periods().get(match.group("period") or "")
        role_word = match.group("role") or ""
        if role_word and rules.patterns["BASE_ROLE_RE"].fullmatch(role_word):
            role = "base"
        elif role_word:
            role = "target"
        else:
            role = "year"  # a bare year: base or target once the whole header is read
        return role, year, match.group("unit")
    for name, role in (("AMOUNT_HEADER_RE", "amount"), ("CHANGE_HEADER_RE", "change")):
        match = rules.patterns[name].fullmatch(key)
        if match:
            return role, None, match.group("unit")
    return None


def _header(norm: str, cells: list[Cell], document_year: int | None, minimum: int) -> list[Column] | None:
    """The columns a header row names, or None when the row is no header."""
    classified = [_classify_header(norm[c.start : c.end], document_year) for c in cells]
    named = [c for c in classified if c is not None]
    if len(named) < minimum or len(named) < len([c for c in cells if c.end > c.start]) * 0.6:
        return None
    roles = {c[0] for c in named}
    has_values = bool(roles & {"year", "target", "base", "amount", "change"})
    has_bodies = bool(roles & set(BODY_ROLES))
    has_text = bool(roles & {"indicator", "category", "task", "unit", "attribute"})
    if not ((has_values or has_bodies) and has_text):
        return None
    columns: list[Column] = []
    years = [c[1] for c in named if c[0] == "year" and c[1] is not None]
    for cell, found in zip(cells, classified, strict=True):
        if found is None:
            columns.append(Column("remark", cell))
            continue
        role, year, unit = found
        if role == "year":
            # a bare year: before the document's year, or the earliest of several, is the base
            if document_year is not None:
                role = "base" if year is not None and year < document_year else "target"
            else:
                role = "base" if len(years) > 1 and year == min(years) else "target"
        columns.append(Column(role, cell, year, unit))
    if not has_values:
        # a task table: 主要任务 names the task, not a category
        columns = [Column("task", c.header) if c.role == "category" else c for c in columns]
    return columns


# -- finding tables ---------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    cells: list[Cell]  # split cells (pipe/tab rows), or the one cell of a flat line
    kind: str  # "row" (pipe/tab), "cell" (one cell, trailing |), "short" (short line), "blank", "text"


def _lines(view: TextView) -> list[_Line]:
    rules = table_rules()
    norm = view.norm
    separator = rules.patterns["SEPARATOR_ROW_RE"]
    lines: list[_Line] = []
    position = 0
    for raw in norm.split("\n"):
        start, end = position, position + len(raw)
        position = end + 1
        stripped = raw.strip()
        if not stripped:
            lines.append(_Line(start, end, [], "blank"))
            continue
        if separator.fullmatch(raw):
            lines.append(_Line(start, end, [], "separator"))
            continue
        pipes = raw.count("|")
        if pipes == 1 and stripped.endswith("|"):
            cell = _trimmed(norm, start, start + raw.rindex("|"))
            lines.append(_Line(start, end, [cell], "cell"))
            continue
        if pipes >= 1 or "\t" in raw:
            mark = "|" if pipes else "\t"
            bounds = [start - 1, *(start + i for i, ch in enumerate(raw) if ch == mark), end]
            cells = [_trimmed(norm, a + 1, b) for a, b in itertools.pairwise(bounds)]
            # the empty cells outside a leading/trailing pipe are no cells
            if raw.lstrip().startswith(mark):
                cells = cells[1:]
            if raw.rstrip().endswith(mark):
                cells = cells[:-1]
            lines.append(_Line(start, end, cells, "row"))
            continue
        kind = "short" if len(stripped) <= rules.max_flat_cell else "text"
        lines.append(_Line(start, end, [_trimmed(norm, start, end)], kind))
    return lines


# The last document's tables: the targets, responsible and agencies steps each ask for them.
# The text itself is the key (compared by identity, and held, so its id cannot be reused).
_LAST: list[tuple[str, int | None, list[Table]]] = []


def find_tables(view: TextView, document_year: int | None = None) -> list[Table]:
    """Every table with a header row, in text order."""
    for norm, year, tables in _LAST:
        if norm is view.norm and year == document_year:
            return tables
    tables = _find_tables(view, document_year)
    _LAST[:] = [(view.norm, document_year, tables)]
    return tables


def _find_tables(view: TextView, document_year: int | None) -> list[Table]:
    lines = _lines(view)
    norm = view.norm
    tables: list[Table] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.kind == "row":
            columns = _header(
                norm, [c for c in line.cells if c.end > c.start], document_year, _MIN_HEADER_CELLS
            )
            if columns is not None:
                table, index = _pipe_table(view, lines, index, columns)
                tables.append(table)
                continue
        # a space inside the line's trimmed cell: two spaced cells or more (no split without one)
        if line.kind in ("short", "text") and _has_space(norm, line.cells[0]):
            # a header with its cells apart by spaces (a table pasted from a PDF or a word processor)
            columns = _header(norm, _spaced_cells(norm, line), document_year, _MIN_FLAT_HEADER_CELLS)
            if columns is not None and all(c.role != "remark" for c in columns):
                table, index = _spaced_table(view, lines, index, columns)
                tables.append(table)
                continue
        if line.kind in ("cell", "short"):
            found = _flat_header(view, lines, index, document_year)
            if found is not None:
                columns, body_start = found
                header_index = body_start - len(columns)
                table, index = _flat_table(view, lines, header_index, body_start, columns)
                if table.rows:
                    tables.append(table)
                continue
        index += 1
    return tables


def _spaced_cells(norm: str, line: _Line) -> list[Cell]:
    return [Cell(m.start(), m.end()) for m in _TOKEN_RE.finditer(norm, line.start, line.end)]


def _spaced_table(view: TextView, lines: list[_Line], index: int, columns: list[Column]) -> tuple[Table, int]:
    """Rows under a space-separated header: every following line of two cells or more."""
    norm = view.norm
    stop = table_rules().patterns["FLAT_STOP_RE"]
    header = lines[index]
    table = Table(header.start, header.end, columns, [], _caption_year(view, lines, index))
    index += 1
    while index < len(lines):
        line = lines[index]
        cells = _spaced_cells(norm, line) if line.kind in ("short", "text") else []
        if len(cells) < _MIN_HEADER_CELLS or stop.fullmatch(norm, line.start, line.end):
            break
        table.rows.append(Row(cells))
        table.end = line.end
        index += 1
    return table, index


def _caption_year(view: TextView, lines: list[_Line], header_index: int) -> int | None:
    pattern = table_rules().patterns["CAPTION_YEAR_RE"]
    seen = 0
    for line in reversed(lines[:header_index]):
        if line.kind == "blank":
            continue
        match = pattern.search(view.norm, line.start, line.end)
        if match:
            return int(match.group("year"))
        seen += 1
        if seen >= 2:
            break
    return None


def _pipe_table(view: TextView, lines: list[_Line], index: int, columns: list[Column]) -> tuple[Table, int]:
    norm = view.norm
    header = lines[index]
    table = Table(header.start, header.end, columns, [], _caption_year(view, lines, index))
    index += 1
    while index < len(lines):
        line = lines[index]
        if line.kind == "separator":
            index += 1
            continue
        if line.kind == "blank" and index + 1 < len(lines) and lines[index + 1].kind == "row":
            index += 1
            continue
        if line.kind != "row":
            break
        cells = [c for c in line.cells if c.end > c.start]
        again = _header(norm, cells, None, _MIN_HEADER_CELLS)
        if again is not None and len(again) == len(columns):
            index += 1  # the header repeated on a new page
            continue
        if cells:
            table.rows.append(Row(cells))
            table.end = line.end
        index += 1
    return table, index


def _flat_header(
    view: TextView, lines: list[_Line], index: int, document_year: int | None
) -> tuple[list[Column], int] | None:
    """A header dumped one cell per line starting at ``lines[index]``: its columns and the index
    of the first body line."""
    kind = lines[index].kind
    cells: list[Cell] = []
    position = index
    while position < len(lines) and lines[position].kind == kind:
        cell = lines[position].cells[0]
        if _classify_header(view.norm[cell.start : cell.end], document_year) is None:
            break
        cells.append(cell)
        position += 1
    # a caption named like a column (主要指标 above 序号 | 指标 …) is no header cell
    roles = [(_classify_header(view.norm[c.start : c.end], document_year) or ("",))[0] for c in cells]
    first = roles.index("serial") if "serial" in roles else 0
    while first + 1 < len(roles) and roles[first] in roles[first + 1 :]:
        first += 1
    cells = cells[first:]
    if len(cells) < _MIN_FLAT_HEADER_CELLS:
        return None
    columns = _header(view.norm, cells, document_year, _MIN_FLAT_HEADER_CELLS)
    return (columns, position) if columns is not None else None


def _flat_table(
    view: TextView, lines: list[_Line], header_index: int, index: int, columns: list[Column]
) -> tuple[Table, int]:
    rules = table_rules()
    norm = view.norm
    kind = lines[header_index].kind
    stop = rules.patterns["FLAT_STOP_RE"]
    cells: list[Cell] = []
    while index < len(lines):
        line = lines[index]
        if line.kind == "blank":
            index += 1
            continue
        if line.kind != kind or (kind == "short" and stop.fullmatch(norm, line.start, line.end)):
            break
        if kind == "short" and _header(norm, [line.cells[0]], None, 1) is not None:
            break
        cells.append(line.cells[0])
        index += 1
    table = Table(lines[header_index].start, lines[index - 1].end if index else 0, columns, [])
    table.caption_year = _caption_year(view, lines, header_index)
    table.rows = _flat_rows(view, cells, columns)
    if table.rows:
        table.end = table.rows[-1].end
    return table, index


def _flat_rows(view: TextView, cells: list[Cell], columns: list[Column]) -> list[Row]:
    """Cut a one-cell-per-line body into rows: at serial numbers (1, 2, 3 …) when the table has a
    serial column, else every ``len(columns)`` cells."""
    width = len(columns)
    serial = table_rules().patterns["SERIAL_RE"]
    norm = view.norm

    def number(cell: Cell) -> int | None:
        return int(norm[cell.start : cell.end]) if serial.fullmatch(norm, cell.start, cell.end) else None

    rows: list[Row] = []
    if columns[0].role == "serial" and cells and number(cells[0]) is not None:
        starts = [0]
        expected = (number(cells[0]) or 0) + 1
        position = 0
        while True:
            exact = position + width
            if exact < len(cells) and number(cells[exact]) == expected:
                nxt = exact
            else:
                nxt = next((i for i in range(position + 2, len(cells)) if number(cells[i]) == expected), None)
            if nxt is None:
                break
            starts.append(nxt)
            position, expected = nxt, expected + 1
        # the last row ends after at most ``width`` cells
        bounds = [*starts, min(len(cells), starts[-1] + width)]
        rows = [Row(cells[a:b]) for a, b in itertools.pairwise(bounds) if b > a]
        return rows
    attribute = next((i for i, c in enumerate(columns) if c.role == "attribute"), None)
    values = table_rules().attribute_values
    marks = [i for i, c in enumerate(cells) if _key(norm[c.start : c.end]) in values]
    if attribute is not None and len(marks) * width >= len(cells) - width:
        # every row has one 预期性/约束性 cell: a row ends as many cells after it as the header
        # has columns after the attribute (a merged cell left out of a row shifts nothing)
        after = width - 1 - attribute
        start = 0
        for mark in marks:
            end = min(mark + after + 1, len(cells))
            if end - start >= 2:
                rows.append(Row(cells[start:end]))
            start = end
        return rows
    for start in range(0, len(cells) - width + 1, width):
        rows.append(Row(cells[start : start + width]))
    return rows


# -- reading rows -------------------------------------------------------------------------


def _cell_kind(view: TextView, cell: Cell, table: Table, first: bool) -> str:
    rules = table_rules()
    norm = view.norm
    text = norm[cell.start : cell.end]
    key = _key(text)
    if first and table.columns[0].role == "serial" and rules.patterns["SERIAL_RE"].fullmatch(text):
        return "serial"
    if key in rules.attribute_values:
        return "attribute"
    if rules.patterns["PLACEHOLDER_RE"].fullmatch(text):
        return "value"
    if _parse_cell(text) is not None:
        return "value"
    if any(c.role == "unit" for c in table.columns) and (resolve_unit(key) is not None or len(key) <= 4):
        if not any("\u4e00" <= ch <= "\u9fff" for ch in key) or resolve_unit(key) is not None:
            return "unit"
        if len(key) <= 3 and key.endswith(("元", "人", "吨", "亩", "米", "个", "家", "项", "件", "次", "户")):
            return "unit"
    return "text"


def _assign(view: TextView, table: Table, row: Row) -> None:
    """Give each cell of ``row`` a column: by position when the row is complete and every cell
    fits its column, else by what the cells hold (values in value columns, text in text columns,
    merged cells missing on the left)."""
    columns = table.columns
    row.by_role, row.values = {}, {}
    kinds = [_cell_kind(view, c, table, i == 0) for i, c in enumerate(row.cells)]
    expected = {
        "serial": {"serial"},
        "attribute": {"attribute", "text"},
        "unit": {"unit", "value", "text"},
    }
    if len(row.cells) == len(columns) and all(
        kind in expected.get(col.role, {"value"} if col.role in VALUE_ROLES else {"text", "unit"})
        for kind, col in zip(kinds, columns, strict=True)
    ):
        for index, (cell, col) in enumerate(zip(row.cells, columns, strict=True)):
            if col.role in VALUE_ROLES:
                row.values[index] = cell
            else:
                row.by_role.setdefault(col.role, []).append(cell)
        return
    value_cols = [i for i, c in enumerate(columns) if c.role in VALUE_ROLES]
    value_cells = [c for c, k in zip(row.cells, kinds, strict=True) if k == "value"]
    # right-aligned: a missing value cell is the base, not the target
    for col_index, cell in zip(reversed(value_cols), reversed(value_cells), strict=False):
        row.values[col_index] = cell
    for cell, kind in zip(row.cells, kinds, strict=True):
        if kind in ("attribute", "unit", "serial"):
            row.by_role.setdefault(kind, []).append(cell)
    first_value_col = value_cols[0] if value_cols else len(columns)
    first_value_cell = next((i for i, k in enumerate(kinds) if k == "value"), len(kinds))
    text_before = [c for c, k in zip(row.cells[:first_value_cell], kinds, strict=False) if k == "text"]
    text_after = [
        c for c, k in zip(row.cells[first_value_cell:], kinds[first_value_cell:], strict=False) if k == "text"
    ]
    roles = table_rules().text_roles
    cols_before = [c.role for c in columns[:first_value_col] if c.role in roles]
    cols_after = [c.role for c in columns[first_value_col:] if c.role in roles]
    # before the values, missing (merged) cells are on the left; after them, on the right
    for role, cell in zip(reversed(cols_before), reversed(text_before), strict=False):
        row.by_role.setdefault(role, []).insert(0, cell)
    for role, cell in zip(cols_after, text_after, strict=False):
        row.by_role.setdefault(role, []).append(cell)


@dataclass
class _Parsed:
    value: float
    value_max: float | None
    unit: str | None
    comparator: str
    predicate: Predicate
    cumulative: bool
    annual: bool = False


def _parse_one(text: str) -> _Parsed | None:
    match = table_rules().patterns["VALUE_CELL_RE"].fullmatch(text)
    if match is None:
        return None
    value = parse_number(match.group("num"))
    if value is None:
        return None
    value_max = parse_number(match.group("num2")) if match.group("num2") else None
    unit_text = match.group("unit") or match.group("unit1")
    resolved = resolve_unit(unit_text)
    unit = resolved.surface if resolved else unit_text
    lexicon = comparator_lexicon()
    predicate = Predicate()
    prefix: str | None = None
    for word in (match.group("prefix"), match.group("prefix2")):
        if word and word in lexicon.prefixes:
            prefix = word
        elif word:
            predicate = resolve_predicate(word)
    comparator = resolve_comparator(predicate, prefix, match.group("qual"))
    if value_max is not None and match.group("qual") is None and prefix is None:
        comparator = "eq"
    if match.group("sign"):
        value = -value
    lead = match.group("lead") or ""
    cumulative = bool(match.group("open")) or lead == "累计"
    return _Parsed(value, value_max, unit, comparator, predicate, cumulative, lead not in ("", "累计"))


def _parse_cell(text: str) -> list[_Parsed] | None:
    """The value(s) of a cell; two parts (5/6, 7(力争8)) give two."""
    rules = table_rules()
    text = text.strip()
    if not text:
        return None
    whole = _parse_one(text)
    if whole is not None:
        return [whole]
    stretch = rules.patterns["STRETCH_RE"].fullmatch(text)
    if stretch:
        first, second = _parse_one(stretch.group("first")), _parse_one(stretch.group("stretch"))
        if first and second:
            second.comparator = "ge" if second.comparator == "eq" else second.comparator
            return [first, second]
    parts = [p for p in rules.patterns["PART_SPLIT_RE"].split(text) if p]
    if len(parts) < 2:
        return None
    parsed = [_parse_one(p) for p in parts]
    if any(p is None for p in parsed):
        return None
    values = [p for p in parsed if p is not None]
    # GUIDELINES §1 "Several values": a trailing 左右/以上 and unit apply to every part
    last = values[-1]
    for value in values[:-1]:
        if value.comparator == "eq" and last.comparator != "eq":
            value.comparator = last.comparator
        value.unit = value.unit or last.unit
    return values


@dataclass
class _Name:
    indicators: list[str]
    unit: str | None
    predicate: Predicate
    annual: bool
    change_word: str = ""  # the change word as written (能耗降低 → 降低)


def _read_name(view: TextView, cell: Cell) -> _Name | None:
    """The indicator of a name cell: its unit parenthesis and change word go to the fields."""
    rules = table_rules()
    norm = view.norm
    start, end = cell.start, cell.end
    lead = rules.patterns["NAME_LEAD_RE"].match(norm, start, end)
    if lead and lead.end() < end:
        start = lead.end()
    mark = rules.patterns["NAME_MARK_RE"].search(norm, start, end)
    if mark and mark.start() > start:
        end = mark.start()
    unit: str | None = None
    paren = rules.patterns["NAME_UNIT_RE"].search(norm, start, end)
    if paren:
        resolved = resolve_unit(paren.group("unit").strip())
        if resolved is not None or not re.search(r"[\u4e00-\u9fff]{3}", paren.group("unit")):
            unit = resolved.surface if resolved else paren.group("unit").strip()
            end = paren.start()
    predicate = Predicate()
    annual = False
    change_word = ""
    changes = [w for w, p in comparator_lexicon().predicates.items() if p.kind == "change"]
    tail = re.search(f"(?:{_alternation(changes)})(?:率|幅度)?\\s*$", norm[start:end])
    if tail and tail.start() > 0:
        word = re.sub(r"(?:率|幅度)\s*$", "", tail.group(0)).strip()
        predicate = resolve_predicate(word)
        change_word = view.text[start + tail.start() : start + tail.start() + len(word)]
        end = start + tail.start()
        annual_tail = re.search(r"(?:年均|每年|年平均|平均每年)\s*$", norm[start:end])
        if annual_tail:
            annual, end = True, start + annual_tail.start()
        for cut in ("累计", "比基期", "较基期"):
            if norm[start:end].endswith(cut):
                end -= len(cut)
    indicator = _INDICATOR_DROP_RE.sub("", view.text[start:end])
    if not indicator or not re.search(r"[\u4e00-\u9fff]", indicator):
        return None
    return _Name([indicator], unit, predicate, annual, change_word)


def _split_name(indicator: str, count: int) -> list[str]:
    """城镇/农村居民人均可支配收入 with two values → one name for each (GUIDELINES §1 lists)."""
    parts = [p for p in re.split(r"[/、和及与]", indicator) if p]
    if len(parts) != count:
        return [indicator] * count
    last = parts[-1]
    completed = []
    for part in parts[:-1]:
        if len(part) < len(last):
            completed.append(part + last[len(part) :])
        else:
            completed.append(part)
    return [*completed, last]


def _binding(view: TextView, row: Row) -> bool | None:
    values = table_rules().attribute_values
    for cell in row.by_role.get("attribute", []):
        key = _key(view.norm[cell.start : cell.end])
        if key in values:
            return values[key]
    return None


def _unit_cell(view: TextView, row: Row) -> str | None:
    for cell in row.by_role.get("unit", []):
        text = view.norm[cell.start : cell.end].strip()
        if not text or table_rules().patterns["PLACEHOLDER_RE"].fullmatch(text):
            continue
        resolved = resolve_unit(_key(text))
        return resolved.surface if resolved else _key(view.text[cell.start : cell.end])
    return None


def _evidence(view: TextView, start: int, end: int) -> tuple[int, int, str]:
    return start, end, view.text[start:end]


def _row_items(
    view: TextView, table: Table, row: Row, scope: TimeScope, title_year: int | None
) -> tuple[list[Target], list[Result]]:
    names = row.by_role.get("indicator") or row.by_role.get("category") or []
    if not names or not row.values:
        return [], []
    name_cell = names[-1]
    name = _read_name(view, name_cell)
    if name is None:
        return [], []
    binding = _binding(view, row)
    row_unit = _unit_cell(view, row)
    targets: list[Target] = []
    results: list[Result] = []
    for col_index, cell in sorted(row.values.items()):
        column = table.columns[col_index]
        parsed = _parse_cell(view.norm[cell.start : cell.end])
        if not parsed:
            continue
        indicators = _split_name(name.indicators[0], len(parsed))
        start, end, evidence = _evidence(view, min(name_cell.start, cell.start), max(name_cell.end, cell.end))
        for indicator, value in zip(indicators, parsed, strict=True):
            # a change column is in per cent unless its header says otherwise (比上年增长(%))
            column_unit = column.unit or ("%" if column.role == "change" else None)
            unit = value.unit or column_unit or row_unit or name.unit
            resolved = resolve_unit(unit) if unit else None
            unit = resolved.surface if resolved else unit
            predicate = name.predicate if value.predicate == Predicate() else value.predicate
            kind, direction, annual = predicate.kind, predicate.direction, name.annual or value.annual
            shown = indicator
            number = value.value
            if column.role == "change":
                kind, direction = "change", "up"
            if number < 0 and kind == "change":
                number, direction = -number, "down" if direction == "up" else "up"
            if value.cumulative and kind == "change" and value.predicate == Predicate():
                # [13.5] under 能耗降低: a cumulative level, the change word stays in the name
                shown = indicator + name.change_word
                kind, direction, annual = "level", None, False
            if unit in unit_lexicon().change_units and kind == "level":
                kind, direction = "change", "up"
            common = {
                "indicator": shown,
                "value": number,
                "value_max": value.value_max,
                "unit": unit,
                "comparator": value.comparator,
                "kind": kind,
                "direction": direction,
                "annual": annual,
                "sector": sector_of(shown),
                "start": start,
                "end": end,
                "evidence": evidence,
                "rule": "column_table",
            }
            if column.role == "target":
                year = column.year
                year_text = view.text[column.header.start : column.header.end] if year else None
                if year is None:
                    time = scope.at(name_cell.start, cell.end)
                    year = time.year
                    year_text = time.deadline.text if time.deadline else None
                targets.append(Target(**common, deadline=year, deadline_text=year_text, binding=binding))
            else:
                period = column.year or table.caption_year or title_year
                results.append(Result(**common, period=period))
    return targets, results


def _title_year(view: TextView, context: DocumentContext) -> int | None:
    pattern = table_rules().patterns["CAPTION_YEAR_RE"]
    head = context.title or view.norm.split("\n", 1)[0]
    match = pattern.search(head)
    return int(match.group("year")) if match else None


class ColumnTables(NamedTuple):
    """What the column tables of a document hold."""

    targets: list[Target]
    results: list[Result]
    covered: list[tuple[int, int]]  # text ranges of the value tables
    task_rows: list[tuple[int, int]]  # rows of task tables: their task text holds the targets

    def covers(self, offset: int) -> bool:
        return any(start <= offset < end for start, end in self.covered)


def extract_column_tables(view: TextView, scope: TimeScope, context: DocumentContext) -> ColumnTables:
    """Targets and results of every column table, and the text ranges the value tables cover
    (the clause and old table passes skip those)."""
    targets: list[Target] = []
    results: list[Result] = []
    covered: list[tuple[int, int]] = []
    title_year = _title_year(view, context)
    # a scope stand-in (tests) may not know the document's year: the publication year then
    document_year = getattr(scope, "document_year", None) or context.year
    task_rows: list[tuple[int, int]] = []
    for table in find_tables(view, document_year):
        if not table.has_values:
            if any(c.role == "task" for c in table.columns):
                task_rows += [(row.start, row.end) for row in table.rows]
            continue
        covered.append((table.start, table.end))
        for row in table.rows:
            _assign(view, table, row)
            row_targets, row_results = _row_items(view, table, row, scope, title_year)
            targets.extend(row_targets)
            results.extend(row_results)
    return ColumnTables(targets, _unique(results), covered, task_rows)


def _unique(results: list[Result]) -> list[Result]:
    """One result per indicator, value, unit and period."""
    seen: set[tuple[str, float, str | None, int | None]] = set()
    kept: list[Result] = []
    for result in results:
        key = (result.indicator, result.value, result.unit, result.period)
        if key not in seen:
            seen.add(key)
            kept.append(result)
    return kept


def assigned_rows(view: TextView, document_year: int | None = None) -> list[tuple[Table, Row]]:
    """Every row of every table, its cells given columns (for the responsible bodies)."""
    rows: list[tuple[Table, Row]] = []
    for table in find_tables(view, document_year):
        for row in table.rows:
            _assign(view, table, row)
            rows.append((table, row))
    return rows
