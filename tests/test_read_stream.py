"""The reader at corpus scale: streamed JSON lines, mixed encodings, oversized input."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.read import decode_bytes, detect_encoding, read_documents

STORY = "到2025年,制造业质量竞争力指数达到92,新增“专精特新”企业200家。"
TRADITIONAL = "到2025年,製造業質量競爭力指數達到92。"


def _line(doc_id: str, text: str) -> str:
    return json.dumps({"id": doc_id, "text": text}, ensure_ascii=False)


def test_reader_is_lazy_over_paths(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")

    def paths() -> Iterator[str]:
        yield str(tmp_path / "a.txt")
        raise AssertionError("the second path is asked for only when the second document is")

    assert next(read_documents(paths())).text == STORY


def test_jsonl_line_separator_inside_a_string_does_not_split_the_line(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    # U+2028 is legal raw inside a JSON string; str.splitlines() would cut the record in two.
    path.write_text(_line("n1", "第一段\u2028" + STORY) + "\n" + _line("n2", STORY) + "\n", encoding="utf-8")
    documents = list(read_documents([str(path)]))
    assert [d.doc for d in documents] == ["n1", "n2"] and all(d.error is None for d in documents)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_jsonl_in_other_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_bytes((_line("n1", STORY) + "\n" + _line("n2", STORY) + "\n").encode(encoding))
    documents = list(read_documents([str(path)]))
    assert [(d.doc, d.text) for d in documents] == [("n1", STORY), ("n2", STORY)]


def test_jsonl_mixing_encodings_line_by_line(tmp_path: Path) -> None:
    path = tmp_path / "merged.jsonl"
    path.write_bytes(
        (_line("u", STORY) + "\n").encode("utf-8")
        + (_line("g", STORY) + "\n").encode("gbk")
        + (_line("b", TRADITIONAL) + "\n").encode("big5")
        + b'{"id": "x", "text": "\xff\xfe\xfa\xfb\xfc"}\n'
    )
    documents = {d.doc: d for d in read_documents([str(path)])}
    assert documents["u"].text == STORY and documents["g"].text == STORY
    assert documents["b"].text == TRADITIONAL
    bad = documents["merged.jsonl:4"]
    assert bad.error is not None and bad.error.code == "undecodable" and "line 4" in bad.error.message


def test_oversized_jsonl_line_is_skipped_and_reading_goes_on(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(
        "\n".join([_line("small", STORY), _line("big", STORY * 200), _line("after", STORY)]) + "\n",
        encoding="utf-8",
    )
    documents = list(read_documents([str(path)], max_chars=500))
    assert [(d.doc, d.error.code if d.error else None) for d in documents] == [
        ("small", None),
        ("dump.jsonl:2", "too_large"),
        ("after", None),
    ]
    assert "line 2" in documents[1].error.message


def test_binary_file_named_jsonl_is_one_error(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_bytes(b"\x00\x01\x02\n" * 100)
    [document] = read_documents([str(path)])
    assert document.error is not None and document.error.code == "undecodable"


def test_mostly_utf8_page_with_a_gbk_fragment() -> None:
    head = "青岛市人民政府关于贯彻落实质量强国建设纲要的实施意见。".encode()
    pasted = "到2025年,制造业质量竞争力指数达到92。".encode("gbk")
    assert decode_bytes(head + pasted + head) == (head + pasted.decode("gbk").encode() + head).decode()


def test_stray_bytes_in_gbk_text_still_decode() -> None:
    text = "到2025年,全市规模以上工业增加值增长6%,制造业质量竞争力指数达到92。" * 20
    data = text.encode("gbk")
    damaged = data[:200] + b"\x80" + data[200:]
    decoded = decode_bytes(damaged)
    assert decoded.count("制造业质量竞争力指数") >= 19


def test_encoding_detection_from_a_file_head() -> None:
    assert detect_encoding(STORY.encode("utf-8")[:-1]) == "utf-8"  # cut inside a character
    assert detect_encoding(codecs.BOM_UTF8 + STORY.encode()) == "utf-8-sig"
    assert detect_encoding(b"\x00\x01binary") is None
    assert detect_encoding((STORY * 10).encode("gbk")) in ("gb18030", "gbk")


def test_file_larger_than_max_chars_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    path.write_text(STORY * 100, encoding="utf-8")
    [document] = read_documents([str(path)], max_chars=100)
    assert document.error is not None and document.error.code == "too_large"
    assert "bytes" in document.error.message  # judged by size, unread
