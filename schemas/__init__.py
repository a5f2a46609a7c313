"""Pydantic v2 models: the only shapes zhpolicy records take.

The field names follow ``shared/GUIDELINES.md`` and the gold format, so one scorer reads gold
annotations and pipeline output alike.
"""

from schemas.models import (
    Agency,
    CitedPolicy,
    Comparator,
    Deadline,
    DocType,
    Document,
    ErrorRecord,
    Kind,
    Mention,
    Programme,
    ProgrammeType,
    QualitativeTarget,
    Quantity,
    Record,
    Result,
    SectorCount,
    SpanItem,
    Target,
    ValidationWarning,
)

__all__ = [
    "Agency",
    "CitedPolicy",
    "Comparator",
    "Deadline",
    "DocType",
    "Document",
    "ErrorRecord",
    "Kind",
    "Mention",
    "Programme",
    "ProgrammeType",
    "QualitativeTarget",
    "Quantity",
    "Record",
    "Result",
    "SectorCount",
    "SpanItem",
    "Target",
    "ValidationWarning",
]
