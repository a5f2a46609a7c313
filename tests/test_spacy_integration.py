"""Every spaCy habit works on zhpolicy docs: ``Doc.to_bytes``, ``DocBin`` with user data,
``nlp.pipe(n_process=2)``, pickling, ``Doc.copy``. ``doc.user_data`` serialises to plain values
only (each extension's encoding, made when the doc is serialised); the text view and the time
scope stay beside the doc and are rebuilt from the text when a doc comes back from bytes."""

from __future__ import annotations

import pickle

import pytest
import srsly
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from pipeline.components import ITEM_EXTENSIONS, decode_value, time_scope

TEXTS = [
    "青岛市人民政府关于印发质量强市建设实施方案的通知\n发布时间:2023-09-12\n"
    "到2025年,制造业质量竞争力指数达到92,深入实施“青岛优品”品牌工程,"
    "制造业产品质量合格率达到97%(市市场监管局牵头)。落实《质量强国建设纲要》。",
    "到 2025 年，全市规模以上工业企业达到 1000 家，高新技术企业数量突破 500 家。",
    "[b]2022年[/b],全县地区生产总值完成2252248万元。到2025年,地区生产总值达到300亿元。",
]


def _items(doc: Doc) -> dict[str, list[dict[str, object]]]:
    return {name: [item.model_dump() for item in doc._.get(name) or []] for name in ITEM_EXTENSIONS}


def test_doc_to_bytes_round_trip_keeps_every_item(nlp: Language) -> None:
    for text in TEXTS:
        doc = nlp(text)
        restored = Doc(nlp.vocab).from_bytes(doc.to_bytes())
        assert restored.text == text
        assert _items(restored) == _items(doc)
        assert restored._.zp_context == doc._.zp_context
        assert restored._.zp_sectors == doc._.zp_sectors
        assert [s.text for s in restored.spans["zp_targets"]] == [s.text for s in doc.spans["zp_targets"]]
        # the view and the time scope are rebuilt from the text on demand
        assert restored._.zp_view.original == text
        assert restored._.zp_view.text == doc._.zp_view.text
        assert time_scope(restored).at(0, len(restored._.zp_view.text)) is not None


def test_docbin_with_user_data(nlp: Language) -> None:
    docs = list(nlp.pipe(TEXTS))
    data = DocBin(docs=docs, store_user_data=True).to_bytes()
    restored = list(DocBin(store_user_data=True).from_bytes(data).get_docs(nlp.vocab))
    assert [_items(d) for d in restored] == [_items(d) for d in docs]
    assert restored[0]._.zp_targets[0].value == 92.0
    assert restored[0]._.zp_context.title == "青岛市人民政府关于印发质量强市建设实施方案的通知"


def test_pipe_with_two_processes_matches_one(nlp: Language) -> None:
    one = [_items(doc) for doc in nlp.pipe(TEXTS)]
    two = [_items(doc) for doc in nlp.pipe(TEXTS, n_process=2, batch_size=1)]
    assert two == one
    assert any(one_doc["zp_targets"] for one_doc in one)


def test_items_set_on_a_doc_are_the_objects_read_back(nlp: Language) -> None:
    doc = nlp(TEXTS[0])
    targets = doc._.zp_targets
    assert doc._.zp_targets is targets  # no copy per read while the doc lives


def test_user_data_never_rebuilds_a_foreign_class() -> None:
    with pytest.raises(ValueError, match="not a zhpolicy class"):
        decode_value({"__model__": "os:system", "data": {}})


def test_user_data_serialises_to_plain_values_only(nlp: Language) -> None:
    doc = nlp(TEXTS[0])
    keys = list(doc.user_data)
    plain = srsly.msgpack_loads(srsly.msgpack_dumps(list(doc.user_data.values())))  # as Doc.to_bytes
    targets = plain[next(i for i, key in enumerate(keys) if "zp_targets" in key)]
    assert targets[0]["__model__"] == "schemas.models:Target"
    assert targets[0]["data"]["value"] == 92.0
    assert all(isinstance(v, dict | list | str | int | float | bool | None) for v in plain)


def test_pickle_and_copy_keep_every_item(nlp: Language) -> None:
    doc = nlp(TEXTS[0])
    for other in (pickle.loads(pickle.dumps(doc)), doc.copy()):
        assert _items(other) == _items(doc)
        assert other._.zp_context == doc._.zp_context
    copied = doc.copy()
    assert copied._.zp_targets is not doc._.zp_targets  # a copy, not the same list
