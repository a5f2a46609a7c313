"""Batch extraction: every input accounted for, safe output, restartable runs."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.batch import chunked
from pipeline.cli import app
from pipeline.read import RawDocument
from tests.conftest import SAMPLES

runner = CliRunner()

GOOD = "青岛市人民政府关于加快建设质量强市的实施意见。到2025年,制造业质量竞争力指数达到92。"
TRADITIONAL = "臺北市政府關於推動品質提升的實施意見,到2025年產品合格率達到98%以上。"
NEWS = "本报讯 记者从市市场监管局获悉,到2026年,我市将新增“专精特新”企业200家,培育质量标杆企业30家。"


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def messy_corpus(tmp_path: Path) -> Path:
    """A scraped directory as users have them: good pages, legacy encodings, junk, a broken dump."""
    corpus = tmp_path / "corpus"
    (corpus / "2024" / "05").mkdir(parents=True)
    (corpus / "good.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "gbk.txt").write_bytes((NEWS + "\n" + GOOD).encode("gbk"))
    (corpus / "big5.txt").write_bytes(TRADITIONAL.encode("big5"))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "junk.html").write_bytes(bytes(range(256)) * 8)
    (corpus / "2024" / "05" / "nav_only.html").write_text(
        "<html><head><title>导航</title></head><body><div></div></body></html>", encoding="utf-8"
    )
    (corpus / "2024" / "05" / "huge.txt").write_text(GOOD * 40, encoding="utf-8")
    (corpus / "README.md").write_text("not an input format: reported", encoding="utf-8")
    (corpus / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # hidden: not an input
    lines = [
        json.dumps({"id": "n1", "text": NEWS}, ensure_ascii=False),
        '{"id": "n2", "text": "到2025年',  # cut off by the scraper
        "",
        json.dumps({"id": "n3", "text": GOOD, "title": "质量强市"}, ensure_ascii=False),
    ]
    (corpus / "dump.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus


EXPECTED_STATUS = {
    "good.txt": "ok",
    "gbk.txt": "ok",
    "big5.txt": "ok",
    "n1": "ok",
    "n3": "ok",
    "empty.txt": "empty_document",
    "junk.html": "undecodable",
    "2024/05/nav_only.html": "no_main_text",  # ids are paths relative to the input directory
    "2024/05/huge.txt": "too_large",
    "README.md": "unsupported_format",
    "dump.jsonl:2": "malformed_jsonl",
}


def _status(record: dict) -> str:
    return "ok" if record["status"] == "ok" else record["error"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_messy_directory_gives_one_line_per_document_with_reasons(
    messy_corpus: Path, tmp_path: Path, workers: str
) -> None:
    out = tmp_path / f"out{workers}.jsonl"
    result = runner.invoke(
        app, ["extract", str(messy_corpus), "-o", str(out), "--max-chars", "1000", "-j", workers, "-q"]
    )
    assert result.exit_code == 1, result.output  # some documents failed, all lines written
    records = _records(out)
    assert {r["doc"]: _status(r) for r in records} == EXPECTED_STATUS
    assert len(records) == len(EXPECTED_STATUS)
    by_doc = {r["doc"]: r for r in records}
    assert "line 2" in by_doc["dump.jsonl:2"]["message"]
    assert by_doc["dump.jsonl:2"]["source"].endswith("dump.jsonl:2")
    assert "--max-chars" in by_doc["2024/05/huge.txt"]["message"]
    assert by_doc["gbk.txt"]["text"].startswith("本报讯") and by_doc["gbk.txt"]["targets"]
    assert "品質" in by_doc["big5.txt"]["text"]
    assert [t["value"] for t in by_doc["big5.txt"]["targets"]] == [98]
    assert by_doc["n3"]["title"] == "质量强市"


def test_output_order_is_input_order_with_workers(messy_corpus: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    runner.invoke(app, ["extract", str(messy_corpus), str(SAMPLES), "-o", str(one), "-q"])
    runner.invoke(app, ["extract", str(messy_corpus), str(SAMPLES), "-o", str(two), "-j", "2", "-q"])
    assert one.read_text(encoding="utf-8") == two.read_text(encoding="utf-8")


def test_all_good_exits_zero(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(
        app, ["extract", str(tmp_path / "a.txt"), "-o", str(tmp_path / "o.jsonl"), "--summary"]
    )
    assert result.exit_code == 0
    assert "1 document," in result.output and "0 errors" in result.output  # the summary, asked for


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["/nonexistent/zhpolicy/corpus"], "no such file or directory: /nonexistent/zhpolicy/corpus"),
        (["{samples}", "--resume"], "need an --output file"),
        (["{samples}", "-o", "{out}", "--resume", "--force"], "give one of them"),
        (["{samples}", "-o", "{out}", "--segment", "bogus"], "'bogus' is not one of 'candidates', 'full'"),
        (["{samples}", "-o", "{out}", "--model", "no_such_pipeline_xx"], "no installed spaCy pipeline"),
    ],
    ids=["missing-path", "resume-to-stdout", "resume-and-force", "bad-segment", "bad-model"],
)
def test_usage_errors_exit_2_without_traceback(tmp_path: Path, arguments: list[str], message: str) -> None:
    filled = [a.format(samples=SAMPLES, out=tmp_path / "o.jsonl") for a in arguments]
    result = runner.invoke(app, ["extract", *filled])
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_existing_output_is_not_overwritten_without_force(tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    out.write_text('{"status": "ok"}\n', encoding="utf-8")
    result = runner.invoke(app, ["extract", str(SAMPLES), "-o", str(out)])
    assert result.exit_code == 2
    assert "exists; use --resume to continue it or --force to overwrite it" in " ".join(result.output.split())
    assert out.read_text(encoding="utf-8") == '{"status": "ok"}\n'
    assert runner.invoke(app, ["extract", str(SAMPLES), "-o", str(out), "--force", "-q"]).exit_code == 0
    assert len(_records(out)) == 4


def test_resume_discards_partial_line_and_matches_uninterrupted_run(
    messy_corpus: Path, tmp_path: Path
) -> None:
    full = tmp_path / "full.jsonl"
    runner.invoke(app, ["extract", str(messy_corpus), "-o", str(full), "--max-chars", "1000", "-q"])
    lines = full.read_text(encoding="utf-8").splitlines(keepends=True)
    # A run killed while writing its fifth line: four whole lines and half of the fifth.
    partial = tmp_path / "partial.jsonl"
    partial.write_text("".join(lines[:4]) + lines[4][: len(lines[4]) // 2], encoding="utf-8")
    result = runner.invoke(
        app,
        ["extract", str(messy_corpus), "-o", str(partial), "--max-chars", "1000", "--resume", "--summary"],
    )
    assert result.exit_code == 1
    assert "4 already in" in " ".join(result.output.split())
    assert partial.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")


def test_resume_refuses_a_file_that_is_not_zhpolicy_output(tmp_path: Path) -> None:
    out = tmp_path / "notes.jsonl"
    out.write_text("my own notes\n", encoding="utf-8")
    result = runner.invoke(app, ["extract", str(SAMPLES), "-o", str(out), "--resume"])
    assert result.exit_code == 2 and "cannot resume" in result.output


def _report_corpus(directory: Path, count: int) -> Path:
    """Documents long enough that a run takes a few seconds."""
    directory.mkdir()
    body = "\n".join(
        f"到202{i % 10}年,全市规模以上工业增加值增长{i % 9 + 1}%,新增高新技术企业{100 + i}家。"
        f"第{i}项工作:加快建设质量强市,推动制造业高质量发展,服务业质量持续提升。"
        for i in range(120)
    )
    for i in range(count):
        (directory / f"report_{i:03d}.txt").write_text(f"第{i}号文件\n{body}", encoding="utf-8")
    return directory


def test_killed_run_resumes_to_the_same_output(tmp_path: Path) -> None:
    corpus = _report_corpus(tmp_path / "reports", 60)
    command = [sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "-q"]
    full = tmp_path / "full.jsonl"
    assert subprocess.run([*command, "-o", str(full)], check=False).returncode == 0

    killed = tmp_path / "killed.jsonl"
    process = subprocess.Popen([*command, "-o", str(killed)])
    give_up = time.monotonic() + 120  # a guard against hanging, not a timing assertion
    while time.monotonic() < give_up and process.poll() is None:
        if killed.exists() and killed.read_bytes().count(b"\n") >= 5:
            os.kill(process.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run finished before it could be killed"
    written = killed.read_bytes().count(b"\n")
    assert 5 <= written < 60

    resumed = subprocess.run([*command, "-o", str(killed), "--resume"], check=False)
    assert resumed.returncode == 0
    assert killed.read_text(encoding="utf-8") == full.read_text(encoding="utf-8")


def test_vanished_and_dangling_entries_are_error_records(tmp_path: Path) -> None:
    from pipeline.read import read_documents

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "b.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "c.txt").symlink_to(tmp_path / "deleted_target.txt")
    documents = read_documents([str(corpus)])
    assert next(documents).doc == "a.txt"  # the directory has been listed by now
    (corpus / "b.txt").unlink()
    rest = {d.doc: d.error.code for d in documents if d.error}
    assert rest == {"b.txt": "unreadable_file", "c.txt": "unreadable_file"}


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_permission_denied_is_an_error_record(tmp_path: Path) -> None:
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    out = tmp_path / "o.jsonl"
    assert runner.invoke(app, ["extract", str(locked), "-o", str(out), "-q"]).exit_code == 1
    [record] = _records(out)
    assert record["error"] == "unreadable_file" and "Permission denied" in record["message"]


def test_chunks_are_bounded_by_documents_and_characters() -> None:
    documents = [RawDocument(f"d{i}", "s", text="字" * (250_000 if i == 3 else 10)) for i in range(40)]
    chunks = list(chunked(iter(documents)))
    assert [d for chunk in chunks for d in chunk] == documents
    assert all(len(chunk) <= 16 for chunk in chunks)
    assert [len(c) for c in chunks] == [4, 16, 16, 4]  # the long fourth document closes the first


def test_vocabulary_stops_growing_at_its_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    import pipeline
    from pipeline import batch

    nlp = pipeline.load()
    monkeypatch.setattr(batch, "VOCABULARY_LIMIT", len(nlp.vocab.strings) + 50)
    rng = random.Random(7)
    hanzi = "质量强市建设制造业竞争力指数企业培育新增专精特新标准品牌认证计量检测"

    def novel_document(i: int) -> RawDocument:
        words = ["".join(rng.choices(hanzi, k=rng.randint(2, 6))) for _ in range(60)]
        return RawDocument(f"d{i}", "s", text=f"到2025年,{'、'.join(words)}达到{i}家。")

    sizes = []
    for i in range(30):
        outcome = batch.outcome_of(nlp, novel_document(i))
        assert outcome.error is None
        sizes.append(len(nlp.vocab.strings))
    # Once over the limit, each document's new words are freed with it.
    over = [i for i, size in enumerate(sizes) if size >= batch.VOCABULARY_LIMIT]
    assert over and len(set(sizes[over[0] :])) == 1


def test_jsonl_on_standard_input_goes_to_standard_output() -> None:
    dump = "\n".join([json.dumps({"id": "n1", "text": NEWS}, ensure_ascii=False), "[1, 2]"]) + "\n"
    result = runner.invoke(app, ["extract", "-", "-q"], input=dump.encode("utf-8"))
    assert result.exit_code == 1
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["doc"], _status(r)) for r in records] == [("n1", "ok"), ("<stdin>:2", "malformed_jsonl")]
    assert "expected a JSON object, got list" in records[1]["message"]


class _KillsTheWorker:
    """Unpickling this in a worker process ends that process at once, as a native crash would."""

    def __reduce__(self) -> tuple[object, tuple[int]]:
        return (os._exit, (3,))


def test_a_document_that_kills_its_worker_is_recorded_and_the_rest_survive() -> None:
    from pipeline.batch import process_documents

    documents = [
        RawDocument("before", "s", text=GOOD),
        RawDocument("deadly", "s", text=GOOD, title=_KillsTheWorker()),  # type: ignore[arg-type]
        RawDocument("after", "s", text=NEWS),
    ]
    outcomes = list(process_documents(documents, workers=2))
    assert [(o.doc, o.error) for o in outcomes] == [
        ("before", None),
        ("deadly", "worker_crashed"),
        ("after", None),
    ]


def test_output_inside_an_input_directory_is_not_read_back(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "records.jsonl"
    assert runner.invoke(app, ["extract", str(tmp_path), "-o", str(out), "-q"]).exit_code == 0
    assert [r["doc"] for r in _records(out)] == ["a.txt"]
    result = runner.invoke(app, ["extract", str(tmp_path), "-o", str(out), "--resume", "-q"])
    assert result.exit_code == 0 and [r["doc"] for r in _records(out)] == ["a.txt"]


def test_a_document_that_runs_too_long_becomes_a_timeout_record(monkeypatch: pytest.MonkeyPatch) -> None:
    import pipeline
    from pipeline import run
    from pipeline.batch import process_documents

    real_clean = run.clean_text

    def clean_or_hang(text: str) -> str:
        if "死循环" in text:
            while True:  # an extractor stuck in a loop, as a bad pattern can be
                pass
        return real_clean(text)

    monkeypatch.setattr(run, "clean_text", clean_or_hang)
    documents = [
        RawDocument("before", "s", text=GOOD),
        RawDocument("stuck", "s", text="死循环" + GOOD),
        RawDocument("after", "s", text=NEWS),
    ]
    outcomes = list(process_documents(documents, nlp=pipeline.load(), timeout=0.5))
    assert [(o.doc, o.error) for o in outcomes] == [("before", None), ("stuck", "timeout"), ("after", None)]
    assert "--timeout 0.5 s" in (outcomes[1].message or "")
