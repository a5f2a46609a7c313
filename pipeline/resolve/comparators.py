"""Wording → comparator, kind and direction (comparators.yaml); the qualifier wins over the verb."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import get_args

from pipeline.resources import ResourceError, load_yaml
from schemas.models import Comparator, Direction, Kind

_COMPARATORS = set(get_args(Comparator))
_KINDS = set(get_args(Kind))
_DIRECTIONS = set(get_args(Direction))


@dataclass(frozen=True, slots=True)
class Predicate:
    """What the words between an indicator and its value say."""

    comparator: str = "eq"
    kind: str = "level"
    direction: str | None = None


@dataclass(frozen=True)
class ComparatorLexicon:
    predicates: dict[str, Predicate]
    qualifiers: dict[str, str]
    prefixes: dict[str, str]
    inner_qualifiers: dict[str, str]


@cache
def comparator_lexicon() -> ComparatorLexicon:
    data = load_yaml("comparators.yaml")
    predicates: dict[str, Predicate] = {}
    for word, spec in data["predicates"].items():
        predicate = Predicate(
            comparator=spec.get("comparator", "eq"),
            kind=spec.get("kind", "level"),
            direction=spec.get("direction"),
        )
        if predicate.comparator not in _COMPARATORS or predicate.kind not in _KINDS:
            raise ResourceError(f"comparators.yaml: bad predicate {word!r}: {spec}")
        if predicate.direction is not None and predicate.direction not in _DIRECTIONS:
            raise ResourceError(f"comparators.yaml: bad direction for {word!r}")
        if (predicate.kind == "change") != (predicate.direction is not None):
            raise ResourceError(f"comparators.yaml: {word!r}: a change needs a direction, a level none")
        predicates[str(word)] = predicate
    qualifiers = {str(k): str(v) for k, v in data["qualifiers"].items()}
    prefixes = {str(k): str(v) for k, v in data["prefixes"].items()}
    inner = {str(k): str(v) for k, v in data["inner_qualifiers"].items()}
    for table, entries in (("qualifiers", qualifiers), ("prefixes", prefixes), ("inner_qualifiers", inner)):
        bad = {k: v for k, v in entries.items() if v not in _COMPARATORS}
        if bad:
            raise ResourceError(f"comparators.yaml: unknown comparator in {table}: {bad}")
    return ComparatorLexicon(predicates, qualifiers, prefixes, inner)


BARE_PREDICATE = Predicate()  # a bare figure's: eq, level (frozen: one value shared by every item)


def resolve_predicate(words: str | None) -> Predicate:
    """The predicate's meaning; no predicate (a bare figure) is ``eq`` level."""
    if not words:
        return BARE_PREDICATE
    return comparator_lexicon().predicates.get(words, BARE_PREDICATE)


def resolve_comparator(predicate: Predicate, prefix: str | None = None, qualifier: str | None = None) -> str:
    """Qualifier after the value, then a prefix before the number, then the predicate."""
    lexicon = comparator_lexicon()
    if qualifier and qualifier in lexicon.qualifiers:
        return lexicon.qualifiers[qualifier]
    if qualifier and qualifier in lexicon.inner_qualifiers:
        return lexicon.inner_qualifiers[qualifier]
    if prefix and prefix in lexicon.prefixes:
        return lexicon.prefixes[prefix]
    return predicate.comparator
