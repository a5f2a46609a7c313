"""Clean stage: decoded text -> the document text that every offset indexes.

Removes invisible characters and stray control characters, normalises line breaks, drops page
furniture lines and cuts the related-article / footer tail of scraped news. Patterns live in
``resources/zh/furniture.yaml``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from pipeline.resources import load_yaml

try:
    from re import _constants, _parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - a Python whose private regex parser moved
    _constants = _parser = None

# Zero-width and BOM characters, and C0/C1 controls other than tab and newline.
_INVISIBLE_RE = re.compile("[\u200b-\u200f\u2028\u2029\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_TERMINAL_PUNCT = "。！？!?…”」』)）"
# (``\n{3,}`` written with a literal opening, which the engine searches for at C speed)
_EXCESS_BLANK_RE = re.compile(r"\n\n\n+")
_PAGE_TAG_RE = re.compile(r"<(?:html|body)\b", re.IGNORECASE)
# A navigation entry is a short line without a sentence in it (首页, 政务公开, 办事服务).
_NAV_MAX_CHARS = 8
_SENTENCE_MARK_RE = re.compile("[。！？；，,;!?]")


@dataclass(frozen=True)
class FurniturePatterns:
    drop_line: tuple[re.Pattern[str], ...]
    tail_start: tuple[re.Pattern[str], ...]
    teaser_line: tuple[re.Pattern[str], ...]
    footer_line: tuple[re.Pattern[str], ...]


@cache
def furniture_patterns() -> FurniturePatterns:
    data = load_yaml("furniture.yaml")
    return FurniturePatterns(
        **{key: tuple(re.compile(p) for p in data[key]) for key in FurniturePatterns.__annotations__}
    )


# Back references and conditionals: a pattern holding one cannot be joined to others.
_GROUP_REFERENCE_RE = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")


@cache
def _joined(patterns: tuple[re.Pattern[str], ...]) -> tuple[re.Pattern[str], ...]:
    """Patterns that all open with ``^`` as one, ``^(?:…|…)``: a line matches it exactly when it
    matches one of them, and the engine tries it at the line's start only (one attempt instead
    of one scan per pattern). Others are kept as they are."""
    bodies = [p.pattern for p in patterns]
    joinable = (
        len(patterns) > 1
        and _parser is not None
        and all(
            p.flags == re.UNICODE and not _GROUP_REFERENCE_RE.search(body) and _opens_with_caret(body)
            for p, body in zip(patterns, bodies, strict=True)
        )
    )
    if not joinable:
        return patterns
    return (re.compile("^(?:" + "|".join(f"(?:{body[1:]})" for body in bodies) + ")"),)


def _opens_with_caret(body: str) -> bool:
    """``body`` is ``^`` then the rest (not ``^a|b``, whose ``^`` binds the first branch only)."""
    if not body.startswith("^"):
        return False
    parsed = list(_parser.parse(body))
    return bool(parsed) and parsed[0] == (_constants.AT, _constants.AT_BEGINNING)


@cache
def _finder(patterns: tuple[re.Pattern[str], ...]) -> Callable[[str], object]:
    """A function telling (by its truth) whether a line matches one of ``patterns``."""
    joined = _joined(patterns)
    if len(joined) == 1:
        return joined[0].search
    return lambda line: any(p.search(line) for p in joined)


def _matches(patterns: tuple[re.Pattern[str], ...], line: str) -> bool:
    return bool(_finder(patterns)(line))


def normalise_characters(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ").replace("\xa0", " ")
    return _INVISIBLE_RE.sub("", text)


def _story_end(lines: list[str], first_teaser: int) -> int:
    """Index of the first line after the story, given the first related-article teaser.

    Teasers come as a headline, a section label and a snippet ending in ``[详情]``; none of the
    lines above the snippet ends a sentence, so the story ends at the last line that does.
    """
    index = first_teaser - 1
    while index >= 0:
        stripped = lines[index].strip()
        if (
            stripped
            and stripped[-1] in _TERMINAL_PUNCT
            and not _matches(furniture_patterns().teaser_line, stripped)
        ):
            return index + 1
        index -= 1
    return first_teaser


def clean_text(text: str) -> str:
    """Return the document's main text without furniture, related-article tail or junk."""
    patterns = furniture_patterns()
    lines = normalise_characters(text).split("\n")
    end = len(lines)
    teaser, tail_start, third = _finder(patterns.teaser_line), _finder(patterns.tail_start), len(lines) // 3
    for i, line in enumerate(lines):
        stripped = line.strip()
        if teaser(stripped):
            end = _story_end(lines, i)
            break
        if i > third and tail_start(stripped):
            end = i
            break
    drop = _finder(patterns.drop_line)
    kept = [line.rstrip() for line in lines[:end] if not drop(line.strip())]
    return _EXCESS_BLANK_RE.sub("\n\n", "\n".join(kept)).strip()


def has_main_text(text: str) -> bool:
    """False when every line of a cleaned page is navigation (short entries without a sentence)
    or footer (copyright, licence numbers, address): such a page has no main text."""
    footer = furniture_patterns().footer_line
    for line in text.split("\n"):
        stripped = line.strip()
        if not stripped or _matches(footer, stripped):
            continue
        if len(stripped) > _NAV_MAX_CHARS or _SENTENCE_MARK_RE.search(stripped):
            return True
    return False


@dataclass(frozen=True)
class HtmlContent:
    text: str | None
    title: str | None
    published: str | None


def _deep_tree(html: str) -> object:
    """The page parsed without libxml2's nesting limit (256 levels): the default parser drops
    everything deeper, and pages built of nested tables and divs reach that."""
    import lxml.html

    try:
        return lxml.html.fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (ValueError, lxml.etree.ParserError):
        return html


def _trafilatura(html: str | object) -> HtmlContent:
    import trafilatura  # imported here: it costs ~0.5 s and only HTML input needs it

    try:
        metadata = trafilatura.extract_metadata(html)
        text = trafilatura.extract(
            html, include_comments=False, include_tables=True, favor_recall=True, deduplicate=False
        )
    except Exception:
        return HtmlContent(None, None, None)
    title = metadata.title if metadata else None
    published = metadata.date if metadata else None
    return HtmlContent(text, title, published)


def html_main_text(html: str) -> HtmlContent:
    """Main text, title and date of an HTML page (trafilatura); ``text`` is None when the page
    has no main text or cannot be parsed.

    A fragment (no ``<html>``/``<body>``, as article bodies in JSONL dumps come) that yields
    nothing is tried again inside a page: trafilatura finds no main text in a bare ``<p>``.
    """
    content = _trafilatura(html)
    if content.text is None and not _PAGE_TAG_RE.search(html):
        content = _trafilatura(f"<html><body><div>{html}</div></body></html>")
    if content.text is None and html.count("<") > 256:
        content = _trafilatura(_deep_tree(html))
    return content
