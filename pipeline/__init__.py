"""zhpolicy: Chinese policy documents and news about them -> validated structured records.

    >>> import pipeline
    >>> record = pipeline.extract("到2025年,制造业质量竞争力指数达到92。")
    >>> record.targets[0].indicator, record.targets[0].value
    ('制造业质量竞争力指数', 92.0)

Stages, one module each, data flowing one way: ``read`` -> ``clean`` -> ``segment`` ->
``extract`` (spaCy ``components``) -> ``validate`` -> ``write``.
"""

from __future__ import annotations

from datetime import date
from functools import cache

import spacy
from spacy.language import Language

from pipeline import components as _components  # noqa: F401 - registers the factories
from pipeline.clean import clean_text
from pipeline.config import PipelineConfig
from pipeline.extract.context import DocumentContext
from pipeline.lexicon import validate_resources
from pipeline.validate import build_document
from schemas import Document

__version__ = "0.1.0"
__all__ = ["Document", "PipelineConfig", "__version__", "extract", "load", "process"]


def load(
    config: PipelineConfig | None = None,
    *,
    model: str | None = None,
    segment: str | None = None,
    judge: str | None = None,
    segmenter: str | None = None,
) -> Language:
    """The configured spaCy ``Language``: ``spacy.blank("zh")`` with the zhpolicy tokenizer and
    components, or an installed spaCy pipeline (``model``: a package name or a path) whose own
    components (its NER) run before ours.

    Every resource file is loaded and validated first: a broken one raises
    :class:`pipeline.resources.ResourceError` (a ``ValueError``) naming the file and the entry."""
    validate_resources()  # a broken lexicon or pattern file stops here, naming the file and entry
    config = config or PipelineConfig()
    options = {"model": model, "segment": segment, "segmenter": segmenter, "judge": judge}
    updates = {k: v for k, v in options.items() if v is not None}
    config = PipelineConfig.model_validate({**config.model_dump(), **updates})
    if config.model:
        try:
            nlp = spacy.load(config.model)
        except OSError as exc:
            raise ValueError(f"cannot load spaCy pipeline {config.model!r}: {exc}") from exc
    else:
        from pipeline import segment as _segment  # noqa: F401 - registers the tokenizer

        nlp = spacy.blank(
            "zh",
            config={
                "nlp": {
                    "tokenizer": {
                        "@tokenizers": "zhpolicy.Tokenizer.v1",
                        "mode": config.segment,
                        "segmenter": config.segmenter,
                    }
                }
            },
        )
    settings = {"zhpolicy_targets": {"judge": config.judge}}
    for name in config.components:
        if name not in nlp.pipe_names:
            nlp.add_pipe(name, config=settings.get(name, {}))
    return nlp


@cache
def default_nlp() -> Language:
    """The default pipeline, loaded once per process."""
    return load()


def process(
    nlp: Language, text: str, doc_id: str, *, source: str | None = None, hints: DocumentContext | None = None
) -> Document:
    """Run ``nlp`` over already-cleaned ``text`` and return the validated record."""
    doc = nlp.make_doc(text)
    doc._.zp_context = hints or DocumentContext()
    for _, component in nlp.pipeline:
        doc = component(doc)
    return build_document(doc, doc_id, source)


def extract(
    text: str,
    *,
    doc: str = "<text>",
    title: str | None = None,
    published: date | None = None,
    jurisdiction: str | None = None,
    nlp: Language | None = None,
    clean: bool = True,
) -> Document:
    """Extract one document's record from its text (cleaned first unless ``clean=False``)."""
    hints = DocumentContext(title=title, published=published, jurisdiction=jurisdiction)
    body = clean_text(text) if clean else text
    return process(nlp or default_nlp(), body, doc, hints=hints)
