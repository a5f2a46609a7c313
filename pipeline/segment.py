"""Segment stage: rjieba (jieba-rs) or jieba with the domain user dictionary, inside a spaCy ``Doc``.

The default tokenizer (``zhpolicy.Tokenizer.v1``, mode ``candidates``) builds the text view
(``pipeline.textview``: artefacts out, matching form), runs a cheap regex scan over its
sentences and segments only those that can hold a commitment or a result; the other sentences
are cut into single characters, spaCy's own default for Chinese. Words are found on the view
and mapped back onto the document's characters, so the ``Doc`` holds the document as written.
Mode ``full`` segments everything. The segmenter (``segmenter``: ``auto``, ``rjieba``,
``jieba``) is rjieba when installed: the same dictionary and HMM, an order of magnitude faster.
"""

from __future__ import annotations

import logging
import operator
import re
import weakref
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate, compress, count
from pathlib import Path
from typing import Any, Literal, cast

import jieba
import numpy
import platformdirs
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.resources import load_patterns, resource_path
from pipeline.textview import Sentence, TextView

SegmentMode = Literal["candidates", "full"]
SEGMENT_MODES: tuple[str, ...] = ("candidates", "full")
# Outside candidate sentences: spaCy's own zh default, one token per character, except runs of
# whitespace and of Latin letters and digits, which stay whole: ``\s+|[A-Za-z0-9]+(?:[.,][0-9]+)*``,
# written to open with a set so that the engine scans for it at C speed.
_MULTI_CHARACTER_RE = re.compile(r"[\sA-Za-z0-9](?:(?<=\s)\s*|[A-Za-z0-9]*(?:[.,][0-9]+)*)")

# The text view of each doc, kept beside the doc rather than in ``doc.user_data``: spaCy
# serialises ``user_data`` (``Doc.to_bytes``, ``DocBin``, ``nlp.pipe(n_process=2)``) and a view
# is rebuilt from the text in a few milliseconds. ``doc._.zp_view`` reads it (or builds it).
_VIEWS: weakref.WeakKeyDictionary[Doc, TextView] = weakref.WeakKeyDictionary()
# Words whose lexeme ids the tokenizer keeps (the characters and common words of a corpus); a
# batch run stops adding lexemes for good at about as many strings (batch.VOCABULARY_LIMIT).
_ORTH_CACHE_LIMIT = 100_000
# The tokenizer keeps the ids of one-character words in a table by code point over the BMP;
# U+FFFF is no character: its entry stays empty and stands for every character beyond.
_NO_CHARACTER = 0xFFFF


# The word segmenter: ``rjieba`` (the jieba-rs binding: the same dictionary, HMM and user
# dictionary as jieba, an order of magnitude faster) when it is installed, else ``jieba``.
SEGMENTERS: tuple[str, ...] = ("auto", "rjieba", "jieba")
_active_segmenter: list[str] = []  # the backend this process segments with, once chosen


def _cache_directory() -> Path | None:
    """jieba's cache goes to the user's cache directory (``platformdirs``: $XDG_CACHE_HOME or
    ~/.cache on Linux), never the shared temporary directory; None when it cannot be made."""
    directory = Path(platformdirs.user_cache_dir("zhpolicy")) / "jieba"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return directory


def _user_dictionary_entries() -> list[tuple[str, int | None, str | None]]:
    entries: list[tuple[str, int | None, str | None]] = []
    with resource_path("userdict.txt").open(encoding="utf-8") as handle:
        for line in handle:
            parts = line.split()
            if not parts or parts[0].startswith("#"):
                continue
            freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
            tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
            entries.append((parts[0], freq, tag))
    return entries


@cache
def load_jieba() -> None:
    """Load Python jieba's dictionary and the domain user dictionary, once per process.

    Its cache file lives in the user's cache directory, and the user dictionary is read
    through a file we close (``jieba.load_userdict`` given a path leaves it open). Only the
    ``jieba`` backend needs it: with rjieba it is never loaded (it holds ~60 MB).
    """
    jieba.setLogLevel(logging.WARNING)
    directory = _cache_directory()
    if directory is not None:
        jieba.dt.tmp_dir = str(directory)
    jieba.initialize()
    with resource_path("userdict.txt").open("rb") as handle:
        jieba.load_userdict(handle)


def load_user_dictionary() -> None:
    """Make the process's segmenter ready with the domain user dictionary (the default
    segmenter when none was chosen yet)."""
    if not _active_segmenter:
        use_segmenter()
    elif _active_segmenter[0] == "jieba":
        load_jieba()


@cache
def _rjieba_instance() -> Any | None:
    """An ``rjieba.Jieba`` with the domain user dictionary, or None when rjieba is missing."""
    try:
        import rjieba
    except ImportError:
        return None
    instance = rjieba.Jieba()
    for word, freq, tag in _user_dictionary_entries():
        instance.add_word(word, freq, tag)
    return instance


def use_segmenter(name: str = "auto") -> str:
    """Choose the process's word segmenter (``auto``: rjieba if installed, else jieba); returns
    the backend in use. Unknown names raise ``ValueError``."""
    if name not in SEGMENTERS:
        raise ValueError(f"unknown segmenter {name!r}; valid: {', '.join(SEGMENTERS)}")
    backend = "jieba"
    if name in ("auto", "rjieba"):
        if _rjieba_instance() is not None:
            backend = "rjieba"
        elif name == "rjieba":
            logging.getLogger(__name__).warning("rjieba is not installed; segmenting with jieba")
    if backend == "jieba":
        load_jieba()
    _active_segmenter[:] = [backend]
    return backend


def _cut(text: str) -> list[str]:
    if not _active_segmenter:
        use_segmenter()
    if _active_segmenter[0] == "rjieba":
        instance = _rjieba_instance()
        assert instance is not None
        return instance.cut(text, True)
    return jieba.lcut(text, HMM=True)


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
    scan = scan_patterns()
    quantity, commitment = scan.quantity.search, scan.commitment.search  # is_candidate, inlined
    for sentence in sentences:
        start, end = sentence.start, sentence.end
        if not (quantity(norm, start, end) and commitment(norm, start, end)):
            continue
        if regions and not norm[regions[-1][1] : sentence.start].strip():
            regions[-1] = (regions[-1][0], sentence.end)
        else:
            regions.append((sentence.start, sentence.end))
    return regions


def character_tokens(text: str) -> list[str]:
    """One token per character, except the (rare) whitespace and Latin/digit runs."""
    words = _Words(text)
    words.characters(text, 0, len(text))
    return cast(list[str], words.items)


class _Words:
    """The words of a document as they are collected, and the indices of its whitespace words.

    Without ``orths`` a word goes in as its string. Given ``orths`` (the tokenizer's lexeme ids)
    it goes in as its lexeme's id where one is known, else as its string (noted in ``new``):
    the ``Doc`` wants ids, and this spares a later pass over every word. Whitespace words stay
    strings until the spaces are worked out (:func:`_words_and_spaces`). ``chars`` holds the
    item of every character of the text for the character tokens: the text itself, or ids.

    ``anchors`` (when the words are to be mapped onto the document) notes where each stretch of
    the text went: its offset, the index of its first word, and its words when they are not one
    per character; a word is found by its offset from these, its length never read.
    """

    __slots__ = ("anchors", "blanks", "chars", "items", "new", "orths")

    def __init__(
        self, chars: Sequence[str | int], orths: dict[str, int] | None = None, anchored: bool = False
    ) -> None:
        self.items: list[str | int] = []
        self.blanks: list[int] = []
        self.chars = chars
        self.orths = orths
        self.new: set[str] = set()
        self.anchors: list[tuple[int, int, list[str] | None]] | None = [] if anchored else None

    def item(self, word: str) -> str | int:
        """What goes in for ``word``: its id when known (given ``orths``), else the word."""
        if self.orths is None:
            return word
        orth = self.orths.get(word)
        if orth is None:
            self.new.add(word)
            return word
        return orth

    def characters(self, text: str, start: int, end: int) -> None:
        """Add ``character_tokens(text[start:end])`` (``text`` being the text of ``chars``).

        ``list.extend`` cuts the text between the runs: a regex with a ``.`` branch would build
        the same list one match at a time, and this is most of the text. The runs are the only
        words here that can be whitespace, so they are noted here and no later pass tests every
        word.
        """
        items, chars, anchors = self.items, self.chars, self.anchors
        position = start
        for run in _MULTI_CHARACTER_RE.finditer(text, start, end):
            run_start = run.start()
            if anchors is not None:
                if run_start > position:
                    anchors.append((position, len(items), None))
                anchors.append((run_start, len(items) + run_start - position, [run.group()]))
            items.extend(chars[position:run_start])
            if text[run_start].isspace():
                self.blanks.append(len(items))
                items.append(run.group())
            else:
                items.append(self.item(run.group()))
            position = run.end()
        if anchors is not None and end > position:
            anchors.append((position, len(items), None))
        items.extend(chars[position:end])

    def segmented(self, pieces: list[str], start: int) -> None:
        """Add the segmenter's words (empty ones left out) for the text from offset ``start``."""
        if "" in pieces:
            pieces = list(filter(None, pieces))
        base = len(self.items)
        if self.anchors is not None:
            self.anchors.append((start, base, pieces))
        blanks = list(compress(count(base), map(str.isspace, pieces)))
        if self.orths is None:
            self.items.extend(pieces)
        else:
            ids: list[int | None] | list[str | int] = list(map(self.orths.get, pieces))
            if not all(ids):  # new words go in as strings (whitespace ones are taken out below)
                self.new.update(compress(pieces, map(operator.not_, ids)))
                ids = list(map(self.orths.get, pieces, pieces))
            self.items.extend(cast(list[str | int], ids))
            for index in blanks:
                self.items[index] = pieces[index - base]
        self.blanks.extend(blanks)


def jieba_tokens(text: str, norm: str) -> list[str]:
    """The segmenter (rjieba or jieba) over the matching form (simplified), cut back onto the
    original characters."""
    pieces = _cut(norm)
    if text == norm:  # no traditional or full-width characters: the pieces are the words
        return pieces
    ends = list(accumulate(map(len, pieces)))
    return [text[start:end] for start, end in zip([0, *ends], ends, strict=False)]


def _differences(text: str, norm: str) -> list[int]:
    """The offsets where ``norm`` (of the same length) differs from ``text``."""
    if text == norm:
        return []
    text_codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    norm_codes = numpy.frombuffer(norm.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
    return cast(list[int], numpy.flatnonzero(text_codes != norm_codes).tolist())


def _segmented_stretch(text: str, norm: str, start: int, end: int, differences: list[int]) -> list[str]:
    """``jieba_tokens(text[start:end], norm[start:end])`` given the offsets where the two differ:
    only the words holding one are cut back from ``text`` (a few full-width marks and traditional
    characters in a stretch: the others are the segmenter's words as they are)."""
    pieces = _cut(norm[start:end])
    first, last = bisect_left(differences, start), bisect_left(differences, end)
    if first == last:
        return pieces
    ends = list(accumulate(map(len, pieces)))
    for position in differences[first:last]:
        index = bisect_right(ends, position - start)
        pieces[index] = text[start + (ends[index - 1] if index else 0) : start + ends[index]]
    return pieces


def segment_words(view: TextView, mode: SegmentMode = "candidates") -> list[str]:
    """Words covering the document (``view.original``) exactly, jieba where it matters.

    Segmentation runs on the view (the text without artefacts); with artefacts, each word is
    mapped back onto the document's own characters and the removed stretches become tokens of
    their own (see :func:`_words_in_original`).
    """
    return cast(list[str], _segment(view, mode).items)


def _segment(
    view: TextView,
    mode: SegmentMode,
    chars: Sequence[str | int] | None = None,
    orths: dict[str, int] | None = None,
) -> _Words:
    """``segment_words`` collected as :class:`_Words` (``chars``: the items of the characters of
    ``view.text``, the text itself by default); with artefacts, mapped onto the document."""
    load_user_dictionary()
    text, norm = view.text, view.norm
    words = _Words(text if chars is None else chars, orths, anchored=view.has_artefacts)
    differences = _differences(text, norm)
    if mode == "full":
        words.segmented(_segmented_stretch(text, norm, 0, len(text), differences), 0)
        return _words_in_original(view, words)
    position = 0
    # Runs of candidate sentences go to jieba in one call: its per-call overhead is what
    # dominates for short sentences, and it splits at punctuation on its own.
    for start, end in candidate_regions(norm, view.sentences):
        if start > position:
            words.characters(text, position, start)
        words.segmented(_segmented_stretch(text, norm, start, end, differences), start)
        position = end
    words.characters(text, position, len(text))
    return _words_in_original(view, words)


def _words_in_original(view: TextView, words: _Words) -> _Words:
    """Words tiling ``view.text`` -> words tiling ``view.original``: each word becomes the
    document's span for it (a word may then hold a removed space: 质 量), and what was removed
    between words (markup, page numbers) is cut as ``character_tokens``; the indices of the
    whitespace words are carried over.

    Artefacts are few: only the words holding a view character next to or over a removed stretch
    (:meth:`TextView.marked_positions`) are looked at one by one, found from the anchors of the
    words; the others are the view's words unchanged.
    """
    if not view.has_artefacts:
        return words
    assert words.anchors is not None
    original = view.original
    items, blanks = words.items, words.blanks
    anchor_offsets = [offset for offset, _, _ in words.anchors]
    special: dict[int, tuple[int, int]] = {}  # index of a word -> its view span
    for position in view.marked_positions():
        index, start, end = _word_at(words.anchors, anchor_offsets, position)
        special[index] = (start, end)
    out = _Words(original, words.orths)
    out.new = words.new
    previous = 0

    def copy_words(until: int) -> None:
        """Copy ``items[previous:until]`` unchanged, with their whitespace words' indices."""
        shift = len(out.items) - previous
        moved = blanks[bisect_left(blanks, previous) : bisect_left(blanks, until)]
        out.blanks.extend(blank + shift for blank in moved)
        out.items.extend(items[previous:until])

    for index in sorted(special):
        copy_words(index)
        view_start, view_end = special[index]
        start, end = view.orig(view_start), view.orig_end(view_end)
        gap_start = view.orig_end(view_start) if index else 0
        if start > gap_start:
            out.characters(original, gap_start, start)
        word = original[start:end]
        if word.isspace():
            out.blanks.append(len(out.items))
            out.items.append(word)
        else:
            out.items.append(out.item(word))
        previous = index + 1
    copy_words(len(items))
    tail = view.orig_end(len(view.text)) if items else 0
    if tail < len(original):
        out.characters(original, tail, len(original))
    return out


def _word_at(
    anchors: list[tuple[int, int, list[str] | None]], offsets: list[int], position: int
) -> tuple[int, int, int]:
    """The index and view span of the word holding view offset ``position``."""
    offset, first, pieces = anchors[bisect_right(offsets, position) - 1]
    if pieces is None:  # one word per character
        return first + position - offset, position, position + 1
    for index, piece in enumerate(pieces):
        if position < offset + len(piece):
            return first + index, offset, offset + len(piece)
        offset += len(piece)
    raise ValueError(f"no word holds offset {position}")


def words_and_spaces(words: Iterable[str]) -> tuple[list[str], list[bool]]:
    """spaCy's words/spaces for words that tile the text exactly: a single space after a word
    becomes its trailing space, other whitespace stays a token.

    Same result as ``spacy.util.get_words_and_spaces`` in linear time (that one slices the
    rest of the text for every word: quadratic on long documents).
    """
    collected = _Words("")
    collected.items = list(filter(None, words))
    collected.blanks = list(compress(count(), map(str.isspace, collected.items)))
    out_words, spaces = _words_and_spaces(collected)
    return cast(list[str], out_words), spaces


def _words_and_spaces(words: _Words) -> tuple[list[str | int], list[bool]]:
    """``words_and_spaces`` for collected words (changed in place): only the whitespace words
    are looked at one by one.

    A space after a word becomes its trailing space, a run of whitespace words becomes one. The
    whitespace words so taken into the word before are dropped at the end (rarely any:
    whitespace in Chinese text is mostly line breaks), so the words are not copied one run at a
    time. The whitespace words kept go in as ids, when the words are collected as ids.
    """
    items = words.items
    spaces = [False] * len(items)
    dropped: list[int] = []
    kept: list[int] = []  # the whitespace words kept
    previous = -1  # the last word kept before the whitespace word at hand
    previous_blank = False  # whether that word is a whitespace word
    for index in words.blanks:
        if not dropped or dropped[-1] != index - 1:
            previous = index - 1
            previous_blank = bool(kept) and kept[-1] == previous
        word = cast(str, items[index])
        if word[0] == " " and previous >= 0 and not spaces[previous] and not previous_blank:
            spaces[previous] = True
            word = items[index] = word[1:]
            if not word:
                dropped.append(index)
                continue
        if previous_blank and not spaces[previous]:
            items[previous] = cast(str, items[previous]) + word
            dropped.append(index)
            continue
        kept.append(index)
    if words.orths is not None:
        for index in kept:
            items[index] = words.item(cast(str, items[index]))
    if not dropped:
        return items, spaces
    kept_items: list[str | int] = []
    kept_spaces: list[bool] = []
    start = 0
    for index in dropped:
        kept_items.extend(items[start:index])
        kept_spaces.extend(spaces[start:index])
        start = index + 1
    kept_items.extend(items[start:])
    kept_spaces.extend(spaces[start:])
    return kept_items, kept_spaces


class ZhpolicyTokenizer:
    """spaCy tokenizer: jieba on candidate sentences (or everything), with the text view attached."""

    def __init__(self, vocab: Vocab, mode: SegmentMode = "candidates", segmenter: str = "auto") -> None:
        if mode not in SEGMENT_MODES:
            raise ValueError(f"unknown segment mode {mode!r}; valid: {', '.join(SEGMENT_MODES)}")
        self.vocab = vocab
        self.mode: SegmentMode = mode
        self.segmenter = use_segmenter(segmenter)
        self._orths: dict[str, int] = {}
        # the ids of the remembered one-character words, by code point (the BMP); 0: none
        self._char_orths = numpy.zeros(_NO_CHARACTER + 1, dtype=numpy.uint64)

    def __call__(self, text: str) -> Doc:
        view = TextView.from_text(text)
        # Words go in as ids as they are collected, the character tokens (most of them) as the
        # ids of their characters looked up for the whole text at once: no string is made and
        # hashed for each character, and no pass over every word follows.
        chars, unknown = self._character_ids(view.text)
        collected = _segment(view, self.mode, chars, self._orths)
        items, spaces = _words_and_spaces(collected)
        doc = self._make_doc(view, items, spaces)
        if collected.new or unknown:
            self._remember(collected.new | unknown)
        return doc

    def _character_ids(self, text: str) -> tuple[list[str | int], set[str]]:
        """For each character of ``text``, its lexeme's id where remembered, else the character
        itself; and the characters without one."""
        codes = numpy.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=numpy.uint32)
        found = self._char_orths[numpy.minimum(codes, _NO_CHARACTER)]
        chars: list[str | int] = found.tolist()
        unknown: set[str] = set()
        for position in numpy.flatnonzero(found == 0).tolist():
            chars[position] = text[position]
            unknown.add(text[position])
        return chars, unknown

    def _make_doc(self, view: TextView, ids: Sequence[object], spaces: list[bool]) -> Doc:
        """The ``Doc`` of ``ids``: each word as its lexeme's id where the vocabulary holds it for
        good, else as text.

        ``Doc`` hashes every string word to find its lexeme, which made building the ``Doc``
        about a sixth of the run (a token per character outside candidate sentences); given the
        id it looks the lexeme up directly. The tokens are the same.
        """
        doc = Doc(self.vocab, words=ids, spaces=spaces)
        _VIEWS[doc] = view
        return doc

    def _remember(self, words: set[str]) -> None:
        """Note the ids of these words where the vocabulary holds them, unless the doc was made
        in a memory zone (its new lexemes are freed with the zone; only lexemes made outside one
        stay)."""
        orths = self._orths
        # (a spaCy without the property: nothing is remembered, every word goes as text)
        if getattr(self.vocab, "in_memory_zone", True) or len(orths) >= _ORTH_CACHE_LIMIT:
            return
        vocab, strings = self.vocab, self.vocab.strings
        for word in words:
            if word not in vocab:  # a character that was no token of its own
                continue
            if orth := strings[word]:  # 0 stands for no word: never handed to Doc as an id
                orths[word] = orth
                if len(word) == 1 and ord(word) < _NO_CHARACTER:
                    self._char_orths[ord(word)] = orth
            if len(orths) >= _ORTH_CACHE_LIMIT:
                break

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterable[Doc]:
        for text in texts:
            yield self(text)

    # A tokenizer must serialise with the pipeline; its only state is the mode in the config
    # (the lexeme ids are forgotten when the pipeline, and so its vocabulary, is loaded again).
    def to_bytes(self, **kwargs: Any) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs: Any) -> ZhpolicyTokenizer:
        self._orths.clear()
        self._char_orths[:] = 0
        return self

    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        Path(path).mkdir(parents=True, exist_ok=True)

    def from_disk(self, path: str | Path, **kwargs: Any) -> ZhpolicyTokenizer:
        self._orths.clear()
        self._char_orths[:] = 0
        return self


@spacy.registry.tokenizers("zhpolicy.Tokenizer.v1")
def create_tokenizer(
    mode: SegmentMode = "candidates", segmenter: str = "auto"
) -> Callable[[Language], ZhpolicyTokenizer]:
    def make(nlp: Language) -> ZhpolicyTokenizer:
        return ZhpolicyTokenizer(nlp.vocab, mode=mode, segmenter=segmenter)

    return make


def _doc_length(doc: Doc) -> int:
    if not len(doc):
        return 0
    last = doc[-1]
    return last.idx + len(last.text_with_ws)


def text_view(doc: Doc) -> TextView:
    """The doc's text view; built here when a foreign tokenizer made the doc (or the doc was
    read back from bytes).

    The check compares lengths: ``doc.text`` joins every token, and components ask for the view
    once each, which made that join the most expensive step of the whole pipeline.
    """
    view = _VIEWS.get(doc)
    if view is None or len(view.original) != _doc_length(doc):
        view = TextView.from_text(doc.text)
        _VIEWS[doc] = view
    return view


if not Doc.has_extension("zp_view"):
    Doc.set_extension("zp_view", getter=text_view)
