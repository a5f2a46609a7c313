"""PDF and Word input: files the tests build (text, a table, a page without text, an encrypted
PDF, a damaged one) and the real samples in ../shared/corpus/office (skipped without them)."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.read import read_documents
from pipeline.run import process_raw

runner = CliRunner()

HEADER = ["指标", "单位", "2020年", "2025年"]
ROWS = [["产品质量合格率", "%", "95", "98"], ["新增专精特新企业", "家", "100", "200"]]


def _font() -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))  # a standard CJK font, not embedded
    return "STSong-Light"


def _pdf(path: Path, *, text: bool = True, table: bool = True, blank_page: bool = False, **kw: Any) -> Path:
    from reportlab.pdfgen import canvas

    font = _font()
    c = canvas.Canvas(str(path), **kw)
    c.setFont(font, 11)
    if text:
        c.drawString(72, 760, "青岛市质量强市建设实施方案")
        c.drawString(72, 740, "到2025年，制造业质量竞争力指数达到92。")
    if table:
        x, top, height = [72, 252, 312, 392, 472], 700, 20
        rows = [HEADER, *ROWS]
        for i, row in enumerate(rows):
            for j, cell in enumerate(row):
                c.drawString(x[j] + 4, top - i * height - 14, cell)
        for i in range(len(rows) + 1):
            c.line(x[0], top - i * height, x[-1], top - i * height)
        for position in x:
            c.line(position, top, position, top - len(rows) * height)
    if text:
        c.drawString(72, 600, "全市新增高新技术企业500家。")
    if blank_page or not text:
        if text:
            c.showPage()
        c.rect(100, 100, 300, 300, fill=1)  # a picture, no text: what a scanned page holds
    c.showPage()
    c.save()
    return path


def _docx(path: Path, blocks: list[str | list[list[str]]]) -> Path:
    import docx

    document = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            document.add_paragraph(block)
        else:
            table = document.add_table(rows=len(block), cols=len(block[0]))
            for i, row in enumerate(block):
                for j, cell in enumerate(row):
                    table.cell(i, j).text = cell
    document.save(str(path))
    return path


def _record(nlp: Any, path: Path) -> dict[str, Any]:
    [raw] = read_documents([str(path)])
    return json.loads(process_raw(nlp, raw).model_dump_json())


def _targets(record: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(t["indicator"], t["value"], t["unit"], t["deadline"]) for t in record["targets"]]


def test_pdf_text_and_table_rows_in_reading_order(tmp_path: Path, nlp: Any) -> None:
    record = _record(nlp, _pdf(tmp_path / "plan.pdf", blank_page=True))
    assert record["status"] == "ok", record
    lines = record["text"].split("\n")
    assert lines[:2] == ["青岛市质量强市建设实施方案", "到2025年，制造业质量竞争力指数达到92。"]
    # the table where it stands, one pipe row per table row, then the text below it
    assert lines[2:5] == ["| " + " | ".join(row) + " |" for row in (HEADER, *ROWS)]
    assert lines[5] == "全市新增高新技术企业500家。"
    assert set(_targets(record)) >= {
        ("制造业质量竞争力指数", 92.0, None, 2025),
        ("产品质量合格率", 98.0, "%", 2025),  # read by the table pass from the pipe rows
        ("新增专精特新企业", 200.0, "家", 2025),
    }


def test_scanned_pdf_encrypted_pdf_and_damaged_pdf_are_clear_error_records(tmp_path: Path) -> None:
    _pdf(tmp_path / "scan.pdf", text=False, table=False)
    _pdf(tmp_path / "locked.pdf", encrypt="secret")
    (tmp_path / "damaged.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", str(tmp_path), "-o", str(out), "-q"])
    assert result.exit_code == 1, result.output
    records = {r["doc"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert {doc: r["error"] for doc, r in records.items()} == {
        "damaged.pdf": "undecodable",
        "locked.pdf": "encrypted",
        "scan.pdf": "no_text_layer",
    }
    assert "OCR" in records["scan.pdf"]["message"] and "password" in records["locked.pdf"]["message"]


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path, nlp: Any) -> None:
    path = _docx(
        tmp_path / "plan.docx",
        [
            "青岛市质量强市建设实施方案",
            "到2025年，制造业质量竞争力指数达到92。",
            [HEADER, *ROWS],
            "全市新增高新技术企业500家。",
        ],
    )
    record = _record(nlp, path)
    assert record["text"].split("\n") == [
        "青岛市质量强市建设实施方案",
        "到2025年，制造业质量竞争力指数达到92。",
        *("| " + " | ".join(row) + " |" for row in (HEADER, *ROWS)),
        "全市新增高新技术企业500家。",
    ]
    assert ("产品质量合格率", 98.0, "%", 2025) in _targets(record)


def test_legacy_and_encrypted_word_files(tmp_path: Path) -> None:
    cfb = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    (tmp_path / "old.docx").write_bytes(cfb + b"WordDocument".ljust(512, b"\x00"))
    (tmp_path / "locked.docx").write_bytes(cfb + "EncryptionInfo".encode("utf-16-le").ljust(512, b"\x00"))
    (tmp_path / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    codes = {d.doc: d for d in read_documents([str(tmp_path)])}
    from pipeline.read import materialise

    assert {doc: materialise(d).error.code for doc, d in codes.items()} == {
        "broken.docx": "undecodable",
        "locked.docx": "encrypted",
        "old.docx": "unsupported_format",
    }


def test_every_file_met_in_a_walk_is_a_record_hidden_files_aside(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    (corpus / ".git").mkdir(parents=True)
    (corpus / ".git" / "config").write_text("[core]", encoding="utf-8")
    (corpus / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (corpus / "report.xlsx").write_bytes(b"PK\x03\x04")
    (corpus / "scan.tif").write_bytes(b"II*\x00")
    (corpus / "notice").write_text("到2025年,制造业质量竞争力指数达到92。", encoding="utf-8")
    _pdf(corpus / "plan.pdf")
    documents = {d.doc: d for d in read_documents([str(corpus)])}
    assert set(documents) == {"notice", "plan.pdf", "report.xlsx", "scan.tif"}
    for doc in ("notice", "report.xlsx", "scan.tif"):
        assert documents[doc].error.code == "unsupported_format"
    assert ".xlsx is not a format zhpolicy reads" in documents["report.xlsx"].error.message
    assert documents["plan.pdf"].error is None and documents["plan.pdf"].pending == "pdf"


STORY = "到2025年,制造业质量竞争力指数达到92。"


def test_explicit_json_file_is_read_as_articles_not_as_text(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(
        json.dumps({"id": "a1", "title": "质量强市", "text": STORY}, ensure_ascii=False), encoding="utf-8"
    )
    (tmp_path / "many.json").write_text(
        json.dumps([{"id": "b1", "text": STORY}, {"text": STORY}, "not an article"], ensure_ascii=False),
        encoding="utf-8",
    )
    (tmp_path / "config.json").write_text('{"threshold": 0.8}', encoding="utf-8")
    (tmp_path / "broken.json").write_text('[{"text": "到2025年', encoding="utf-8")
    names = ["one.json", "many.json", "config.json", "broken.json"]
    documents = list(read_documents([str(tmp_path / n) for n in names]))
    summary = [(d.doc, d.error.code if d.error else None) for d in documents]
    assert summary == [
        ("a1", None),
        ("b1", None),
        ("many.json:2", None),
        ("many.json:3", "malformed_json"),
        ("config.json", "malformed_json"),
        ("broken.json", "malformed_json"),
    ]
    assert documents[0].title == "质量强市" and documents[0].text == STORY
    assert documents[2].source.endswith("many.json:2")
    assert "expected an article or an array of articles" in documents[4].error.message


# --- the real samples ---------------------------------------------------------------------------

_COMPARED = ("targets", "results", "qualitative", "deadlines")


def _items(record: dict[str, Any], end: int | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """What a record says, without offsets and evidence (they quote different texts: the raw text
    keeps pdftotext's spaces inside numbers), up to ``end``."""
    items: dict[str, list[tuple[Any, ...]]] = {}
    for name in _COMPARED:
        kept = [i for i in record.get(name) or [] if end is None or i["start"] < end]
        items[name] = sorted(
            tuple(
                sorted(
                    (k, json.dumps(v, ensure_ascii=False))
                    for k, v in i.items()
                    if k not in ("start", "end", "evidence")
                )
            )
            for i in kept
        )
    return items


def test_pdf_sample_opening_gives_what_its_raw_text_gives(shared: Path, nlp: Any) -> None:
    pdf = shared / "corpus" / "office" / "beijing_2024_zhengfugongzuobaogao.pdf"
    raw_text = shared / "corpus" / "dev2" / "018_beijing_2024_gwr_pdfraw.txt"
    if not pdf.exists() or not raw_text.exists():
        pytest.skip("the office samples are not in ../shared")
    from_pdf, from_raw = _record(nlp, pdf), _record(nlp, raw_text)
    assert from_pdf["status"] == "ok"
    # The raw text is the PDF's opening, with pdftotext's spaces: find where it ends in ours.
    wanted = re.sub(r"\s", "", from_raw["text"])
    counts = itertools.accumulate(not ch.isspace() for ch in from_pdf["text"])
    end = next(i for i, seen in enumerate(counts, start=1) if seen == len(wanted))
    assert re.sub(r"\s", "", from_pdf["text"][:end]) == wanted
    assert _items(from_pdf, end) == _items(from_raw)
    for field in ("title", "jurisdiction", "doc_type", "published"):
        assert from_pdf[field] == from_raw[field], field


@pytest.mark.parametrize("name", ["hangzhou", "qingdao", "shenzhen"])
def test_docx_sample_gives_the_records_of_its_paragraphs_as_plain_text(
    shared: Path, nlp: Any, tmp_path: Path, name: str
) -> None:
    import docx

    path = shared / "corpus" / "office" / f"{name}_2024_zhengfugongzuobaogao.docx"
    if not path.exists():
        pytest.skip("the office samples are not in ../shared")
    plain = tmp_path / f"{name}.txt"
    plain.write_text("\n".join(p.text for p in docx.Document(str(path)).paragraphs), encoding="utf-8")
    from_docx, from_text = _record(nlp, path), _record(nlp, plain)
    assert from_docx["status"] == "ok" and from_docx["targets"]
    for record in (from_docx, from_text):
        del record["doc"], record["source"]
    assert from_docx == from_text
