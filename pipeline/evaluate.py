"""Scoring exactly as GUIDELINES §6: gold and predictions in the same JSONL shape.

Targets are paired one-to-one, best pairs first. A pair matches when values are equal (1e-6),
units are equal after normalisation, deadlines are equal (both null is equal) and indicators are
compatible (containment after removing spaces and punctuation, or character-overlap F1 >= 0.5).
Optional gold items are neither missed nor counted as extra. Names (programmes, policies,
agencies) match by containment after normalisation. Both sides are converted to simplified.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.lexicon.names import name_key, unit_key
from pipeline.textview import to_simplified

MIN_INDICATOR_F1 = 0.5
DOCUMENT_FIELDS = ("title", "published", "jurisdiction", "doc_type")
NAME_FIELDS = ("programmes", "policies_cited", "agencies")


def normalise_name(name: str) -> str:
    """A name's matching key (:func:`pipeline.lexicon.names.name_key`)."""
    return name_key(name)


def normalise_unit(unit: str | None) -> str | None:
    return unit_key(unit, percent_words=True)


def char_f1(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    common = sum((Counter(a) & Counter(b)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(a), common / len(b)
    return 2 * precision * recall / (precision + recall)


def indicators_compatible(a: str, b: str) -> bool:
    na, nb = normalise_name(a), normalise_name(b)
    return bool(na and nb) and (na in nb or nb in na or char_f1(na, nb) >= MIN_INDICATOR_F1)


def deadline_year(value: Any) -> int | None:
    if isinstance(value, Mapping):
        value = value.get("year")
    return int(value) if value is not None else None


def targets_match(pred: Mapping[str, Any], gold: Mapping[str, Any], time_field: str = "deadline") -> bool:
    """Same value, unit, time (``deadline`` for targets, ``period`` for results) and a compatible
    indicator."""
    return (
        pred.get("value") is not None
        and gold.get("value") is not None
        and abs(float(pred["value"]) - float(gold["value"])) <= 1e-6
        and normalise_unit(pred.get("unit")) == normalise_unit(gold.get("unit"))
        and deadline_year(pred.get(time_field)) == deadline_year(gold.get(time_field))
        and indicators_compatible(str(pred.get("indicator", "")), str(gold.get("indicator", "")))
    )


def item_name(item: Any) -> str:
    return item if isinstance(item, str) else str(item.get("name", ""))


def is_optional(item: Any) -> bool:
    return isinstance(item, Mapping) and bool(item.get("optional"))


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class DocumentScore:
    doc: str
    targets: Counts = field(default_factory=Counts)
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    missed_targets: list[dict[str, Any]] = field(default_factory=list)
    extra_targets: list[dict[str, Any]] = field(default_factory=list)
    results: Counts | None = None  # None: the gold line has no ``results`` (not annotated)
    result_pairs: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    missed_results: list[dict[str, Any]] = field(default_factory=list)
    extra_results: list[dict[str, Any]] = field(default_factory=list)
    qualitative: Counts = field(default_factory=Counts)
    missed_qualitative: list[dict[str, Any]] = field(default_factory=list)
    extra_qualitative: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, Counts] = field(default_factory=dict)
    missed_names: dict[str, list[str]] = field(default_factory=dict)
    extra_names: dict[str, list[str]] = field(default_factory=dict)
    fields: dict[str, tuple[Any, Any]] = field(default_factory=dict)


def _greedy_pairs(
    preds: list[dict[str, Any]], golds: list[dict[str, Any]], time_field: str = "deadline"
) -> list[tuple[int, int]]:
    candidates = [
        (
            char_f1(normalise_name(str(p.get("indicator", ""))), normalise_name(str(g.get("indicator", "")))),
            i,
            j,
        )
        for i, p in enumerate(preds)
        for j, g in enumerate(golds)
        if targets_match(p, g, time_field)
    ]
    used_p: set[int] = set()
    used_g: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for _, i, j in sorted(candidates, key=lambda c: (-c[0], c[1], c[2])):
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            pairs.append((i, j))
    return pairs


@dataclass
class QuantityScore:
    counts: Counts
    pairs: list[tuple[dict[str, Any], dict[str, Any]]]
    missed: list[dict[str, Any]]
    extra: list[dict[str, Any]]


def score_quantities(
    preds: list[dict[str, Any]], golds: list[dict[str, Any]], time_field: str = "deadline"
) -> QuantityScore:
    """Targets (``deadline``) or results (``period``), paired one-to-one, best pairs first; a
    prediction that matches an optional gold item is neither credited nor counted as extra."""
    required = [g for g in golds if not is_optional(g)]
    optional = [g for g in golds if is_optional(g)]
    pairs = _greedy_pairs(preds, required, time_field)
    paired_p = {i for i, _ in pairs}
    paired_g = {j for _, j in pairs}
    rest = [i for i in range(len(preds)) if i not in paired_p]
    optional_pairs = _greedy_pairs([preds[i] for i in rest], optional, time_field)
    excused = {rest[i] for i, _ in optional_pairs}
    missed = [g for j, g in enumerate(required) if j not in paired_g]
    extra = [p for i, p in enumerate(preds) if i not in paired_p and i not in excused]
    return QuantityScore(
        Counts(len(pairs), len(extra), len(missed)),
        [(preds[i], required[j]) for i, j in pairs],
        missed,
        extra,
    )


def score_targets(preds: list[dict[str, Any]], golds: list[dict[str, Any]], score: DocumentScore) -> None:
    scored = score_quantities(preds, golds, "deadline")
    score.targets, score.pairs = scored.counts, scored.pairs
    score.missed_targets, score.extra_targets = scored.missed, scored.extra


def score_results(preds: list[dict[str, Any]], golds: list[dict[str, Any]], score: DocumentScore) -> None:
    scored = score_quantities(preds, golds, "period")
    score.results, score.result_pairs = scored.counts, scored.pairs
    score.missed_results, score.extra_results = scored.missed, scored.extra


def qualitative_match(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> bool:
    """Subjects contain one another (after normalisation) and the deadlines are equal."""
    a, b = normalise_name(str(pred.get("subject", ""))), normalise_name(str(gold.get("subject", "")))
    return (
        bool(a and b)
        and (a in b or b in a)
        and deadline_year(pred.get("deadline")) == deadline_year(gold.get("deadline"))
    )


def score_qualitative(preds: list[dict[str, Any]], golds: list[dict[str, Any]], score: DocumentScore) -> None:
    """Qualitative targets paired one-to-one in order; optional gold items excuse a prediction."""
    used: set[int] = set()
    missed: list[dict[str, Any]] = []
    tp = 0
    for gold in sorted(golds, key=is_optional):
        hit = next((i for i, p in enumerate(preds) if i not in used and qualitative_match(p, gold)), None)
        if hit is not None:
            used.add(hit)
            tp += 0 if is_optional(gold) else 1
        elif not is_optional(gold):
            missed.append(gold)
    score.missed_qualitative = missed
    score.extra_qualitative = [p for i, p in enumerate(preds) if i not in used]
    score.qualitative = Counts(tp, len(score.extra_qualitative), len(missed))


def score_names(preds: Iterable[Any], golds: Iterable[Any]) -> tuple[Counts, list[str], list[str]]:
    gold_items = [(normalise_name(item_name(g)), item_name(g), is_optional(g)) for g in golds]
    pred_items: list[tuple[str, str]] = []
    seen: set[str] = set()
    for p in preds:
        norm = normalise_name(item_name(p))
        if norm and norm not in seen:
            seen.add(norm)
            pred_items.append((norm, item_name(p)))

    def matches(a: str, b: str) -> bool:
        return bool(a and b) and (a in b or b in a)

    used: set[int] = set()
    missed: list[str] = []
    tp = 0
    for gold_norm, gold_raw, optional in sorted(gold_items, key=lambda g: g[2]):
        hit = next(
            (i for i, (pn, _) in enumerate(pred_items) if i not in used and matches(pn, gold_norm)), None
        )
        if hit is not None:
            used.add(hit)
            tp += 0 if optional else 1
        elif not optional:
            missed.append(gold_raw)
    extra = [raw for i, (_, raw) in enumerate(pred_items) if i not in used]
    return Counts(tp, len(extra), len(missed)), missed, extra


def _field_value(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "title":
        return normalise_name(str(value))
    if name == "jurisdiction":
        return to_simplified(str(value))
    return str(value)


def score_document(pred: Mapping[str, Any], gold: Mapping[str, Any]) -> DocumentScore:
    score = DocumentScore(doc=str(gold["doc"]))
    score_targets(list(pred.get("targets") or []), list(gold.get("targets") or []), score)
    if "results" in gold:
        score_results(list(pred.get("results") or []), list(gold.get("results") or []), score)
    score_qualitative(list(pred.get("qualitative") or []), list(gold.get("qualitative") or []), score)
    for name in NAME_FIELDS:
        counts, missed, extra = score_names(pred.get(name) or [], gold.get(name) or [])
        score.names[name], score.missed_names[name], score.extra_names[name] = counts, missed, extra
    for name in DOCUMENT_FIELDS:
        score.fields[name] = (pred.get(name), gold.get(name))
    return score


@dataclass
class Report:
    documents: list[DocumentScore]

    def summary(self) -> dict[str, Any]:
        targets = Counts()
        results = Counts()
        result_pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
        qualitative = Counts()
        names = {name: Counts() for name in NAME_FIELDS}
        pairs: list[tuple[dict[str, Any], dict[str, Any]]] = []
        for doc in self.documents:
            targets.add(doc.targets)
            qualitative.add(doc.qualitative)
            pairs.extend(doc.pairs)
            if doc.results is not None:
                results.add(doc.results)
                result_pairs.extend(doc.result_pairs)
            for name in NAME_FIELDS:
                names[name].add(doc.names[name])

        def accuracy(same: Iterable[bool]) -> float | None:
            flags = list(same)
            return round(sum(flags) / len(flags), 4) if flags else None

        fields = {
            name: accuracy(
                _field_value(name, d.fields[name][0]) == _field_value(name, d.fields[name][1])
                for d in self.documents
            )
            for name in DOCUMENT_FIELDS
        }
        return {
            "documents": len(self.documents),
            "targets": targets.as_dict(),
            "matched_pairs": _pair_accuracies(pairs, accuracy),
            "results": results.as_dict(),
            "matched_result_pairs": _pair_accuracies(result_pairs, accuracy),
            **{name: counts.as_dict() for name, counts in names.items()},
            "qualitative": qualitative.as_dict(),
            "document_fields": fields,
        }


def _same_names(a: Any, b: Any) -> bool:
    return {normalise_name(str(n)) for n in a or []} == {normalise_name(str(n)) for n in b or []}


def _pair_accuracies(
    pairs: list[tuple[dict[str, Any], dict[str, Any]]], accuracy: Any
) -> dict[str, float | int | None]:
    """Accuracies over matched pairs; ``responsible``/``binding`` only where the gold has them."""
    with_responsible = [(p, g) for p, g in pairs if g.get("responsible")]
    with_binding = [(p, g) for p, g in pairs if g.get("binding") is not None]
    return {
        "count": len(pairs),
        "comparator_accuracy": accuracy(p.get("comparator") == g.get("comparator") for p, g in pairs),
        "kind_accuracy": accuracy(
            (p.get("kind"), p.get("direction")) == (g.get("kind"), g.get("direction")) for p, g in pairs
        ),
        "sector_accuracy": accuracy(p.get("sector") == g.get("sector") for p, g in pairs),
        "indicator_char_f1": round(
            sum(
                char_f1(normalise_name(str(p["indicator"])), normalise_name(str(g["indicator"])))
                for p, g in pairs
            )
            / len(pairs),
            4,
        )
        if pairs
        else None,
        "responsible_accuracy": accuracy(
            _same_names(p.get("responsible"), g.get("responsible")) for p, g in with_responsible
        ),
        "binding_accuracy": accuracy(p.get("binding") == g.get("binding") for p, g in with_binding),
    }


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Every non-blank line of ``path`` as JSON; lines end at ``\\n`` only (never at U+2028 or
    U+0085 inside a string, as ``str.splitlines`` would)."""
    with path.open(encoding="utf-8", newline="\n") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(predictions: Mapping[str, Mapping[str, Any]], gold: Iterable[Mapping[str, Any]]) -> Report:
    """Score predictions (by ``doc`` id) against gold lines; a missing prediction scores empty."""
    return Report([score_document(predictions.get(str(g["doc"]), {}), g) for g in gold])
