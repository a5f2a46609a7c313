"""The judge: one decision per quantified statement — commitment, result or neither (§1, §7).

Candidates carry the cues that fired while they were read (``cues``: names such as
``reported_cue``, ``past:review``, ``deadline:clause``) and their clause text. The judge decides
in two layers:

- **rules where they are certain**: an explicit past year or a reporting cue on the statement
  itself makes a result; a describing verb (提出26条措施) makes neither; a clause's own future
  deadline or a stance (力争, 确保) without any past cue makes a commitment;
- **the model where judgement is needed**: everything else (a review without a heading, news
  with no time cue, a bare figure) goes to a small linear model over character n-grams and the
  cues (``pipeline.models.judge``), when one is loaded; without one, the rules' default stands.

Every verdict says why (``reason``: the deciding rule or ``model``), so ``evaluate --misses`` can
explain each drop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

Label = Literal["commitment", "result", "neither"]
LABELS: tuple[Label, ...] = ("commitment", "result", "neither")
JudgeMode = Literal["rules", "model", "both"]
JUDGE_MODES: tuple[JudgeMode, ...] = ("rules", "model", "both")
# In ``both``, the model overrules an uncertain rule only with at least this probability.
DEFAULT_OVERRIDE = 0.9

# Cues that report the statement itself as achieved or measured.
REPORTED_CUES = frozenset(
    {
        "reported_cue",
        "reported_time",
        "reported_shape",
        "reported_source",
        "comparison",
        "opening_past_year",
        "joined_reported",
    }
)
# A change against last year, or the source of a figure, beside a plan word is a planned change
# (拟发行…1.3万亿元、比上年增加3000亿元), not a report.
SOFT_REPORTED_CUES = frozenset({"comparison", "reported_source"})
# What the time scope says of the clause.
PAST_SCOPE_CUES = frozenset({"past:year", "past:review", "past:review_years", "past:cue", "past:weak_cue"})
# Genres whose undated figures report rather than commit (a policy text commits by its genre).
REPORTING_GENRES = frozenset({"news", "report"})
# A clause's own deadline or the words of a plan: the statement commits.
FUTURE_CUES = frozenset({"deadline:clause", "stance", "plan_word"})


@dataclass
class Candidate:
    """A quantified statement before the judge: where it is, what it says and which cues fired."""

    start: int
    end: int
    text: str  # the clause in its matching form (simplified, half-width)
    context: str  # the sentence before the clause (a left window)
    cues: set[str] = field(default_factory=set)
    genre: str | None = None  # the document's type: news, policy, report


@dataclass(frozen=True)
class Verdict:
    label: Label
    score: float
    reason: str
    certain: bool = False


class Scorer(Protocol):
    """A learned judge: probabilities for (commitment, result, neither)."""

    def probabilities(self, candidate: Candidate) -> tuple[float, float, float]: ...


def rule_verdict(candidate: Candidate) -> Verdict:
    """The rules' verdict; ``certain`` marks the ones the model may not overrule."""
    cues = candidate.cues
    if "describing" in cues:
        return Verdict("neither", 1.0, "describing verb before the count", certain=True)
    past = sorted(cues & PAST_SCOPE_CUES)
    future = sorted(cues & FUTURE_CUES)
    reported = sorted(cues & REPORTED_CUES)
    if reported and set(reported) <= SOFT_REPORTED_CUES and cues & {"stance", "plan_word"} and not past:
        return Verdict("commitment", 0.7, f"{', '.join(reported)} beside a plan word")
    if reported:
        return Verdict("result", 1.0, f"reported: {', '.join(reported)}", certain=True)
    if "past:year" in cues:
        return Verdict("result", 1.0, "past year governs the clause", certain=True)
    if past:
        return Verdict("result", 0.8, f"time scope: {', '.join(past)}", certain=False)
    if "statistic_like" in cues and ("deadline:none" in cues or "ambiguous_deadline" in cues):
        return Verdict("result", 0.6, "a bare decimal change with no unambiguous deadline")
    if "deadline:none" in cues and not future and candidate.genre in REPORTING_GENRES:
        # a policy text commits by its genre (建设国家级质检中心2个); news and bulletins report
        return Verdict("result", 0.6, "no deadline and no plan word outside a policy: a reported figure")
    if "bare_figure" in cues:
        return Verdict("neither", 0.6, "a bare figure after a plain noun describes")
    if future:
        return Verdict("commitment", 1.0, f"plan: {', '.join(future)}", certain=True)
    return Verdict("commitment", 0.7, "quantified statement under a plan's time scope")


class Judge:
    """Rules, a model, or both (rules where certain, the model elsewhere)."""

    def __init__(
        self, scorer: Scorer | None = None, mode: JudgeMode = "both", *, override: float = DEFAULT_OVERRIDE
    ) -> None:
        if mode not in JUDGE_MODES:
            raise ValueError(f"unknown judge mode {mode!r}; valid: {', '.join(JUDGE_MODES)}")
        if mode != "rules" and scorer is None:
            raise ValueError(f"judge mode {mode!r} needs a model")
        self.scorer = scorer
        self.mode = mode
        self.override = override

    def __call__(self, candidate: Candidate) -> Verdict:
        ruled = rule_verdict(candidate)
        if self.mode == "rules" or (self.mode == "both" and ruled.certain) or self.scorer is None:
            return ruled
        probabilities = self.scorer.probabilities(candidate)
        best = max(range(len(LABELS)), key=lambda i: probabilities[i])
        if self.mode == "both" and LABELS[best] != ruled.label and probabilities[best] < self.override:
            return ruled  # an uncertain rule stands unless the model is sure of another label
        return Verdict(
            LABELS[best], round(float(probabilities[best]), 4), f"model (rules said: {ruled.reason})"
        )
