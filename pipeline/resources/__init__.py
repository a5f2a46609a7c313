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
from typing import Any

import yaml

from pipeline.regex_guard import guarded_compile

RESOURCE_DIR = Path(str(resources.files("pipeline") / "resources" / "zh"))
_REFERENCE_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


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


def parse_yaml(text: str, name: str) -> Any:
    """Parse YAML text with the same checks as :func:`load_yaml` (duplicate keys are errors)."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)
    except (yaml.YAMLError, ResourceError) as exc:
        raise ResourceError(f"{name}: {exc}") from exc


def numbered_lines(text: str) -> list[tuple[int, str]]:
    """(line number, stripped line) of the non-empty, non-comment lines of a plain-text resource."""
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.startswith("#")
    ]
