"""Lexicons and patterns are data files in ``resources/zh``; this module loads and validates them.

Every loader is cached, so a resource is read once per process. A malformed resource (duplicate
key, unknown label, a regex that does not compile, a dangling ``{reference}``) fails at load time
with a message naming the file and the entry.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from re import _constants, _parser  # type: ignore[attr-defined]
from typing import Any

import yaml

RESOURCE_DIR = Path(str(resources.files("pipeline") / "resources" / "zh"))
_REFERENCE_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_INLINE_FLAGS_RE = re.compile(r"\(\?[aiLmsux]+[):]")


class ResourceError(ValueError):
    """A resource file is malformed."""


def resource_path(name: str) -> Path:
    path = RESOURCE_DIR / name
    if not path.exists():
        available = sorted(p.name for p in RESOURCE_DIR.iterdir())
        raise ResourceError(f"no resource {name!r}; available: {', '.join(available)}")
    return path


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that rejects duplicate mapping keys instead of keeping the last one."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise ResourceError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


@cache
def load_yaml(name: str) -> Any:
    path = resource_path(name)
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_UniqueKeyLoader)
    except (yaml.YAMLError, ResourceError) as exc:
        raise ResourceError(f"{name}: {exc}") from exc


@cache
def load_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a plain-text resource."""
    lines = resource_path(name).read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def expand_references(fragments: Mapping[str, str], source: str = "patterns") -> dict[str, str]:
    """Resolve ``{name}`` references between named regex fragments (Recognizers-Text style).

    A missing or circular reference raises :class:`ResourceError`.
    """
    resolved: dict[str, str] = {}

    def resolve(name: str, trail: tuple[str, ...]) -> str:
        if name in resolved:
            return resolved[name]
        if name in trail:
            raise ResourceError(f"{source}: circular reference {' -> '.join((*trail, name))}")
        if name not in fragments:
            raise ResourceError(f"{source}: {trail[-1]!r} references unknown fragment {name!r}")
        body = _REFERENCE_RE.sub(lambda m: resolve(m.group(1), (*trail, name)), fragments[name])
        resolved[name] = body
        return body

    for fragment_name in fragments:
        resolve(fragment_name, ())
    return resolved


@cache
def load_patterns(name: str) -> dict[str, re.Pattern[str]]:
    """Compile a YAML file of named fragments; names ending in ``_RE`` are compiled."""
    data = load_yaml(name)
    if not isinstance(data, dict):
        raise ResourceError(f"{name}: expected a mapping of fragment names to regexes")
    return compile_fragments({str(k): str(v) for k, v in data.items()}, name)


def compile_fragments(fragments: Mapping[str, str], source: str) -> dict[str, re.Pattern[str]]:
    """Resolve references between ``fragments`` and compile those named ``*_RE``."""
    return compile_expanded(expand_references(fragments, source), source)


def compile_expanded(expanded: Mapping[str, str], source: str) -> dict[str, re.Pattern[str]]:
    """Compile the already expanded fragments named ``*_RE``; a bad regex names its file."""
    compiled: dict[str, re.Pattern[str]] = {}
    for key, body in expanded.items():
        if key.endswith("_RE"):
            try:
                compiled[key] = guarded_compile(body)
            except re.error as exc:
                raise ResourceError(f"{source}: {key} does not compile: {exc}") from exc
    return compiled


# -- a first-character guard for patterns the regex engine would try at every position ----------
#
# Python's engine skips ahead quickly only when a pattern opens with a literal or a character
# set; a pattern that opens with an optional group, a lookbehind or an alternation of sets is
# attempted in full at every position of the text, which made such scans the costliest steps of
# several extractors. ``(?=[first characters])`` in front fails at once where no match can start
# and changes no match: it is built from the pattern's own parse tree, as the set of characters
# that can open a match, and left off when that set cannot be stated (negated sets, ``.``, a
# pattern that may match the empty string, case-insensitive or inline-flag patterns).

_CATEGORY_ESCAPES = {
    _constants.CATEGORY_DIGIT: r"\d",
    _constants.CATEGORY_NOT_DIGIT: r"\D",
    _constants.CATEGORY_SPACE: r"\s",
    _constants.CATEGORY_NOT_SPACE: r"\S",
    _constants.CATEGORY_WORD: r"\w",
    _constants.CATEGORY_NOT_WORD: r"\W",
}
_ZERO_WIDTH = (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT)
_REPEATS = (_constants.MAX_REPEAT, _constants.MIN_REPEAT, _constants.POSSESSIVE_REPEAT)


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
    if pattern.flags & ~re.UNICODE or _INLINE_FLAGS_RE.match(body):
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
