"""The learned commitment/result judge: a multinomial logistic regression over hashed features.

Features of a candidate (``pipeline.extract.judge.Candidate``): character 1–3-grams of its clause,
character 2-grams of the sentence before it (the left context), its cues (``cue=past:review``)
and the document genre. Weights live in ``weights.npz`` beside this file, with ``meta.json``
(version, training data, scores); ``make model`` writes both (``pipeline.train.judge``).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.extract.judge import Candidate

ARTIFACT_DIR = Path(__file__).parent
WEIGHTS_FILE = "weights.npz"
META_FILE = "meta.json"
HASH_BITS = 18
N_LABELS = 3
# Cues that come from the document's structure (a review heading, a report's year): training
# masks them on weakly labelled examples, whose labels were read off that same structure.
STRUCTURE_CUES = frozenset({"past:review", "past:review_years", "deadline:document", "deadline:title"})


def _index(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & ((1 << HASH_BITS) - 1)


def features(candidate: Candidate, *, mask: frozenset[str] = frozenset()) -> list[str]:
    """The candidate's features as strings (hashed by :func:`feature_indices`)."""
    text = candidate.text
    out: list[str] = ["bias"]
    for n in (1, 2, 3):
        out.extend(f"t{n}:{text[i : i + n]}" for i in range(len(text) - n + 1))
    left = candidate.context[-30:]
    out.extend(f"l2:{left[i : i + 2]}" for i in range(len(left) - 1))
    out.extend(f"cue:{cue}" for cue in sorted(candidate.cues) if cue not in mask)
    out.append(f"genre:{candidate.genre}")
    return out


# Hashed index of each feature seen, per feature kind (the n-gram itself is the key): a
# candidate's ~120 features are mostly n-grams met before, and hashing them anew (a string per
# feature, its UTF-8 bytes, a CRC) was most of the cost of scoring one. Bounded: cleared when full.
_INDEX_CACHE: dict[str, dict[str, int]] = {}
_INDEX_CACHE_LIMIT = 200_000


def _kind_table(kind: str) -> dict[str, int]:
    """The hashed indices met so far for one feature kind (emptied when it reaches the limit)."""
    table = _INDEX_CACHE.get(kind)
    if table is None or len(table) >= _INDEX_CACHE_LIMIT:
        table = _INDEX_CACHE[kind] = {}
    return table


def _add_indices(kind: str, values: Iterable[str], out: set[int]) -> None:
    """Add the hashed index of the feature ``kind:value`` of each value to ``out``."""
    table = _kind_table(kind)
    for value in values:
        index = table.get(value)
        if index is None:
            index = table[value] = _index(f"{kind}:{value}")
        out.add(index)


def _ngrams(text: str, n: int) -> Iterator[str]:
    return (text[i : i + n] for i in range(len(text) - n + 1))


_BIAS_INDEX = _index("bias")


def feature_indices(candidate: Candidate, *, mask: frozenset[str] = frozenset()) -> np.ndarray:
    """The sorted distinct hashed indices of :func:`features` (the same array, built without
    making each feature's string)."""
    text = candidate.text
    indices = {_BIAS_INDEX}
    for n in (1, 2, 3):
        _add_indices(f"t{n}", _ngrams(text, n), indices)
    _add_indices("l2", _ngrams(candidate.context[-30:], 2), indices)
    _add_indices("cue", (cue for cue in candidate.cues if cue not in mask), indices)
    _add_indices("genre", (str(candidate.genre),), indices)
    return np.array(sorted(indices), dtype=np.int64)


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


@dataclass
class JudgeModel:
    """Weights ``(2**HASH_BITS, 3)`` for (commitment, result, neither) and the model's card."""

    weights: np.ndarray
    meta: dict[str, Any]

    def probabilities(self, candidate: Candidate) -> tuple[float, float, float]:
        scores = self.weights[feature_indices(candidate)].sum(axis=0)
        p = softmax(scores)
        return float(p[0]), float(p[1]), float(p[2])

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        # float16 keeps the artifact small; the scores it changes are far below any decision margin
        np.savez_compressed(directory / WEIGHTS_FILE, weights=self.weights.astype(np.float16))
        (directory / META_FILE).write_text(json.dumps(self.meta, ensure_ascii=False, indent=2) + "\n")

    @classmethod
    def load(cls, directory: Path) -> JudgeModel:
        weights_path = directory / WEIGHTS_FILE
        if not weights_path.exists():
            raise FileNotFoundError(f"no judge model at {weights_path}: run `make model`")
        with np.load(weights_path) as data:
            weights = data["weights"].astype(np.float32)
        if weights.shape != (1 << HASH_BITS, N_LABELS):
            raise ValueError(
                f"{weights_path}: weights of shape {weights.shape}, expected {(1 << HASH_BITS, 3)}"
            )
        meta = json.loads((directory / META_FILE).read_text()) if (directory / META_FILE).exists() else {}
        return cls(weights, meta)


def train(
    examples: Iterable[tuple[np.ndarray, int, float]],
    *,
    epochs: int = 8,
    learning_rate: float = 0.2,
    l2: float = 1e-6,
    seed: int = 0,
) -> np.ndarray:
    """Multinomial logistic regression by AdaGrad over sparse binary features.

    ``examples``: (feature indices, label, weight). Deterministic for a given seed and order.
    """
    data = list(examples)
    rng = np.random.default_rng(seed)
    weights = np.zeros((1 << HASH_BITS, N_LABELS), dtype=np.float64)
    squared = np.full_like(weights, 1e-8)
    for _ in range(epochs):
        for position in rng.permutation(len(data)):
            indices, label, weight = data[position]
            p = softmax(weights[indices].sum(axis=0))
            gradient = p.copy()
            gradient[label] -= 1.0
            gradient *= weight
            rows = gradient[None, :] + l2 * weights[indices]
            squared[indices] += rows**2
            weights[indices] -= learning_rate * rows / np.sqrt(squared[indices])
    return weights.astype(np.float32)


@cache
def load_judge_model(directory: str | None = None) -> JudgeModel:
    """The shipped model, loaded once per process."""
    return JudgeModel.load(Path(directory) if directory else ARTIFACT_DIR)
