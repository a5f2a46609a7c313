"""Validate stage: a processed ``Doc`` -> a :class:`schemas.Document`, with warnings.

Building the record checks every offset (``schemas.Document``). Suspicious values are kept as
extracted and reported in ``warnings``: never dropped, never "fixed".
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.components import document_context
from pipeline.resolve.units import to_base
from pipeline.segment import text_view
from schemas import Document, Target, ValidationWarning

_PERCENT_UNITS = {"%", "％"}


def target_warnings(index: int, target: Target, published_year: int | None) -> list[ValidationWarning]:
    path = f"targets[{index}]"
    warnings: list[ValidationWarning] = []
    is_rate_level = target.unit in _PERCENT_UNITS and target.kind == "level"
    if is_rate_level and target.value > 100:
        warnings.append(
            ValidationWarning(
                code="rate_over_100",
                path=f"{path}.value",
                message=f"{target.indicator}: a level of {target.value:g}% exceeds 100%",
            )
        )
    if target.value_max is not None and target.value_max < target.value:
        warnings.append(
            ValidationWarning(
                code="range_reversed",
                path=f"{path}.value_max",
                message=f"{target.indicator}: upper end {target.value_max:g} below {target.value:g}",
            )
        )
    if target.deadline is not None and published_year is not None and target.deadline < published_year:
        warnings.append(
            ValidationWarning(
                code="deadline_before_publication",
                path=f"{path}.deadline",
                message=(
                    f"{target.indicator}: deadline {target.deadline} before publication year {published_year}"
                ),
            )
        )
    return warnings


def check_values(document: Document) -> list[ValidationWarning]:
    year = document.published.year if document.published else None
    warnings: list[ValidationWarning] = []
    for index, target in enumerate(document.targets):
        warnings.extend(target_warnings(index, target, year))
    for index, item in enumerate(document.qualitative):
        if item.deadline is not None and year is not None and item.deadline < year:
            warnings.append(
                ValidationWarning(
                    code="deadline_before_publication",
                    path=f"qualitative[{index}].deadline",
                    message=f"{item.subject}: deadline {item.deadline} before publication year {year}",
                )
            )
    return warnings


def entities(doc: Doc) -> list[dict[str, str | int]]:
    return [
        {"label": ent.label_, "text": ent.text, "start": ent.start_char, "end": ent.end_char}
        for ent in doc.ents
    ]


def build_document(doc: Doc, doc_id: str, source: str | None = None) -> Document:
    """Assemble and validate the record; raises ``pydantic.ValidationError`` on bad offsets."""
    context = document_context(doc)
    document = Document(
        doc=doc_id,
        source=source,
        title=context.title,
        published=context.published,
        jurisdiction=context.jurisdiction,
        jurisdiction_code=context.jurisdiction_code,
        doc_type=context.doc_type,
        text=text_view(doc).original,
        targets=doc._.zp_targets or [],
        results=doc._.zp_results or [],
        qualitative=doc._.zp_qualitative or [],
        deadlines=doc._.zp_deadlines or [],
        programmes=doc._.zp_programmes or [],
        policies_cited=doc._.zp_policies or [],
        agencies=doc._.zp_agencies or [],
        sectors=doc._.zp_sectors or [],
        entities=entities(doc),
    )
    for quantity in (*document.targets, *document.results):
        quantity.value_base, quantity.unit_base = to_base(quantity.value, quantity.unit)
    document.warnings = check_values(document)
    return document
