"""spaCy components: every zhpolicy extractor registered with ``@Language.factory``.

Each component reads the doc's text view, runs one extractor and stores its items on a ``Doc``
extension (``doc._.zp_targets`` …) and as a span group (``doc.spans["zp_targets"]``). Components
run in the order of ``COMPONENT_ORDER``; later ones read what earlier ones found (the document
fields, the deadlines).
"""

from __future__ import annotations

import copy
import dataclasses
import importlib
import weakref
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import srsly
from pydantic import BaseModel, TypeAdapter
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extract import ner
from pipeline.extract.agencies import extract_agencies
from pipeline.extract.column_tables import table_rules
from pipeline.extract.context import DocumentContext
from pipeline.extract.deadlines import extract_deadlines
from pipeline.extract.document_fields import extract_document_fields
from pipeline.extract.judge import Judge
from pipeline.extract.policies import extract_policies
from pipeline.extract.programmes import extract_programmes
from pipeline.extract.qualitative import extract_qualitative
from pipeline.extract.responsible import (
    BodyList,
    assign_responsible,
    body_lists,
    merge_agencies,
    responsible_agencies,
)
from pipeline.extract.sectors import count_sectors, sector_of
from pipeline.extract.source_place import place_from_source
from pipeline.extract.targets import extract_quantities
from pipeline.extract.time_scope import TimeScope
from pipeline.lexicon import Lexicon, default_lexicon, load_lexicon
from pipeline.segment import text_view
from pipeline.textview import TextView
from schemas import Agency

ITEM_EXTENSIONS = (
    "zp_deadlines",
    "zp_targets",
    "zp_results",
    "zp_qualitative",
    "zp_programmes",
    "zp_policies",
    "zp_agencies",
)
# Items that page furniture (portal metadata lines, view counters) never yields.
FURNITURE_BLIND = frozenset({"zp_targets", "zp_results", "zp_qualitative"})

# --- extension values that survive spaCy serialisation -------------------------------------------
#
# ``Doc.to_bytes``, ``DocBin(store_user_data=True)`` and ``nlp.pipe(n_process=2)`` serialise
# ``doc.user_data`` with msgpack, which takes only plain values. Each zhpolicy extension stores
# a ``StoredValue`` there: the live objects, so reading an extension returns the very objects
# that were set, and their plain encoding (pydantic items as their JSON dump, the document
# context as a dict), made only when the doc is serialised: msgpack (through srsly's encoder
# registry) and pickle both write the encoding, never the wrapper, and a doc read back from bytes
# rebuilds the objects from it. Encoding every doc's items whether or not anyone serialises the
# doc cost about 3 % of a run. The time scope holds the text view and is not stored at all:
# ``time_scope`` rebuilds it.

_LIVE: weakref.WeakKeyDictionary[Doc, dict[str, Any]] = weakref.WeakKeyDictionary()  # live extensions
_OWN_MODULES = ("schemas", "pipeline")


def _user_data_key(name: str) -> tuple[str, str, None, None]:
    return ("._.", name, None, None)


def _class_path(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _own_class(path: str) -> type:
    module, _, qualname = path.partition(":")
    if module.split(".")[0] not in _OWN_MODULES:
        raise ValueError(f"refusing to rebuild {path!r} from doc.user_data: not a zhpolicy class")
    found: Any = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def encode_value(value: Any) -> Any:
    """A msgpack-safe encoding of an extension value."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, BaseModel):
        return {"__model__": _class_path(type(value)), "data": value.model_dump(mode="json")}
    if isinstance(value, date):
        return {"__date__": value.isoformat()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: encode_value(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {"__dataclass__": _class_path(type(value)), "data": data}
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], BaseModel) and all(type(v) is type(value[0]) for v in value):
            # a list of items of one class (every item extension): dumped in one call
            path = _class_path(type(value[0]))
            dumped = _list_adapter(type(value[0])).dump_python(list(value), mode="json")
            return [{"__model__": path, "data": data} for data in dumped]
        return [encode_value(v) for v in value]
    if isinstance(value, dict):
        return {"__dict__": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    raise TypeError(f"cannot store a {type(value).__name__} on a Doc extension")


@cache
def _list_adapter(cls: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[cls])  # type: ignore[valid-type]


def decode_value(value: Any) -> Any:
    """The inverse of :func:`encode_value`."""
    if isinstance(value, list | tuple):
        return [decode_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "__model__" in value:
        return _own_class(value["__model__"]).model_validate(value["data"])
    if "__date__" in value:
        return date.fromisoformat(value["__date__"])
    if "__dataclass__" in value:
        return _own_class(value["__dataclass__"])(**{k: decode_value(v) for k, v in value["data"].items()})
    if "__dict__" in value:
        return {decode_value(k): decode_value(v) for k, v in value["__dict__"]}
    return value


class StoredValue:
    """An extension's live value in ``doc.user_data``, encoded for msgpack or pickle on demand."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def encoded(self) -> Any:
        return encode_value(self.value)

    def __reduce__(self) -> tuple[Callable[[Any], Any], tuple[Any]]:
        return decode_value, (self.encoded(),)

    def __deepcopy__(self, memo: dict[int, Any]) -> StoredValue:  # Doc.copy
        return StoredValue(copy.deepcopy(self.value, memo))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, StoredValue) and self.value == other.value

    __hash__ = None  # type: ignore[assignment]


def _msgpack_stored(value: Any, chain: Callable[[Any], Any] | None = None) -> Any:
    """srsly's msgpack encoder hook: a ``StoredValue`` goes out as its plain encoding."""
    if isinstance(value, StoredValue):
        return value.encoded()
    return value if chain is None else chain(value)


srsly.msgpack_encoders.register("zhpolicy_stored_value", func=_msgpack_stored)


def _stored_extension(name: str) -> None:
    key = _user_data_key(name)

    def get(doc: Doc) -> Any:
        stored = doc.user_data.get(key)
        if isinstance(stored, StoredValue):
            return stored.value
        value = decode_value(stored)  # a doc read back from bytes: rebuilt once, then kept
        if stored is not None:
            doc.user_data[key] = StoredValue(value)
        return value

    def set_(doc: Doc, value: Any) -> None:
        doc.user_data[key] = StoredValue(value)

    Doc.set_extension(name, getter=get, setter=set_)


def _live_extension(name: str) -> None:
    """An extension whose value lives beside the doc only (never serialised)."""

    def get(doc: Doc) -> Any:
        return _LIVE.get(doc, {}).get(name)

    def set_(doc: Doc, value: Any) -> None:
        _LIVE.setdefault(doc, {})[name] = value

    Doc.set_extension(name, getter=get, setter=set_)


for _name in (*ITEM_EXTENSIONS, "zp_context", "zp_sectors"):
    if not Doc.has_extension(_name):
        _stored_extension(_name)
# the time scope holds the text view, the judged candidates their cue sets: neither is serialised
for _name in ("zp_time_scope", "zp_judged"):
    if not Doc.has_extension(_name):
        _live_extension(_name)

COMPONENT_ORDER = (
    "zhpolicy_document",
    "zhpolicy_deadlines",
    "zhpolicy_targets",
    "zhpolicy_qualitative",
    "zhpolicy_programmes",
    "zhpolicy_policies",
    "zhpolicy_agencies",
    "zhpolicy_ner",
    "zhpolicy_sectors",
)


# The trained name recogniser is opt-in: on dev2 without dev2 in its training it found no name
# the rules missed, and it costs about 14 % of the extraction time (README, "The trained name
# recogniser"). PipelineConfig(components=COMPONENT_ORDER) turns it on.
DEFAULT_COMPONENTS = tuple(name for name in COMPONENT_ORDER if name != "zhpolicy_ner")


def load_judge(mode: str) -> Judge:
    """The commitment/result judge: ``rules``, or the shipped model alone (``model``) or behind
    the certain rules (``both``)."""
    if mode == "rules":
        return Judge(mode="rules")
    from pipeline.models.judge import load_judge_model

    return Judge(load_judge_model(), mode=mode)  # type: ignore[arg-type]


def document_context(doc: Doc) -> DocumentContext:
    context = doc._.zp_context
    if context is None:
        context = DocumentContext()
        doc._.zp_context = context
    return context


def _store(doc: Doc, extension: str, items: Sequence[Any], label: str) -> None:
    """Store items found on the text view: items on furniture lines dropped (targets, results,
    qualitative), offsets mapped back to the document (``TextView.to_original``)."""
    view = text_view(doc)
    if extension in FURNITURE_BLIND and view.furniture:
        items = [item for item in items if not view.in_furniture(item.start, item.end)]
    _store_mapped(doc, extension, [view.to_original(item) for item in items], label)


def _store_mapped(doc: Doc, extension: str, items: Sequence[Any], label: str) -> None:
    """Store items whose offsets already index the document."""
    doc._.set(extension, list(items))
    spans: list[Span] = []
    for item in items:
        span = doc.char_span(item.start, item.end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    doc.spans[extension] = spans


class ItemComponent:
    """A component that runs one extractor and stores its items."""

    def __init__(
        self, name: str, extension: str, label: str, extractor: Callable[[Doc, TextView], Sequence[Any]]
    ) -> None:
        self.name = name
        self.extension = extension
        self.label = label
        self.extractor = extractor

    def __call__(self, doc: Doc) -> Doc:
        _store(doc, self.extension, self.extractor(doc, text_view(doc)), self.label)
        return doc


class DocumentComponent:
    """Fills ``doc._.zp_context``: title, date, jurisdiction, type (reader hints win).

    Its state is the pipeline's :class:`~pipeline.lexicon.Lexicon` (places, title and date
    patterns, and the agency, programme, policy and sector lexicons), validated when the
    component is made, written by ``nlp.to_disk`` into the component's directory and read back
    (and validated again) by ``spacy.load``.
    """

    def __init__(self, name: str, lexicon: Lexicon | None = None) -> None:
        self.name = name
        self.lexicon = lexicon or default_lexicon()

    def __call__(self, doc: Doc) -> Doc:
        view, hints = text_view(doc), document_context(doc)
        fields = extract_document_fields(view, hints, self.lexicon)
        if fields.jurisdiction is None and (
            place := place_from_source(hints.source_name, view, self.lexicon)
        ):
            fields.jurisdiction, fields.jurisdiction_code = place.jurisdiction, place.code or None
        doc._.zp_context = fields
        return doc

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        self.lexicon.to_disk(Path(path))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> DocumentComponent:
        self.lexicon = load_lexicon(Path(path))
        return self


class SectorComponent:
    """Counts the sectors of the document's targets and programmes into ``doc._.zp_sectors``."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        target_sectors = [t.sector for t in doc._.zp_targets or []]
        programme_sectors = [sector_of(p.name) for p in doc._.zp_programmes or []]
        doc._.zp_sectors = count_sectors(target_sectors + programme_sectors)
        return doc


def time_scope(doc: Doc) -> TimeScope:
    """The doc's time scope (from ``zhpolicy_deadlines``; built here when that did not run)."""
    scope = doc._.zp_time_scope
    if scope is None:
        view = text_view(doc)
        context = document_context(doc)
        scope = TimeScope(view, extract_deadlines(view, context.year, title=context.title), context)
        doc._.zp_time_scope = scope
    return scope


class DeadlineComponent:
    """Finds the deadlines and builds the time scope later components consult."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        view, context = text_view(doc), document_context(doc)
        deadlines = extract_deadlines(view, context.year, title=context.title)
        doc._.zp_time_scope = TimeScope(view, deadlines, context)
        _store(doc, "zp_deadlines", deadlines, "DEADLINE")
        return doc


@Language.factory("zhpolicy_document", assigns=["doc._.zp_context"])
def make_document(nlp: Language, name: str) -> DocumentComponent:
    return DocumentComponent(name)


@Language.factory("zhpolicy_deadlines", assigns=["doc._.zp_deadlines", "doc._.zp_time_scope"])
def make_deadlines(nlp: Language, name: str) -> DeadlineComponent:
    return DeadlineComponent(name)


class TargetsComponent:
    """Judges every quantified statement: commitments to ``doc._.zp_targets``, reported values
    to ``doc._.zp_results``, every verdict to ``doc._.zp_judged`` (for ``evaluate --misses``)."""

    def __init__(self, name: str, judge: Judge) -> None:
        self.name = name
        self.judge = judge

    def __call__(self, doc: Doc) -> Doc:
        view, scope = text_view(doc), time_scope(doc)
        found = extract_quantities(view, scope, document_context(doc), self.judge)
        # issue 11: the responsible bodies (extract/responsible.py), once the targets are built
        assign_responsible(view, found.targets, _body_lists(doc, view, scope.document_year))
        _store(doc, "zp_targets", found.targets, "TARGET")
        _store(doc, "zp_results", found.results, "RESULT")
        doc._.zp_judged = found.judged
        return doc


@Language.factory(
    "zhpolicy_targets",
    assigns=["doc._.zp_targets", "doc._.zp_results"],
    default_config={"judge": "rules"},
)
def make_targets(nlp: Language, name: str, judge: str) -> TargetsComponent:
    # the column tables' rules (column_tables.yaml with the unit and comparator lexicons, some
    # 50 ms) are compiled with the pipeline, not by the first document a worker extracts
    table_rules()
    return TargetsComponent(name, load_judge(judge))


@Language.factory("zhpolicy_qualitative", assigns=["doc._.zp_qualitative"])
def make_qualitative(nlp: Language, name: str) -> ItemComponent:
    return ItemComponent(
        name,
        "zp_qualitative",
        "QUALITATIVE",
        lambda doc, view: extract_qualitative(view, time_scope(doc), document_context(doc)),
    )


@Language.factory("zhpolicy_programmes", assigns=["doc._.zp_programmes"])
def make_programmes(nlp: Language, name: str) -> ItemComponent:
    return ItemComponent(name, "zp_programmes", "PROGRAMME", lambda doc, view: extract_programmes(view))


@Language.factory("zhpolicy_policies", assigns=["doc._.zp_policies"])
def make_policies(nlp: Language, name: str) -> ItemComponent:
    return ItemComponent(
        name, "zp_policies", "POLICY", lambda doc, view: extract_policies(view, document_context(doc).title)
    )


@Language.factory("zhpolicy_agencies", assigns=["doc._.zp_agencies"])
def make_agencies(nlp: Language, name: str) -> ItemComponent:
    return ItemComponent(name, "zp_agencies", "AGENCY", _agencies)


# The responsible-body lists of each doc (immutable): the targets and the agencies components
# both read them.
_BODY_LISTS: weakref.WeakKeyDictionary[Doc, tuple[TextView, int | None, list[BodyList]]] = (
    weakref.WeakKeyDictionary()
)


def _body_lists(doc: Doc, view: TextView, document_year: int | None) -> list[BodyList]:
    cached = _BODY_LISTS.get(doc)
    if cached is not None and cached[0] is view and cached[1] == document_year:
        return cached[2]
    lists = body_lists(view, document_year)
    _BODY_LISTS[doc] = (view, document_year, lists)
    return lists


def _agencies(doc: Doc, view: TextView) -> list[Agency]:
    """The agencies extractor's bodies, then (issue 11) every body a responsible list names."""
    context = document_context(doc)
    found = extract_agencies(view, context)
    return merge_agencies(
        found, responsible_agencies(view, context, _body_lists(doc, view, time_scope(doc).document_year))
    )


class NameRecogniserComponent:
    """The trained recall layer (``pipeline/extract/ner.py``): adds the model's programme and
    agency names that the rules did not find. Loads its model once, when the pipeline is built."""

    def __init__(self, name: str, path: str | None, mode: str, threshold: float | None) -> None:
        if mode not in ner.MODES:
            raise ValueError(f"zhpolicy_ner: unknown mode {mode!r}; valid: {', '.join(ner.MODES)}")
        self.name = name
        self.mode = mode
        self.threshold = threshold
        ner.ner_settings()  # a broken ner.yaml stops the run here, not at the first document
        self.model = ner.load_model(path)

    def __call__(self, doc: Doc) -> Doc:
        view = text_view(doc)
        # the rules' items are stored already, their offsets mapped to the document; the model's
        # new ones are on the view and are mapped here (mapping twice would move them)
        programmes = list(doc._.zp_programmes or []) if self.mode == "merge" else []
        agencies = list(doc._.zp_agencies or []) if self.mode == "merge" else []
        kept_programmes, kept_agencies = len(programmes), len(agencies)
        covered = ner.covered_spans([*programmes, *agencies])
        spans = ner.predict_spans(self.model, view.norm, covered, self.threshold)
        if spans:
            programmes, agencies = ner.merge_predictions(
                view, spans, programmes, agencies, document_context(doc)
            )
        for extension, items, kept, label in (
            ("zp_programmes", programmes, kept_programmes, "PROGRAMME"),
            ("zp_agencies", agencies, kept_agencies, "AGENCY"),
        ):
            added = [view.to_original(item) for item in items[kept:]]
            _store_mapped(doc, extension, [*items[:kept], *added], label)
        return doc


@Language.factory(
    "zhpolicy_ner",
    assigns=["doc._.zp_programmes", "doc._.zp_agencies"],
    default_config={"path": None, "mode": "merge", "threshold": None},
)
def make_ner(
    nlp: Language, name: str, path: str | None, mode: str, threshold: float | None
) -> NameRecogniserComponent:
    return NameRecogniserComponent(name, path, mode, threshold)


@Language.factory("zhpolicy_sectors", assigns=["doc._.zp_sectors"])
def make_sectors(nlp: Language, name: str) -> SectorComponent:
    return SectorComponent(name)
