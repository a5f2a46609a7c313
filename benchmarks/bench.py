"""Throughput and memory of zhpolicy over the full work reports, repeated to at least 10 MB.

    make bench                       # or: .venv/bin/python benchmarks/bench.py [--shared DIR]
    .venv/bin/python benchmarks/bench.py --rounds 3      # the ratio (c)/(a) as a median of 3
    .venv/bin/python benchmarks/bench.py --dask-only    # only the Dask measurements
    .venv/bin/python benchmarks/bench.py --pool-only    # only the process pool (c), 1 and 2 workers

Prints characters/s of (a) ``jieba.lcut`` alone, (b) ``spacy.blank("zh")`` with the jieba
segmenter alone, (c) full zhpolicy extraction (read, clean, segment, extract, validate, write)
with 1 and 2 workers; (d) the same on Dask (a LocalCluster of 1 and 2 workers, Parquet output,
cluster start-up excluded) and its 2-to-1 ratio, (e) the read stage alone (what one Dask client can
feed); the ratio (c)/(a); (f) the same ratio with the opt-in components (the learned judge, the
name recogniser); the time per pipeline stage; and the peak resident
memory of an extraction run over 1 MB and over 10 MB of input, each measured in a fresh child
process. Skips (exit 0) when the shared corpus is absent. The figures depend on the machine
and its load: this is a script to read, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT = Path(__file__).resolve().parent.parent
MB = 1_000_000
CHUNKS = 12  # the ratio's runs are interleaved in this many chunks of the corpus


def build_corpus(source: Path, directory: Path, target_bytes: int) -> list[Path]:
    """Copies of the reports, round robin, until their UTF-8 text reaches ``target_bytes``."""
    originals = [(p.name, p.read_text(encoding="utf-8")) for p in sorted(source.glob("*.txt"))]
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    total = 0
    while total < target_bytes:
        name, text = originals[len(written) % len(originals)]
        path = directory / f"{len(written):05d}_{name}"
        path.write_text(text, encoding="utf-8")
        written.append(path)
        total += len(text.encode("utf-8"))
    return written


def _rate(label: str, characters: int, seconds: float, cpu: float | None = None) -> float:
    """Print and return characters per wall-clock second; with ``cpu`` (this process's CPU
    seconds) also per CPU second, the figure that holds when other jobs share the cores."""
    rate = characters / seconds
    per_cpu = f"  {characters / cpu:>10,.0f} chars/CPU-s" if cpu else ""
    print(f"  {label:<46} {rate:>12,.0f} chars/s  ({seconds:6.2f} s){per_cpu}")
    return rate


_cpu_seconds = [0.0]  # CPU seconds of the last ``_timed`` run


def _timed(run: Callable[[], object]) -> float:
    started, cpu_started = time.perf_counter(), time.process_time()
    run()
    _cpu_seconds[0] = time.process_time() - cpu_started
    return time.perf_counter() - started


def extract_directory(
    directory: Path,
    output: Path,
    workers: int,
    nlp: object | None = None,
    on_outcome: Callable[[Any, Any], None] | None = None,
) -> float:
    """A whole batch run as ``zhpolicy extract`` does it (the pipeline loaded beforehand, as the
    command does: with 2 workers they start with it); returns when the first record came
    (``time.perf_counter``), to tell worker start-up from steady work."""
    from pipeline.batch import process_documents, run_batch
    from pipeline.output import JsonlWriter
    from pipeline.read import read_documents

    first: list[float] = []

    def note_first(outcome: object, summary: object) -> None:
        if not first:
            first.append(time.perf_counter())
        if on_outcome is not None:
            on_outcome(outcome, summary)

    writer = JsonlWriter(output, force=True)
    try:
        outcomes = process_documents(read_documents([str(directory)]), workers=workers, nlp=nlp)
        summary = run_batch(outcomes, writer.write_outcome, on_outcome=note_first)
    finally:
        writer.close()
    if summary.error_count:
        raise SystemExit(f"benchmark run had errors: {dict(summary.errors)}")
    return first[0]


def _descendant_times(pid: int) -> dict[int, tuple[float, float]]:
    """Seconds on a CPU and seconds runnable but waiting for one (other jobs had the cores) of every
    live descendant of ``pid``, from Linux /proc (the pool's workers may be children of the fork
    server, not of this process, so ``RUSAGE_CHILDREN`` misses them)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found: dict[int, tuple[float, float]] = {}
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            try:
                on_cpu, waiting = Path(f"/proc/{child}/schedstat").read_text().split()[:2]
            except (OSError, ValueError):
                continue
            found[child] = (int(on_cpu) / 1e9, int(waiting) / 1e9)
    return found


def _waited_for_a_cpu() -> float:
    """Seconds this process's main thread was runnable but waiting for a CPU (Linux schedstat)."""
    try:
        return int(Path("/proc/self/schedstat").read_text().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return 0.0


def pool_section(
    directory: Path, output: Path, characters: int, nlp: object, rounds: int = 1
) -> tuple[float, float]:
    """(c) the process pool, as ``zhpolicy extract -j N`` runs: the pipeline loaded beforehand (a
    fresh one for each run, as the command loads it), 1 worker (this process) against 2 workers
    (their start-up included, as a user waits for it), ``rounds`` times alternating; the median
    ratio is the figure (on two cores that the machine shares, one pair of runs can be off by a
    quarter either way). For each worker, its seconds on a CPU, runnable but waiting for a CPU
    (other jobs had the cores) and idle (waiting for work: the pool's own overhead), and the
    estimate on idle cores: each run's wall time less the time it waited for a CPU (for 2
    workers, the worker that waited less). Returns the first 1-worker run's rate and CPU seconds."""
    import statistics

    import pipeline

    print(
        "process pool (c) (zhpolicy extract -j N; "
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):"
    )
    linux = sys.platform.startswith("linux")
    documents = sum(1 for _ in directory.iterdir())
    walls: list[float] = []
    idles: list[float] = []
    first: tuple[float, float] | None = None
    for round_index in range(rounds):
        one_nlp = nlp if round_index == 0 else pipeline.load()
        waited_before = _waited_for_a_cpu() if linux else 0.0
        one_seconds = _timed(lambda: extract_directory(directory, output, 1, one_nlp))  # noqa: B023
        one_cpu = _cpu_seconds[0]
        one_waited = _waited_for_a_cpu() - waited_before if linux else 0.0
        one = _rate("(c) zhpolicy extract, 1 worker", characters, one_seconds, one_cpu)
        first = first or (one, one_cpu)
        if linux:
            print(f"      waiting for a CPU {one_waited:5.2f} s")
        before = _descendant_times(os.getpid()) if linux else {}
        times: dict[int, tuple[float, float]] = {}
        sampled = [0.0]

        def sample(outcome: object, summary: Any) -> None:  # the workers' figures before they end
            now = time.perf_counter()
            if linux and (now - sampled[0] > 0.5 or summary.documents == documents):  # noqa: B023
                times.update(_descendant_times(os.getpid()))  # noqa: B023
                sampled[0] = now  # noqa: B023

        fresh = pipeline.load()  # not the one the 1-worker run filled with the corpus's words
        started, cpu_started = time.perf_counter(), time.process_time()
        first_record = extract_directory(directory, output, 2, fresh, on_outcome=sample)
        two_seconds = time.perf_counter() - started
        parent_cpu = time.process_time() - cpu_started
        _rate("(c) zhpolicy extract, 2 workers", characters, two_seconds)
        print(
            f"      of which worker start-up (until the first record): {first_record - started:.2f} s; "
            f"CPU seconds of this process: {parent_cpu:.1f} (1 worker: {one_cpu:.1f})"
        )
        zero = (0.0, 0.0)
        spent = [
            (cpu - before.get(pid, zero)[0], waited - before.get(pid, zero)[1])
            for pid, (cpu, waited) in times.items()
        ]
        busy = sorted(spent, reverse=True)[:2]  # the two workers (not a fork server, if any)
        for cpu, waited in busy:
            idle = max(0.0, two_seconds - cpu - waited)
            print(
                f"      worker: on a CPU {cpu:5.2f} s, waiting for a CPU {waited:5.2f} s, idle {idle:5.2f} s"
            )
        walls.append(one_seconds / two_seconds)
        if busy:
            idles.append((one_seconds - one_waited) / (two_seconds - min(waited for _, waited in busy)))
    print(
        f"  ratio (c) 2 workers / 1 worker, wall clock: {', '.join(f'{r:.2f}' for r in walls)} "
        f"(median {statistics.median(walls):.2f}; bar: 1.6)"
    )
    if idles:
        print(
            "  ratio (c) 2 workers / 1 worker on idle cores (each run's wall time less its wait for a "
            f"CPU): {', '.join(f'{r:.2f}' for r in idles)} (median {statistics.median(idles):.2f})"
        )
    assert first is not None
    return first


def _process_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class DaskRun:
    start_up: float  # seconds to start the LocalCluster and load the pipeline in every worker
    seconds: float  # the run itself
    worker_cpu: list[float]  # CPU seconds each worker process spent during the run
    client_cpu: float  # CPU seconds of this process (client and scheduler) during the run


def dask_run(directory: Path, output: Path, workers: int) -> DaskRun:
    """``zhpolicy extract --dask -j N --format parquet`` over ``directory``, timed and with the CPU
    time of every process, so that a run on a shared machine can still be read."""
    from pipeline.cluster import DaskRunner
    from pipeline.output import ParquetWriter
    from pipeline.read import read_documents

    started = time.perf_counter()
    with DaskRunner(None, workers=workers) as runner:  # returns once every worker has its pipeline
        assert runner.client is not None
        ready = time.perf_counter()
        cpu_before, client_before = runner.client.run(_process_cpu_seconds), _process_cpu_seconds()
        writer = ParquetWriter(output, force=True)
        errors = 0
        for outcome in runner.outcomes(read_documents([str(directory)]), writer):
            writer.write_outcome(outcome)
            errors += outcome.error is not None
        writer.close()
        finished = time.perf_counter()
        cpu_after, client_after = runner.client.run(_process_cpu_seconds), _process_cpu_seconds()
    if errors:
        raise SystemExit(f"benchmark run had {errors} errors")
    worker_cpu = [cpu_after[w] - cpu_before[w] for w in cpu_after]
    return DaskRun(ready - started, finished - ready, worker_cpu, client_after - client_before)


def dask_section(scratch: Path, characters: int) -> None:
    """(d) Dask throughput with 1 and 2 workers and their ratio; (e) the client's read stage alone.

    On a machine shared with other jobs the wall-clock ratio says little (a second worker gets no
    second core); the CPU seconds each process spent say how the work divides: the estimate is the
    wall time on two idle cores, each worker on its own core and the client's share spread over both.
    """
    from pipeline.read import read_documents

    print(
        "Dask (a LocalCluster; Parquet parts written by the workers; cluster start-up excluded; "
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores):"
    )
    runs = {}
    for workers in (1, 2):
        run = runs[workers] = dask_run(scratch / "large", scratch / f"dask{workers}", workers)
        _rate(f"(d) zhpolicy extract --dask, {workers} worker(s)", characters, run.seconds)
        cpu = " + ".join(f"{c:.1f}" for c in run.worker_cpu)
        print(
            f"      cluster start-up and pipeline loading (excluded): {run.start_up:.2f} s; CPU seconds: "
            f"workers {cpu}, client and scheduler {run.client_cpu:.1f}"
        )
    print(f"  ratio (d) 2 workers / 1 worker, wall clock: {runs[1].seconds / runs[2].seconds:.2f} (bar: 1.6)")
    one, two = runs[1], runs[2]
    idle_one = max(sum(one.worker_cpu), (sum(one.worker_cpu) + one.client_cpu) / 2)
    idle_two = max(max(two.worker_cpu), (sum(two.worker_cpu) + two.client_cpu) / 2)
    print(f"  ratio (d) 2 workers / 1 worker on two idle cores, from CPU seconds: {idle_one / idle_two:.2f}")
    seconds = _timed(lambda: sum(1 for _ in read_documents([str(scratch / "large")])))
    _rate("(e) read stage alone (what one client feeds)", characters, seconds)


def _memory_mb(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (high-water) of this process, from Linux /proc.

    Not ``getrusage``: Linux carries ``ru_maxrss`` across exec, so a child started from this
    (large) benchmark process would report the parent's high-water mark.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_rss(directory: Path) -> None:
    """Child process: resident memory (MB) with the pipeline loaded, after a run over
    ``directory``, and the high-water mark of the whole process."""
    import pipeline
    from pipeline.segment import load_user_dictionary

    nlp = pipeline.load()
    load_user_dictionary()
    loaded = _memory_mb("VmRSS")
    with tempfile.TemporaryDirectory() as scratch:
        extract_directory(directory, Path(scratch) / "out.jsonl", 1, nlp)
    print(f"{loaded:.1f} {_memory_mb('VmRSS'):.1f} {_memory_mb('VmHWM'):.1f}")


def stage_times(texts: list[str]) -> dict[str, float]:
    """Seconds spent per stage over ``texts``, in one process."""
    import pipeline
    from pipeline.batch import vocabulary_scope
    from pipeline.clean import clean_text
    from pipeline.segment import segment_words, words_and_spaces
    from pipeline.textview import TextView
    from pipeline.validate import build_document
    from pipeline.write import record_json

    nlp = pipeline.load()
    tokenizer = "tokenizer (view + scan + segmenter + Doc)"
    times: dict[str, float] = {"clean": 0.0, tokenizer: 0.0}
    times.update({name: 0.0 for name in nlp.pipe_names})
    times["validate + JSON"] = 0.0
    parts = {"text view": 0.0, "scan + segmenter + words": 0.0}
    for text in texts:
        started = time.perf_counter()
        body = clean_text(text)
        times["clean"] += time.perf_counter() - started
        # the tokenizer's first two steps again on their own, for its breakdown (not in the total)
        started = time.perf_counter()
        view = TextView.from_text(body)
        parts["text view"] += time.perf_counter() - started
        started = time.perf_counter()
        words_and_spaces(segment_words(view, getattr(nlp.tokenizer, "mode", "candidates")))
        parts["scan + segmenter + words"] += time.perf_counter() - started
        with vocabulary_scope(nlp):
            started = time.perf_counter()
            doc = nlp.make_doc(body)
            times[tokenizer] += time.perf_counter() - started
            for name, component in nlp.pipeline:
                started = time.perf_counter()
                doc = component(doc)
                times[name] += time.perf_counter() - started
            started = time.perf_counter()
            record_json(build_document(doc, "bench"))
            times["validate + JSON"] += time.perf_counter() - started
    parts["Doc (the rest)"] = max(0.0, times[tokenizer] - sum(parts.values()))
    for part, seconds in parts.items():
        times[f"  of the tokenizer: {part}"] = seconds
    return times


def segmented_fraction(texts: list[str]) -> float:
    """Share of the characters that go through the word segmenter (candidate sentences)."""
    from pipeline.clean import clean_text
    from pipeline.segment import candidate_regions
    from pipeline.textview import TextView

    segmented = total = 0
    for text in texts:
        view = TextView.from_text(clean_text(text))
        segmented += sum(end - start for start, end in candidate_regions(view.norm, view.sentences))
        total += len(view.text)
    return segmented / total if total else 0.0


def chunk_directories(directory: Path, scratch: Path, chunks: int) -> list[tuple[Path, list[str]]]:
    """The corpus cut into ``chunks`` directories of consecutive files (hard links), each with
    its texts: the unit of an interleaved pair of runs."""
    files = sorted(directory.iterdir())
    size = -(-len(files) // chunks)
    out: list[tuple[Path, list[str]]] = []
    for index in range(0, len(files), size):
        chunk = scratch / f"chunk{index // size:02d}"
        chunk.mkdir(parents=True, exist_ok=True)
        for path in files[index : index + size]:
            target = chunk / path.name
            if not target.exists():
                os.link(path, target)
        out.append((chunk, [p.read_text(encoding="utf-8") for p in files[index : index + size]]))
    return out


def interleaved_pair(
    chunks: list[tuple[Path, list[str]]], scratch: Path, nlp: object
) -> tuple[float, float, float, float]:
    """(a) and (c, 1 worker) over the whole corpus, interleaved chunk by chunk: the machine's
    speed drifts over seconds (one pair of whole-corpus runs gave ratios from 1.24 to 1.83 on
    the same code), and pairs this close in time see the same machine. Returns the summed wall
    and CPU seconds of (a) and of (c)."""
    import jieba

    totals = [0.0, 0.0, 0.0, 0.0]
    for directory, texts in chunks:
        totals[0] += _timed(lambda: [jieba.lcut(t) for t in texts])  # noqa: B023
        totals[1] += _cpu_seconds[0]
        totals[2] += _timed(lambda: extract_directory(directory, scratch / "out.jsonl", 1, nlp))  # noqa: B023
        totals[3] += _cpu_seconds[0]
    return totals[0], totals[1], totals[2], totals[3]


def alternating_rounds(
    rounds: int,
    chunks: list[tuple[Path, list[str]]],
    scratch: Path,
    nlp: object,
    pairs: list[tuple[float, float, float, float]],
) -> None:
    """(a) and (c, 1 worker) again, interleaved chunk by chunk, until ``rounds`` pairs are measured
    (``pairs`` holds the first: whole-corpus runs, the pipeline fresh); prints each pair's ratios
    and their medians, wall clock and by CPU time."""
    import statistics

    while len(pairs) < rounds:
        pairs.append(interleaved_pair(chunks, scratch, nlp))
    walls = [a / c for a, _, c, _ in pairs]
    cpus = [a / c for _, a, _, c in pairs]
    print(
        f"  ratio (c, 1 worker) / (a) over {rounds} rounds (the first: whole-corpus runs, a fresh "
        f"pipeline; then interleaved in {len(chunks)} chunks): wall clock "
        f"{', '.join(f'{r:.2f}' for r in walls)} (median {statistics.median(walls):.2f}); by CPU time "
        f"{', '.join(f'{r:.2f}' for r in cpus)} (median {statistics.median(cpus):.2f})"
    )


def opt_in_section(
    chunks: list[tuple[Path, list[str]]], scratch: Path, pairs: list[tuple[float, float, float, float]]
) -> None:
    """(f) The same ratio with the opt-in components (the learned judge, ``judge="both"``, and the
    name recogniser), once each and both together, interleaved chunk by chunk as in (c), each
    pipeline warmed on the first chunk first (as the default's was by the runs before)."""
    import statistics

    import pipeline
    from pipeline.config import PipelineConfig

    default = PipelineConfig()
    settings = {
        "learned judge (judge=both)": PipelineConfig(judge="both"),
        "name recogniser (zhpolicy_ner)": PipelineConfig(components=(*default.components, "zhpolicy_ner")),
        "both": PipelineConfig(judge="both", components=(*default.components, "zhpolicy_ner")),
    }
    walls = [a / c for a, _, c, _ in pairs]
    print(f"  (f) opt-in components, 1 worker (the default's ratio, median: {statistics.median(walls):.2f}):")
    for label, config in settings.items():
        nlp = pipeline.load(config)
        extract_directory(chunks[0][0], scratch / "out.jsonl", 1, nlp)  # warmed as the default's is
        jieba_seconds, jieba_cpu, seconds, cpu = interleaved_pair(chunks, scratch, nlp)
        print(
            f"      {label:<32} ratio to (a): {jieba_seconds / seconds:.2f} "
            f"(by CPU time {jieba_cpu / cpu:.2f})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT.parent / "shared")
    parser.add_argument("--megabytes", type=float, default=10.0, help="size of the large run")
    parser.add_argument("--dask-only", action="store_true", help="only the Dask measurements (d), (e)")
    parser.add_argument("--pool-only", action="store_true", help="only the process pool measurements (c)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="measure (a) and (c, 1 worker) this many times, alternating, and give the median ratio "
        "(on a machine shared with other jobs one pair of runs can be off by a quarter)",
    )
    parser.add_argument("--rss", type=Path, help=argparse.SUPPRESS)  # child mode
    args = parser.parse_args()
    if args.rss is not None:
        measure_rss(args.rss)
        return
    source = args.shared / "corpus" / "full"
    if not any(source.glob("*.txt")):
        print(f"bench: skipped, no corpus at {source}")
        return

    import jieba
    import spacy

    from pipeline.segment import load_user_dictionary

    if args.pool_only:
        import pipeline

        with tempfile.TemporaryDirectory() as scratch_dir:
            large = build_corpus(source, Path(scratch_dir) / "large", int(args.megabytes * MB))
            characters = sum(len(p.read_text(encoding="utf-8")) for p in large)
            print(f"corpus: {len(large)} documents, {characters:,} characters")
            nlp = pipeline.load()
            load_user_dictionary()
            pool_section(
                Path(scratch_dir) / "large", Path(scratch_dir) / "out.jsonl", characters, nlp, args.rounds
            )
        return

    if args.dask_only:
        with tempfile.TemporaryDirectory() as scratch_dir:
            large = build_corpus(source, Path(scratch_dir) / "large", int(args.megabytes * MB))
            characters = sum(len(p.read_text(encoding="utf-8")) for p in large)
            print(f"corpus: {len(large)} documents, {characters:,} characters")
            dask_section(Path(scratch_dir), characters)
        return

    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        large = build_corpus(source, scratch / "large", int(args.megabytes * MB))
        small = build_corpus(source, scratch / "small", MB)
        texts = [p.read_text(encoding="utf-8") for p in large]
        characters = sum(map(len, texts))
        megabytes = sum(len(t.encode("utf-8")) for t in texts) / MB
        print(f"corpus: {len(texts)} documents, {characters:,} characters, {megabytes:.1f} MB UTF-8")
        print("throughput (dictionaries and pipelines loaded beforehand):")

        from pipeline import segment

        getattr(segment, "load_jieba", load_user_dictionary)()  # jieba with the user dictionary
        jieba_seconds = _timed(lambda: [jieba.lcut(t) for t in texts])
        jieba_cpu = _cpu_seconds[0]
        jieba_rate = _rate("(a) jieba.lcut", characters, jieba_seconds, jieba_cpu)
        fast = segment._rjieba_instance() if hasattr(segment, "_rjieba_instance") else None
        if fast is not None:
            _rate(
                "(a') rjieba cut (same user dictionary)",
                characters,
                _timed(lambda: [fast.cut(t) for t in texts]),
                _cpu_seconds[0],
            )
        blank = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
        _rate(
            '(b) spacy.blank("zh"), jieba segmenter',
            characters,
            _timed(lambda: [blank.make_doc(t) for t in texts]),
            _cpu_seconds[0],
        )

        import pipeline

        nlp = pipeline.load()
        one, one_cpu = pool_section(scratch / "large", scratch / "out.jsonl", characters, nlp, args.rounds)
        one_seconds = characters / one
        print(f"  ratio (c, 1 worker) / (a): {one / jieba_rate:.2f} (by CPU time {jieba_cpu / one_cpu:.2f})")
        pairs = [(jieba_seconds, jieba_cpu, one_seconds, one_cpu)]
        chunks = chunk_directories(scratch / "large", scratch / "chunks", CHUNKS)
        if args.rounds > 1:
            alternating_rounds(args.rounds, chunks, scratch, nlp, pairs)
        opt_in_section(chunks, scratch, pairs)

        dask_section(scratch, characters)

        print("time per stage (1 worker, 1 MB):")
        small_texts = [p.read_text(encoding="utf-8") for p in small]
        fraction = segmented_fraction(small_texts)
        segmenter = getattr(nlp.tokenizer, "segmenter", "jieba")
        print(f"  segmenter: {segmenter}; segmented fraction {fraction:.1%}")
        times = stage_times(small_texts)
        parts = {stage: times.pop(stage) for stage in list(times) if stage.startswith("  of the tokenizer")}
        total = sum(times.values())
        for stage, seconds in sorted(times.items(), key=lambda item: -item[1]):
            print(f"  {stage:<46} {seconds:6.3f} s  {100 * seconds / total:5.1f} %")
            if stage.startswith("tokenizer"):
                for part, part_seconds in parts.items():
                    print(f"  {part:<46} {part_seconds:6.3f} s  {100 * part_seconds / total:5.1f} %")

        print("memory (RSS, a fresh process per size, 1 worker):")
        for label, directory in (("1 MB", scratch / "small"), (f"{args.megabytes:g} MB", scratch / "large")):
            child = subprocess.run(
                [sys.executable, __file__, "--rss", str(directory)],
                capture_output=True,
                text=True,
                check=True,
            )
            loaded, after, peak = map(float, child.stdout.split())
            print(
                f"  {label:<8} input: high-water {peak:7.1f} MB; resident with the pipeline loaded "
                f"{loaded:.1f} MB, after the run {after:.1f} MB"
            )


if __name__ == "__main__":
    main()
