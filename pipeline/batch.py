"""Batch extraction at corpus scale: a lazy stream of documents -> one output line each, in order.

Documents are grouped into small chunks and processed in this process (``workers=1``) or in a
pool of worker processes, each of which loads the pipeline once (pool initializer). At most
``2 × workers`` chunks are in flight, so memory stays flat however large the corpus; results come
back in input order. A worker that dies (a crash in native code, the out-of-memory killer) does
not lose documents: the chunks it held are retried one document at a time, and a document that
kills a worker twice more when it is alone in the pool (so not an unlucky bystander of an
out-of-memory kill) becomes a ``worker_crashed`` error record. Workers end with the run: they die
with their parent process, however it ends. A document that runs longer than
the time limit is interrupted where it runs and becomes a ``timeout`` error record.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from typing import Any

from spacy.language import Language

from pipeline.read import RawDocument
from schemas import Document, ErrorRecord

# A chunk is cut at this many documents or characters, whichever comes first: small enough to
# keep the pool busy and memory flat, large enough that inter-process overhead does not show.
CHUNK_DOCUMENTS = 16
CHUNK_CHARACTERS = 200_000
IN_FLIGHT_PER_WORKER = 2
# spaCy keeps every string it has seen. The words of the first documents stay (a corpus's
# common words, each created once: creating a lexeme costs more than segmenting the word)
# until the string store holds this many; after that, each document's new strings are freed
# with it (a memory zone), so memory stays flat however many documents follow.
VOCABULARY_LIMIT = 100_000


@dataclass(frozen=True)
class Outcome:
    """One document's record and what the summary needs to know about it.

    ``encoded`` is the record; once the outcome has crossed a process boundary (a worker of the
    pool, a Dask worker) it is the record's JSON line, parsed back only if a writer asks for the
    record; ``None`` when the record was already written where it was made (a Dask worker's
    Parquet part)."""

    doc: str
    source: str | None
    error: str | None
    message: str | None
    targets: int
    characters: int
    encoded: Document | ErrorRecord | str | None = field(default=None, repr=False)

    @classmethod
    def of(cls, record: Document | ErrorRecord, characters: int) -> Outcome:
        if isinstance(record, ErrorRecord):
            return cls(record.doc, record.source, record.error, record.message, 0, characters, record)
        return cls(record.doc, record.source, None, None, len(record.targets), characters, record)

    @property
    def record(self) -> Document | ErrorRecord | None:
        if isinstance(self.encoded, str):
            from pipeline.write import parse_record

            return parse_record(self.encoded)
        return self.encoded

    @property
    def line(self) -> str:
        """The record's JSON line (the JSONL writer's output)."""
        from pipeline.write import record_json

        if self.encoded is None:
            raise ValueError(f"the record of {self.doc} was written where it was made")
        return self.encoded if isinstance(self.encoded, str) else record_json(self.encoded)

    def without_record(self) -> Outcome:
        return replace(self, encoded=None)

    def __reduce__(self) -> tuple[Any, ...]:
        # A JSON line pickles several times faster than the pydantic model it is made from.
        encoded = None if self.encoded is None else self.line
        fields = (self.doc, self.source, self.error, self.message, self.targets, self.characters)
        return (Outcome, (*fields, encoded))


@dataclass
class BatchSummary:
    documents: int = 0
    skipped: int = 0
    targets: int = 0
    characters: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    interrupted: bool = False

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def add(self, outcome: Outcome) -> None:
        self.documents += 1
        self.targets += outcome.targets
        self.characters += outcome.characters
        if outcome.error is not None:
            self.errors[outcome.error] += 1


def vocabulary_scope(nlp: Language) -> AbstractContextManager[object]:
    """Where one document's strings live: the vocabulary while it is under the limit, else a
    memory zone freed after the document (nothing made in it may be used afterwards)."""
    return nullcontext() if len(nlp.vocab.strings) < VOCABULARY_LIMIT else nlp.memory_zone()


class DocumentTimeout(BaseException):
    """Raised by the alarm inside a document that runs too long. Not an ``Exception``: it must
    pass through the stages' own error handling to be reported as a timeout."""


def _raise_timeout(signum: int, frame: object) -> None:
    raise DocumentTimeout


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (a SIGALRM timer: Unix, main thread only; elsewhere,
    or with no limit, the block runs unbounded). The regex engine and jieba are interruptible."""
    usable = (
        seconds and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_timeout)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def outcome_of(nlp: Language, raw: RawDocument, timeout: float | None = None) -> Outcome:
    """Process one document into its outcome; never raises (but for Ctrl-C)."""
    from pipeline.run import process_raw

    try:
        with vocabulary_scope(nlp), time_limit(timeout):
            record = process_raw(nlp, raw)
    except DocumentTimeout:
        message = f"extraction took longer than --timeout {timeout:g} s; the document was skipped"
        record = ErrorRecord(doc=raw.doc, source=raw.source, error="timeout", message=message)
    characters = len(raw.text) if raw.text else 0  # counted after: a PDF's text is read in process_raw
    return Outcome.of(record, characters)


# Times a document is tried alone in a fresh pool before it is blamed for a worker's death.
ALONE_ATTEMPTS = 2


def crashed_outcome(raw: RawDocument) -> Outcome:
    message = (
        f"the worker process died while extracting this document ({ALONE_ATTEMPTS} times alone in "
        "the pool); it was skipped (--resume tries it again)"
    )
    record = ErrorRecord(doc=raw.doc, source=raw.source, error="worker_crashed", message=message)
    return Outcome.of(record, 0)


_worker_nlp: Language | None = None
_worker_timeout: float | None = None


def _alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, dead but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        pass  # no /proc here: ask the kernel whether the process exists
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return True


def _die_with(parent: int) -> None:
    """End this worker when the process that started the run ends, even by SIGKILL: a watching
    thread checks every second that ``parent`` still runs. (The fork server, the worker's own
    parent, outlives the run while any worker does, so the kernel's parent-death signal,
    PR_SET_PDEATHSIG, set too, covers only workers started without it.)"""
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if not _alive(parent):
                os._exit(1)

    threading.Thread(target=watch, name="zhpolicy-parent-watch", daemon=True).start()


def _init_worker(model: str | None, segment: str, timeout: float | None, parent: int | None = None) -> None:
    """Pool initializer: load the pipeline once per worker; Ctrl-C and SIGTERM are the parent's to
    handle (it stops the workers)."""
    global _worker_nlp, _worker_timeout
    _worker_timeout = timeout
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if parent is not None:
        _die_with(parent)
    import pipeline
    from pipeline.segment import load_user_dictionary

    _worker_nlp = pipeline.load(model=model, segment=segment)
    load_user_dictionary()


def _process_chunk(chunk: list[RawDocument]) -> list[Outcome]:
    assert _worker_nlp is not None, "worker not initialised"
    return [outcome_of(_worker_nlp, raw, _worker_timeout) for raw in chunk]


def chunked(documents: Iterable[RawDocument]) -> Iterator[list[RawDocument]]:
    chunk: list[RawDocument] = []
    characters = 0
    for raw in documents:
        chunk.append(raw)
        characters += len(raw.text) if raw.text else 0
        if len(chunk) >= CHUNK_DOCUMENTS or characters >= CHUNK_CHARACTERS:
            yield chunk
            chunk, characters = [], 0
    if chunk:
        yield chunk


def _start_method() -> multiprocessing.context.BaseContext:
    # forkserver: workers fork from a clean server process, never from this one (which may
    # hold threads, e.g. the progress display); spawn where forkserver does not exist.
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["pipeline"])
    return context


class _Pool:
    def __init__(self, workers: int, model: str | None, segment: str, timeout: float | None) -> None:
        self.workers, self.model, self.segment, self.timeout = workers, model, segment, timeout
        self.executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=_start_method(),
            initializer=_init_worker,
            initargs=(self.model, self.segment, self.timeout, os.getpid()),
        )

    def submit(self, chunk: list[RawDocument]) -> Future[list[Outcome]]:
        return self.executor.submit(_process_chunk, chunk)

    def restart(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)
        self.executor = self._new()

    def close(self, cancel: bool = False) -> None:
        if cancel:
            # Interrupted: the workers' documents are not waited for (their lines would not be
            # written anyway); stop them now rather than at the end of their chunks.
            for process in list(getattr(self.executor, "_processes", {}).values()):
                process.terminate()
        self.executor.shutdown(wait=not cancel, cancel_futures=cancel)


def _pooled(
    documents: Iterable[RawDocument], workers: int, model: str | None, segment: str, timeout: float | None
) -> Iterator[Outcome]:
    pool = _Pool(workers, model, segment, timeout)
    in_flight: deque[tuple[list[RawDocument], Future[list[Outcome]]]] = deque()
    chunks = chunked(documents)
    limit = IN_FLIGHT_PER_WORKER * workers
    completed = False
    try:
        while True:
            while len(in_flight) < limit:
                chunk = next(chunks, None)
                if chunk is None:
                    break
                in_flight.append((chunk, pool.submit(chunk)))
            if not in_flight:
                break
            chunk, future = in_flight.popleft()
            try:
                outcomes = future.result()
            except BrokenProcessPool:
                # Every pending chunk died with the pool and the culprit is unknown: redo them
                # one document at a time, alone in the pool, so a crash names its document.
                suspects = list(chunk) + [raw for held, _ in in_flight for raw in held]
                in_flight.clear()
                pool.restart()
                yield from _one_at_a_time(pool, suspects)
                continue
            yield from outcomes
        completed = True
    finally:
        pool.close(cancel=not completed)


def _one_at_a_time(pool: _Pool, documents: list[RawDocument]) -> Iterator[Outcome]:
    for raw in documents:
        outcome = None
        for _ in range(ALONE_ATTEMPTS):
            try:
                [outcome] = pool.submit([raw]).result()
                break
            except BrokenProcessPool:
                pool.restart()
        yield outcome if outcome is not None else crashed_outcome(raw)


def process_documents(
    documents: Iterable[RawDocument],
    *,
    workers: int = 1,
    model: str | None = None,
    segment: str = "candidates",
    nlp: Language | None = None,
    timeout: float | None = None,
) -> Iterator[Outcome]:
    """Outcomes in input order, one per document; ``nlp`` (or a pipeline loaded here) serves when
    ``workers`` is 1. A document running longer than ``timeout`` seconds becomes a ``timeout``
    error record."""
    if workers > 1:
        yield from _pooled(documents, workers, model, segment, timeout)
        return
    if nlp is None:
        import pipeline

        nlp = pipeline.load(model=model, segment=segment)
    for raw in documents:
        yield outcome_of(nlp, raw, timeout)


def run_batch(
    outcomes: Iterable[Outcome],
    write: Callable[[Outcome], None],
    *,
    on_outcome: Callable[[Outcome, BatchSummary], None] | None = None,
    summary: BatchSummary | None = None,
) -> BatchSummary:
    """Hand every outcome to ``write`` (a writer's ``write_outcome``) as it comes; Ctrl-C stops
    cleanly after the last whole record."""
    summary = summary or BatchSummary()
    started = time.perf_counter()
    try:
        for outcome in outcomes:
            write(outcome)
            summary.add(outcome)
            if on_outcome is not None:
                on_outcome(outcome, summary)
    except KeyboardInterrupt:
        summary.interrupted = True
    summary.seconds = time.perf_counter() - started
    return summary
