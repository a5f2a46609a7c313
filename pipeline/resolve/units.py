"""Units as written, with their base and factor (units.yaml): 万人 → 人 × 10⁴, ％ → %."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from pipeline.resources import ResourceError, load_yaml


@dataclass(frozen=True)
class Unit:
    """A resolved unit: ``surface`` is what the record stores (magnitude kept: 万人, 亿元)."""

    surface: str
    base: str
    factor: float
    kind: str


@dataclass(frozen=True)
class UnitLexicon:
    percent: dict[str, str]
    magnitudes: dict[str, float]
    base: dict[str, str]
    per: tuple[str, ...]
    change_units: frozenset[str]

    def fragment(self) -> str:
        """A regex fragment (no groups) matching any unit, longest alternatives first."""

        def alternation(words: list[str]) -> str:
            return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

        per = f"(?:/(?:{alternation(list(self.per))}))?"
        magnitude = f"(?:{alternation(list(self.magnitudes))})?"
        counted = f"{magnitude}(?:{alternation(list(self.base))}){per}"
        return f"(?:{alternation(list(self.percent))}|{counted})"


@cache
def unit_lexicon() -> UnitLexicon:
    data = load_yaml("units.yaml")
    try:
        percent = {str(k): str(v) for k, v in data["percent"].items()}
        magnitudes = {str(k): float(v) for k, v in data["magnitudes"].items()}
        base = {str(k): str(v) for k, v in data["base"].items()}
        per = tuple(str(p) for p in data["per"])
        change_units = frozenset(str(u) for u in data["change_units"])
    except (KeyError, AttributeError, TypeError, ValueError) as exc:
        raise ResourceError(f"units.yaml: malformed ({exc})") from exc
    clashes = set(magnitudes) & set(base)
    if clashes:
        raise ResourceError(f"units.yaml: words both magnitude and base unit: {sorted(clashes)}")
    unknown = change_units - set(percent.values()) - set(base)
    if unknown:
        raise ResourceError(f"units.yaml: change_units not defined as units: {sorted(unknown)}")
    return UnitLexicon(percent, magnitudes, base, per, change_units)


@cache
def _unit_re() -> re.Pattern[str]:
    return re.compile(unit_lexicon().fragment())


# Cached: documents repeat a handful of units thousands of times, and a Unit is immutable.
@lru_cache(maxsize=4096)
def resolve_unit(span: str | None) -> Unit | None:
    """The unit a span states (its matching form), or None for an index or a bare number."""
    if not span:
        return None
    lexicon = unit_lexicon()
    text = span.strip()
    if text in lexicon.percent:
        surface = lexicon.percent[text]
        return Unit(surface, surface, 1.0, "percent")
    if not _unit_re().fullmatch(text):
        return None
    head, _, per = text.partition("/")
    for magnitude in sorted(lexicon.magnitudes, key=len, reverse=True):
        rest = head[len(magnitude) :]
        if head.startswith(magnitude) and rest in lexicon.base:
            base = rest + (f"/{per}" if per else "")
            return Unit(text, base, lexicon.magnitudes[magnitude], lexicon.base[rest])
    if head in lexicon.base:
        return Unit(text, text, 1.0, lexicon.base[head])
    return None


def to_base(value: float, unit: str | None) -> tuple[float, str | None]:
    """``value`` in its unit's base, and that base: ``(1.8, "万家")`` → ``(18000.0, "家")``.

    A bare number (an index) keeps its value and has no unit; a unit the lexicon does not know is
    its own base (factor 1), so it still compares only with itself. Twelve significant digits:
    2.3 × 10⁴ is 23000, not 23000.000000000004.
    """
    if not unit:
        return value, None
    resolved = resolve_unit(unit)
    if resolved is None:
        return value, unit.strip() or None
    return float(f"{value * resolved.factor:.12g}"), resolved.base
