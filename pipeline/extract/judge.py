"""The judge: one decision per quantified statement — commitment, result or neither (§1, §7).

Candidates carry the cues that fired while they were read (``cues``: names such as
``reported_cue``, ``past:review``, ``deadline:clause``) and their clause text. The judge decides
in two layers:

- **rules where they are certain**, declared in ``resources/zh/judge.yaml`` (ordered, the first
  that holds decides; checked when loaded): an explicit past year or a reporting cue on the
  statement itself makes a result; a describing verb (提出26条措施) makes neither; a clause's own
  future deadline or a stance (力争, 确保) without any past cue makes a commitment;
- **the model where judgement is needed**: everything else (a review without a heading, news
  with no time cue, a bare figure) goes to a small linear model over character n-grams and the
  cues (``pipeline.models.judge``), when one is loaded; without one, the rules' default stands.

Every verdict says why (``reason``: the deciding rule or ``model``), so ``evaluate --misses`` can
explain each drop.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal, Protocol, get_args

from pipeline.resources import ResourceError, load_yaml
from schemas.models import DocType

Label = Literal["commitment", "result", "neither"]
LABELS: tuple[Label, ...] = ("commitment", "result", "neither")
JudgeMode = Literal["rules", "model", "both"]
JUDGE_MODES: tuple[JudgeMode, ...] = ("rules", "model", "both")
# In ``both``, the model overrules an uncertain rule only with at least this probability.
DEFAULT_OVERRIDE = 0.9


@dataclass(slots=True)
class Candidate:
    """A quantified statement before the judge: where it is, what it says and which cues fired."""

    start: int
    end: int
    text: str  # the clause in its matching form (simplified, half-width)
    context: str  # the sentence before the clause (a left window)
    cues: set[str] = field(default_factory=set)
    genre: str | None = None  # the document's type: news, policy, report


@dataclass(frozen=True, slots=True)
class Verdict:
    label: Label
    score: float
    reason: str
    certain: bool = False


class Scorer(Protocol):
    """A learned judge: probabilities for (commitment, result, neither)."""

    def probabilities(self, candidate: Candidate) -> tuple[float, float, float]: ...


_CONDITIONS = ("any", "all", "none", "within", "genre")
_RULE_KEYS = frozenset({"name", "when", "label", "score", "certain", "reason"})


@dataclass(frozen=True, slots=True)
class Condition:
    kind: str  # one of _CONDITIONS
    cues: frozenset[str]
    within: frozenset[str] = frozenset()  # for ``within``: the set the cues must fall in

    def holds(self, candidate: Candidate) -> bool:
        cues = candidate.cues
        if self.kind == "any":
            return bool(cues & self.cues)
        if self.kind == "all":
            return self.cues <= cues
        if self.kind == "none":
            return not cues & self.cues
        if self.kind == "within":
            return cues & self.cues <= self.within
        return candidate.genre in self.cues


@dataclass(frozen=True)
class JudgeRule:
    """One rule of ``judge.yaml``: when every condition holds, the rule decides."""

    name: str
    conditions: tuple[Condition, ...]
    label: Label
    score: float
    certain: bool
    reason: str

    def verdict(self, candidate: Candidate) -> Verdict | None:
        for condition in self.conditions:  # a plain loop: this runs for every rule and candidate
            if not condition.holds(candidate):
                return None
        first_any = next((c for c in self.conditions if c.kind == "any"), None)
        fired = sorted(candidate.cues & first_any.cues) if first_any else []
        return Verdict(self.label, self.score, self.reason.format(cues=", ".join(fired)), self.certain)


@dataclass(frozen=True)
class JudgeRules:
    cues: frozenset[str]  # every cue a candidate may carry
    rules: tuple[JudgeRule, ...]


@dataclass
class JudgeData:
    """The declarations a rule's conditions are checked against."""

    cues: frozenset[str]
    groups: dict[str, frozenset[str]]


def _cue_set(
    names: object, where: str, cues: frozenset[str], groups: dict[str, frozenset[str]]
) -> frozenset[str]:
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ResourceError(f"judge.yaml: {where}: a list of cue names is expected")
    out: set[str] = set()
    for name in names:
        if name.startswith("@"):
            if name[1:] not in groups:
                raise ResourceError(f"judge.yaml: {where}: unknown group {name!r}")
            out |= groups[name[1:]]
        elif name not in cues:
            raise ResourceError(f"judge.yaml: {where}: unknown cue {name!r}")
        else:
            out.add(name)
    return frozenset(out)


def _condition(raw: object, where: str, data: JudgeData) -> Condition:
    if not isinstance(raw, dict) or len(raw) != 1 or next(iter(raw)) not in _CONDITIONS:
        raise ResourceError(f"judge.yaml: {where}: a condition is one of {', '.join(_CONDITIONS)}")
    kind, names = next(iter(raw.items()))
    if kind == "genre":
        if not isinstance(names, list) or not set(names) <= set(get_args(DocType)):
            raise ResourceError(f"judge.yaml: {where}: genres must be among {get_args(DocType)}")
        return Condition(kind, frozenset(names))
    if kind == "within":
        if not isinstance(names, list) or len(names) != 2:
            raise ResourceError(f"judge.yaml: {where}: within takes two cue names or groups")
        first = _cue_set([names[0]], where, data.cues, data.groups)
        return Condition(kind, first, _cue_set([names[1]], where, data.cues, data.groups))
    return Condition(kind, _cue_set(names, where, data.cues, data.groups))


def parse_judge_rules(data: dict[str, Any]) -> JudgeRules:
    """``judge.yaml`` as rules; any unknown name, unread cue or missing default is a ResourceError."""
    unknown = set(data) - {"cues", "model_features", "groups", "rules"}
    if unknown:
        raise ResourceError(f"judge.yaml: unknown sections {sorted(unknown)}")
    cues = frozenset(data.get("cues") or {})
    if not cues:
        raise ResourceError("judge.yaml: no cues declared")
    groups: dict[str, frozenset[str]] = {}
    for name, members in (data.get("groups") or {}).items():
        groups[name] = _cue_set(members, f"group {name}", cues, groups)
    parsed = JudgeData(cues, groups)
    rules: list[JudgeRule] = []
    for index, raw in enumerate(data.get("rules") or []):
        where = f"rule {index + 1}"
        if not isinstance(raw, dict) or not {"name", "when", "label", "score", "reason"} <= set(raw):
            raise ResourceError(f"judge.yaml: {where}: needs name, when, label, score and reason")
        if set(raw) - _RULE_KEYS:
            raise ResourceError(f"judge.yaml: {where}: unknown keys {sorted(set(raw) - _RULE_KEYS)}")
        where = f"rule {raw['name']!r}"
        if raw["label"] not in LABELS:
            raise ResourceError(f"judge.yaml: {where}: label must be one of {', '.join(LABELS)}")
        if any(rule.name == raw["name"] for rule in rules):
            raise ResourceError(f"judge.yaml: {where}: a second rule of that name")
        conditions = tuple(_condition(c, where, parsed) for c in raw["when"] or [])
        rules.append(
            JudgeRule(
                raw["name"],
                conditions,
                raw["label"],
                float(raw["score"]),
                bool(raw.get("certain")),
                raw["reason"],
            )
        )
    if not rules or rules[-1].conditions:
        raise ResourceError("judge.yaml: the last rule must have no conditions (the default verdict)")
    if any(not rule.conditions for rule in rules[:-1]):
        raise ResourceError(
            "judge.yaml: only the last rule may be unconditional (the rules after it never run)"
        )
    read = set().union(*(c.cues | c.within for r in rules for c in r.conditions if c.kind != "genre"))
    unread = cues - read - set(data.get("model_features") or ())
    if unread:
        raise ResourceError(f"judge.yaml: cues no rule reads (list them in model_features): {sorted(unread)}")
    return JudgeRules(cues, tuple(rules))


@cache
def judge_rules() -> JudgeRules:
    return parse_judge_rules(load_yaml("judge.yaml"))


def rule_verdict(candidate: Candidate) -> Verdict:
    """The rules' verdict (``judge.yaml``, first rule that holds); ``certain`` marks the ones the
    model may not overrule."""
    # The rules read nothing but the cues and the genre, and a corpus has few distinct sets of
    # them: each is decided once.
    return _verdict_of(frozenset(candidate.cues), candidate.genre)


@lru_cache(maxsize=4096)
def _verdict_of(cues: frozenset[str], genre: str | None) -> Verdict:
    candidate = Candidate(0, 0, "", "", set(cues), genre)
    for rule in judge_rules().rules:
        verdict = rule.verdict(candidate)
        if verdict is not None:
            return verdict
    raise AssertionError("judge.yaml ends with an unconditional rule")  # checked at load


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
