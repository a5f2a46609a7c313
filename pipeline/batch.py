"""Batch extraction at corpus scale: a lazy stream of documents -> one output line each, in order.

Documents are grouped into small chunks and processed in this process (``workers=1``) or in a
pool of worker processes that start with the pipeline loaded (forked from this process when it
holds the pipeline, else from a fork server that loads it once for all of them). Each worker has
a pipe of its own, and this process drives them all from its main thread: no helper thread, no
lock or queue shared by workers, so a worker that dies or is stopped half-way through a message
wedges nothing. At most ``4 × workers`` chunks (of at most 50,000 characters, or one longer
document) are in flight, so memory stays flat however large the corpus; results come back in
input order. A worker that dies (a crash in native code, the out-of-memory killer) does not lose
documents: the chunk it held is retried one document at a time, and a document that kills a
worker twice more when it is alone in the pool (so not an unlucky bystander of an out-of-memory
kill) becomes a ``worker_crashed`` error record. Workers end with the run: they die with their
parent process, however it ends. A document that runs longer than the time limit is interrupted
where it runs and becomes a ``timeout`` error record.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext, suppress
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from typing import Any

from spacy.language import Language

from pipeline.read import RawDocument
from schemas import Document, ErrorRecord

# A chunk is cut at this many documents or characters, whichever comes first: small enough to
# keep the pool busy and memory flat, large enough that inter-process overhead does not show.
CHUNK_DOCUMENTS = 16
CHUNK_CHARACTERS = 50_000
IN_FLIGHT_PER_WORKER = 4
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


class _Preloaded:
    """The pipeline a worker starts with when it is forked from a process that holds one: the fork
    server (which loads it while it starts, see :func:`_pool_context`) or this process."""

    key: tuple[str | None, str] | None = None
    nlp: Language | None = None


# Set by the parent when it starts the fork server, read by this module when the fork server imports
# it: the pipeline (model, segment) the workers will need, as JSON.
PRELOAD_VARIABLE = "ZHPOLICY_POOL_PRELOAD"


def _preload_from_environment() -> None:
    wanted = os.environ.pop(PRELOAD_VARIABLE, None)
    if not wanted:
        return
    try:
        model, segment = json.loads(wanted)
        import pipeline
        from pipeline.segment import load_user_dictionary

        nlp = pipeline.load(model=model, segment=segment)
        load_user_dictionary()
    except Exception:  # a worker loads it again and reports the failure
        return
    _Preloaded.key, _Preloaded.nlp = (model, segment), nlp


_preload_from_environment()

_worker_nlp: Language | None = None
_worker_timeout: float | None = None
_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


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
    """A worker's set-up: the pipeline it was forked with, or one loaded now (once per worker);
    Ctrl-C and SIGTERM are the parent's to handle (it stops the workers)."""
    global _worker_nlp, _worker_timeout
    _worker_timeout = timeout
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if parent is not None:
        _die_with(parent)
    if _Preloaded.nlp is not None and _Preloaded.key == (model, segment):
        _worker_nlp = _Preloaded.nlp
        return
    import pipeline
    from pipeline.segment import load_user_dictionary

    _worker_nlp = pipeline.load(model=model, segment=segment)
    load_user_dictionary()


def _process_chunk(chunk: list[RawDocument]) -> list[Outcome]:
    assert _worker_nlp is not None, "worker not initialised"
    return [outcome_of(_worker_nlp, raw, _worker_timeout) for raw in chunk]


def _reply(connection: Connection, ok: bool, payload: object) -> None:
    try:
        message = pickle.dumps((ok, payload), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an exception that does not pickle
        message = pickle.dumps((False, RuntimeError(f"{type(payload).__name__}: {payload} ({exc})")))
    connection.send_bytes(message)


def _serve(
    connection: Connection,
    model: str | None,
    segment: str,
    timeout: float | None,
    parent: int,
    inherited: tuple[int, ...] = (),
) -> None:
    """A worker's life: take a chunk from ``connection`` (its own pipe to the parent), send back
    its outcomes (as JSON lines), until the parent closes the pipe or dies. A chunk that kills the
    worker while it is read (unpickled) or processed is the parent's to notice (end of file).
    ``inherited``: the parent's ends of the pipes (its own and the other workers'), which a forked
    worker holds too (closed, so that each worker reads the end of its pipe when the parent closes
    it)."""
    for descriptor in inherited:
        with suppress(OSError):
            os.close(descriptor)
    failure: Exception | None = None
    try:
        _init_worker(model, segment, timeout, parent)
    except Exception as exc:  # the pipeline cannot load: the answer to every chunk
        failure = exc
    while True:
        try:
            message = connection.recv_bytes()
        except (EOFError, OSError):
            return  # the run is over (or the parent is gone)
        if failure is not None:
            _reply(connection, False, failure)
            continue
        try:
            chunk = pickle.loads(message)
        except Exception:
            return  # as a crash would: the parent tries its documents alone
        try:
            outcomes = _process_chunk(chunk)
        except Exception as exc:  # a bug, not a document's: the parent raises it
            _reply(connection, False, exc)
            continue
        del chunk
        try:
            _reply(connection, True, outcomes)
        except OSError:
            return


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


def _pool_context(
    model: str | None, segment: str, nlp: Language | None
) -> multiprocessing.context.BaseContext:
    """How workers start, the fastest way that is safe: forked from this process when it holds the
    pipeline and runs no other thread (a fork copies only the calling thread: a lock another thread
    held would stay locked in the worker), so they start with it loaded; else from a fork server,
    a clean process started once that imports the pipeline and loads it (``model``, ``segment``)
    before it forks any worker; ``spawn`` where neither exists (each worker loads it)."""
    methods = multiprocessing.get_all_start_methods()
    if nlp is not None and "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    from multiprocessing import forkserver

    # The fork server inherits this variable when it starts (if it is not already running for an
    # earlier pool: then workers whose pipeline differs load their own).
    os.environ[PRELOAD_VARIABLE] = json.dumps([model, segment])
    try:
        forkserver.ensure_running()
    finally:
        os.environ.pop(PRELOAD_VARIABLE, None)
    return context


@contextmanager
def _stop_signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait while a worker starts, then are handled as usual: a start cut in
    half leaves a process behind that prints a traceback (the fork server's child) or is not
    known to the pool. (Blocking them would not do: another thread, a native library's, would take
    them; the handler runs here in any case.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []

    def note(signum: int, frame: object) -> None:
        caught.append(signum)

    previous = {s: signal.getsignal(s) for s in _STOP_SIGNALS}
    previous = {s: handler for s, handler in previous.items() if handler is not None}
    for number in previous:
        signal.signal(number, note)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        for number in caught[:1]:
            signal.raise_signal(number)


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    connection: Connection
    ticket: int | None = None  # the chunk it holds


class _Pool:
    """Worker processes, each with its own pipe, all driven from this thread: no helper thread,
    no lock or queue shared between workers, so a worker that dies (or is stopped) half-way
    through a message wedges nothing; its pipe reads as ended."""

    def __init__(
        self, workers: int, model: str | None, segment: str, timeout: float | None, nlp: Language | None
    ) -> None:
        self.args = (model, segment, timeout, os.getpid())
        self.nlp = nlp
        self.context = _pool_context(model, segment, nlp)
        self.forked = self.context.get_start_method() == "fork"
        self.queue: deque[tuple[int, list[RawDocument]]] = deque()  # submitted, not yet sent
        self.done: dict[int, list[Outcome] | None] = {}  # None: its worker died
        self.tickets = itertools.count()
        self.alone = False  # while a suspect runs alone, nothing else is sent
        self.workers: list[_Worker] = []
        try:
            for _ in range(workers):
                self.workers.append(self._start())
        except BaseException:  # Ctrl-C while they start: none is left behind
            self.close(cancel=True)
            raise

    def _start(self) -> _Worker:
        if self.forked and threading.active_count() > 1:  # a thread started since: fork no more
            self.context, self.forked = _pool_context(self.args[0], self.args[1], None), False
        ours, theirs = self.context.Pipe(duplex=True)
        # A forked worker holds copies of this process's ends of the pipes, its own included.
        ends = [ours, *(worker.connection for worker in self.workers if not worker.connection.closed)]
        inherited = tuple(end.fileno() for end in ends) if self.forked else ()
        process = self.context.Process(
            target=_serve, args=(theirs, *self.args, inherited), name="zhpolicy-worker", daemon=True
        )
        with _stop_signals_deferred():
            if self.forked:
                _Preloaded.key, _Preloaded.nlp = (self.args[0], self.args[1]), self.nlp
            try:
                process.start()
            except BaseException:
                ours.close()
                raise
            finally:
                theirs.close()  # the worker's end: once it dies, reading ours gives end of file
                if self.forked:
                    _Preloaded.key, _Preloaded.nlp = None, None
        return _Worker(process, ours)

    def submit(self, chunk: list[RawDocument]) -> int:
        ticket = next(self.tickets)
        self.queue.append((ticket, chunk))
        self._dispatch()
        return ticket

    def _dispatch(self) -> None:
        for worker in self.workers:
            if self.alone or not self.queue:
                return
            if worker.ticket is None:
                self._send(worker, *self.queue.popleft())

    def _send(self, worker: _Worker, ticket: int, chunk: list[RawDocument]) -> None:
        worker.ticket = ticket
        try:
            worker.connection.send_bytes(pickle.dumps(chunk, protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:  # it died (a broken pipe): its chunk is retried as its death says
            self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """``worker`` died: its chunk's outcome is ``None``; a new worker takes its place."""
        if worker.ticket is not None:
            self.done[worker.ticket] = None
        worker.connection.close()
        worker.process.kill()
        worker.process.join(5)
        self.workers[self.workers.index(worker)] = self._start()

    def pump(self, block: bool = True) -> None:
        """Take in the outcomes of the workers that have finished (waiting for one if ``block``)
        and hand them their next chunks."""
        busy = {worker.connection: worker for worker in self.workers if worker.ticket is not None}
        if not busy:
            return
        deaths = {worker.process.sentinel: worker for worker in busy.values()}
        ready = wait([*busy, *deaths], timeout=None if block else 0)
        for worker in {busy.get(x) or deaths[x] for x in ready}:  # type: ignore[call-overload]
            try:
                message = worker.connection.recv_bytes() if worker.connection.poll() else None
            except (EOFError, OSError):
                message = None  # ended, maybe half-way through its message
            if message is None:
                self._replace(worker)
                continue
            ok, payload = pickle.loads(message)
            if not ok:
                raise payload
            self.done[worker.ticket], worker.ticket = payload, None  # type: ignore[index]
        self._dispatch()

    def result(self, ticket: int) -> list[Outcome] | None:
        """The outcomes of chunk ``ticket`` in order, or ``None`` if its worker died."""
        while ticket not in self.done:
            if not any(worker.ticket is not None for worker in self.workers):
                raise RuntimeError(f"chunk {ticket} was never sent")  # a bug: nothing to wait for
            self.pump()
        return self.done.pop(ticket)

    def run_alone(self, raw: RawDocument) -> Outcome | None:
        """``raw`` processed with no other document in the pool (the outcomes of chunks still
        running are kept); ``None`` if its worker died."""
        self.alone = True
        try:
            while any(worker.ticket is not None for worker in self.workers):
                self.pump()
            ticket = next(self.tickets)
            self._send(self.workers[0], ticket, [raw])
            outcomes = self.result(ticket)
        finally:
            self.alone = False
        self._dispatch()
        return None if outcomes is None else outcomes[0]

    def close(self, cancel: bool = False) -> None:
        """End the workers: at once (``cancel``: interrupted, their chunks are not waited for),
        else when they read the end of their pipe (they are idle: every outcome came back)."""
        for worker in self.workers:
            if cancel:
                worker.process.kill()
            worker.connection.close()
        for worker in self.workers:
            worker.process.join(5)
            if worker.process.exitcode is None:
                worker.process.kill()


def _pooled(
    documents: Iterable[RawDocument],
    workers: int,
    model: str | None,
    segment: str,
    timeout: float | None,
    nlp: Language | None,
) -> Iterator[Outcome]:
    pool = _Pool(workers, model, segment, timeout, nlp)
    in_flight: deque[tuple[list[RawDocument], int]] = deque()
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
            chunk, ticket = in_flight.popleft()
            outcomes = pool.result(ticket)
            if outcomes is None:
                # Its worker died and the culprit is unknown (a crash, or an out-of-memory kill of
                # a bystander): redo its documents one at a time, alone in the pool, so that a
                # crash names its document.
                yield from _one_at_a_time(pool, chunk)
                continue
            for outcome in outcomes:
                yield outcome
                pool.pump(block=False)  # keep the workers fed while the lines are written
        completed = True
    finally:
        pool.close(cancel=not completed)


def _one_at_a_time(pool: _Pool, documents: list[RawDocument]) -> Iterator[Outcome]:
    for raw in documents:
        outcome = None
        for _ in range(ALONE_ATTEMPTS):
            outcome = pool.run_alone(raw)
            if outcome is not None:
                break
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
    """Outcomes in input order, one per document. ``nlp`` (or a pipeline loaded here) serves when
    ``workers`` is 1; with more, workers start with ``nlp`` (forked from this process, where that
    is safe) or with a pipeline loaded once from ``model`` and ``segment``. A document running
    longer than ``timeout`` seconds becomes a ``timeout`` error record."""
    if workers > 1:
        yield from _pooled(documents, workers, model, segment, timeout, nlp)
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
