"""Numbers as written → floats: Arabic (1,200 / 98.5), Chinese (十, 九十二, 十二点五), 百分之X, X成."""

from __future__ import annotations

import re
from functools import lru_cache

import cn2an

_ARABIC_RE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_CHINESE_RE = re.compile(r"[零〇一二两三四五六七八九十百千]+(?:点[零〇一二三四五六七八九]+)?")
PERCENT_WORD = "百分之"


def parse_number(span: str) -> float | None:
    """The number a numeral span states, or None when it is not one numeral.

    Only the numeral itself is converted (never a sentence): a magnitude such as 万 or 亿 belongs
    to the unit (1.3万亿元 → 1.3 and 万亿元), and 百分之 is stripped by the caller or here.
    """
    text = span.strip()
    if text.startswith(PERCENT_WORD):
        text = text[len(PERCENT_WORD) :]
    if _ARABIC_RE.fullmatch(text):
        return float(text.replace(",", ""))
    if _CHINESE_RE.fullmatch(text):
        return _chinese_numeral(text)
    return None


@lru_cache(maxsize=4096)
def _chinese_numeral(text: str) -> float | None:
    try:
        return float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError):
        return None


def parse_tenths(span: str) -> float | None:
    """X成 is X tenths, stated as a percentage: 八成 → 80."""
    value = parse_number(span)
    return None if value is None else value * 10
