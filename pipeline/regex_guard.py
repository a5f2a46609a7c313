"""A first-character guard for regexes the engine would try at every position of a text.

Python's engine skips ahead quickly only when a pattern opens with a literal or a character
set; a pattern that opens with an optional group, a lookbehind or an alternation of sets is
attempted in full at every position, which made such scans the costliest steps of several
extractors. ``(?=[first characters])`` in front fails at once where no match can start and
changes no match. The set is read from the pattern's own parse tree (``re._parser``, private to
the standard library: where a Python version lacks it, patterns are compiled unguarded).
"""

from __future__ import annotations

import re
from typing import Any

try:
    from re import _constants, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python whose private regex parser moved
    _constants = _parser = None

_INLINE_FLAGS_RE = re.compile(r"\(\?[aiLmsux]+[):]")

_CATEGORY_ESCAPES = (
    {}
    if _constants is None
    else {
        _constants.CATEGORY_DIGIT: r"\d",
        _constants.CATEGORY_NOT_DIGIT: r"\D",
        _constants.CATEGORY_SPACE: r"\s",
        _constants.CATEGORY_NOT_SPACE: r"\S",
        _constants.CATEGORY_WORD: r"\w",
        _constants.CATEGORY_NOT_WORD: r"\W",
    }
)
_ZERO_WIDTH = () if _constants is None else (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT)
_REPEATS = (
    () if _constants is None else (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)
)


class _Unstated(Exception):
    """The first characters of a (sub)pattern cannot be stated as a character class."""


def _code_escape(code: int) -> str:
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def _set_items(items: list[Any]) -> list[str]:
    parts: list[str] = []
    for op, value in items:
        if op is _constants.LITERAL:
            parts.append(_code_escape(value))
        elif op is _constants.RANGE:
            parts.append(f"{_code_escape(value[0])}-{_code_escape(value[1])}")
        elif op is _constants.CATEGORY and value in _CATEGORY_ESCAPES:
            parts.append(_CATEGORY_ESCAPES[value])
        else:  # NEGATE, a charset bitmap: not worth stating
            raise _Unstated
    return parts


def _first(sequence: Any) -> tuple[list[str], bool]:
    """The class items of the characters that can open a match of ``sequence``, and whether it
    can match the empty string."""
    parts: list[str] = []
    for op, value in sequence:
        if op in _ZERO_WIDTH:
            continue
        if op is _constants.LITERAL:
            return [*parts, _code_escape(value)], False
        if op is _constants.IN:
            return [*parts, *_set_items(value)], False
        if op is _constants.SUBPATTERN:
            _group, add_flags, _del_flags, body = value
            if add_flags & re.IGNORECASE:
                raise _Unstated
            first, nullable = _first(body)
        elif op is _constants.BRANCH:
            first, nullable = [], False
            for alternative in value[1]:
                alt_first, alt_nullable = _first(alternative)
                first += alt_first
                nullable = nullable or alt_nullable
        elif op in _REPEATS:
            minimum, _maximum, body = value
            first, nullable = _first(body)
            nullable = nullable or minimum == 0
        else:  # ANY, NOT_LITERAL, group references, conditionals, atomic groups
            raise _Unstated
        parts += first
        if not nullable:
            return parts, False
    return parts, True


def _engine_skips_ahead(parsed: Any) -> bool:
    """Whether the engine finds candidate starts itself (a literal or a set opens the pattern)."""
    data = list(parsed)
    while data and data[0][0] is _constants.SUBPATTERN:
        data = list(data[0][1][3])
    if not data:
        return False
    op, value = data[0]
    if op in (_constants.LITERAL, _constants.IN):
        return True
    return op is _constants.BRANCH and all(alt and alt[0][0] is _constants.LITERAL for alt in value[1])


def guarded_compile(body: str) -> re.Pattern[str]:
    """``re.compile(body)``, with a first-character lookahead in front when that speeds scans."""
    pattern = re.compile(body)
    if _parser is None or pattern.flags & ~re.UNICODE or _INLINE_FLAGS_RE.match(body):
        return pattern
    parsed = _parser.parse(body)
    if _engine_skips_ahead(parsed):
        return pattern
    try:
        first, nullable = _first(parsed)
    except _Unstated:
        return pattern
    if nullable or not first:
        return pattern
    guarded = re.compile(f"(?=[{''.join(first)}])(?:{body})")
    if guarded.groupindex != pattern.groupindex or guarded.groups != pattern.groups:
        return pattern
    return guarded
