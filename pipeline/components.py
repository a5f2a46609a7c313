"""spaCy components: every zhpolicy extractor registered with ``@Language.factory``.

Each component reads the doc's text view, runs one extractor and stores its items on a ``Doc``
extension (``doc._.zp_targets`` …) and as a span group (``doc.spans["zp_targets"]``). Components
run in the order of ``COMPONENT_ORDER``; later ones read what earlier ones found (the document
fields, the deadlines).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extract import ner
from pipeline.extract.agencies import extract_agencies
from pipeline.extract.context import DocumentContext
from pipeline.extract.deadlines import TimeScope, extract_deadlines
from pipeline.extract.document_fields import extract_document_fields
from pipeline.extract.policies import extract_policies
from pipeline.extract.programmes import extract_programmes
from pipeline.extract.qualitative import extract_qualitative
from pipeline.extract.sectors import count_sectors, sector_of
from pipeline.extract.targets import extract_targets
from pipeline.segment import text_view
from pipeline.textview import TextView

ITEM_EXTENSIONS = (
    "zp_deadlines",
    "zp_targets",
    "zp_results",
    "zp_qualitative",
    "zp_programmes",
    "zp_policies",
    "zp_agencies",
)
for _name in ITEM_EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
for _name in ("zp_context", "zp_sectors", "zp_time_scope"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)

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


def document_context(doc: Doc) -> DocumentContext:
    context = doc._.zp_context
    if context is None:
        context = DocumentContext()
        doc._.zp_context = context
    return context


def _store(doc: Doc, extension: str, items: Sequence[Any], label: str) -> None:
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
    """Fills ``doc._.zp_context``: title, date, jurisdiction, type (reader hints win)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.zp_context = extract_document_fields(text_view(doc), document_context(doc))
        return doc


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


@Language.factory("zhpolicy_targets", assigns=["doc._.zp_targets"])
def make_targets(nlp: Language, name: str) -> ItemComponent:
    return ItemComponent(
        name,
        "zp_targets",
        "TARGET",
        lambda doc, view: extract_targets(view, time_scope(doc), document_context(doc)),
    )


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
    return ItemComponent(
        name, "zp_agencies", "AGENCY", lambda doc, view: extract_agencies(view, document_context(doc))
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
        programmes = list(doc._.zp_programmes or []) if self.mode == "merge" else []
        agencies = list(doc._.zp_agencies or []) if self.mode == "merge" else []
        covered = ner.covered_spans([*programmes, *agencies])
        spans = ner.predict_spans(self.model, view.norm, covered, self.threshold)
        if spans:
            programmes, agencies = ner.merge_predictions(
                view, spans, programmes, agencies, document_context(doc)
            )
        _store(doc, "zp_programmes", programmes, "PROGRAMME")
        _store(doc, "zp_agencies", agencies, "AGENCY")
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
