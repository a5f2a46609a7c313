"""The ``zhpolicy`` console script: imports the command line, then runs it.

A light module outside the ``pipeline`` package, so that Ctrl-C or SIGTERM while the heavy
imports run (spaCy and the pipeline: one to four seconds) ends the command cleanly with the exit
codes the command line documents (130, 143), not with a traceback from inside an import.
"""

from __future__ import annotations

import signal
import sys

_INTERRUPTED_BY: list[int] = []


def _stop(signum: int, frame: object) -> None:
    _INTERRUPTED_BY.append(signum)
    raise KeyboardInterrupt


def main() -> None:
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        from pipeline.cli import app
    except KeyboardInterrupt:
        sys.stderr.write("zhpolicy: interrupted while starting; nothing was done\n")
        raise SystemExit(128 + (_INTERRUPTED_BY[0] if _INTERRUPTED_BY else signal.SIGINT)) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    app(prog_name="zhpolicy")


if __name__ == "__main__":
    main()
