"""The indicator registry: canonical indicators, and the mapping of extracted indicator names onto them.

The data lives in ``resources/zh/indicators.yaml``. A name is mapped by its normalised form
(simplified, NFKC, no spaces or punctuation), then again after stripping leading scope words and
place names, then by fuzzy matching (rapidfuzz ratio) at or above the file's threshold. A name
that maps nowhere gets ``indicator_id=None``: callers keep it visible as unmapped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from rapidfuzz import fuzz, process

from pipeline.extract.document_fields import places
from pipeline.lexicon.names import indicator_key
from pipeline.resources import ResourceError, load_yaml

REGISTRY_FILE = "indicators.yaml"
Better = Literal["higher", "lower"]
MatchMethod = Literal["exact", "stripped", "fuzzy", "none"]
_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTOR_RE = re.compile(r"^[A-T]$")
_ENTRY_KEYS = {"id", "name", "variants", "unit", "sector", "better", "kind", "source", "extensive"}
_SOURCES = {"outline", "report", "plan"}


def normalise_indicator(name: str) -> str:
    """The matching key of an indicator name (:func:`pipeline.lexicon.names.indicator_key`)."""
    return indicator_key(name)


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    variants: tuple[str, ...]
    unit: str | None
    sector: str | None
    better: Better
    kind: Literal["level", "change"]
    source: str
    extensive: bool = False


@dataclass(frozen=True)
class IndicatorMatch:
    """Where one extracted indicator name landed; ``indicator`` is None when unmapped."""

    raw: str
    key: str
    indicator: Indicator | None
    score: float
    method: MatchMethod

    @property
    def indicator_id(self) -> str | None:
        return self.indicator.id if self.indicator else None


class IndicatorRegistry:
    """Canonical indicators with a lookup by normalised form and a fuzzy fallback."""

    def __init__(
        self, indicators: list[Indicator], *, fuzzy_threshold: float, prefix: str, place_names: list[str]
    ) -> None:
        self.indicators = tuple(indicators)
        self.fuzzy_threshold = fuzzy_threshold
        self._by_id = {indicator.id: indicator for indicator in indicators}
        self._by_key: dict[str, Indicator] = {}
        for indicator in indicators:
            for form in (indicator.name, *indicator.variants):
                key = normalise_indicator(form)
                owner = self._by_key.get(key)
                if owner is not None and owner.id != indicator.id:
                    raise ResourceError(
                        f"{REGISTRY_FILE}: variant {form!r} of {indicator.id} is already a form of {owner.id}"
                    )
                self._by_key[key] = indicator
        self._keys = list(self._by_key)
        self._matches: dict[str, IndicatorMatch] = {}
        try:
            scope = re.compile(prefix)
        except re.error as exc:
            raise ResourceError(f"{REGISTRY_FILE}: settings.prefix does not compile: {exc}") from exc
        # Longest place names first so 青岛市 is removed whole rather than as 青岛 + 市.
        names = sorted({normalise_indicator(n) for n in place_names if n}, key=len, reverse=True)
        self._prefix_re = scope
        self._place_re = re.compile("^(?:" + "|".join(map(re.escape, names)) + ")") if names else None

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator | None:
        return self._by_id.get(indicator_id)

    def resolve(self, id_or_name: str) -> Indicator | None:
        """An indicator by id, name or any variant (what a user types after ``--indicator``)."""
        return self._by_id.get(id_or_name) or self.match(id_or_name).indicator

    def strip_scope(self, key: str) -> str:
        """Remove leading scope words and place names (到2025年青岛市全市…) from a matching key."""
        previous = None
        while previous != key:
            previous = key
            key = self._prefix_re.sub("", key)
            if self._place_re is not None:
                key = self._place_re.sub("", key)
        return key

    def match(self, raw: str) -> IndicatorMatch:
        """Where ``raw`` maps (memoised: the same names recur across documents)."""
        if raw not in self._matches:
            self._matches[raw] = self._match(raw)
        return self._matches[raw]

    def _match(self, raw: str) -> IndicatorMatch:
        key = normalise_indicator(raw)
        if key in self._by_key:
            return IndicatorMatch(raw, key, self._by_key[key], 100.0, "exact")
        stripped = self.strip_scope(key)
        if stripped in self._by_key:
            return IndicatorMatch(raw, stripped, self._by_key[stripped], 100.0, "stripped")
        if stripped and self._keys:
            best = process.extractOne(stripped, self._keys, scorer=fuzz.ratio)
            if best is not None and best[1] >= self.fuzzy_threshold:
                return IndicatorMatch(raw, stripped, self._by_key[best[0]], round(float(best[1]), 1), "fuzzy")
        return IndicatorMatch(raw, stripped or key, None, 0.0, "none")


def _entry(raw: Any, position: int) -> Indicator:
    where = f"{REGISTRY_FILE}: indicators[{position}]"
    if not isinstance(raw, dict):
        raise ResourceError(f"{where}: expected a mapping")
    unknown = set(raw) - _ENTRY_KEYS
    if unknown:
        raise ResourceError(f"{where}: unknown keys {sorted(unknown)}")
    for required in ("id", "name", "better"):
        if not raw.get(required):
            raise ResourceError(f"{where}: missing {required!r}")
    indicator_id = str(raw["id"])
    if not _ID_RE.match(indicator_id):
        raise ResourceError(f"{where}: id {indicator_id!r} must be snake_case ASCII")
    if raw["better"] not in ("higher", "lower"):
        raise ResourceError(f"{where} ({indicator_id}): better must be higher or lower")
    kind = raw.get("kind", "level")
    if kind not in ("level", "change"):
        raise ResourceError(f"{where} ({indicator_id}): kind must be level or change")
    sector = raw.get("sector")
    if sector is not None and not _SECTOR_RE.match(str(sector)):
        raise ResourceError(f"{where} ({indicator_id}): sector {sector!r} is not a GB/T 4754 letter")
    source = raw.get("source", "plan")
    if source not in _SOURCES:
        raise ResourceError(f"{where} ({indicator_id}): source must be one of {sorted(_SOURCES)}")
    variants = raw.get("variants") or []
    if not isinstance(variants, list) or not all(isinstance(v, str) and v.strip() for v in variants):
        raise ResourceError(f"{where} ({indicator_id}): variants must be a list of non-empty strings")
    unit = raw.get("unit")
    extensive = raw.get("extensive", False)
    if not isinstance(extensive, bool):
        raise ResourceError(f"{where} ({indicator_id}): extensive must be true or false")
    return Indicator(
        id=indicator_id,
        name=str(raw["name"]),
        variants=tuple(variants),
        unit=None if unit is None else str(unit),
        sector=None if sector is None else str(sector),
        better=raw["better"],
        kind=kind,
        source=source,
        extensive=extensive,
    )


def build_registry(data: Any, place_names: list[str] | None = None) -> IndicatorRegistry:
    """Validate the parsed YAML of a registry file and build the registry (unique ids and forms)."""
    if not isinstance(data, dict) or not isinstance(data.get("indicators"), list):
        raise ResourceError(f"{REGISTRY_FILE}: expected a mapping with an 'indicators' list")
    settings = data.get("settings") or {}
    threshold = settings.get("fuzzy_threshold", 85)
    if not isinstance(threshold, int | float) or not 0 < threshold <= 100:
        raise ResourceError(f"{REGISTRY_FILE}: settings.fuzzy_threshold must be in (0, 100]")
    indicators = [_entry(raw, i) for i, raw in enumerate(data["indicators"])]
    seen: set[str] = set()
    for indicator in indicators:
        if indicator.id in seen:
            raise ResourceError(f"{REGISTRY_FILE}: duplicate id {indicator.id!r}")
        seen.add(indicator.id)
    return IndicatorRegistry(
        indicators,
        fuzzy_threshold=float(threshold),
        prefix=str(settings.get("prefix", "^$")),
        place_names=place_names or [],
    )


@cache
def load_registry() -> IndicatorRegistry:
    """The packaged registry, loaded and validated once per process."""
    place_names = [name for place in places() for name in (place.name, place.short)]
    return build_registry(load_yaml(REGISTRY_FILE), place_names)
