from __future__ import annotations

import pytest
from pydantic import ValidationError

from pipeline.schema_export import stale_schema_files
from pipeline.validate import check_values
from schemas import Document, Target
from tests.conftest import PROJECT

TEXT = "到2025年,农产品质量安全例行监测合格率和食品安全抽检合格率均达到985%以上。"


def _target(**overrides: object) -> Target:
    evidence = "食品安全抽检合格率均达到985%以上"
    start = TEXT.index(evidence)
    fields = dict(
        indicator="食品安全抽检合格率",
        value=985,
        unit="%",
        comparator="ge",
        deadline=2025,
        start=start,
        end=start + len(evidence),
        evidence=evidence,
    )
    fields.update(overrides)
    return Target(**fields)


def test_offsets_must_index_the_text() -> None:
    target = _target()
    assert Document(doc="d", text=TEXT, targets=[target]).targets[0].evidence == target.evidence
    with pytest.raises(ValidationError, match="is not text"):
        Document(
            doc="d",
            text=TEXT,
            targets=[
                _target(
                    start=target.start + 1,
                    end=target.end + 1,
                    evidence=TEXT[target.start + 1 : target.end + 1][:-1] + "X",
                )
            ],
        )


@pytest.mark.parametrize("field", ["programmes", "policies_cited", "agencies"])
def test_mentions_must_index_the_text(field: str) -> None:
    """Every item class that holds mentions has them checked against the text too."""
    from schemas import Agency, CitedPolicy, Mention, Programme

    text = "推进农产品质量安全追溯,农产品质量安全追溯覆盖全市。"
    name = "农产品质量安全追溯"
    first, second = text.index(name), text.rindex(name)
    cls = {"programmes": Programme, "policies_cited": CitedPolicy, "agencies": Agency}[field]

    def item(mention_start: int) -> object:
        mention = Mention(start=mention_start, end=mention_start + len(name), text=name)
        return cls(start=first, end=first + len(name), evidence=name, name=name, mentions=[mention])

    assert len(getattr(Document(doc="d", text=text, **{field: [item(second)]}), field)[0].mentions) == 1
    with pytest.raises(ValidationError, match="mention"):
        Document(doc="d", text=text, **{field: [item(second + 1)]})


def test_span_length_must_equal_evidence_length() -> None:
    with pytest.raises(ValidationError, match="length"):
        _target(end=_target().end + 1)


def test_suspicious_rate_is_kept_and_flagged() -> None:
    document = Document(doc="d", text=TEXT, targets=[_target()], published="2023-09-12")
    warnings = check_values(document)
    assert [w.code for w in warnings] == ["rate_over_100"]
    assert document.targets[0].value == 985


def test_deadline_before_publication_and_reversed_range_are_flagged() -> None:
    document = Document(doc="d", text=TEXT, published="2026-01-01", targets=[_target(value=5, value_max=3)])
    assert {w.code for w in check_values(document)} == {"deadline_before_publication", "range_reversed"}


def test_committed_json_schema_files_are_current() -> None:
    stale = stale_schema_files(PROJECT / "schemas" / "json")
    assert stale == [], f"run `zhpolicy schema`: stale {stale}"
