"""The trained name recogniser: where it looks, training on a tiny corpus, the shipped model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pipeline
from pipeline import PipelineConfig
from pipeline.components import COMPONENT_ORDER
from pipeline.extract.ner import (
    MODEL_DIR,
    cue_spans,
    load_model,
    name_key,
    ner_settings,
    predict_spans,
    sentences,
    windows,
)
from pipeline.textview import TextView
from pipeline.train.ner import Sentence, TrainSettings, find_name, held_out, split_sentences, train

FIXTURE = Path(__file__).parent / "fixtures" / "ner_recall.json"


def test_cue_spans_end_after_a_cue_and_cross_no_clause_mark() -> None:
    settings = ner_settings()
    text = "为此,实施质量品牌提升行动,由市市场监管局负责"
    spans = cue_spans(text, settings.cue_re, settings.span_break_re, settings.max_length)
    ends = {text[:e][-2:] for _, e in spans}
    assert ends <= {"行动", "品牌", "管局"}
    assert (text.index("质量"), text.index("行动") + 2) in spans
    assert (text.index("市市场"), len(text) - 2) in spans
    assert all("," not in text[s:e] for s, e in spans)


def test_sentences_without_a_cue_are_never_read() -> None:
    norm = "今年经济运行总体平稳。实施质量品牌提升行动。"
    assert [s for _, s in sentences(norm)] == ["实施质量品牌提升行动"]


def test_model_reads_only_stretches_around_cues_the_rules_left() -> None:
    norm = (
        "今年经济运行总体平稳。全面实施质量品牌提升行动。推出存款保险制度。"
        "二要深化改革,扩大跨境电子商务综合试点。"
    )
    covered = [(norm.index("质量"), norm.index("行动") + 2)]
    stretches = windows(norm, covered, ner_settings())
    # covered by a rule-found name, or after a trigger verb (推出: the rules read it): not read
    assert [text for _, text in stretches] == ["二要深化改革,扩大跨境电子商务综合试点"]
    assert all(norm[offset : offset + len(text)] == text for offset, text in stretches)
    assert windows(norm, [(0, len(norm))], ner_settings()) == []


def test_find_name_spans_quotes_and_traditional_text() -> None:
    norm = TextView.from_text("深化“領跑者”行動,推動“青島優品”建設。").norm
    assert [norm[s:e] for s, e in find_name(norm, "领跑者行动")] == ["“领跑者”行动"]
    assert [norm[s:e] for s, e in find_name(norm, "青島優品")] == ["“青岛优品”"]
    assert name_key("“青島優品”") == "青岛优品"


def test_held_out_documents_are_never_training_data() -> None:
    assert held_out("008_xinxiang_2023_shiji_chanpinzhiliang_choucha.txt")
    assert not held_out("012_luhe_2021_quzhangzhiliangjiang_news.txt")


def _tiny_corpus() -> list[Sentence]:
    """Sentences a policy text writes, labelled with their programme and agency names."""
    rows = [
        ("全面实施质量品牌提升行动", ["质量品牌提升行动"], []),
        ("深入开展计量惠民专项行动", ["计量惠民专项行动"], []),
        ("组织实施标准化助力乡村振兴工程", ["标准化助力乡村振兴工程"], []),
        ("积极创建全国质量强市示范城市", ["全国质量强市示范城市"], []),
        ("推行首席质量官制度", ["首席质量官制度"], []),
        ("责任单位:市市场监管局", [], ["市市场监管局"]),
        ("责任单位:市工信局", [], ["市工信局"]),
        ("责任单位:市商务局", [], ["市商务局"]),
        ("由市发展改革委牵头负责", [], ["市发展改革委"]),
        ("青岛市人民政府关于加快质量强市建设的实施意见", [], ["青岛市人民政府"]),
        ("各区要加强组织领导", [], []),
        ("充分发挥市场机制作用", [], []),
    ]
    made = []
    for text, programmes, agencies in rows:
        spans = [(text.index(n), text.index(n) + len(n), "PROGRAMME") for n in programmes]
        spans += [(text.index(n), text.index(n) + len(n), "AGENCY") for n in agencies]
        made.extend(split_sentences(text, spans, "test"))
    return made


def test_training_on_a_tiny_corpus_learns_its_names() -> None:
    corpus = _tiny_corpus()
    settings = TrainSettings(
        epochs=60, silver_sentences=0, gold_repeat=1, agency_repeat=0, width=32, rows=500
    )
    nlp, scores = train(corpus, [], settings, log=lambda *_: None)
    assert set(nlp.get_pipe("spancat").labels) == {"PROGRAMME", "AGENCY"}
    found = {
        (s.text[p.start : p.end], p.label) for s in corpus for p in predict_spans(nlp, s.text, threshold=0.5)
    }
    wanted = {(s.text[a:b], label) for s in corpus for a, b, label in s.spans}
    assert len(found & wanted) >= len(wanted) // 2
    assert ("各区", "AGENCY") not in found
    assert 0.0 <= scores["f1"] <= 1.0


def test_the_shipped_model_runs_beside_the_rules_when_asked() -> None:
    assert "zhpolicy_ner" not in pipeline.load().pipe_names  # opt-in: it has not earned its place
    nlp = pipeline.load(PipelineConfig(components=COMPONENT_ORDER))
    assert "zhpolicy_ner" in nlp.pipe_names
    assert nlp.pipe_names.index("zhpolicy_ner") > nlp.pipe_names.index("zhpolicy_agencies")
    meta = json.loads((MODEL_DIR / "meta.json").read_text(encoding="utf-8"))
    assert meta["version"] and meta["date"] and meta["training_data"]["gold_held_out_documents"]
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 5_000_000


def _recall(records: list, wanted: list[dict]) -> float:
    hits = 0
    for record, item in zip(records, wanted, strict=True):
        names = [name_key(p.name) for p in record.programmes] + [name_key(a.name) for a in record.agencies]
        hits += sum(any(n and (n in name_key(w) or name_key(w) in n) for n in names) for w in item["names"])
    return hits / sum(len(item["names"]) for item in wanted)


def test_shipped_model_improves_recall_on_the_fixture() -> None:
    rows = json.loads(FIXTURE.read_text(encoding="utf-8"))
    rules_only = pipeline.load()
    both = pipeline.load(PipelineConfig(components=COMPONENT_ORDER))
    with_rules = [pipeline.extract(r["text"], nlp=rules_only) for r in rows]
    with_model = [pipeline.extract(r["text"], nlp=both) for r in rows]
    assert _recall(with_model, rows) > _recall(with_rules, rows)
    for record in with_model:
        for item in [*record.programmes, *record.agencies]:
            for mention in item.mentions:
                assert record.text[mention.start : mention.end] == mention.text


def test_model_only_mode_and_a_bad_mode() -> None:
    nlp = pipeline.load(
        PipelineConfig(components=tuple(c for c in PipelineConfig().components if c != "zhpolicy_ner"))
    )
    nlp.add_pipe("zhpolicy_ner", before="zhpolicy_sectors", config={"mode": "model_only"})
    record = pipeline.extract("全面实施质量品牌提升行动。", nlp=nlp)
    assert all(p.rule == "model" for p in record.programmes)
    with pytest.raises(ValueError, match="unknown mode"):
        nlp.add_pipe("zhpolicy_ner", name="ner2", config={"mode": "sometimes"})


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    from pipeline.resources import ResourceError

    with pytest.raises(ResourceError, match="make model"):
        load_model(str(tmp_path))
