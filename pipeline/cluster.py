"""Batch extraction on Dask: a ``LocalCluster`` for one machine, or a running scheduler.

The client reads the inputs (the read stage: listing, decoding, ``--resume``'s skipping, exactly
as a local run) and cuts the stream into partitions; each partition is one Dask task. A worker
process loads the pipeline once (:class:`PipelineLoader`, a worker plugin, also run on workers
that join or restart later) and runs clean -> extract -> validate on the partition's documents.
With a Parquet output the worker writes the partition as its own part and returns only what the
summary needs; with JSONL it returns the records (as JSON lines) and the client writes them, in
input order. At most a few partitions per worker are in flight, so memory stays flat.

A worker that dies loses nothing: the scheduler runs its tasks again on another worker (and a
part is rewritten whole). A partition that keeps killing workers (``KilledWorker``, after Dask's
``allowed-failures``) is redone one document per task, and a document that still kills its worker
becomes a ``worker_crashed`` error record, as in a local run. Outcomes come back in input order,
so the progress display, the summary and the JSONL output are those of a local run.
"""

from __future__ import annotations

import ctypes
import logging
import os
import re
import threading
import uuid
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from distributed import Client, Future, KilledWorker, LocalCluster, WorkerPlugin
from spacy.language import Language

from pipeline.batch import DocumentTimeout, Outcome, crashed_outcome, outcome_of
from pipeline.output.parquet import ParquetWriter, write_part
from pipeline.read import RawDocument
from pipeline.write import OutputError

# A partition (one task, one Parquet part) is cut at this many documents or characters: enough
# work that a task's overhead (milliseconds) does not show, small enough to balance the workers.
PARTITION_DOCUMENTS = 64
PARTITION_CHARACTERS = 250_000
IN_FLIGHT_PER_WORKER = 3
# Tasks whose code raised (a shared disk briefly unwritable) are run again this many times; a
# worker that dies is Dask's to handle (``distributed.scheduler.allowed-failures``).
TASK_RETRIES = 2
CONNECT_TIMEOUT = 30.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Settings:
    model: str | None
    segment: str
    timeout: float | None


# --- on the workers ---

_pipeline_lock = threading.Lock()


@cache
def worker_pipeline(model: str | None, segment: str) -> Language:
    """The pipeline of this worker process, loaded once (the user dictionary with it)."""
    import pipeline
    from pipeline.segment import load_user_dictionary

    nlp = pipeline.load(model=model, segment=segment)
    load_user_dictionary()
    return nlp


class PipelineLoader(WorkerPlugin):
    """Loads the pipeline when a worker starts (or joins later), before its first task."""

    name = "zhpolicy-pipeline"

    def __init__(self, model: str | None, segment: str) -> None:
        self.model, self.segment = model, segment

    def setup(self, worker: Any) -> None:
        with _pipeline_lock:
            worker_pipeline(self.model, self.segment)


def _async_raise(thread_id: int, exception: type[BaseException] | None) -> None:
    """Raise ``exception`` in another thread at its next bytecode (None: cancel a pending one)."""
    target = ctypes.py_object(exception) if exception is not None else None
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), target)


def outcome_with_deadline(nlp: Language, raw: RawDocument, timeout: float | None) -> Outcome:
    """:func:`pipeline.batch.outcome_of` where SIGALRM cannot serve (a Dask task runs in a worker
    thread): a timer raises :class:`DocumentTimeout` in this thread. Python code (jieba, the
    extractors) is interrupted at once; a regular expression stuck in C only when it returns."""
    if not timeout or threading.current_thread() is threading.main_thread():
        return outcome_of(nlp, raw, timeout)
    thread_id = threading.get_ident()
    lock = threading.Lock()
    state = {"armed": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["armed"]:
                state["fired"] = True
                _async_raise(thread_id, DocumentTimeout)

    timer = threading.Timer(timeout, fire)
    timer.daemon = True
    timer.start()
    try:
        try:
            outcome = outcome_of(nlp, raw, timeout)
        finally:
            with lock:
                state["armed"] = False
                if state["fired"]:
                    _async_raise(thread_id, None)  # not delivered yet: cancelled
            timer.cancel()
    except DocumentTimeout:  # delivered after outcome_of's own handler had returned
        outcome = outcome_of_timeout(raw, timeout)
    return outcome


def outcome_of_timeout(raw: RawDocument, timeout: float) -> Outcome:
    from schemas import ErrorRecord

    message = f"extraction took longer than --timeout {timeout:g} s; the document was skipped"
    record = ErrorRecord(doc=raw.doc, source=raw.source, error="timeout", message=message)
    return Outcome.of(record, len(raw.text) if raw.text else 0)


def process_partition(
    documents: list[RawDocument], settings: Settings, directory: str | None, part: int | None
) -> list[Outcome]:
    """A task: the partition's outcomes; with ``directory``, its records written there as part
    ``part`` and left out of the outcomes."""
    nlp = worker_pipeline(settings.model, settings.segment)
    with _pipeline_lock:  # one pipeline per process: a worker with several threads takes turns
        outcomes = [outcome_with_deadline(nlp, raw, settings.timeout) for raw in documents]
    if directory is None or part is None:
        return outcomes
    write_part(Path(directory), part, (outcome.encoded for outcome in outcomes))  # type: ignore[misc]
    return [outcome.without_record() for outcome in outcomes]


# --- on the client ---


def partitions(
    documents: Iterable[RawDocument],
    max_documents: int = PARTITION_DOCUMENTS,
    max_characters: int = PARTITION_CHARACTERS,
) -> Iterator[list[RawDocument]]:
    """Consecutive documents, cut by size and before a document (doc id and source) would repeat
    within a partition (a Parquet part keys its rows by them)."""
    chunk: list[RawDocument] = []
    docs: set[tuple[str, str]] = set()
    characters = 0
    for raw in documents:
        key = (raw.doc, raw.source or "")
        if key in docs:
            yield chunk
            chunk, docs, characters = [], set(), 0
        if raw.pending is not None and raw.path is not None:
            # A PDF or .docx is read on the worker: by its absolute path, as the client sees it.
            raw.path = os.path.abspath(raw.path)
        chunk.append(raw)
        docs.add(key)
        characters += len(raw.text) if raw.text else 0
        if len(chunk) >= max_documents or characters >= max_characters:
            yield chunk
            chunk, docs, characters = [], set(), 0
    if chunk:
        yield chunk


class TaskError(OutputError):
    """A task failed for a reason that is no document's (the output cannot be written): the run
    stops; what was written stays, and ``--resume`` continues it."""


class DaskRunner:
    """A Dask client (and the ``LocalCluster`` it started, without ``address``) for one run."""

    def __init__(
        self,
        address: str | None,
        *,
        workers: int = 2,
        model: str | None = None,
        segment: str = "candidates",
        timeout: float | None = None,
        partition_documents: int = PARTITION_DOCUMENTS,
        partition_characters: int = PARTITION_CHARACTERS,
    ) -> None:
        self.address, self.workers = address, workers
        self.partition_documents, self.partition_characters = partition_documents, partition_characters
        self.settings = Settings(model, segment, timeout)
        self.cluster: LocalCluster | None = None
        self.client: Client | None = None
        self.run_id = uuid.uuid4().hex[:12]

    def __enter__(self) -> DaskRunner:
        try:
            if self.address:
                self.client = Client(self.address, timeout=CONNECT_TIMEOUT)
                self.client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
            else:
                self.cluster = LocalCluster(
                    n_workers=self.workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
                self.client = Client(self.cluster)
                self.client.wait_for_workers(self.workers, timeout=CONNECT_TIMEOUT)
            self.client.register_plugin(PipelineLoader(self.settings.model, self.settings.segment))
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
            self.client = None
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None

    def worker_count(self) -> int:
        assert self.client is not None
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def _submit(
        self, documents: list[RawDocument], directory: Path | None, part: int | None, key: str
    ) -> Future:
        assert self.client is not None
        return self.client.submit(
            process_partition,
            documents,
            self.settings,
            None if directory is None else str(directory),
            part,
            key=key,
            pure=False,
            retries=TASK_RETRIES,
        )

    def outcomes(self, documents: Iterable[RawDocument], writer: Any = None) -> Iterator[Outcome]:
        """Outcomes in input order, one per document. With a :class:`ParquetWriter` the workers
        write their partitions as parts of its directory."""
        # Absolute as the client sees it (not resolved: a shared mount keeps its name on every
        # machine); a relative path would be taken from each worker's own working directory.
        directory = Path(os.path.abspath(writer.directory)) if isinstance(writer, ParquetWriter) else None
        in_flight: deque[tuple[list[RawDocument], int | None, Future]] = deque()
        chunks = partitions(documents, self.partition_documents, self.partition_characters)
        submitted = 0
        try:
            while True:
                limit = IN_FLIGHT_PER_WORKER * self.worker_count()
                while len(in_flight) < limit:
                    chunk = next(chunks, None)
                    if chunk is None:
                        break
                    part = writer.reserve_part() if directory is not None else None
                    key = f"zhpolicy-{self.run_id}-{submitted}"
                    in_flight.append((chunk, part, self._submit(chunk, directory, part, key)))
                    submitted += 1
                if not in_flight:
                    return
                chunk, part, future = in_flight.popleft()
                try:
                    yield from future.result()
                except KilledWorker:
                    log.warning("a partition of %d documents killed its workers; redoing it", len(chunk))
                    if directory is not None and part is not None:
                        _remove_part(directory, part)
                    yield from self._one_at_a_time(chunk)
                except Exception as exc:  # the task's own code failed, retries spent: not a document's fault
                    raise TaskError(f"a Dask task failed ({type(exc).__name__}: {exc})") from exc
                finally:
                    future.release()
        finally:
            for _, _, future in in_flight:
                future.cancel()

    def _one_at_a_time(self, chunk: list[RawDocument]) -> Iterator[Outcome]:
        """Each document of a partition that kept killing workers, alone; the records come back to
        the client (and its writer)."""
        futures = [
            self._submit([raw], None, None, f"zhpolicy-{self.run_id}-alone-{uuid.uuid4().hex}")
            for raw in chunk
        ]
        for raw, future in zip(chunk, futures, strict=True):
            try:
                yield from future.result()
            except KilledWorker:
                yield crashed_outcome(raw)


def _remove_part(directory: Path, part: int) -> None:
    from pipeline.output.parquet import part_name

    for folder in directory.iterdir():
        if folder.is_dir():
            (folder / part_name(part)).unlink(missing_ok=True)


LOCAL = "local"
_ADDRESS_RE = re.compile(r"^(?:(?:tcp|tls|ucx|ws|wss|inproc)://)?[\w.\-\[\]:]+:\d+$")


def parse_address(value: str | None) -> str | None:
    """``local`` (``--dask`` alone) starts a LocalCluster; else a scheduler address (``--scheduler``)."""
    return None if value in (None, "", LOCAL) else value


def address_problem(value: str) -> str | None:
    """Why ``value`` is not a scheduler address (None when it is one, or ``local``)."""
    if parse_address(value) is None or _ADDRESS_RE.match(value):
        return None
    return f"--scheduler {value!r} is not a scheduler address (tcp://host:8786)"


__all__ = ["DaskRunner", "PipelineLoader", "partitions", "process_partition"]
