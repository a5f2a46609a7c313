"""Document-field and sector misses, one line each, for a gold file and its corpus.

    .venv/bin/python scripts/field_misses.py ../shared/gold/dev2.jsonl ../shared/corpus/dev2 \\
        --skip 008_xinxiang --skip 016_yanqing --skip 022_yizhang --skip 025_wenzhou

Prints ``doc  field  pred=…  gold=…`` for title, published, jurisdiction and doc_type, and
``doc  sector  pred=…  gold=…  gold indicator | predicted indicator`` for every matched target
pair whose sectors differ. Documents whose id starts with a ``--skip`` prefix are neither
extracted nor printed (keep unseen documents unseen).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pipeline
from pipeline.evaluate import _field_value, read_jsonl, score_document
from pipeline.read import read_documents
from pipeline.run import process_raw


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("gold", type=Path)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--skip", action="append", default=[], help="document id prefix to leave out")
    args = parser.parse_args()
    skip = tuple(args.skip)
    nlp = pipeline.load()
    predictions = {
        raw.doc: json.loads(process_raw(nlp, raw).model_dump_json())
        for raw in read_documents([str(args.corpus)])
        if not (skip and raw.doc.startswith(skip))
    }
    for gold in read_jsonl(args.gold):
        if skip and str(gold["doc"]).startswith(skip):
            continue
        score = score_document(predictions.get(gold["doc"], {}), gold)
        for name, (pred, expected) in score.fields.items():
            if _field_value(name, pred) != _field_value(name, expected):
                print(f"{gold['doc']}\t{name}\tpred={pred!r}\tgold={expected!r}")
        for pred, expected in score.pairs:
            if pred.get("sector") != expected.get("sector"):
                print(
                    f"{gold['doc']}\tsector\tpred={pred.get('sector')}\tgold={expected.get('sector')}\t"
                    f"{expected['indicator']} | {pred['indicator']}"
                )


if __name__ == "__main__":
    main()
