"""The one name-normalising module: extraction, ``evaluate``, ``compare`` and ``db`` all key names
(programmes, policies, agencies, indicators, units, titles) with these functions.

A name's key is its simplified (OpenCC t2s), NFKC form without spaces or punctuation, so
《質量強國建設綱要》 and 质量强国建设纲要 are one.
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.textview import to_simplified

_STRIP_RE = re.compile(r"[\s\W_]+", re.UNICODE)


def simplified(text: str) -> str:
    """NFKC (full-width digits and letters folded) and simplified characters."""
    return to_simplified(unicodedata.normalize("NFKC", text))


def name_key(name: str) -> str:
    """The matching key of a name: simplified, NFKC, without spaces or punctuation."""
    return _STRIP_RE.sub("", simplified(name))


def indicator_key(name: str) -> str:
    """An indicator's key: the name key with Latin letters upper-cased (GDP and gdp are one)."""
    return name_key(name).upper()


def unit_key(unit: str | None, *, percent_words: bool = False) -> str | None:
    """A unit's key (simplified, NFKC, stripped); ``percent_words`` reads 百分之 as %."""
    if unit is None:
        return None
    key = simplified(unit)
    if percent_words:
        key = key.replace("百分之", "%")
    return key.strip() or None
