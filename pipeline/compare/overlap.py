"""Programmes and cited policies that documents (or places) share, and those unique to each.

Names are compared in normalised form (simplified, NFKC, no spaces or punctuation, 《》 dropped),
so 《质量强国建设纲要》 and 质量强国建设纲要 are one policy; the first spelling seen is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipeline.compare.records import NATIONAL, doc_labels, is_national, place_of
from pipeline.compare.render import WIDE_PLACES, Grid, print_grid
from pipeline.lexicon.names import name_key as normalise_name
from pipeline.wording import plural

ItemKind = Literal["programme", "policy"]
_SOURCES: tuple[tuple[ItemKind, str], ...] = (("programme", "programmes"), ("policy", "policies_cited"))
_PLURAL: dict[ItemKind, str] = {"programme": "programmes", "policy": "policies"}


@dataclass
class SharedItem:
    kind: ItemKind
    key: str
    name: str
    groups: set[str] = field(default_factory=set)


@dataclass
class Overlap:
    groups: list[str]
    items: list[SharedItem]

    def shared_by_all(self, kind: ItemKind | None = None) -> list[SharedItem]:
        return [i for i in self.items if len(i.groups) == len(self.groups) and kind in (None, i.kind)]

    def unique_to(self, group: str, kind: ItemKind | None = None) -> list[SharedItem]:
        return [i for i in self.items if i.groups == {group} and kind in (None, i.kind)]

    def shared(self, kind: ItemKind | None = None) -> list[SharedItem]:
        """Items in two groups or more (all included)."""
        return [i for i in self.items if len(i.groups) >= 2 and kind in (None, i.kind)]


def build_overlap(documents: list[dict[str, Any]], *, by: str = "jurisdiction") -> Overlap:
    """Group documents by place (``by='jurisdiction'``, central documents as 全国) or by document."""
    items: dict[tuple[ItemKind, str], SharedItem] = {}
    groups: list[str] = []
    labels = doc_labels(documents)
    for record in documents:
        group = NATIONAL if by == "jurisdiction" and is_national(record) else place_of(record, by, labels)
        if group not in groups:
            groups.append(group)
        for kind, field_name in _SOURCES:
            for entry in record.get(field_name) or []:
                name = str(entry["name"] if isinstance(entry, dict) else entry)
                key = normalise_name(name)
                if not key:
                    continue
                item = items.setdefault((kind, key), SharedItem(kind=kind, key=key, name=name))
                item.groups.add(group)
    # The national column first: what spread from the centre reads left to right.
    groups.sort(key=lambda g: g != NATIONAL)  # stable: first-seen order otherwise
    ordered = sorted(items.values(), key=lambda i: (i.kind, -len(i.groups), i.key))
    return Overlap(groups=groups, items=ordered)


def overlap_grid(overlap: Overlap) -> Grid:
    total = len(overlap.groups)
    grid = Grid(
        title=f"Programmes and cited policies across {plural(total, 'group')}",
        headers=["kind", "name", "shared by", *overlap.groups],
    )
    previous_kind = None
    for i, item in enumerate(overlap.items):
        if previous_kind is not None and item.kind != previous_kind:
            grid.section_starts.append(i)
        previous_kind = item.kind
        marks = ["✓" if group in item.groups else "" for group in overlap.groups]
        grid.rows.append([item.kind, item.name, f"{len(item.groups)} of {total}", *marks])
    for kind, kinds in _PLURAL.items():
        grid.notes.append(
            f"{kinds}: {len(overlap.shared_by_all(kind))} shared by all, "
            f"{len(overlap.shared(kind))} shared by two or more; unique: "
            + ", ".join(f"{g} {len(overlap.unique_to(g, kind))}" for g in overlap.groups)
        )
    return grid


def overlap_records(overlap: Overlap) -> list[dict[str, Any]]:
    """One dict per programme or policy for CSV: counts as numbers, one boolean column per group."""
    total = len(overlap.groups)
    return [
        {
            "kind": item.kind,
            "name": item.name,
            "groups": len(item.groups),
            "of_groups": total,
            "shared_by_all": len(item.groups) == total,
            **{group: group in item.groups for group in overlap.groups},
        }
        for item in overlap.items
    ]


def print_overlap(overlap: Overlap, console: Console) -> None:
    """Few groups: a grid of marks. More: one line per item naming where it is mentioned, which
    stays readable at 120 columns whatever the number of places."""
    grid = overlap_grid(overlap)
    if len(overlap.groups) <= WIDE_PLACES:
        print_grid(grid, console)
        return
    total = len(overlap.groups)
    table = Table(title=grid.title)
    table.add_column("kind", no_wrap=True)
    table.add_column("name", overflow="fold", ratio=2)
    table.add_column("places", justify="right", no_wrap=True)
    table.add_column("where", overflow="fold", ratio=3)
    previous_kind = None
    for item in overlap.items:
        if previous_kind is not None and item.kind != previous_kind:
            table.add_section()
        previous_kind = item.kind
        where = [g for g in overlap.groups if g in item.groups]
        where_text = "all" if len(where) == total else "、".join(where)
        table.add_row(item.kind, escape(item.name), f"{len(item.groups)} of {total}", escape(where_text))
    console.print(table)
    for note in grid.notes:
        console.print(f"[dim]{escape(note)}[/dim]", soft_wrap=False)
