"""The judge: one rule verdict per cue, the learned model trained on a tiny corpus built here,
and the shipped model against the score its card records."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from spacy.language import Language

from pipeline.extract.judge import LABELS, Candidate, Judge, judge_rules, parse_judge_rules, rule_verdict
from pipeline.models.judge import ARTIFACT_DIR, JudgeModel, _index, feature_indices, features, train
from pipeline.resources import ResourceError, load_yaml


def _candidate(text: str, *cues: str, genre: str | None = "report") -> Candidate:
    return Candidate(start=0, end=len(text), text=text, context="", cues=set(cues), genre=genre)


@pytest.mark.parametrize(
    ("cues", "genre", "label", "certain"),
    [
        pytest.param(("describing",), "policy", "neither", True, id="describing_verb"),
        pytest.param(("reported_cue", "deadline:clause"), "policy", "result", True, id="reporting_cue_wins"),
        pytest.param(("comparison", "plan_word"), "report", "commitment", False, id="comparison_in_plan"),
        pytest.param(("comparison",), "report", "result", True, id="comparison_alone"),
        pytest.param(
            ("comparison", "stance", "past:review"), "report", "result", True, id="comparison_in_review"
        ),
        pytest.param(("past:year", "deadline:carried"), "report", "result", True, id="past_year"),
        pytest.param(("past:review", "deadline:document"), "report", "result", False, id="review_scope"),
        pytest.param(
            ("statistic_like", "deadline:none"), "policy", "result", False, id="bare_decimal_change"
        ),
        pytest.param(("deadline:none",), "news", "result", False, id="undated_news_figure"),
        pytest.param(("deadline:none",), "policy", "commitment", False, id="undated_policy_figure"),
        pytest.param(("deadline:none", "plan_word"), "news", "commitment", True, id="undated_plan_word"),
        pytest.param(("bare_figure", "deadline:carried"), "policy", "neither", False, id="bare_figure"),
        pytest.param(("deadline:clause",), "report", "commitment", True, id="own_deadline"),
        pytest.param(("deadline:carried",), "policy", "commitment", False, id="carried_deadline"),
        pytest.param(("reported_source", "deadline:carried"), "news", "result", True, id="source_of_figure"),
        pytest.param(("reported_source", "plan_word"), "news", "commitment", False, id="source_beside_plan"),
    ],
)
def test_rule_verdicts(cues: tuple[str, ...], genre: str, label: str, certain: bool) -> None:
    verdict = rule_verdict(_candidate("地区生产总值增长6%", *cues, genre=genre))
    assert (verdict.label, verdict.certain) == (label, certain), verdict.reason
    assert verdict.reason


class _Always:
    """A scorer sure of one label."""

    def __init__(self, label: str, p: float) -> None:
        rest = (1.0 - p) / 2
        self.p = tuple(p if name == label else rest for name in LABELS)

    def probabilities(self, candidate: Candidate) -> tuple[float, float, float]:
        return self.p  # type: ignore[return-value]


def test_both_mode_keeps_certain_rules_and_lets_a_sure_model_overrule() -> None:
    certain = _candidate("首次突破100亿元", "reported_cue")
    uncertain = _candidate("地区生产总值增长6%", "past:review")
    sure, unsure = (
        Judge(_Always("commitment", 0.97), mode="both"),
        Judge(_Always("commitment", 0.6), mode="both"),
    )
    assert sure(certain).label == "result"  # a certain rule is never overruled
    assert sure(uncertain).label == "commitment" and sure(uncertain).reason.startswith("model")
    assert unsure(uncertain).label == "result"  # an unsure model leaves the rule standing
    assert Judge(_Always("neither", 0.5), mode="model")(certain).label == "neither"


def test_judge_modes_are_checked() -> None:
    with pytest.raises(ValueError, match="valid: rules, model, both"):
        Judge(mode="guess")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="needs a model"):
        Judge(mode="both")


TINY = [
    ("过去一年地区生产总值增长6.2%", "result"),
    ("去年完成投资390亿元增长14.7%", "result"),
    ("实现了规上工业增加值增长8.1%", "result"),
    ("已建成高标准农田120万亩", "result"),
    ("力争地区生产总值增长6%左右", "commitment"),
    ("确保城镇新增就业5万人以上", "commitment"),
    ("预期目标是增长5.5%左右", "commitment"),
    ("力争新建充电桩5000个以上", "commitment"),
    ("提出26条具体措施", "neither"),
    ("包括12个重点领域", "neither"),
]


def test_training_on_a_tiny_corpus_learns_tense(tmp_path: Path) -> None:
    rows = [(feature_indices(_candidate(text)), LABELS.index(label), 1.0) for text, label in TINY]
    model = JudgeModel(train(rows, epochs=30, seed=1), meta={"version": "test"})
    unseen = {
        "过去一年固定资产投资增长9.3%": "result",
        "力争固定资产投资增长7%左右": "commitment",
        "提出18条具体措施": "neither",
    }
    for text, label in unseen.items():
        p = model.probabilities(_candidate(text))
        assert LABELS[int(np.argmax(p))] == label, (text, p)
    model.save(tmp_path)
    loaded = JudgeModel.load(tmp_path)
    assert loaded.meta == {"version": "test"}
    again = loaded.probabilities(_candidate("力争固定资产投资增长7%左右"))
    assert np.allclose(again, model.probabilities(_candidate("力争固定资产投资增长7%左右")), atol=1e-2)


def test_training_is_reproducible() -> None:
    rows = [(feature_indices(_candidate(text)), LABELS.index(label), 1.0) for text, label in TINY]
    assert np.array_equal(train(rows, epochs=3, seed=7), train(rows, epochs=3, seed=7))


def test_a_missing_artifact_says_how_to_make_it(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make model"):
        JudgeModel.load(tmp_path)


def test_shipped_model_reaches_its_recorded_dev_score(shared: Path) -> None:
    """The card records the shipped model's dev score (judge ``both``); it must still hold."""
    import pipeline
    from pipeline.train.judge import score

    meta = json.loads((ARTIFACT_DIR / "meta.json").read_text())
    recorded = meta["scores_on_training_sets_judge_both"]["dev"]
    nlp = pipeline.load()
    got = score(
        nlp,
        Judge(JudgeModel.load(ARTIFACT_DIR), mode="both"),
        shared / "corpus" / "dev",
        shared / "gold" / "dev.jsonl",
    )
    assert got["targets_f1"] >= recorded["targets_f1"] - 0.01
    assert got["results_f1"] >= recorded["results_f1"] - 0.01


def _broken_rules(edit: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    data = copy.deepcopy(load_yaml("judge.yaml"))
    edit(data)
    return data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            lambda d: d["rules"][0]["when"][0].update(any=["describe"]), "unknown cue 'describe'", id="typo"
        ),
        pytest.param(
            lambda d: d["rules"][1]["when"][0].update(any=["@reportd"]), "unknown group", id="group"
        ),
        pytest.param(
            lambda d: d["cues"].update(new_cue="read by no rule"), "cues no rule reads", id="unread"
        ),
        pytest.param(lambda d: d["rules"].pop(), "last rule must have no conditions", id="no_default"),
        pytest.param(
            lambda d: d["rules"].insert(0, dict(d["rules"][-1], name="x")), "only the last", id="shadow"
        ),
        pytest.param(lambda d: d["rules"][0].update(priority=1), "unknown keys", id="unknown_key"),
        pytest.param(lambda d: d["rules"][0].update(label="target"), "label must be", id="label"),
        pytest.param(lambda d: d["rules"][6]["when"][2].update(genre=["blog"]), "genres must be", id="genre"),
    ],
)
def test_a_broken_judge_table_stops_the_load(edit: Callable[[dict[str, Any]], None], message: str) -> None:
    with pytest.raises(ResourceError, match=message):
        parse_judge_rules(_broken_rules(edit))


def test_every_cue_the_extractor_emits_is_declared_in_the_judge_table(nlp: Language) -> None:
    """The spec rows' sentences and a plan-and-review report: each cue on a candidate is one the
    rules (or the learned judge) know, so a renamed cue cannot silently stop a rule from firing."""
    specs = Path(__file__).parent / "specs"
    texts = [
        json.loads(line)["input"]
        for name in ("targets.jsonl", "results.jsonl")
        for line in (specs / name).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    emitted = set().union(*(j.candidate.cues for text in texts for j in nlp(text)._.zp_judged))
    assert len(emitted) >= 10
    assert emitted <= judge_rules().cues, sorted(emitted - judge_rules().cues)


@pytest.mark.parametrize("mask", [frozenset(), frozenset({"past:review", "deadline:document"})])
def test_feature_indices_are_the_hashed_features(mask: frozenset[str]) -> None:
    """The scorer's fast path (cached n-gram hashes) gives exactly the indices of the features
    training documents (hash each feature string, distinct, sorted), twice in a row (the cache)."""
    candidates = [
        Candidate(
            0, 16, "全市地区生产总值增长5.5%左右", "2025年目标是:", {"past:review", "stance"}, "report"
        ),
        Candidate(0, 18, "到2027年,规上工业企业达到1000家", "", {"deadline:document", "plan_word"}, None),
        Candidate(0, 9, "𠀀新增就业1.2万人", "去年,城镇", set(), "news"),  # an astral character
    ]
    for _ in range(2):
        for candidate in candidates:
            expected = np.unique([_index(f) for f in features(candidate, mask=mask)])
            assert feature_indices(candidate, mask=mask).tolist() == expected.tolist()
