"""Sectors: a GB/T 4754-2017 section letter from the sector lexicon (GUIDELINES §4)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import cache

from pipeline.resources import ResourceError, load_yaml
from pipeline.textview import matching_form
from schemas import SectorCount

_VALID_LETTERS = set("ABCDEFGHIJKLMNOPQRST")
WHOLE_ECONOMY = "-"


@cache
def sector_words() -> tuple[tuple[str, str], ...]:
    """(word, letter) pairs, longest word first; ``-`` marks whole-economy words."""
    data = load_yaml("sectors.yaml")
    pairs: dict[str, str] = {word: WHOLE_ECONOMY for word in data["whole_economy"]}
    for letter, words in data["sections"].items():
        if letter not in _VALID_LETTERS:
            raise ResourceError(f"sectors.yaml: unknown section letter {letter!r}")
        for word in words:
            if word in pairs:
                raise ResourceError(f"sectors.yaml: {word!r} listed twice")
            pairs[word] = letter
    return tuple(sorted(pairs.items(), key=lambda item: -len(item[0])))


def sector_of(phrase: str) -> str | None:
    """The section of the first (leftmost, then longest) sector word in ``phrase``."""
    simplified = matching_form(phrase)
    best: tuple[int, int, str] | None = None
    for word, letter in sector_words():
        position = simplified.find(word)
        if position >= 0 and (best is None or (position, -len(word)) < (best[0], -best[1])):
            best = (position, len(word), letter)
    if best is None or best[2] == WHOLE_ECONOMY:
        return None
    return best[2]


def count_sectors(letters: Iterable[str | None]) -> list[SectorCount]:
    counts = Counter(letter for letter in letters if letter)
    return [SectorCount(sector=s, count=n) for s, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
