"""Segment stage: jieba with the domain user dictionary, inside a spaCy ``Doc``.

The default tokenizer (``zhpolicy.Tokenizer.v1``, mode ``candidates``) runs a cheap regex scan
over the sentences and segments with jieba only those that can hold a commitment; the other
sentences are cut into single characters, spaCy's own default for Chinese. Every character offset
the extractors produce is then a token boundary, so their spans align exactly. Mode ``full``
segments everything with jieba.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jieba
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.resources import load_patterns, resource_path
from pipeline.textview import Sentence, TextView

SegmentMode = Literal["candidates", "full"]
SEGMENT_MODES: tuple[str, ...] = ("candidates", "full")
# Outside candidate sentences: spaCy's own zh default, one token per character, except runs of
# whitespace and of Latin letters and digits, which stay whole.
_MULTI_CHARACTER_RE = re.compile(r"\s+|[A-Za-z0-9]+(?:[.,][0-9]+)*")

if not Doc.has_extension("zp_view"):
    Doc.set_extension("zp_view", default=None)


@cache
def load_user_dictionary() -> None:
    """Load jieba's dictionary and the domain user dictionary, once per process."""
    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    jieba.load_userdict(str(resource_path("userdict.txt")))


@dataclass(frozen=True)
class ScanPatterns:
    quantity: re.Pattern[str]
    commitment: re.Pattern[str]


@cache
def scan_patterns() -> ScanPatterns:
    patterns = load_patterns("scan.yaml")
    return ScanPatterns(patterns["QUANTITY_CUE_RE"], patterns["COMMITMENT_CUE_RE"])


def candidate_pattern() -> re.Pattern[str]:
    return load_patterns("scan.yaml")["CANDIDATE_RE"]


def is_candidate(norm: str, start: int, end: int) -> bool:
    """Can ``norm[start:end]`` hold a commitment? A quantity and a commitment cue."""
    scan = scan_patterns()
    return bool(scan.quantity.search(norm, start, end) and scan.commitment.search(norm, start, end))


def candidate_regions(norm: str, sentences: Iterable[Sentence]) -> list[tuple[int, int]]:
    """Maximal runs of consecutive candidate sentences (with the gaps between them)."""
    regions: list[tuple[int, int]] = []
    for sentence in sentences:
        if not is_candidate(norm, sentence.start, sentence.end):
            continue
        if regions and not norm[regions[-1][1] : sentence.start].strip():
            regions[-1] = (regions[-1][0], sentence.end)
        else:
            regions.append((sentence.start, sentence.end))
    return regions


def character_tokens(text: str) -> list[str]:
    """One token per character, except the (rare) whitespace and Latin/digit runs.

    ``list`` cuts the text between those runs: a regex with a ``.`` branch would build the same
    list one match at a time, and this is most of the text.
    """
    words: list[str] = []
    position = 0
    for run in _MULTI_CHARACTER_RE.finditer(text):
        words.extend(text[position : run.start()])
        words.append(run.group())
        position = run.end()
    words.extend(text[position:])
    return words


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
    words: list[str] = []
    position = 0
    # Runs of candidate sentences go to jieba in one call: its per-call overhead is what
    # dominates for short sentences, and it splits at punctuation on its own.
    for start, end in candidate_regions(norm, view.sentences):
        if start > position:
            words.extend(character_tokens(text[position:start]))
        words.extend(jieba_tokens(text[start:end], norm[start:end]))
        position = end
    words.extend(character_tokens(text[position:]))
    return words


def words_and_spaces(words: Iterable[str]) -> tuple[list[str], list[bool]]:
    """spaCy's words/spaces for words that tile the text exactly: a single space after a word
    becomes its trailing space, other whitespace stays a token.

    Same result as ``spacy.util.get_words_and_spaces`` in linear time (that one slices the
    rest of the text for every word: quadratic on long documents).
    """
    out_words: list[str] = []
    spaces: list[bool] = []
    for word in words:
        if not word:
            continue
        if word.isspace():
            if word[0] == " " and out_words and not spaces[-1] and not out_words[-1].isspace():
                spaces[-1] = True
                word = word[1:]
                if not word:
                    continue
            if out_words and out_words[-1].isspace() and not spaces[-1]:
                out_words[-1] += word
                continue
        out_words.append(word)
        spaces.append(False)
    return out_words, spaces


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
        words, spaces = words_and_spaces(segment_words(view, self.mode))
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


def _doc_length(doc: Doc) -> int:
    if not len(doc):
        return 0
    last = doc[-1]
    return last.idx + len(last.text_with_ws)


def text_view(doc: Doc) -> TextView:
    """The doc's text view; built here when a foreign tokenizer made the doc.

    The check compares lengths: ``doc.text`` joins every token, and components ask for the view
    once each, which made that join the most expensive step of the whole pipeline.
    """
    view = doc._.zp_view
    if view is None or len(view.text) != _doc_length(doc):
        view = TextView.from_text(doc.text)
        doc._.zp_view = view
    return view
