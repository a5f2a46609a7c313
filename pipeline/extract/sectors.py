"""Sectors: a GB/T 4754-2017 section letter from the sector lexicon (GUIDELINES §4)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import cache, lru_cache

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


@cache
def _sector_word_re() -> re.Pattern[str]:
    # Longest words first: at one position the regex takes the first alternative that matches.
    return re.compile("|".join(re.escape(word) for word, _ in sector_words()))


@cache
def _sector_letters() -> dict[str, str]:
    return dict(sector_words())


@lru_cache(maxsize=65536)
def sector_of(phrase: str) -> str | None:
    """The section of the first (leftmost, then longest) sector word in ``phrase``."""
    match = _sector_word_re().search(matching_form(phrase))
    if match is None:
        return None
    letter = _sector_letters()[match.group(0)]
    return None if letter == WHOLE_ECONOMY else letter


def count_sectors(letters: Iterable[str | None]) -> list[SectorCount]:
    counts = Counter(letter for letter in letters if letter)
    return [SectorCount(sector=s, count=n) for s, n in sorted(counts.items(), key=lambda x: (-x[1], x[0]))]
