"""A hostile batch (issue 13): names, links, encodings, sizes, signals, full disks, crashes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.read import RawDocument, decode_bytes, read_documents
from tests.test_batch import _report_corpus

runner = CliRunner()

GOOD = "青岛市人民政府关于加快建设质量强市的实施意见。到2025年,制造业质量竞争力指数达到92。"
NEWS = "本报讯 记者从市市场监管局获悉,到2026年,我市将新增“专精特新”企业200家,培育质量标杆企业30家。"


def _records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().split(b"\n") if line]


def _status(record: dict[str, Any]) -> str:
    return "ok" if record["status"] == "ok" else record["error"]


def _line(doc_id: object, text: object) -> str:
    return json.dumps({"id": doc_id, "text": text}, ensure_ascii=False)


# --- control characters and encodings ------------------------------------------------------------


def test_text_starting_with_nul_and_carrying_control_characters_extracts(tmp_path: Path) -> None:
    path = tmp_path / "scraped.txt"
    path.write_bytes(
        b"\x00\x01\x02" + "标题\x07\n正文\x1b".encode() + GOOD.encode() + b"\x00\n" + NEWS.encode()
    )
    out = tmp_path / "o.jsonl"
    assert runner.invoke(app, ["extract", str(path), "-o", str(out), "-q"]).exit_code == 0
    [record] = _records(out)
    assert record["status"] == "ok" and "\x00" not in record["text"]
    assert {t["value"] for t in record["targets"]} >= {92, 200}


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(encoding: str) -> None:
    text = GOOD + "\n" + NEWS + "\n"
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_jsonl_in_utf16_without_a_byte_order_mark(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "dump.jsonl").write_bytes(
        (_line("n1", GOOD) + "\n" + _line("n2", NEWS) + "\n").encode(encoding)
    )
    documents = list(read_documents([str(tmp_path / "dump.jsonl")]))
    assert [(d.doc, d.text) for d in documents] == [("n1", GOOD), ("n2", NEWS)]


def test_utf8_with_a_nul_in_its_first_4_kib() -> None:
    text = "标题\n" + GOOD[:10] + "\x00" + GOOD * 3
    assert decode_bytes(text.encode()) == text


def test_gbk_text_with_a_stray_nul_decodes() -> None:
    text = (GOOD + "\n" + NEWS + "\n") * 3
    data = text.encode("gbk")
    assert decode_bytes(data[:40] + b"\x00" + data[40:]) == text


def test_one_nul_line_in_a_jsonl_file_costs_that_line_only(tmp_path: Path) -> None:
    lines = [_line(f"n{i}", GOOD).encode() for i in range(100)]
    lines[4] = b"\x00" * 40  # a NUL-filled line in the first 64 KiB
    (tmp_path / "dump.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    documents = list(read_documents([str(tmp_path / "dump.jsonl")]))
    assert len(documents) == 100
    bad = [d for d in documents if d.error]
    assert [(d.doc, d.error.code) for d in bad] == [("dump.jsonl:5", "malformed_jsonl")]
    assert "line 5" in bad[0].error.message


def test_null_text_and_object_ids(tmp_path: Path) -> None:
    path = tmp_path / "dump.jsonl"
    path.write_text(
        "\n".join([_line("n1", None), _line({"site": "qd", "n": 7}, GOOD), _line(42, GOOD)]) + "\n",
        encoding="utf-8",
    )
    null, with_object_id, with_number_id = read_documents([str(path)])
    assert null.error.code == "empty_document" and "'text' is null" in null.error.message
    assert "no 'text' field" not in null.error.message
    assert with_object_id.doc == '{"n": 7, "site": "qd"}' and with_object_id.error is None
    assert with_number_id.doc == "42"


# --- ids, names, links ---------------------------------------------------------------------------


def test_document_ids_are_unique_within_a_run_and_db_load_takes_them(tmp_path: Path) -> None:
    corpus = tmp_path / "site"
    for section in ("news", "policy"):
        (corpus / section).mkdir(parents=True)
        (corpus / section / "index.html").write_text(
            f"<html><body><p>{GOOD}</p></body></html>", encoding="utf-8"
        )
    dump = tmp_path / "dump.jsonl"
    dump.write_text(
        "\n".join([_line("a", GOOD), _line("b", NEWS), _line("a", NEWS)]) + "\n", encoding="utf-8"
    )
    out = tmp_path / "o.jsonl"
    assert runner.invoke(app, ["extract", str(corpus), str(dump), "-o", str(out), "-q"]).exit_code == 0
    assert [r["doc"] for r in _records(out)] == ["news/index.html", "policy/index.html", "a", "b", "a:3"]
    database = tmp_path / "p.duckdb"
    result = runner.invoke(app, ["db", "load", str(out), "--db", str(database)])
    assert result.exit_code == 0, result.output
    import duckdb

    with duckdb.connect(str(database)) as connection:
        assert connection.sql("SELECT count(*) FROM documents").fetchall() == [(5,)]


def _bad_name(directory: Path) -> Path:
    raw = os.fsencode(directory) + b"/\xb9\xfa\xbc\xd2.txt"  # 国家 in GBK: not a UTF-8 file name
    try:
        with open(raw, "wb") as handle:
            handle.write(GOOD.encode())
    except OSError:
        pytest.skip("the file system refuses file names that are not UTF-8")
    return Path(os.fsdecode(raw))


@pytest.mark.parametrize("workers", ["1", "2"])
def test_file_name_that_is_not_utf8_is_a_record_and_the_run_goes_on(tmp_path: Path, workers: str) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    _bad_name(corpus)
    (corpus / "z.txt").write_text(NEWS, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["extract", str(corpus), "-o", str(out), "-j", workers, "-q"])
    assert result.exit_code == 0, result.output
    records = _records(out)
    assert [(r["doc"], _status(r)) for r in records] == [
        ("a.txt", "ok"),
        ("z.txt", "ok"),
        ("\\xb9\\xfa\\xbc\\xd2.txt", "ok"),  # sorted by the name as Python holds it
    ] or [r["doc"] for r in records] == ["a.txt", "\\xb9\\xfa\\xbc\\xd2.txt", "z.txt"]
    assert all(_status(r) == "ok" for r in records) and len(records) == 3
    # --resume reads those records back and goes on
    full = out.read_bytes()
    out.write_bytes(full[: full.index(b"\n") + 1])
    assert runner.invoke(app, ["extract", str(corpus), "-o", str(out), "--resume", "-q"]).exit_code == 0
    assert out.read_bytes() == full


def test_resume_knows_documents_by_resolved_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, text in enumerate([GOOD, NEWS, GOOD, NEWS]):
        (corpus / f"d{i}.txt").write_text(text, encoding="utf-8")
    (corpus / "dump.jsonl").write_text(_line("n1", GOOD) + "\n" + _line("n2", NEWS) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "o.jsonl"
    assert runner.invoke(app, ["extract", "corpus", "-o", str(out), "-q"]).exit_code == 0
    full = out.read_bytes()
    assert full.count(b"\n") == 6
    out.write_bytes(b"".join(full.splitlines(keepends=True)[:5]))  # n2 still to do
    resumed = runner.invoke(app, ["extract", str(corpus.resolve()), "-o", str(out), "--resume", "-q"])
    assert resumed.exit_code == 0
    assert [r["doc"] for r in _records(out)] == ["d0.txt", "d1.txt", "d2.txt", "d3.txt", "n1", "n2"]


def test_output_reached_through_a_link_into_the_input_is_never_read(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "alias").symlink_to(corpus)
    being_written = corpus / "records.jsonl"
    being_written.write_text(_line("x", NEWS) + "\n", encoding="utf-8")
    documents = read_documents([str(corpus)], exclude=tmp_path / "alias" / "records.jsonl")
    assert [d.doc for d in documents] == ["a.txt"]


def test_an_earlier_output_in_the_input_tree_is_skipped_with_a_notice(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "b.txt").write_text(NEWS, encoding="utf-8")
    old = corpus / "old.jsonl"
    assert runner.invoke(app, ["extract", str(corpus), "-o", str(old), "-q"]).exit_code == 0
    new = tmp_path / "new.jsonl"
    result = runner.invoke(app, ["extract", str(corpus), "-o", str(new)])
    assert result.exit_code == 0
    assert [r["doc"] for r in _records(new)] == ["a.txt", "b.txt"]
    assert "old.jsonl is zhpolicy output, not articles: skipped" in " ".join(result.output.split())


def test_output_equal_to_an_input_file_is_refused_even_with_force(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl"
    dump.write_text(_line("n1", GOOD) + "\n", encoding="utf-8")
    before = dump.read_bytes()
    for output in (str(dump), str(tmp_path / "." / "dump.jsonl")):
        result = runner.invoke(app, ["extract", str(dump), "-o", output, "--force"])
        assert result.exit_code == 2 and "is the input file" in " ".join(result.output.split())
    assert dump.read_bytes() == before
    # a document inside an input directory is an input file too; an earlier output there is not
    (tmp_path / "old.jsonl").write_text(json.dumps({"status": "ok", "doc": "x", "targets": []}) + "\n")
    result = runner.invoke(app, ["extract", str(tmp_path), "-o", str(dump), "--force"])
    assert result.exit_code == 2 and "is an input file in" in " ".join(result.output.split())
    assert dump.read_bytes() == before
    result = runner.invoke(
        app, ["extract", str(tmp_path), "-o", str(tmp_path / "old.jsonl"), "--force", "-q"]
    )
    assert result.exit_code == 0 and [r["doc"] for r in _records(tmp_path / "old.jsonl")] == ["n1"]


# --- sizes and depths ----------------------------------------------------------------------------


def test_a_document_longer_than_spacys_max_length_is_extracted() -> None:
    import pipeline
    from pipeline.batch import outcome_of

    nlp = pipeline.load()
    nlp.max_length = 2_000  # stands for spaCy's 1,000,000 against a 1.5 M-character document
    text = ("加快建设质量强市,推动制造业高质量发展。\n" * 150) + GOOD
    assert len(text) > nlp.max_length
    outcome = outcome_of(nlp, RawDocument("long.txt", "long.txt", text=text))
    assert outcome.error is None, outcome.message
    assert outcome.targets == 1


def test_a_very_deep_directory_tree_is_walked(tmp_path: Path) -> None:
    deep = tmp_path / "corpus"
    path = os.fsencode(deep)
    os.mkdir(path)
    # built relative to an open directory: the whole path is longer than PATH_MAX allows at once
    fd = os.open(path, os.O_RDONLY)
    try:
        for _ in range(1_200):
            os.mkdir("d", dir_fd=fd)
            child = os.open("d", os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = child
        leaf = os.open("deep.txt", os.O_WRONLY | os.O_CREAT, dir_fd=fd)
        os.write(leaf, GOOD.encode())
        os.close(leaf)
    finally:
        os.close(fd)
    try:
        documents = list(read_documents([str(deep)]))
        assert len(documents) == 1
        assert documents[0].doc.endswith("d/d/deep.txt") and documents[0].doc.count("/") == 1_200
    finally:
        _remove_deep(path)


def _remove_deep(path: bytes) -> None:
    """Remove the chain of ``d`` directories without recursion (shutil.rmtree recurses)."""
    fds = [os.open(path, os.O_RDONLY)]
    while "d" in os.listdir(fds[-1]):
        fds.append(os.open("d", os.O_RDONLY, dir_fd=fds[-1]))
    for name in os.listdir(fds[-1]):
        os.unlink(name, dir_fd=fds[-1])
    for parent, child in zip(reversed(fds[:-1]), reversed(fds[1:]), strict=True):
        os.close(child)
        os.rmdir("d", dir_fd=parent)
    os.close(fds[0])


def test_deeply_nested_html_keeps_its_text(tmp_path: Path) -> None:
    page = "<html><body>" + "<div>" * 300 + f"<p>{GOOD}</p>" + "</div>" * 300 + "</body></html>"
    (tmp_path / "deep.html").write_text(page, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert runner.invoke(app, ["extract", str(tmp_path / "deep.html"), "-o", str(out), "-q"]).exit_code == 0
    [record] = _records(out)
    assert record["status"] == "ok" and [t["value"] for t in record["targets"]] == [92]


@pytest.mark.parametrize(
    "body",
    [
        "<nav><ul><li><a href='/'>首页</a></li><li><a href='/n'>新闻</a></li>"
        "<li><a href='/g'>政务公开</a></li><li><a href='/b'>办事服务</a></li></ul></nav>",
        "<footer><p>版权所有：青岛市人民政府办公厅 主办：青岛市人民政府办公厅</p>"
        "<p>鲁ICP备05039443号 鲁公网安备 37020202000512号</p>"
        "<p>地址：青岛市香港中路11号 电话：0532-85911111</p></footer>",
        "<div>新闻</div>",
    ],
    ids=["navigation", "footer", "one-word"],
)
def test_page_with_only_navigation_or_footer_has_no_main_text(body: str, nlp: Any) -> None:
    from pipeline.run import process_raw

    page = f"<html><head><title>青岛市人民政府</title></head><body>{body}</body></html>"
    record = process_raw(nlp, RawDocument("p.html", "p.html", text=page, is_html=True))
    assert record.status == "error" and record.error == "no_main_text"


def test_short_html_article_still_has_main_text(nlp: Any) -> None:
    from pipeline.run import process_raw

    page = (
        f"<html><body><nav><a href='/'>首页</a></nav><p>{GOOD}</p>"
        "<footer>版权所有 青岛市</footer></body></html>"
    )
    record = process_raw(nlp, RawDocument("p.html", "p.html", text=page, is_html=True))
    assert record.status == "ok" and record.targets


def test_progress_total_counts_what_the_reader_gives(tmp_path: Path) -> None:
    from pipeline.read import count_documents

    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.txt").write_text(GOOD, encoding="utf-8")
    (corpus / "sub" / "b.html").write_text(f"<p>{GOOD}</p>", encoding="utf-8")
    (corpus / "notes.md").write_text("x", encoding="utf-8")
    (corpus / "dump.jsonl").write_text("\n".join(_line(f"n{i}", GOOD) for i in range(7)), encoding="utf-8")
    paths = [str(corpus), str(corpus / "a.txt")]
    assert count_documents(paths) == len(list(read_documents(paths))) == 11
    assert count_documents(["-"]) is None


# --- interruptions, crashes, full disks -----------------------------------------------------------


def test_ctrl_c_while_the_pipeline_loads_is_a_clean_exit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline import cli

    def interrupted(model: str | None, segment: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_load_nlp", interrupted)
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    result = runner.invoke(app, ["extract", str(tmp_path / "a.txt"), "-o", str(out)])
    assert result.exit_code == 130
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "interrupted" in result.output and not out.exists()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_disk_is_a_clear_message_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path / "a.txt"), "-o", "/dev/full"])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "cannot write to /dev/full: No space left on device" in " ".join(result.output.split())


def _dies_the_first_two_times(counter: str) -> None:
    """Unpickled in a worker: ends that worker the first two times, as two unrelated
    out-of-memory kills would; harmless afterwards."""
    with open(counter, "a+") as handle:
        handle.seek(0)
        deaths = len(handle.read())
        handle.write("x")
    if deaths < 2:
        os._exit(3)


class _DiesTwice:
    def __init__(self, counter: Path) -> None:
        self.counter = str(counter)

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (_dies_the_first_two_times, (self.counter,))


def test_two_worker_deaths_in_a_row_do_not_blame_an_innocent_document(tmp_path: Path) -> None:
    from pipeline.batch import process_documents

    documents = [
        RawDocument("before", "s", text=GOOD),
        RawDocument("unlucky", "s", text=GOOD, title=_DiesTwice(tmp_path / "deaths")),  # type: ignore[arg-type]
        RawDocument("after", "s", text=NEWS),
    ]
    outcomes = list(process_documents(documents, workers=2))
    assert [(o.doc, o.error) for o in outcomes] == [("before", None), ("unlucky", None), ("after", None)]


def test_resume_retries_documents_whose_worker_crashed(tmp_path: Path) -> None:
    for name, text in (("a.txt", GOOD), ("b.txt", NEWS), ("c.txt", GOOD)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    paths = [str(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")]
    out = tmp_path / "out" / "o.jsonl"
    assert runner.invoke(app, ["extract", *paths, "-o", str(out), "-q"]).exit_code == 0
    lines = out.read_text(encoding="utf-8").splitlines(keepends=True)
    crashed = {
        "status": "error",
        "doc": "b.txt",
        "source": paths[1],
        "error": "worker_crashed",
        "message": "x",
    }
    out.write_text(lines[0] + json.dumps(crashed) + "\n" + lines[2], encoding="utf-8")
    assert runner.invoke(app, ["extract", *paths, "-o", str(out), "--resume", "-q"]).exit_code == 0
    records = _records(out)
    assert sorted((r["doc"], _status(r)) for r in records) == [
        ("a.txt", "ok"),
        ("b.txt", "ok"),
        ("c.txt", "ok"),
    ]


def _children() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return children


def _descendants(pid: int) -> set[int]:
    children, found, todo = _children(), set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            alive.add(pid)
    return alive


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_stopped_run_leaves_no_workers_behind(tmp_path: Path, how: signal.Signals) -> None:
    corpus = _report_corpus(tmp_path / "reports", 80)
    out = tmp_path / "o.jsonl"
    command = [sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "-o", str(out), "-j", "2"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    workers: set[int] = set()
    try:
        give_up = time.monotonic() + 180  # guards against hanging, not a timing assertion
        while time.monotonic() < give_up and process.poll() is None:
            if out.exists() and out.read_bytes().count(b"\n") >= 3:
                workers = _descendants(process.pid)
                process.send_signal(how)
                break
            time.sleep(0.01)
        _, stderr = process.communicate(timeout=120)
        assert workers, "the run finished before it could be stopped"
        if how == signal.SIGTERM:
            assert process.returncode == 143
            assert "--resume" in stderr and "Traceback" not in stderr
        assert out.read_bytes().endswith(b"\n") or how == signal.SIGKILL
        deadline = time.monotonic() + 30
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(workers), "worker processes outlived the run"
    finally:
        for pid in _alive(workers) | ({process.pid} if process.poll() is None else set()):
            os.kill(pid, signal.SIGKILL)


def test_json_array_on_standard_input() -> None:
    articles = json.dumps([{"id": "a", "text": GOOD}, {"id": "b", "text": NEWS}], ensure_ascii=False)
    result = runner.invoke(app, ["extract", "-", "-q"], input=articles.encode())
    assert result.exit_code == 0
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(r["doc"], r["source"], _status(r)) for r in records] == [
        ("a", "<stdin>:1", "ok"),
        ("b", "<stdin>:2", "ok"),
    ]
