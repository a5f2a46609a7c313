"""A document's text with a same-length matching form and its sentences.

Rules match against ``norm``: simplified characters (OpenCC t2s) and half-width digits, letters
and ％, with exactly the length of ``text``.

Artefacts of scraped and converted text (``resources/zh/artefacts.yaml``: spaces inside words
and numbers from PDF line joins, soft line breaks inside sentences, inline page numbers, BBCode
and leftover HTML, pinyin glosses, doubled punctuation, control characters) are kept out of
matching: when a document has any, ``text`` is the document *without* them and ``original`` the
document as written, with an offset map between the two (:meth:`TextView.orig`,
:meth:`TextView.orig_end`, :meth:`TextView.to_original`). Without artefacts ``text`` is the
document itself and the map is the identity (``original is text``).

The contract for extractors: they read ``view.text`` and ``view.norm`` with the same offsets, as
before, and emit items with those *view* offsets; the component layer maps every item back to
the document (``to_original``), so a record's ``evidence`` is the document's own
``original[start:end]``, artefacts inside included.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import starmap
from typing import Any, TypeVar, cast, get_args

import numpy
import opencc
from pydantic import BaseModel

from pipeline.resources import guarded_compile, load_yaml

# Full-width ASCII (！ to ～) maps onto ASCII one for one; a few CJK punctuation marks that
# patterns treat like their ASCII twins are folded too. All mappings keep the length.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({ord("　"): ord(" "), ord("﹪"): ord("%"), ord("，"): ord(","), ord("："): ord(":")})
_HALF_WIDTH.update({ord("（"): ord("("), ord("）"): ord(")"), ord("；"): ord(";")})
# The same mapping as a table over the Basic Multilingual Plane (every mapped character is in it).
_HALF_WIDTH_TABLE = numpy.arange(0x10000, dtype=numpy.uint32)
_HALF_WIDTH_TABLE[list(_HALF_WIDTH)] = list(_HALF_WIDTH.values())
# A sentence: characters up to and including a run of end marks (。！？!?；;), or up to a line
# break, or a run of end marks of its own (after a line break); line breaks are between sentences.
_SENTENCE_RE = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]*|[。！？!?；;]+")
# A run without end marks longer than this is cut (after a comma or a space when there is one)
# so that no later stage ever scans an unbounded sentence: scraped pages have lines of tens of
# thousands of characters with no punctuation at all.
MAX_SENTENCE_CHARS = 1000
_SOFT_BREAK_RE = re.compile(r"[,，、:：\s]")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _convert(text: str) -> str | None:
    """OpenCC t2s, or None when OpenCC cannot take the text (lone surrogates)."""
    try:
        return _converter().convert(text)
    except (UnicodeError, RuntimeError):
        return None


def _convert_by_character(line: str) -> str:
    out: list[str] = []
    for ch in line:
        converted = _convert(ch)
        out.append(converted if converted is not None and len(converted) == 1 else ch)
    return "".join(out)


def to_simplified(text: str) -> str:
    """Simplified form of ``text`` with the same length.

    One OpenCC pass over the whole text (it converts ~60 MB/s, cheaper than any test for
    traditional characters); only a line whose conversion changes length (a phrase mapping, or
    input OpenCC mishandles) is redone character by character.
    """
    converted = _convert(text)
    if converted is not None and len(converted) == len(text):
        return converted
    out: list[str] = []
    for line in text.split("\n"):
        line_conv = _convert(line)
        if line_conv is None or len(line_conv) != len(line):
            line_conv = _convert_by_character(line)
        out.append(line_conv)
    return "\n".join(out)


def to_half_width(text: str) -> str:
    """``text.translate(_HALF_WIDTH)``, one table lookup over all code points at once.

    ``str.translate`` looks each character up in a dict, which made it the costliest step of the
    text view; characters beyond the table (astral, lone surrogates) pass through unchanged.
    """
    codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    mapped = numpy.where(
        codes < len(_HALF_WIDTH_TABLE), _HALF_WIDTH_TABLE[numpy.minimum(codes, 0xFFFF)], codes
    )
    return mapped.tobytes().decode("utf-32-le", "surrogatepass")


def matching_form(text: str) -> str:
    return to_simplified(to_half_width(text))


@dataclass(frozen=True, slots=True)
class Sentence:
    start: int
    end: int


# --- artefacts ---------------------------------------------------------------------------------

# An edit of one pass: input[start:end] becomes ``replacement`` ('' or one character).
_Edit = tuple[int, int, str]
_ArtefactMap = tuple[numpy.ndarray, numpy.ndarray]  # per view character: its original start, end
_DIGITS = "0123456789"


@dataclass(frozen=True)
class ArtefactPatterns:
    compiled: dict[str, re.Pattern[str]]
    sentence_end: str


@cache
def artefact_patterns() -> ArtefactPatterns:
    data = load_yaml("artefacts.yaml")
    compiled = {key: guarded_compile(value) for key, value in data.items() if key.endswith("_RE")}
    return ArtefactPatterns(compiled, data["SENTENCE_END_CHARS"])


def _regex_edits(pattern: re.Pattern[str], text: str, replacement: str = "") -> list[_Edit]:
    return [(m.start(), m.end(), replacement) for m in pattern.finditer(text)]


def _may_hold_controls(text: str) -> bool:
    """False when ``text`` cannot hold a character of CONTROL_RE (controls and format
    characters, none of them printable): everything but the usual blanks is printable (the
    space among them, so it need not be taken out). Cleaned text always passes this test, at a
    third of the cost of scanning it with the pattern."""
    return not text.replace("\n", "").replace("\u3000", "").replace("\t", "").isprintable()


def _control_edits(text: str) -> list[_Edit]:
    edits = _regex_edits(artefact_patterns().compiled["CONTROL_RE"], text) if _may_hold_controls(text) else []
    if "\r" in text:
        edits += [(m.start(), m.end(), "") for m in re.finditer("\r(?=\n)", text)]
        return _disjoint(edits)
    return edits


def _entity_replacement(entity: str) -> str | None:
    decoded = html.unescape(entity)
    if decoded == entity or len(decoded) != 1:
        return None
    return " " if decoded in "\xa0\u3000" else decoded


def _markup_edits(text: str) -> list[_Edit]:
    if "[" not in text and "<" not in text and "&" not in text:
        return []
    compiled = artefact_patterns().compiled
    edits: list[_Edit] = []
    if "[" in text:
        edits += _regex_edits(compiled["MARKUP_ELEMENT_RE"], text)
        # a closing block tag ([/align], [/p]) ends a line, as </p> does
        breaks = _regex_edits(compiled["MARKUP_BREAK_RE"], text, "\n")
        starts = {start for start, _, _ in breaks}
        edits += breaks + [e for e in _regex_edits(compiled["MARKUP_TAG_RE"], text) if e[0] not in starts]
    if "<" in text:
        edits += _regex_edits(compiled["HTML_BREAK_RE"], text, "\n")
        edits += _regex_edits(compiled["HTML_TAG_RE"], text)
    if "&" in text:
        for match in compiled["ENTITY_RE"].finditer(text):
            replacement = _entity_replacement(match.group())
            if replacement is not None:
                edits.append((match.start(), match.end(), replacement))
    return _disjoint(edits)


def _page_edits(text: str) -> list[_Edit]:
    """Page numbers and running heads of a converted PDF.

    Whole lines go (a page number, a repeated running head: every occurrence after the first);
    when the line before them does not end a sentence the page break fell inside it, and the
    line break before them goes too, so the sentence reads on. Inline page numbers go as well.
    """
    patterns = artefact_patterns()
    compiled = patterns.compiled
    edits: list[_Edit] = []
    if "—" in text or "–" in text or "－" in text:
        edits += _regex_edits(compiled["PAGE_INLINE_RE"], text)
    if "\n" not in text:
        return edits
    lines = text.split("\n")
    page_line = compiled["PAGE_LINE_RE"]
    drop = [bool(page_line.fullmatch(line)) for line in lines]
    # n/m is a page number only where another line counts the same m pages (a table cell of two
    # values, 5/7, is not one)
    totals = [_page_total(line) if is_page else None for line, is_page in zip(lines, drop, strict=True)]
    for index, total in enumerate(totals):
        if total is not None and totals.count(total) < 2:
            drop[index] = False
    if sum(drop) >= 2:  # running heads only on pages: a repeated line elsewhere is a table cell
        for index in _running_heads(lines, compiled["RUNNING_HEAD_RE"]):
            drop[index] = True
    if not any(drop):
        return edits
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    index = 0
    while index < len(lines):
        if not drop[index]:
            index += 1
            continue
        last = index
        while last < len(lines) and drop[last]:
            last += 1
        start, end = starts[index], min(starts[last], len(text))
        before = lines[index - 1].rstrip() if index else ""
        if index and (last == len(lines) or (before and before[-1] not in patterns.sentence_end)):
            start -= 1
        edits.append((start, end, ""))
        index = last
    return _disjoint(edits)


_PAGE_TOTAL_RE = re.compile(r"\s*\d{1,4}\s*/\s*(\d{1,4})\s*")


def _page_total(line: str) -> str | None:
    match = _PAGE_TOTAL_RE.fullmatch(line)
    return match.group(1) if match else None


def _running_heads(lines: list[str], head_re: re.Pattern[str]) -> list[int]:
    """Indices of the lines that repeat a running head (a short title line found three times or
    more); the first occurrence stays."""
    if len(lines) < 7:
        return []
    counts: dict[str, int] = {}
    for line in lines:
        stripped = line.strip()
        if 6 <= len(stripped) <= 40 and head_re.fullmatch(stripped):
            counts[stripped] = counts.get(stripped, 0) + 1
    repeated = {line for line, count in counts.items() if count >= 3}
    if not repeated:
        return []
    found: list[int] = []
    first_seen: set[str] = set()
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped in repeated:
            if stripped in first_seen:
                found.append(index)
            first_seen.add(stripped)
    return found


def _display_width(line: str) -> float:
    """Width of a line on the page: a Chinese character 1, an ASCII character (digits, Latin,
    a space) about half of one."""
    return len(line) - len(line.encode("ascii", "ignore")) / 2


def _soft_break_edits(text: str) -> list[_Edit]:
    """Join lines cut at the page width inside a sentence (a converted PDF).

    Only when the document looks like one: at least five lines that run to the common line
    width without ending a sentence, and those lines make up at least a third of the document's
    non-empty lines. A line is joined to the next when it reaches 85 % of that width, does not
    end a sentence, and the next line does not open a heading or an item.
    """
    if text.count("\n") < 5:
        return []
    patterns = artefact_patterns()
    lines = text.split("\n")
    widths = [_display_width(line.strip()) for line in lines]
    long_widths = sorted(w for w in widths if w >= 10)
    if len(long_widths) < 5:
        return []
    page_width = long_widths[int(len(long_widths) * 0.9) - 1]
    if page_width < 20:
        return []
    threshold = page_width * 0.85
    ends = patterns.sentence_end
    item_start = patterns.compiled["ITEM_START_RE"]
    soft = [
        index
        for index, line in enumerate(lines[:-1])
        if widths[index] >= threshold
        and line.rstrip()[-1:] not in ends
        # a table row (cells apart by | or tabs) is never a sentence cut at the page width
        and not any(mark in line or mark in lines[index + 1] for mark in "|\t")
        and lines[index + 1].strip()
        and not item_start.match(lines[index + 1])
    ]
    if len(soft) < 5 or len(soft) * 3 < sum(1 for line in lines if line.strip()):
        return []
    edits: list[_Edit] = []
    position = 0
    soft_set = set(soft)
    for index, line in enumerate(lines):
        end = position + len(line)
        if index in soft_set:
            edits.append((end, end + 1, ""))
        position = end + 1
    return edits


def _pinyin_edits(text: str) -> list[_Edit]:
    if "(" not in text and "（" not in text and ")" not in text:
        return []
    return _regex_edits(artefact_patterns().compiled["PINYIN_GLOSS_RE"], text)


def _doubled_punctuation_edits(text: str) -> list[_Edit]:
    # the pattern matches the whole run; its first mark stays
    return [
        (m.start() + 1, m.end(), "") for m in artefact_patterns().compiled["DOUBLED_PUNCT_RE"].finditer(text)
    ]


def _join_space_edits(text: str) -> list[_Edit]:
    """Spaces inside words and numbers (PDF line joins), only inside lines that read as prose."""
    compiled = artefact_patterns().compiled
    prose = compiled["PROSE_LINE_RE"]
    edits: list[_Edit] = []
    line_start, line_end, line_is_prose = -1, -1, False
    for match in compiled["JOIN_SPACE_RE"].finditer(text):
        start, end = match.span()
        before, after = text[start - 1], text[end]
        if after in _DIGITS and (before in _DIGITS or before == "%"):
            continue  # two numbers: table columns
        if start >= line_end:
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            line_is_prose = bool(prose.search(text, line_start, line_end))
        if line_is_prose:
            edits.append((start, end, ""))
    return edits


_PASSES = (
    _control_edits,
    _markup_edits,
    _page_edits,
    _soft_break_edits,
    _pinyin_edits,
    _doubled_punctuation_edits,
    _join_space_edits,
)


def _disjoint(edits: list[_Edit]) -> list[_Edit]:
    """Edits sorted by start, an edit overlapping an earlier one dropped."""
    out: list[_Edit] = []
    for edit in sorted(edits):
        if out and edit[0] < out[-1][1]:
            continue
        out.append(edit)
    return out


def _apply(text: str, edits: list[_Edit]) -> tuple[str, numpy.ndarray, numpy.ndarray]:
    """The edited text and, for each of its characters, the input span it comes from."""
    pieces: list[str] = []
    starts: list[numpy.ndarray] = []
    ends: list[numpy.ndarray] = []
    position = 0
    for start, end, replacement in edits:
        if start > position:
            pieces.append(text[position:start])
            kept = numpy.arange(position, start, dtype=numpy.int32)
            starts.append(kept)
            ends.append(kept + 1)
        if replacement:
            pieces.append(replacement)
            starts.append(numpy.array([start], dtype=numpy.int32))
            ends.append(numpy.array([end], dtype=numpy.int32))
        position = end
    if position < len(text):
        pieces.append(text[position:])
        kept = numpy.arange(position, len(text), dtype=numpy.int32)
        starts.append(kept)
        ends.append(kept + 1)
    empty = numpy.zeros(0, dtype=numpy.int32)
    return (
        "".join(pieces),
        numpy.concatenate(starts) if starts else empty,
        numpy.concatenate(ends) if ends else empty,
    )


def remove_artefacts(text: str) -> tuple[str, _ArtefactMap | None]:
    """``text`` without its artefacts and the map of each kept character to its original span
    (``None`` when there is nothing to remove: the text is its own view)."""
    current = text
    mapping: _ArtefactMap | None = None
    for find in _PASSES:
        edits = find(current)
        if not edits:
            continue
        current, starts, ends = _apply(current, edits)
        if mapping is None:
            mapping = (starts, ends)
        else:
            mapping = (mapping[0][starts], mapping[1][ends - 1] if len(ends) else ends)
    return current, mapping


# --- furniture ---------------------------------------------------------------------------------


def furniture_lines(text: str) -> list[tuple[int, int]]:
    """Spans of the lines of ``text`` that are portal page furniture: metadata fields (发布机构：…
    发文日期：…), view counters, share/print/close buttons, font-size switches."""
    if "：" not in text and ":" not in text and "打印" not in text and "分享" not in text:
        return []
    compiled = artefact_patterns().compiled
    field_re, button_re = compiled["FURNITURE_FIELD_RE"], compiled["FURNITURE_BUTTON_RE"]
    word_re, rest_re = compiled["FURNITURE_WORD_RE"], compiled["FURNITURE_REST_RE"]
    spans: list[tuple[int, int]] = []
    position = 0
    for line in text.split("\n"):
        start, position = position, position + len(line) + 1
        if not line.strip() or len(line) > 300:
            continue
        # a field holds a colon: most lines have none, and the field pattern is tried at every
        # position of a line
        without_fields = field_re.sub("", line) if ":" in line or "：" in line else line
        if len(without_fields) == len(line) and not word_re.search(line):
            continue
        rest = rest_re.sub("", button_re.sub("", without_fields))
        if len(rest) <= 2:
            spans.append((start, start + len(line)))
    return spans


# --- the view ----------------------------------------------------------------------------------

_Item = TypeVar("_Item", bound=BaseModel)
_Derived = TypeVar("_Derived")


@dataclass
class TextView:
    """``text`` (the document without artefacts), its matching form ``norm`` (same length), its
    sentences, and the map back to ``original`` (the document as written)."""

    text: str
    norm: str
    sentences: list[Sentence] = field(default_factory=list)
    original: str = ""
    furniture: list[tuple[int, int]] = field(default_factory=list)
    _map: _ArtefactMap | None = field(default=None, repr=False, compare=False)
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)
    _furniture_starts: list[int] = field(default_factory=list, repr=False, compare=False)
    _marked: list[int] | None = field(default=None, repr=False, compare=False)
    # what later stages derive from the view once (its structure, key stretches, lines): see derived
    _derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.original:
            self.original = self.text

    @classmethod
    def from_text(cls, text: str) -> TextView:
        compact, mapping = remove_artefacts(text)
        return cls(
            text=compact,
            norm=matching_form(compact),
            sentences=split_sentences(compact),
            original=text,
            furniture=furniture_lines(compact),
            _map=mapping,
        )

    @property
    def has_artefacts(self) -> bool:
        """Whether ``text`` differs from the document (offsets need mapping back)."""
        return self._map is not None

    def orig(self, start: int) -> int:
        """The document offset of view offset ``start`` (a span's start)."""
        if self._map is None:
            return start
        if start >= len(self._map[0]):
            return len(self.original)
        return int(self._map[0][start])

    def orig_end(self, end: int) -> int:
        """The document offset of view offset ``end`` (a span's exclusive end)."""
        if self._map is None:
            return end
        if end <= 0:
            return int(self._map[0][0]) if len(self._map[0]) else 0
        return int(self._map[1][min(end, len(self._map[1])) - 1])

    def orig_span(self, start: int, end: int) -> tuple[int, int]:
        """Document offsets of the view span ``start:end`` (an empty span stays empty)."""
        if self._map is None:
            return start, end
        if end <= start:
            position = self.orig(start)
            return position, position
        return self.orig(start), self.orig_end(end)

    def word_spans(self, lengths: Sequence[int]) -> tuple[list[int], list[int]]:
        """Document spans of consecutive non-empty view words of these ``lengths`` (tiling
        ``text`` from 0), as lists of starts and ends; one vectorised lookup."""
        bounds = numpy.zeros(len(lengths) + 1, dtype=numpy.int64)
        numpy.cumsum(lengths, out=bounds[1:])
        if self._map is None:
            return bounds[:-1].tolist(), bounds[1:].tolist()
        return self._map[0][bounds[:-1]].tolist(), self._map[1][bounds[1:] - 1].tolist()

    def marked_positions(self) -> list[int]:
        """View offsets of the characters with a removed stretch right before them (the first
        character, when the document opens with one) or standing for a longer one (a
        replacement): the only places where view and document differ. Empty without artefacts."""
        if self._map is None:
            return []
        if self._marked is None:
            starts, ends = self._map
            if not len(starts):
                self._marked = []
            else:
                gap = numpy.empty(len(starts), dtype=bool)
                gap[0] = starts[0] != 0
                gap[1:] = starts[1:] != ends[:-1]
                self._marked = numpy.flatnonzero(gap | (ends - starts != 1)).tolist()
        return self._marked

    def derived(self, key: str, build: Callable[[TextView], _Derived]) -> _Derived:
        """``build(self)``, made on the first call for ``key`` and kept with the view: what a
        later stage derives from a document's text once and reads many times."""
        if key not in self._derived:
            self._derived[key] = build(self)
        return cast(_Derived, self._derived[key])

    def evidence(self, start: int, end: int) -> str:
        """The document's own text for the view span ``start:end`` (artefacts inside included)."""
        original_start, original_end = self.orig_span(start, end)
        return self.original[original_start:original_end]

    def to_original(self, item: _Item) -> _Item:
        """A copy of ``item`` (and of the items and mentions it holds) with document offsets:
        ``start``/``end`` mapped back, ``evidence`` (and a mention's ``text``, and a ``text``
        that equalled the evidence) re-read from the document. Without artefacts: ``item``."""
        if self._map is None:
            return item
        return self._remap(item)

    def _remap(self, item: _Item) -> _Item:
        """``item`` with document offsets; the item itself when nothing in it moves (a copy
        only where a value changes: most items of a document with one artefact lie before it)."""
        update: dict[str, Any] = {}
        values = item.__dict__
        for name in _nested_model_fields(type(item)):
            value = values[name]
            if isinstance(value, BaseModel):
                mapped = self._remap(value)
                if mapped is not value:
                    update[name] = mapped
            elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
                mapped_list = [self._remap(v) for v in value]
                if any(m is not v for m, v in zip(mapped_list, value, strict=True)):
                    update[name] = mapped_list
        start, end = values.get("start"), values.get("end")
        if "start" in values and "end" in values and isinstance(start, int) and isinstance(end, int):
            new_start, new_end = self.orig_span(start, end)
            if new_start != start or new_end != end:
                update["start"], update["end"] = new_start, new_end
            source = self.original[new_start:new_end]
            old = self.text[start:end]
            for name in ("evidence", "text"):
                if name in values and (name == "evidence" or values[name] == old) and values[name] != source:
                    update[name] = source
        return item.model_copy(update=update) if update else item

    def in_furniture(self, start: int, end: int) -> bool:
        """Whether the view span ``start:end`` touches a page-furniture line."""
        if not self.furniture:
            return False
        if len(self._furniture_starts) != len(self.furniture):
            self._furniture_starts = [s for s, _ in self.furniture]
        # furniture lines are sorted and disjoint: only the last one starting inside can overlap
        index = bisect_right(self._furniture_starts, max(start, end - 1)) - 1
        return index >= 0 and self.furniture[index][1] > start

    def sentence_at(self, offset: int) -> Sentence:
        """The sentence holding ``offset`` (binary search: extractors call this per match)."""
        if len(self._starts) != len(self.sentences):
            self._starts = [s.start for s in self.sentences]
        index = bisect_right(self._starts, offset) - 1
        if index >= 0:
            sentence = self.sentences[index]
            if sentence.start <= offset < sentence.end:
                return sentence
        return Sentence(offset, offset)


@cache
def _nested_model_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` that may hold a model or a list of them (the rest hold plain
    values): ``_remap`` looks only at these, since it runs for every item a document yields."""
    return tuple(name for name, info in model.model_fields.items() if _holds_model(info.annotation))


def _holds_model(annotation: object) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_model(argument) for argument in get_args(annotation))


def items_to_original(view: TextView, items: Sequence[_Item]) -> list[_Item]:
    """``view.to_original`` over a list of items."""
    return [view.to_original(item) for item in items]


def _cut_overlong(text: str, start: int, end: int, sentences: list[Sentence]) -> None:
    """Append ``text[start:end]`` as sentences of at most ``MAX_SENTENCE_CHARS`` characters."""
    while end - start > MAX_SENTENCE_CHARS:
        limit = start + MAX_SENTENCE_CHARS
        cut = limit
        # The last soft break in the second half of the window; else a hard cut.
        for match in _SOFT_BREAK_RE.finditer(text, start + MAX_SENTENCE_CHARS // 2, limit):
            cut = match.end()
        sentences.append(Sentence(start, cut))
        start = cut
    if end > start:
        sentences.append(Sentence(start, end))


def split_sentences(text: str) -> list[Sentence]:
    """Sentences end at 。！？； and line breaks; the end mark belongs to its sentence.

    A sentence never exceeds ``MAX_SENTENCE_CHARS``: longer runs are cut (see above). One match
    per sentence and no per-sentence Python work unless one is too long: this runs per document.
    """
    spans = [match.span() for match in _SENTENCE_RE.finditer(text)]
    if len(text) <= MAX_SENTENCE_CHARS or all(end - start <= MAX_SENTENCE_CHARS for start, end in spans):
        return list(starmap(Sentence, spans))
    sentences: list[Sentence] = []
    for start, end in spans:
        _cut_overlong(text, start, end, sentences)
    return sentences
