"""A document's text with a same-length matching form and its sentences.

Rules match against ``norm``: simplified characters (OpenCC t2s) and half-width digits, letters
and ％, with exactly the length of ``text``, so a match's offsets index the original text too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import opencc

# Full-width ASCII (！ to ～) maps onto ASCII one for one; a few CJK punctuation marks that
# patterns treat like their ASCII twins are folded too. All mappings keep the length.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH.update({ord("　"): ord(" "), ord("﹪"): ord("%"), ord("，"): ord(","), ord("："): ord(":")})
_HALF_WIDTH.update({ord("（"): ord("("), ord("）"): ord(")"), ord("；"): ord(";")})
_SENTENCE_END_RE = re.compile(r"[。！？!?；;]+|\n+")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Simplified form of ``text`` with the same length (character-wise where phrases differ)."""
    converted = _converter().convert(text)
    if len(converted) == len(text):
        return converted
    out: list[str] = []
    for line in text.split("\n"):
        line_conv = _converter().convert(line)
        if len(line_conv) != len(line):
            line_conv = "".join(c if len(c := _converter().convert(ch)) == 1 else ch for ch in line)
        out.append(line_conv)
    return "\n".join(out)


def matching_form(text: str) -> str:
    return to_simplified(text.translate(_HALF_WIDTH))


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass
class TextView:
    text: str
    norm: str
    sentences: list[Sentence] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str) -> TextView:
        return cls(text=text, norm=matching_form(text), sentences=split_sentences(text))

    def sentence_at(self, offset: int) -> Sentence:
        for sentence in self.sentences:
            if sentence.start <= offset < sentence.end:
                return sentence
        return Sentence(offset, offset)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences end at 。！？； and line breaks; the end mark belongs to its sentence."""
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        end = match.end()
        stripped_end = match.start() if text[match.start()] == "\n" else end
        if stripped_end > start:
            sentences.append(Sentence(start, stripped_end))
        start = end
    if start < len(text):
        sentences.append(Sentence(start, len(text)))
    return sentences
