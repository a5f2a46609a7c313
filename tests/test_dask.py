"""Extraction on Dask: a LocalCluster, a scheduler and workers started as separate processes on
127.0.0.1, and a worker killed mid-run. Records must be those of a local run, document for document."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from spacy.language import Language
from typer.testing import CliRunner

from pipeline.batch import outcome_of
from pipeline.cli import app
from pipeline.cluster import DaskRunner, outcome_with_deadline, partitions, worker_pipeline
from pipeline.output import ParquetWriter, iter_records
from pipeline.output.parquet import committed_parts, part_name
from pipeline.read import RawDocument, read_documents
from pipeline.write import record_json
from tests.conftest import PROJECT, SAMPLES

runner = CliRunner()
HELDOUT = PROJECT / "corpora" / "heldout"
DASK = Path(sys.executable).parent / "dask"
START_TIMEOUT = 60.0


def _expected_lines(nlp: Language, paths: list[str]) -> list[str]:
    """What a local run writes for ``paths``: one line per document, in input order."""
    return [outcome_of(nlp, raw).line for raw in read_documents(paths)]


def _inputs(tmp_path: Path) -> list[str]:
    broken = tmp_path / "broken"
    broken.mkdir(exist_ok=True)
    (broken / "empty.txt").write_bytes(b"")
    return [str(HELDOUT), str(SAMPLES), str(broken)]


def test_partitions_are_cut_by_size_and_before_a_repeated_document() -> None:
    docs = [RawDocument(d, f"src/{d}", text="到2025年达到92。" * 10) for d in "abcadefg"]
    cut = [[raw.doc for raw in part] for part in partitions(docs, max_documents=3, max_characters=10_000)]
    assert cut == [["a", "b", "c"], ["a", "d", "e"], ["f", "g"]]
    assert [len(p) for p in partitions(docs, max_documents=100, max_characters=200)] == [2, 2, 2, 2]
    # One id read from two places is two documents: no cut.
    same_name = [RawDocument("index.html", f"{d}/index.html", text="到2025年达到92。") for d in "ab"]
    assert [len(p) for p in partitions(same_name, max_documents=3)] == [2]


def test_a_stuck_document_times_out_in_a_worker_thread(nlp: Language) -> None:
    """Dask runs tasks in threads, where SIGALRM cannot reach: the deadline still holds."""

    class Stuck:
        def make_doc(self, text: str) -> None:
            while True:  # an extractor looping forever
                time.sleep(0.001)

        def __getattr__(self, name: str) -> object:
            return getattr(nlp, name)

    raw = RawDocument("stuck.txt", "in/stuck.txt", text="到2025年,制造业质量竞争力指数达到92。")
    with ThreadPoolExecutor(1) as pool:
        started = time.perf_counter()
        outcome = pool.submit(outcome_with_deadline, Stuck(), raw, 0.3).result(timeout=30)  # type: ignore[arg-type]
        seconds = time.perf_counter() - started
        normal = pool.submit(outcome_with_deadline, nlp, raw, 30.0).result(timeout=30)
    assert outcome.error == "timeout" and outcome.doc == "stuck.txt" and seconds < 10
    assert normal.error is None and normal.line == outcome_of(nlp, raw).line
    time.sleep(0.1)
    assert threading.active_count() < 10


def _exit_code(lines: list[str]) -> int:
    return 1 if any(json.loads(line)["status"] == "error" for line in lines) else 0


def test_local_cluster_gives_the_records_of_a_local_run(nlp: Language, tmp_path: Path) -> None:
    """``--dask -j 2``: a LocalCluster of two worker processes; the JSONL is the local run's."""
    paths = _inputs(tmp_path)
    expected = _expected_lines(nlp, paths)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", *paths, "-o", str(out), "--dask", "-j", "2", "--quiet"])
    assert result.exit_code == _exit_code(expected) == 1, result.output  # empty.txt and the gold files fail
    assert out.read_text(encoding="utf-8").splitlines() == expected
    assert runner.invoke(app, ["extract", *paths, "--scheduler", "no address", "--quiet"]).exit_code == 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def scheduler(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A scheduler and two workers, each a separate process on 127.0.0.1; stopped at the end."""
    if not DASK.exists():
        pytest.skip("the dask command is not installed")
    logs = tmp_path_factory.mktemp("dask-logs")
    address = f"tcp://127.0.0.1:{_free_port()}"
    processes: list[subprocess.Popen[bytes]] = []

    def start(name: str, *args: str) -> None:
        log = (logs / f"{name}.log").open("wb")
        processes.append(
            subprocess.Popen(
                [str(DASK), *args], stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT, start_new_session=True
            )
        )

    try:
        start(
            "scheduler",
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            address.rsplit(":", 1)[1],
            "--no-dashboard",
        )
        for i in range(2):
            start(
                f"worker{i}",
                *(
                    "worker",
                    address,
                    "--nthreads",
                    "1",
                    "--host",
                    "127.0.0.1",
                    "--no-dashboard",
                    "--no-nanny",
                ),
            )
        from distributed import Client

        with Client(address, timeout=START_TIMEOUT) as client:
            client.wait_for_workers(2, timeout=START_TIMEOUT)
        yield address
    finally:
        for process in reversed(processes):
            _stop(process)


def test_scheduler_and_workers_give_the_records_of_a_local_run(
    nlp: Language, tmp_path: Path, scheduler: str
) -> None:
    paths = _inputs(tmp_path)
    expected = _expected_lines(nlp, paths)
    out = tmp_path / "out.jsonl"
    result = runner.invoke(app, ["extract", *paths, "-o", str(out), "--scheduler", scheduler, "--quiet"])
    assert result.exit_code == _exit_code(expected), result.output
    assert out.read_text(encoding="utf-8").splitlines() == expected
    # Parquet: each task's worker writes its own part; read back, the same records.
    with DaskRunner(scheduler, partition_documents=4) as dask:
        writer = ParquetWriter(tmp_path / "pq")
        for outcome in dask.outcomes(read_documents(paths), writer):
            assert outcome.encoded is None  # written on the worker, not sent back
            writer.write_outcome(outcome)
        writer.close()
        # Each worker loaded the pipeline once, however many tasks it ran.
        assert set(dask.client.run(lambda: worker_pipeline.cache_info().misses).values()) == {1}
    assert sorted(record_json(r) for r in iter_records(tmp_path / "pq")) == sorted(expected)
    parts = committed_parts(tmp_path / "pq")
    assert len(parts) == -(-len(expected) // 4)

    # --resume through the cluster: a part lost in a crash is redone, nothing else.
    (tmp_path / "pq" / "documents" / part_name(parts[1])).unlink()
    args = ["extract", *paths, "-o", str(tmp_path / "pq"), "--format", "parquet", "--resume", "--quiet"]
    result = runner.invoke(app, [*args, "--scheduler", scheduler])
    assert result.exit_code in (0, 1), result.output
    assert sorted(record_json(r) for r in iter_records(tmp_path / "pq")) == sorted(expected)
    assert committed_parts(tmp_path / "pq") == [*parts[:1], *parts[2:], parts[-1] + 1]


def test_a_worker_killed_mid_run_loses_no_document(nlp: Language, tmp_path: Path, scheduler: str) -> None:
    texts = [str(raw.text) for raw in read_documents([str(p) for p in sorted(HELDOUT.glob("*.txt"))])]
    dump = tmp_path / "dump.jsonl"
    with dump.open("w", encoding="utf-8") as handle:
        for i in range(24):  # each a few held-out texts run together, in a different order
            text = "\n".join((texts[i % len(texts) :] + texts[: i % len(texts)])[:4])
            handle.write(json.dumps({"id": f"doc{i:02d}", "text": text}, ensure_ascii=False) + "\n")
    expected = sorted(_expected_lines(nlp, [str(dump)]))
    out = tmp_path / "pq"
    killed: list[int] = []
    with DaskRunner(scheduler, partition_documents=1) as dask:
        assert dask.client is not None
        pids = dask.client.run(os.getpid)
        writer = ParquetWriter(out)
        for outcome in dask.outcomes(read_documents([str(dump)]), writer):
            writer.write_outcome(outcome)
            if not killed:  # the first record is in: kill a worker while others are under way
                killed.append(sorted(pids.values())[-1])
                os.kill(killed[0], signal.SIGKILL)
        writer.close()
    assert killed
    assert sorted(record_json(r) for r in iter_records(out)) == expected
