"""The library API and the spaCy integration."""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

import pipeline
from pipeline.components import COMPONENT_ORDER, DEFAULT_COMPONENTS

OPINION = (
    "青岛市人民政府关于贯彻落实《质量强国建设纲要》的实施意见\n\n发布时间:2023-09-12\n\n"
    "到2025年,制造业质量竞争力指数达到92,制造业产品质量合格率达到97%。"
)


def test_extract_returns_a_validated_record() -> None:
    record = pipeline.extract(OPINION, doc="qd")
    assert record.title == "青岛市人民政府关于贯彻落实《质量强国建设纲要》的实施意见"
    assert str(record.published) == "2023-09-12"
    assert record.jurisdiction == "青岛市"
    assert [p.name for p in record.policies_cited] == ["质量强国建设纲要"]
    index = next(t for t in record.targets if t.value == 92)
    assert (index.indicator, index.comparator, index.deadline) == ("制造业质量竞争力指数", "ge", 2025)
    for item in [*record.targets, *record.deadlines, *record.policies_cited]:
        assert record.text[item.start : item.end] == item.evidence


def test_load_returns_configured_language(nlp: Language) -> None:
    assert nlp.lang == "zh"
    assert tuple(nlp.pipe_names) == DEFAULT_COMPONENTS
    assert set(DEFAULT_COMPONENTS) <= set(COMPONENT_ORDER)


def test_components_added_to_a_users_own_pipeline() -> None:
    nlp = spacy.blank("zh")  # spaCy's own character segmenter, not ours
    for name in ("zhpolicy_deadlines", "zhpolicy_targets", "zhpolicy_policies"):
        nlp.add_pipe(name)
    doc = nlp("到2025年,制造业质量竞争力指数达到92。落实《质量强国建设纲要》。")
    assert [t.value for t in doc._.zp_targets] == [92.0]
    assert [span.text for span in doc.spans["zp_policies"]] == ["《质量强国建设纲要》"]
    assert doc._.zp_deadlines[0].year == 2025


def test_factories_are_exposed_through_the_entry_point() -> None:
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="spacy_factories")}
    assert set(COMPONENT_ORDER) <= names


def test_model_path_loads_a_spacy_pipeline_and_keeps_its_entities(tmp_path: Path) -> None:
    tiny = spacy.blank("zh")
    ruler = tiny.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "ORG", "pattern": "市市场监管局"}])
    tiny.to_disk(tmp_path / "tiny_zh")

    nlp = pipeline.load(model=str(tmp_path / "tiny_zh"))
    assert nlp.pipe_names[0] == "entity_ruler"
    record = pipeline.extract("到2025年,制造业产品质量合格率达到97%。(市市场监管局负责)", nlp=nlp)
    assert {"label": "ORG", "text": "市市场监管局"}.items() <= record.entities[0].items()
    assert record.targets[0].value == 97


def test_unknown_model_is_a_clear_error() -> None:
    import pytest

    with pytest.raises(ValueError, match="cannot load spaCy pipeline"):
        pipeline.load(model="zh_no_such_pipeline_installed")
