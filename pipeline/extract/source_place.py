"""A document's place from its source's name, when the text names none (GUIDELINES §5).

Scraped files and portal addresses carry their place in pinyin (``xinxiang_2023_choucha.txt``,
``http://www.nanling.gov.cn/…``) where the text says only 我市, 市级 or 县教育局. Each lower-case
run of letters in the file's name (or the address's host and path) is looked up in
``place_pinyin.tsv``; a written level suffix (``huangshanqu``) must agree with the place. Where
several places share the pinyin (新乡市 and 新乡县), the text decides: a parent it names, then the
level it speaks for (全市, 县领导). Still ambiguous, no place.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import urlsplit

from pipeline.extract.document_fields import _lineage, _places_in, _speaks_for, _voice_levels
from pipeline.lexicon import Lexicon, default_lexicon
from pipeline.lexicon.place_pinyin import LEVEL_SUFFIXES, place_pinyin
from pipeline.lexicon.places import Place
from pipeline.resources import ResourceError, load_yaml
from pipeline.textview import TextView

_TOKEN_RE = re.compile(r"[a-z]+")
_TEXT_CHARS = 3000  # how much of the text is read for its parents and voice


@cache
def source_stopwords() -> frozenset[str]:
    data = load_yaml("source_place.yaml")
    words = data.get("stopwords") if isinstance(data, dict) else None
    if not isinstance(words, list) or not all(isinstance(w, str) and w.isascii() for w in words):
        raise ResourceError("source_place.yaml: stopwords must be a list of pinyin words")
    return frozenset(words)


def source_tokens(source: str) -> list[str]:
    """The pinyin-like words of a source: a file's own name (not its folders), or an address's
    host and path."""
    if "://" in source:
        parts = urlsplit(source)
        text = f"{parts.netloc} {parts.path}"
    else:
        text = PureWindowsPath(source).name if "\\" in source else PurePosixPath(source).name
    return [word for word in _TOKEN_RE.findall(text.lower()) if word not in source_stopwords()]


def _candidates(token: str, lexicon: Lexicon) -> list[Place]:
    keys = place_pinyin()
    by_code = lexicon.places.by_code
    found = [by_code[c] for c in keys.get(token, ()) if c in by_code]
    for suffix, level_suffix in LEVEL_SUFFIXES.items():
        stem = token[: -len(suffix)]
        if token.endswith(suffix) and len(stem) >= 4 and stem in keys:
            found += [
                by_code[c] for c in keys[stem] if c in by_code and by_code[c].name.endswith(level_suffix)
            ]
    return list(dict.fromkeys(found))


def place_from_source(source: str | None, view: TextView, lexicon: Lexicon | None = None) -> Place | None:
    """The one place the source's name points to, as the text narrows it; None when unsure."""
    if not source:
        return None
    lexicon = lexicon or default_lexicon()
    text = view.norm[:_TEXT_CHARS]
    named: set[str] | None = None
    voice: frozenset[str] | None = None
    for token in source_tokens(source):
        candidates = _candidates(token, lexicon)
        if len(candidates) > 1:
            if named is None:
                named = {p.name for _, _, p in _places_in(text, lexicon)}
                voice = _voice_levels(text, lexicon)
            under = [p for p in candidates if _lineage(lexicon.places, p) & named]
            candidates = under or candidates
            spoken = [p for p in candidates if voice and _speaks_for(p, voice)]
            candidates = spoken or candidates
        if len(candidates) == 1:
            return candidates[0]
    return None
