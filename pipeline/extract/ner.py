"""Trained name recogniser: the recall layer for programmes and agencies beside the rules.

A small spaCy ``spancat`` (one token per character, hash embeddings, a CNN encoder) trained by
``make model`` (``pipeline/train/ner.py``) and shipped in ``pipeline/models/ner``. It scores only
spans that end right after a cue word (a programme head, a closing quote, an organ word), and
only in sentences holding a cue that no rule-found name already covers: the rules stay the
precise layer, the model looks where they found nothing. Spans scoring at or above the threshold
that pass the rules' own sanity checks (an agency's name starts with a level or a place; a
programme is no slogan or generic phrase), and whose normalised name no rule found, join
``doc._.zp_programmes`` / ``doc._.zp_agencies`` with ``rule="model"``.

Cue words, the span length and the threshold: ``resources/zh/ner.yaml``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged

from pipeline.extract.agencies import _plausible, agency_patterns, normalise_agency
from pipeline.extract.context import DocumentContext
from pipeline.extract.policies import TITLE_RE
from pipeline.extract.programmes import _canonical, _core, _head_type, programme_resources, regional_brand
from pipeline.resources import ResourceError, guarded_compile, load_yaml
from pipeline.textview import TextView, to_simplified
from schemas import Agency, Mention, Programme

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "ner"
SPANS_KEY = "zp_ner"
LABELS = ("PROGRAMME", "AGENCY")
MODES = ("merge", "model_only")
_TEXT_KEY = "zhpolicy_text"
_CLAUSE_RE = re.compile(r"[，,。；;：:！!？?\n]")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
_NAME_STRIP_RE = re.compile(r"[\s“”\"'「」『』《》〈〉()（）·・,，、。.:：;；!！?？\-—_]")


@dataclass(frozen=True)
class NerSettings:
    cue_re: re.Pattern[str]
    programme_cue_re: re.Pattern[str]
    select_cue_re: re.Pattern[str]
    context_chars: int
    read_left_chars: int
    agency_cue_re: re.Pattern[str]
    sentence_end_re: re.Pattern[str]
    span_break_re: re.Pattern[str]
    max_length: int
    threshold: float
    head_chars: int
    tail_chars: int
    agency_context_re: re.Pattern[str]
    agency_follow_re: re.Pattern[str]


@cache
def ner_settings() -> NerSettings:
    data = load_yaml("ner.yaml")
    try:
        return NerSettings(
            cue_re=guarded_compile(f"{data['PROGRAMME_CUE_RE']}|{data['AGENCY_CUE_RE']}"),
            programme_cue_re=guarded_compile(str(data["PROGRAMME_CUE_RE"])),
            select_cue_re=guarded_compile(str(data["READ_PROGRAMME_CUE_RE"])),
            context_chars=int(data["context_chars"]),
            read_left_chars=int(data["read_left_chars"]),
            agency_cue_re=guarded_compile(str(data["AGENCY_CUE_RE"])),
            sentence_end_re=guarded_compile(str(data["SENTENCE_END_RE"])),
            span_break_re=guarded_compile(str(data["SPAN_BREAK_RE"])),
            max_length=int(data["max_length"]),
            threshold=float(data["threshold"]),
            head_chars=int(data["agency_head_chars"]),
            tail_chars=int(data["agency_tail_chars"]),
            agency_context_re=guarded_compile(str(data["AGENCY_NOT_AFTER_RE"])),
            agency_follow_re=guarded_compile(str(data["AGENCY_NOT_BEFORE_RE"])),
        )
    except (KeyError, ValueError, re.error) as exc:
        raise ResourceError(f"ner.yaml: {exc}") from exc


def name_key(name: str) -> str:
    """A name for comparison: simplified, no spaces, quotes or punctuation."""
    return _NAME_STRIP_RE.sub("", to_simplified(name))


def cue_spans(
    text: str,
    cue_re: re.Pattern[str],
    break_re: re.Pattern[str],
    max_length: int,
    start_re: re.Pattern[str] | None = None,
) -> list[tuple[int, int]]:
    """Every (start, end) the model scores in ``text``: spans of 2 to ``max_length`` characters
    that end right after a cue and cross no clause mark; with ``start_re``, only spans that
    start where a name can (the text's start, after a character that is no ideograph, or right
    after a ``start_re`` match: a trigger or stop word)."""
    allowed: set[int] | None = None
    if start_re is not None:
        allowed = {m.end() for m in start_re.finditer(text)}
        allowed.update(i + 1 for i, ch in enumerate(text) if not _CJK_RE.match(ch))
        allowed.add(0)
    breaks = [m.start() for m in break_re.finditer(text)]
    found: set[tuple[int, int]] = set()
    for match in cue_re.finditer(text):
        end = match.end()
        if end == match.start():
            continue
        index = bisect_right(breaks, match.start() - 1) - 1
        left = breaks[index] + 1 if index >= 0 else 0
        for start in range(max(left, end - max_length), match.start()):
            if end - start >= 2 and (allowed is None or start in allowed):
                found.add((start, end))
    return sorted(found)


@registry.misc("zhpolicy.cue_suggester.v1")
def build_cue_suggester(
    cue_pattern: str, break_pattern: str, max_length: int, start_pattern: str | None = None
) -> Callable[..., Ragged]:
    """spancat suggester: the cue spans of each doc (its tokens are single characters)."""
    cue_re, break_re = re.compile(cue_pattern), re.compile(break_pattern)
    start_re = re.compile(start_pattern) if start_pattern else None

    def suggest(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        ops = ops or get_current_ops()
        spans: list[tuple[int, int]] = []
        lengths: list[int] = []
        for doc in docs:
            text = doc.user_data.get(_TEXT_KEY)
            if text is None:
                text = doc.text  # a doc not made by char_doc: slower (joins every token)
            found = cue_spans(text, cue_re, break_re, max_length, start_re) if len(doc) == len(text) else []
            spans.extend(found)
            lengths.append(len(found))
        data = numpy.asarray(spans, dtype="i").reshape((-1, 2)) if spans else numpy.zeros((0, 0), dtype="i")
        return Ragged(ops.asarray2i(data), ops.asarray1i(numpy.asarray(lengths, dtype="i")))

    return suggest


def char_doc(nlp: Language, text: str) -> Doc:
    """A doc of one token per character, the unit the model reads (its text kept beside it: the
    suggester reads it without joining the tokens again)."""
    doc = Doc(nlp.vocab, words=list(text), spaces=[False] * len(text))
    doc.user_data[_TEXT_KEY] = text
    return doc


def sentences(norm: str, settings: NerSettings | None = None) -> Iterator[tuple[int, str]]:
    """(offset, sentence) for every sentence of ``norm`` that holds a cue."""
    settings = settings or ner_settings()
    start = 0
    for match in settings.sentence_end_re.finditer(norm + "\n"):
        piece = norm[start : match.start()]
        if piece.strip() and settings.cue_re.search(piece):
            yield start, piece
        start = match.end()


def _uncovered_cues(
    sentence: str, offset: int, covered: list[tuple[int, int]], cue_re: re.Pattern[str]
) -> Iterator[tuple[int, int]]:
    """(start, end) in the sentence of every cue that no rule-found name covers."""
    starts = [s for s, _ in covered]
    for match in cue_re.finditer(sentence):
        position = offset + match.start()
        index = bisect_right(starts, position) - 1
        if index < 0 or covered[index][1] < offset + match.end():
            yield match.start(), match.end()


def _trigger_before(sentence: str, position: int) -> bool:
    """A trigger verb in the clause before ``position``: the rules read such a name already
    (and rejected it, if they found nothing); the model looks where they need one and have none."""
    clause = _CLAUSE_RE.split(sentence[max(0, position - 30) : position])[-1]
    return bool(programme_resources().trigger_re.search(clause))


def windows(norm: str, covered: list[tuple[int, int]], settings: NerSettings) -> list[tuple[int, str]]:
    """(offset, text) of the stretches the model reads: around every uncovered programme cue
    (anywhere) and organ cue (in the head or tail), the longest name to its left and a few
    characters to its right, inside its sentence; overlapping stretches merged."""
    head, tail = settings.head_chars, len(norm) - settings.tail_chars
    reach = settings.read_left_chars + settings.context_chars
    spans: list[tuple[int, int]] = []
    for offset, sentence in sentences(norm, settings):
        cues = [
            (start, end)
            for start, end in _uncovered_cues(sentence, offset, covered, settings.select_cue_re)
            if not _trigger_before(sentence, start)
        ]
        if offset < head or offset + len(sentence) > tail:
            cues += _uncovered_cues(sentence, offset, covered, settings.agency_cue_re)
        for start, end in sorted(cues):
            left, right = max(0, start - reach), min(len(sentence), end + settings.context_chars)
            if spans and offset + left <= spans[-1][1]:
                spans[-1] = (spans[-1][0], max(spans[-1][1], offset + right))
            else:
                spans.append((offset + left, offset + right))
    return [(start, norm[start:end]) for start, end in spans]


@dataclass(frozen=True)
class ScoredSpan:
    start: int
    end: int
    label: str
    score: float


def predict_spans(
    model: Language, norm: str, covered: list[tuple[int, int]] | None = None, threshold: float | None = None
) -> list[ScoredSpan]:
    """The model's names in ``norm`` (document offsets), best first where spans overlap; only
    sentences with a cue outside ``covered`` (sorted, non-overlapping spans) are read."""
    settings = ner_settings()
    threshold = settings.threshold if threshold is None else threshold
    covered = sorted(covered or [])
    chosen = windows(norm, covered, settings)
    if not chosen:
        return []
    # one doc for the whole document (stretches joined by a line break no span crosses): one
    # forward pass instead of one per stretch
    joined = "\n".join(text for _, text in chosen)
    starts: list[int] = []
    position = 0
    for _, text in chosen:
        starts.append(position)
        position += len(text) + 1
    doc = model.get_pipe("spancat")(char_doc(model, joined))
    group = doc.spans[SPANS_KEY]
    raw = group.attrs.get("scores")
    if raw is None or not len(group):
        return []
    scores = numpy.asarray(raw).reshape(-1)

    def document_offset(index: int) -> int:
        piece = bisect_right(starts, index) - 1
        return chosen[piece][0] + index - starts[piece]

    candidates = sorted(
        (
            ScoredSpan(start, start + len(span), span.label_, float(score))
            for span, score in zip(group, scores, strict=True)
            for start in (document_offset(span.start),)
            if float(score) >= threshold
        ),
        key=lambda s: (-s.score, s.start),
    )
    taken: list[ScoredSpan] = []
    for candidate in candidates:
        if all(candidate.end <= t.start or candidate.start >= t.end for t in taken):
            taken.append(candidate)
    return sorted(taken, key=lambda s: s.start)


def _trim_programme(start: int, end: int, norm: str) -> int:
    """Where a model's programme span really starts: past the trigger and stop words that open
    it (以下简称区长质量奖 → 区长质量奖), as the rules' left edge would."""
    boundary = programme_resources().compiled["NAME_LEFT_BOUNDARY_RE"]
    while start < end and (match := boundary.match(norm, start, end)) is not None and match.end() > start:
        if end - match.end() < 3:
            break
        start = match.end()
    return start


def _programme_edges_ok(norm: str, start: int, end: int) -> bool:
    """A model's programme starts where a name can (after punctuation, a quote, a trigger or a
    stop word: never inside a word, 进|一步扩大…) and ends where a head word may end one
    (not 行动|起来)."""
    compiled = programme_resources().compiled
    if start > 0 and not compiled["NAME_LEFT_BOUNDARY_RE"].search(norm, max(0, start - 8), start):
        return False
    if start > 0:
        boundaries = list(compiled["NAME_LEFT_BOUNDARY_RE"].finditer(norm, max(0, start - 8), start))
        if not any(b.end() == start for b in boundaries):
            return False
    clause = norm[max(0, start - 20) : start]
    clause = re.split(r"[，,。；;：:！!？?\n]", clause)[-1]
    if compiled["WON_RE"].search(clause):
        return False  # a title already won (获评“…示范市”): no commitment
    return norm[end - 1] == "”" or bool(compiled["HEAD_FOLLOW_RE"].match(norm, end))


def _ends_like_a_programme(name: str, quoted: bool) -> bool:
    res = programme_resources()
    brand_word = res.compiled.get("QUOTED_BRAND_RE")
    return quoted or any(name.endswith(h) for h in res.heads) or bool(brand_word and brand_word.match(name))


def _programme_ok(name: str) -> bool:
    """The rules' own vetoes: slogans, codes, generic names, construction works, verb openings."""
    res = programme_resources()
    compiled = res.compiled
    core = _core(name)
    return (
        len(name) >= 3
        and not compiled["SLOGAN_RE"].search(name)
        and not compiled["NUMERAL_PAIR_SLOGAN_RE"].match(name)
        and not compiled["GENERIC_CORE_RE"].match(name)
        and not compiled["GENERIC_CORE_RE"].match(core)
        and not compiled["CODE_SLOGAN_RE"].match(name)
        and not compiled["VERB_OPENING_RE"].match(core)
        and not (_head_type(name) == "project" and compiled["CONSTRUCTION_CORE_RE"].search(core))
        and not compiled["LIST_SLOGAN_RE"].search(name[-1:])
    )


def _quoted_name_ok(norm: str, start: int, end: int) -> bool:
    """A quoted name with no head word after it counts, as for the rules, only as the object of
    a trigger verb (打造“…”): bare, it is as likely a slogan (“十连增”, “上好学”)."""
    res = programme_resources()
    inner = norm[start:end]
    if not inner.endswith("”") or _head_type(_canonical(inner)) is not None:
        return True
    name = _canonical(inner)
    if res.compiled["QUOTED_BRAND_RE"].match(name) or regional_brand(name):
        return True
    clause = re.split(r"[，,。；;：:！!？?\n]", norm[max(0, start - 20) : start])[-1]
    return bool(res.strong_trigger_end_re.search(clause) or res.trigger_end_re.search(clause))


def _agency_ok(name_norm: str) -> bool:
    patterns = agency_patterns().compiled
    unit = patterns["AGENCY_UNIT_RE"].fullmatch(name_norm)
    return (
        unit is not None
        and unit.group("unit") == name_norm
        and _plausible(name_norm)
        and not patterns["ITEM_SKIP_RE"].search(name_norm)
    )


def _agency_place_ok(norm: str, start: int, end: int) -> bool:
    """A body the model finds counts where a document names its issuer or its responsible
    bodies: the head (title, lead, portal metadata) or the tail (signature, 责任单位 of the last
    task), never after 经/根据/代表/向 (approval, a cited document, a speech, the receiver)."""
    settings = ner_settings()
    if settings.head_chars < start and end < len(norm) - settings.tail_chars:
        return False
    if start > 0 and _CJK_RE.match(norm[start - 1]):
        return False  # starts inside a word (深圳|市宝安区…)
    if settings.agency_follow_re.match(norm, end):
        return False  # the issuer of another document (区政府关于授予…的决定): the rules read titles
    return not settings.agency_context_re.search(norm[max(0, start - 4) : start])


def merge_predictions(
    view: TextView,
    spans: list[ScoredSpan],
    programmes: list[Programme],
    agencies: list[Agency],
    context: DocumentContext | None,
) -> tuple[list[Programme], list[Agency]]:
    """The rules' items plus the model's new names (deduplicated by normalised name: a name
    that contains or is contained in one already found is the same thing)."""
    programme_keys = [name_key(p.name) for p in programmes]
    agency_keys = [name_key(a.name) for a in agencies]
    programmes, agencies = list(programmes), list(agencies)
    by_key: dict[str, Programme | Agency] = {}
    titles = [(m.start(), m.end()) for m in TITLE_RE.finditer(view.norm)]
    for span in spans:
        if any(s <= span.start and span.end <= e for s, e in titles):
            continue  # inside a cited title: that document's words, not this one's names
        if span.label == "PROGRAMME":
            start = _trim_programme(span.start, span.end, view.norm)
            span = ScoredSpan(start, span.end, span.label, span.score)
        text = view.text[span.start : span.end]
        mention = Mention(start=span.start, end=span.end, text=text)
        if span.label == "PROGRAMME":
            written = view.norm[span.start : span.end]
            name = _canonical(written)
            key = name_key(name)
            if not key or not _programme_ok(name) or not _ends_like_a_programme(name, written.endswith("”")):
                continue
            if not _programme_edges_ok(view.norm, span.start, span.end):
                continue
            if not _quoted_name_ok(view.norm, span.start, span.end):
                continue
            if "、" in written and "“" not in written:
                continue  # a list (养老保险、社会救助制度): the rules decide how it distributes
            if any(k and (k in key or key in k) for k in programme_keys):
                continue
            existing = by_key.get("P" + key)
            if existing is not None:
                existing.mentions.append(mention)
                continue
            programme = Programme(
                name=name,
                type=_head_type(name) or "other",
                start=span.start,
                end=span.end,
                evidence=text,
                mentions=[mention],
                rule="model",
            )
            by_key["P" + key] = programme
            programmes.append(programme)
        elif span.label == "AGENCY":
            name_norm = view.norm[span.start : span.end]
            key = name_key(name_norm)
            if not key or not _agency_ok(name_norm) or key in agency_keys:
                continue
            if not _agency_place_ok(view.norm, span.start, span.end):
                continue
            existing = by_key.get("A" + key)
            if existing is not None:
                existing.mentions.append(mention)
                continue
            agency = Agency(
                name=text,
                normalized=normalise_agency(name_norm, context),
                role="other",
                start=span.start,
                end=span.end,
                evidence=text,
                mentions=[mention],
            )
            by_key["A" + key] = agency
            agencies.append(agency)
    return programmes, agencies


@cache
def load_model(path: str | None = None) -> Language:
    """The trained recogniser, loaded once per process (the shipped one by default)."""
    import spacy

    directory = Path(path) if path else MODEL_DIR
    if not (directory / "config.cfg").exists():
        raise ResourceError(f"no trained name recogniser at {directory}: run `make model`")
    return spacy.load(directory)


def covered_spans(items: Iterable[Any]) -> list[tuple[int, int]]:
    """Every mention of the rules' items, sorted and merged into non-overlapping spans."""
    spans = sorted((m.start, m.end) for item in items for m in (item.mentions or [item]))
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
