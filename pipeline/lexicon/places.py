"""GB/T 2260 places: the country, provinces, prefectures and every county-level division.

Rows come from ``resources/zh/places.tsv`` (name, code, level, short, parent); the rules for
county names that read as ordinary words come from ``resources/zh/place_rules.yaml``. The table
is validated when it is built: a bad row raises :class:`ResourceError` naming the file, the line
and the entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from pipeline.resources import ResourceError

PLACE_LEVELS = ("country", "province", "prefecture", "county")
PLACES_FILE = "places.tsv"
RULES_FILE = "place_rules.yaml"
_CODE_RE = re.compile(r"\d{6}")


@dataclass(frozen=True)
class Place:
    name: str
    code: str
    level: str
    short: str
    parent: str | None
    # The jurisdiction as the gold writes it: a city's district with its city (鞍山市立山区),
    # every other place by its own name (平阴县, 南安市, 青岛市).
    display: str = ""

    @property
    def jurisdiction(self) -> str:
        return self.display or self.name


@dataclass(frozen=True)
class PlaceTable:
    """Places with their lookups and one compiled matcher over every name."""

    rows: tuple[Place, ...]
    needs_parent: frozenset[str] = frozenset()
    county_openers: str = ""
    by_name: dict[str, tuple[Place, ...]] = field(default_factory=dict, compare=False)
    by_code: dict[str, Place] = field(default_factory=dict, compare=False)
    # first character -> the lengths of the names that open with it, longest first
    opener_lengths: dict[str, tuple[int, ...]] = field(default_factory=dict, compare=False)

    def named(self, name: str) -> tuple[Place, ...]:
        return self.by_name.get(name, ())

    def unique(self, name: str) -> Place | None:
        """The place of that name (or short name) when exactly one carries it."""
        found = self.by_name.get(name, ())
        return found[0] if len(found) == 1 else None

    def parent_of(self, place: Place) -> Place | None:
        if place.parent is None:
            return None
        # a parent is a province or a prefecture: its name is unique
        return next((p for p in self.by_name.get(place.parent, ()) if p.level != "county"), None)

    def ancestors(self, place: Place) -> Iterator[Place]:
        parent = self.parent_of(place)
        while parent is not None:
            yield parent
            parent = self.parent_of(parent)

    def finditer(self, haystack: str) -> Iterator[tuple[int, str, tuple[Place, ...]]]:
        """(position, name matched, places of that name), left to right, longest name first."""
        # the name at a position is looked up by slicing the text at each length a name opening
        # with its character has, not by trying every such name (一 or 新 opens dozens)
        by_name, opener_lengths, position, end = self.by_name, self.opener_lengths, 0, len(haystack)
        while position < end:
            for length in opener_lengths.get(haystack[position], ()):
                name = haystack[position : position + length]
                if name in by_name:
                    yield position, name, by_name[name]
                    position += len(name)
                    break
            else:
                position += 1


def _display(place: Place, parents: dict[str, Place]) -> str:
    parent = parents.get(place.parent or "")
    if (
        place.level == "county"
        and place.name.endswith("区")
        and not place.name.endswith("林区")
        and parent is not None
        and parent.name.endswith("市")
    ):
        return parent.name + place.name
    return place.name


def build_place_table(lines: Sequence[tuple[int, str]], rules: Any, source: str = PLACES_FILE) -> PlaceTable:
    """Validate the (line number, line) rows of ``places.tsv`` and build the table."""
    rows: list[Place] = []
    codes: dict[str, str] = {}
    keys: set[tuple[str, str | None]] = set()
    seen_names: set[str] = set()
    higher_names: set[str] = set()
    for number, line in lines:
        name, code, level, short, parent = ([*line.split("\t"), "", "", "", ""])[:5]
        where = f"{source} line {number} ({name!r})"
        if not name:
            raise ResourceError(f"{where}: empty name")
        if not _CODE_RE.fullmatch(code):
            raise ResourceError(f"{where}: code {code!r} is not six digits")
        if level not in PLACE_LEVELS:
            raise ResourceError(f"{where}: level {level!r} is not one of {', '.join(PLACE_LEVELS)}")
        if code in codes:
            raise ResourceError(f"{where}: code {code} already given to {codes[code]}")
        if (
            (name, parent or None) in keys
            or name in higher_names
            or (level != "county" and name in seen_names)
        ):
            raise ResourceError(f"{where}: duplicate place {name}")
        codes[code] = name
        keys.add((name, parent or None))
        seen_names.add(name)
        if level != "county":
            higher_names.add(name)
        rows.append(Place(name, code, level, short, parent or None))
    higher = {p.name: p for p in rows if p.level != "county"}
    for place in rows:
        if place.parent and place.parent not in higher:
            raise ResourceError(f"{source}: {place.name} ({place.code}) has unknown parent {place.parent}")
        if place.level == "county" and place.code[:2] != higher[place.parent or ""].code[:2]:
            raise ResourceError(f"{source}: {place.name} ({place.code}) is not in its parent {place.parent}")
    rows = [Place(p.name, p.code, p.level, p.short, p.parent, _display(p, higher)) for p in rows]
    if not isinstance(rules, dict) or set(rules) != {"needs_parent", "county_openers"}:
        raise ResourceError(f"{RULES_FILE}: expected the keys needs_parent and county_openers")
    county_names = {p.name for p in rows if p.level == "county"}
    needs_parent = frozenset(str(n) for n in rules["needs_parent"] or [])
    unknown = sorted(needs_parent - county_names)
    if unknown:
        raise ResourceError(
            f"{RULES_FILE}: needs_parent lists {unknown[0]!r}, which is no county in {source}"
        )
    by_name: dict[str, list[Place]] = {}
    for place in rows:
        for name in dict.fromkeys((place.name, place.short)):
            if name:
                by_name.setdefault(name, []).append(place)
    opener_lengths: dict[str, set[int]] = {}
    for name in by_name:
        opener_lengths.setdefault(name[0], set()).add(len(name))
    return PlaceTable(
        rows=tuple(rows),
        needs_parent=needs_parent,
        county_openers=str(rules["county_openers"]),
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_code={p.code: p for p in rows},
        opener_lengths={k: tuple(sorted(v, reverse=True)) for k, v in opener_lengths.items()},
    )
