"""The process pool (``--workers``) when a worker or the run is stopped at a bad moment: half-way
through a message, while a worker starts. Each run is a child process, so that a hang is seen
(the run does not end) rather than suffered by the test session."""

from __future__ import annotations

import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.read import RawDocument
from tests.conftest import PROJECT
from tests.test_harden_io import _alive, _descendants

GOOD = "青岛市人民政府关于加快建设质量强市的实施意见。到2025年,制造业质量竞争力指数达到92。"
NEWS = "本报讯 记者从市市场监管局获悉,到2026年,我市将新增“专精特新”企业200家,培育质量标杆企业30家。"

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def _sends_half_a_message(marker: str, then: str) -> str:
    """Unpickled in a worker (as a document's title): the next message the worker sends stops
    half-way, as when the worker is killed (``then="die"``) or stopped (``"stall"``) while its
    outcomes go out; ``marker`` is written once the half is sent."""
    from multiprocessing import connection

    def send_half(self: connection.Connection, buffer: bytes) -> None:
        data = bytes(buffer)
        self._send(struct.pack("!i", len(data)) + data[: len(data) // 2])  # type: ignore[attr-defined]
        Path(marker).write_text("half sent", encoding="utf-8")
        if then == "die":
            os._exit(3)
        time.sleep(3600)

    connection.Connection._send_bytes = send_half  # type: ignore[attr-defined,method-assign]
    return "标题"


class _HalfMessage:
    def __init__(self, marker: Path, then: str) -> None:
        self.marker, self.then = str(marker), then

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (_sends_half_a_message, (self.marker, self.then))


def documents(marker: str, then: str) -> list[RawDocument]:
    title = _HalfMessage(Path(marker), then)
    return [
        RawDocument("before", "s", text=GOOD),
        RawDocument("cut", "s", text=NEWS, title=title),  # type: ignore[arg-type]
        RawDocument("after", "s", text=NEWS),
    ]


# A run as `zhpolicy extract -j 2` makes it, SIGTERM handled as the command line handles it.
RUN = """
import signal, sys
import pipeline
from pipeline.batch import process_documents, run_batch
from tests.test_pool import documents

def stop(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGTERM, stop)
marker, then, start = sys.argv[1:]
nlp = pipeline.load() if start == "fork" else None
outcomes = process_documents(documents(marker, then), workers=2, nlp=nlp)
summary = run_batch(outcomes, lambda outcome: print(outcome.doc, outcome.error, flush=True))
outcomes.close()
print("interrupted" if summary.interrupted else "finished", flush=True)
"""


def _run(tmp_path: Path, then: str, start: str) -> tuple[subprocess.Popen[str], Path]:
    marker = tmp_path / "half-sent"
    command = [sys.executable, "-c", RUN, str(marker), then, start]
    process = subprocess.Popen(
        command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    return process, marker


def _end(process: subprocess.Popen[str], workers: set[int]) -> None:
    for pid in _alive(workers) | ({process.pid} if process.poll() is None else set()):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_a_worker_that_dies_half_way_through_its_outcomes_is_a_crash_not_a_hang(
    tmp_path: Path, start: str
) -> None:
    process, _ = _run(tmp_path, "die", start)
    try:
        stdout, stderr = process.communicate(timeout=120)  # a guard against hanging, not a timing
    except subprocess.TimeoutExpired:
        _end(process, _descendants(process.pid))
        pytest.fail("the run hung on a message its worker left half sent")
    assert process.returncode == 0, stderr
    assert stdout.splitlines() == ["before None", "cut worker_crashed", "after None", "finished"]


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_sigterm_while_a_worker_is_half_way_through_its_outcomes_ends_the_run(
    tmp_path: Path, start: str
) -> None:
    process, marker = _run(tmp_path, "stall", start)
    workers: set[int] = set()
    try:
        give_up = time.monotonic() + 120  # guards against hanging, not a timing assertion
        while not marker.exists() and process.poll() is None and time.monotonic() < give_up:
            time.sleep(0.01)
        assert marker.exists(), process.communicate()[1]
        workers = _descendants(process.pid)
        process.send_signal(signal.SIGTERM)
        try:
            stdout, stderr = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail("SIGTERM did not end a run whose worker had half sent its outcomes")
        assert process.returncode == 0, stderr
        assert stdout.splitlines()[-1] == "interrupted" and "Traceback" not in stderr
        deadline = time.monotonic() + 30
        while _alive(workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(workers), "worker processes outlived the run"
    finally:
        _end(process, workers)


# A SIGTERM that comes while a worker is being started, at the worst moment: the fork server has
# taken the request but not yet the process it is to start.
STOP_WHILE_STARTING = """
import os, signal
from multiprocessing import forkserver
from pipeline.batch import process_documents, run_batch
from pipeline.read import RawDocument
from tests.test_pool import GOOD

def stop(signum, frame):
    raise KeyboardInterrupt

real_connect = forkserver.connect_to_new_process

def connect_then_sigterm(fds):
    connection = real_connect(fds)
    os.kill(os.getpid(), signal.SIGTERM)
    return connection

forkserver.connect_to_new_process = connect_then_sigterm
signal.signal(signal.SIGTERM, stop)
outcomes = process_documents([RawDocument("a", "s", text=GOOD)], workers=2)
summary = run_batch(outcomes, lambda outcome: print(outcome.doc, outcome.error, flush=True))
print("interrupted" if summary.interrupted else "finished", flush=True)
"""


def test_sigterm_while_a_worker_starts_stops_the_run_without_a_traceback() -> None:
    process = subprocess.run(
        [sys.executable, "-c", STOP_WHILE_STARTING],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,  # a guard against hanging, not a timing assertion
        check=False,
    )
    assert process.returncode == 0, process.stderr
    assert process.stdout.splitlines() == ["interrupted"]
    assert "Traceback" not in process.stderr


def test_a_pipeline_the_workers_cannot_load_stops_the_run_with_its_reason(tmp_path: Path) -> None:
    from pipeline.batch import process_documents

    missing = tmp_path / "no_such_model"
    outcomes = process_documents([RawDocument("a", "s", text=GOOD)], workers=2, model=str(missing))
    with pytest.raises(ValueError, match="cannot load spaCy pipeline"):
        list(outcomes)  # not a worker_crashed record for every document


@pytest.mark.parametrize("start", ["fork", "forkserver"])
def test_workers_end_by_themselves_when_the_run_ends(start: str, nlp: object) -> None:
    from pipeline.batch import _Pool

    pool = _Pool(2, None, "candidates", None, nlp if start == "fork" else None)  # type: ignore[arg-type]
    try:
        tickets = [pool.submit([RawDocument(f"d{i}", "s", text=GOOD)]) for i in range(4)]
        assert [[o.doc for o in pool.result(t) or []] for t in tickets] == [["d0"], ["d1"], ["d2"], ["d3"]]
    finally:
        pool.close()
    # Each read the end of its pipe and returned (a worker still holding a copy of the pipe's other
    # end waits for a chunk forever, and is killed when the wait for it runs out).
    assert [worker.process.exitcode for worker in pool.workers] == [0, 0]


def test_a_worker_replaced_once_another_thread_runs_is_not_forked(
    nlp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from pipeline.batch import _Pool

    # Threads that earlier tests of the session left behind do not count: the one started below does.
    count, before = threading.active_count, threading.active_count()
    monkeypatch.setattr(threading, "active_count", lambda: count() - before + 1)
    pool = _Pool(2, None, "candidates", None, nlp)  # type: ignore[arg-type]
    release = threading.Event()
    other = threading.Thread(target=release.wait)  # as a progress display's would
    try:
        assert pool.forked
        other.start()
        pool.workers[0].process.kill()  # dies, as a crash would; its replacement starts now
        ticket = pool.submit([RawDocument("a", "s", text=GOOD)])
        first = pool.result(ticket)
        again = pool.result(pool.submit([RawDocument("b", "s", text=NEWS)]))
        # Forking with a second thread could copy a lock it held: the new worker comes from the fork server.
        assert not pool.forked and pool.workers[0].process._start_method == "forkserver"  # type: ignore[attr-defined]
        assert first is None or [o.doc for o in first] == ["a"]  # None: sent to the dead worker
        assert again is not None and [o.doc for o in again] == ["b"]
    finally:
        release.set()
        other.join()
        pool.close()
