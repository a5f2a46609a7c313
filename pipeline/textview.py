"""A document's text with a same-length matching form and its sentences.

Rules match against ``norm``: simplified characters (OpenCC t2s) and half-width digits, letters
and ％, with exactly the length of ``text``, so a match's offsets index the original text too.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cache

import numpy
import opencc

from pipeline.resources import guarded_compile

# Full-width ASCII (！ to ～) maps onto ASCII one for one; a few CJK punctuation marks that
# patterns treat like their ASCII twins are folded too. All mappings keep the length.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({ord("　"): ord(" "), ord("﹪"): ord("%"), ord("，"): ord(","), ord("："): ord(":")})
_HALF_WIDTH.update({ord("（"): ord("("), ord("）"): ord(")"), ord("；"): ord(";")})
# The same mapping as a table over the Basic Multilingual Plane (every mapped character is in it).
_HALF_WIDTH_TABLE = numpy.arange(0x10000, dtype=numpy.uint32)
_HALF_WIDTH_TABLE[list(_HALF_WIDTH)] = list(_HALF_WIDTH.values())
_SENTENCE_END_RE = guarded_compile(r"[。！？!?；;]+|\n+")
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


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass
class TextView:
    text: str
    norm: str
    sentences: list[Sentence] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str) -> TextView:
        return cls(text=text, norm=matching_form(text), sentences=split_sentences(text))

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

    A sentence never exceeds ``MAX_SENTENCE_CHARS``: longer runs are cut (see above).
    """
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        stripped_end = match.start() if text[match.start()] == "\n" else end
        if stripped_end > start:
            _cut_overlong(text, start, stripped_end, sentences)
        start = end
    if start < len(text):
        _cut_overlong(text, start, len(text), sentences)
    return sentences
