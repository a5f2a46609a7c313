"""Record models. Every extracted item carries ``start``/``end`` offsets into ``Document.text``.

Offsets are checked when a :class:`Document` is built: ``text[start:end]`` must equal the item's
``evidence`` (or mention text). Suspicious values are *kept* and reported in ``warnings``; the
checks that produce those warnings live in ``pipeline.validate``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Comparator = Literal["ge", "gt", "le", "lt", "approx", "eq"]
Kind = Literal["level", "change"]
Direction = Literal["up", "down"]
DocType = Literal["news", "policy", "report"]
ProgrammeType = Literal["brand", "campaign", "project", "system", "pilot", "award", "label", "other"]
AgencyRole = Literal["issuer", "responsible", "lead", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class SpanItem(_Model):
    """A stretch of the document text: ``text[start:end] == evidence``."""

    start: int = Field(ge=0, description="Start character offset into Document.text.")
    end: int = Field(ge=0, description="End character offset (exclusive) into Document.text.")
    evidence: str = Field(description="Exact substring text[start:end].")

    @model_validator(mode="after")
    def _ordered(self) -> SpanItem:
        if self.end < self.start:
            raise ValueError(f"end {self.end} before start {self.start}")
        if self.end - self.start != len(self.evidence):
            raise ValueError(
                f"span {self.start}:{self.end} has length {self.end - self.start}, "
                f"evidence has {len(self.evidence)} characters"
            )
        return self


class Mention(_Model):
    """One occurrence of a named thing (programme, policy, agency) in the text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Deadline(SpanItem):
    """A time bound, normalised to its end year (GUIDELINES §2)."""

    text: str = Field(description="The time phrase as written, e.g. 到2025年, 十四五期间.")
    year: int
    month: int | None = Field(default=None, ge=1, le=12)
    day: int | None = Field(default=None, ge=1, le=31)
    rule: str | None = Field(default=None, description="Id of the pattern that found it.")


class Quantity(SpanItem):
    """A quantified statement: the fields a target and a reported result share (GUIDELINES §1, §7)."""

    indicator: str
    value: float
    value_max: float | None = None
    unit: str | None = None
    value_base: float | None = Field(
        default=None, description="value in the unit's base, for comparison: 1.8 万家 → 18000 (units.yaml)."
    )
    unit_base: str | None = Field(default=None, description="The base unit of value_base: 万家 → 家.")
    comparator: Comparator
    kind: Kind = "level"
    direction: Direction | None = None
    annual: bool = False
    sector: str | None = Field(default=None, pattern=r"^[A-T]$", description="GB/T 4754 letter.")
    rule: str | None = None
    confidence: float = Field(default=1.0, ge=0.0, le=1.0)
    reason: str | None = Field(
        default=None, description="Why the judge called it a commitment or a result (the deciding cues)."
    )


class Target(Quantity):
    """A quantified commitment about the future (GUIDELINES §1)."""

    deadline: int | None = Field(default=None, description="End year the target is due by.")
    deadline_text: str | None = Field(default=None, description="The time phrase it came from.")
    responsible: list[str] = Field(
        default_factory=list, description="Bodies made responsible for it, lead first, as written."
    )
    binding: bool | None = Field(default=None, description="True for 约束性, false for 预期性, else null.")


class Result(Quantity):
    """A reported value: what was achieved or measured for a past or current period (GUIDELINES §7)."""

    period: int | None = Field(default=None, description="The year the figure describes.")


class QualitativeTarget(SpanItem):
    """A commitment with no number: a subject reaching a named level."""

    subject: str
    level: str
    deadline: int | None = None
    rule: str | None = None


class Programme(SpanItem):
    """A named initiative; one record per programme per document, every mention kept."""

    name: str = Field(description="Canonical name: quotes removed, head word kept.")
    type: ProgrammeType = "other"
    mentions: list[Mention] = Field(default_factory=list)
    rule: str | None = None


class CitedPolicy(SpanItem):
    """A policy, legal or planning document named in 《》 (first mention as evidence)."""

    name: str = Field(description="Full title without brackets; short names resolved.")
    short_names: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)


class Agency(SpanItem):
    """A government body that issues the document or is responsible for its work."""

    name: str = Field(description="The name as written.")
    normalized: str | None = Field(default=None, description="Full official name where known.")
    role: AgencyRole = "other"
    mentions: list[Mention] = Field(default_factory=list)


class SectorCount(_Model):
    sector: str = Field(pattern=r"^[A-T]$")
    count: int = Field(ge=1)


class ValidationWarning(_Model):
    """A suspicious value, kept as extracted and flagged here."""

    code: str = Field(description="Machine-readable reason, e.g. rate_over_100.")
    path: str = Field(description="Where: e.g. targets[3].value.")
    message: str


class Document(_Model):
    """One input document and everything extracted from it."""

    status: Literal["ok"] = "ok"
    doc: str = Field(description="Document id: the input file name, or a JSONL line's id.")
    source: str | None = Field(default=None, description="Path (and line) it was read from.")
    title: str | None = None
    published: date | None = None
    jurisdiction: str | None = None
    jurisdiction_code: str | None = Field(default=None, description="GB/T 2260 division code.")
    doc_type: DocType | None = None
    text: str = Field(description="The cleaned text every offset indexes.")
    targets: list[Target] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    qualitative: list[QualitativeTarget] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    programmes: list[Programme] = Field(default_factory=list)
    policies_cited: list[CitedPolicy] = Field(default_factory=list)
    agencies: list[Agency] = Field(default_factory=list)
    sectors: list[SectorCount] = Field(default_factory=list)
    entities: list[dict[str, str | int]] = Field(
        default_factory=list, description="Entities from an optional --model spaCy pipeline."
    )
    warnings: list[ValidationWarning] = Field(default_factory=list)

    @model_validator(mode="after")
    def _offsets_index_text(self) -> Document:
        text = self.text
        groups: dict[str, list] = {
            "targets": self.targets,
            "results": self.results,
            "qualitative": self.qualitative,
            "deadlines": self.deadlines,
            "programmes": self.programmes,
            "policies_cited": self.policies_cited,
            "agencies": self.agencies,
        }
        for field_name, items in groups.items():
            # asked of the item class: getattr(item, "mentions", []) on an item without the field
            # went through pydantic's slow attribute fallback for every item
            has_mentions = bool(items) and "mentions" in type(items[0]).model_fields
            for i, item in enumerate(items):
                if item.end > len(text) or text[item.start : item.end] != item.evidence:
                    raise ValueError(
                        f"{field_name}[{i}]: evidence {item.evidence!r} is not text[{item.start}:{item.end}]"
                    )
                for mention in item.mentions if has_mentions else ():
                    if text[mention.start : mention.end] != mention.text:
                        raise ValueError(
                            f"{field_name}[{i}]: mention {mention.text!r} is not "
                            f"text[{mention.start}:{mention.end}]"
                        )
        return self


class ErrorRecord(_Model):
    """The output line for a document that could not be processed."""

    status: Literal["error"] = "error"
    doc: str
    source: str | None = None
    error: str = Field(description="Machine-readable reason, e.g. empty_document.")
    message: str = Field(description="What went wrong, for a person.")


Record = Annotated[Document | ErrorRecord, Field(discriminator="status")]
