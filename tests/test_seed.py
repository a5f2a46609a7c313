"""The article the project began from: issue 2's acceptance checks."""

from __future__ import annotations

import pipeline


def test_seed_record(seed_text: str) -> None:
    record = pipeline.extract(seed_text, doc="seed")
    assert record.title == "质量强市,青岛争创“全国标杆”"
    assert str(record.published) == "2023-07-20"
    assert record.jurisdiction == "青岛市" and record.doc_type == "news"
    assert "质量强国建设纲要" in [p.name for p in record.policies_cited]
    for teaser in ("示范区领导调研", "[详情]", "源汇区府检联动", "招远"):
        assert teaser not in record.text
