"""Segment stage: jieba with the domain user dictionary, inside a spaCy ``Doc``.

The default tokenizer (``zhpolicy.Tokenizer.v1``, mode ``candidates``) runs a cheap regex scan
over the sentences and segments with jieba only those that can hold a commitment; the other
sentences become coarse tokens (runs of characters, punctuation, whitespace). Token offsets are
exact either way, so spans made from regex offsets align. Mode ``full`` segments everything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import get_words_and_spaces
from spacy.vocab import Vocab

from pipeline.resources import load_patterns, resource_path
from pipeline.textview import TextView

SegmentMode = Literal["candidates", "full"]
SEGMENT_MODES: tuple[str, ...] = ("candidates", "full")
_COARSE_RE = re.compile(r"\s+|\w+|[^\w\s]")

if not Doc.has_extension("zp_view"):
    Doc.set_extension("zp_view", default=None)


@cache
def load_user_dictionary() -> None:
    """Load jieba's dictionary and the domain user dictionary, once per process."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    jieba.load_userdict(str(resource_path("userdict.txt")))


def candidate_pattern() -> re.Pattern[str]:
    return load_patterns("scan.yaml")["CANDIDATE_RE"]


def coarse_tokens(text: str) -> list[str]:
    return _COARSE_RE.findall(text)


def jieba_tokens(text: str, norm: str) -> list[str]:
    """jieba over the matching form (simplified), cut back onto the original characters."""
    words: list[str] = []
    position = 0
    for piece in jieba.cut(norm, HMM=True):
        words.append(text[position : position + len(piece)])
        position += len(piece)
    return words


def segment_words(view: TextView, mode: SegmentMode = "candidates") -> list[str]:
    """Words covering ``view.text`` exactly, jieba where it matters."""
    load_user_dictionary()
    text, norm = view.text, view.norm
    if mode == "full":
        return jieba_tokens(text, norm)
    pattern = candidate_pattern()
    words: list[str] = []
    position = 0
    for sentence in view.sentences:
        if sentence.start > position:
            words.extend(coarse_tokens(text[position : sentence.start]))
        chunk, chunk_norm = text[sentence.start : sentence.end], norm[sentence.start : sentence.end]
        if pattern.search(chunk_norm):
            words.extend(jieba_tokens(chunk, chunk_norm))
        else:
            words.extend(coarse_tokens(chunk))
        position = sentence.end
    words.extend(coarse_tokens(text[position:]))
    return words


class ZhpolicyTokenizer:
    """spaCy tokenizer: jieba on candidate sentences (or everything), with the text view attached."""

    def __init__(self, vocab: Vocab, mode: SegmentMode = "candidates") -> None:
        if mode not in SEGMENT_MODES:
            raise ValueError(f"unknown segment mode {mode!r}; valid: {', '.join(SEGMENT_MODES)}")
        self.vocab = vocab
        self.mode: SegmentMode = mode
        load_user_dictionary()

    def __call__(self, text: str) -> Doc:
        view = TextView.from_text(text)
        words = [w for w in segment_words(view, self.mode) if w]
        words, spaces = get_words_and_spaces(words, text)
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc._.zp_view = view
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # A tokenizer must serialise with the pipeline; its only state is the mode in the config.
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> ZhpolicyTokenizer:
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: str | Path, **kwargs: Any) -> ZhpolicyTokenizer:
        return self


@spacy.registry.tokenizers("zhpolicy.Tokenizer.v1")
def create_tokenizer(mode: SegmentMode = "candidates") -> Callable[[Language], ZhpolicyTokenizer]:
    def make(nlp: Language) -> ZhpolicyTokenizer:
        return ZhpolicyTokenizer(nlp.vocab, mode=mode)

    return make


def text_view(doc: Doc) -> TextView:
    """The doc's text view; built here when a foreign tokenizer made the doc."""
    view = doc._.zp_view
    if view is None or view.text != doc.text:
        view = TextView.from_text(doc.text)
        doc._.zp_view = view
    return view
