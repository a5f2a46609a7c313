"""Why a gold target or result was missed: which candidate held its value, and the verdict.

``evaluate --misses`` re-reads each document with the loaded pipeline and looks the missed item
up among the judged candidates (``doc._.zp_judged``): a candidate with the same value (and, when
one exists, a compatible indicator) names the clause, the verdict and the cues behind it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from spacy.language import Language

from pipeline.evaluate import indicators_compatible
from pipeline.extract.context import DocumentContext


class MissExplainer:
    def __init__(self, nlp: Language, texts: dict[str, str]) -> None:
        self.nlp = nlp
        self.texts = texts
        self._judged = lru_cache(maxsize=4)(self._judge_document)

    def _judge_document(self, doc_id: str) -> list[Any]:
        doc = self.nlp.make_doc(self.texts[doc_id])
        doc._.zp_context = DocumentContext()
        for _, component in self.nlp.pipeline:
            doc = component(doc)
        return list(doc._.zp_judged or [])

    def why(self, doc_id: str, gold: dict[str, Any]) -> str:
        """One line: the candidate that held the gold value and its verdict, or that none did."""
        if doc_id not in self.texts or gold.get("value") is None:
            return "no prediction for this document"
        value = float(gold["value"])
        holding = [j for j in self._judged(doc_id) if any(abs(v - value) <= 1e-6 for v in j.values)]
        if not holding:
            return "no candidate holds this value (the finder never read it)"
        named = [j for j in holding if indicators_compatible(j.indicator, str(gold.get("indicator", "")))]
        best = (named or holding)[0]
        verdict = best.verdict
        which = "" if named else f" (indicator read as {best.indicator!r})"
        return f"candidate «{best.candidate.text[:60]}» judged {verdict.label}: {verdict.reason}{which}"
