from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.read import DecodeError, decode_bytes, read_documents

CHINESE = "青岛市人民政府关于贯彻落实《质量强国建设纲要》的实施意见。到2025年,制造业质量竞争力指数达到92。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5"])
def test_decodes_chinese_encodings(encoding: str) -> None:
    text = CHINESE if encoding != "big5" else "臺北市政府關於推動品質提升的實施意見,到2025年合格率達到98%。"
    assert decode_bytes(text.encode(encoding)) == text


def test_binary_junk_is_a_decode_error() -> None:
    with pytest.raises(DecodeError):
        decode_bytes(bytes(range(256)) * 8)


def test_directory_mix_gives_one_document_per_input(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(CHINESE, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(CHINESE.encode("gbk"))
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "notes.md").write_text("not an input format", encoding="utf-8")
    lines = [
        json.dumps({"id": "n1", "text": CHINESE}, ensure_ascii=False),
        "{broken",
        "",
        json.dumps({"id": "n2", "body": CHINESE}, ensure_ascii=False),
    ]
    (tmp_path / "dump.jsonl").write_text("\n".join(lines), encoding="utf-8")
    documents = {d.doc: d for d in read_documents([str(tmp_path)])}
    assert set(documents) == {
        *("a.txt", "b.txt", "empty.txt", "junk.txt", "n1", "dump.jsonl:2", "n2", "notes.md")
    }
    assert documents["notes.md"].error.code == "unsupported_format"  # reported, never skipped silently
    assert documents["b.txt"].text == CHINESE
    assert documents["empty.txt"].error.code == "empty_document"
    assert documents["junk.txt"].error.code == "undecodable"
    assert documents["dump.jsonl:2"].error.code == "malformed_jsonl"
    assert "line 2" in documents["dump.jsonl:2"].error.message
    assert documents["n2"].error.code == "missing_text_field"


def test_jsonl_custom_fields_and_max_chars(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        json.dumps({"key": "k1", "content": CHINESE, "title": "标题"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    [document] = read_documents([str(path)], text_field="content", id_field="key")
    assert (document.doc, document.title, document.text) == ("k1", "标题", CHINESE)
    [too_big] = read_documents([str(path)], text_field="content", id_field="key", max_chars=10)
    assert too_big.error.code == "too_large"


def test_missing_file_is_an_error_record() -> None:
    [document] = read_documents(["/nonexistent/zhpolicy/file.txt"])
    assert document.error.code == "unreadable_file"
