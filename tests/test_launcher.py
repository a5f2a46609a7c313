"""The console script: a signal while the heavy imports run ends the command cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent


def _catches_sigterm(pid: int) -> bool:
    """Whether the process has installed its SIGTERM handler (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGTERM - 1)))
    return False


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_during_start_up_ends_without_a_traceback(signum: int, code: int) -> None:
    process = subprocess.Popen(
        [sys.executable, "-c", "import zhpolicy_launcher; zhpolicy_launcher.main()", "indicators"],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 10
    while not _catches_sigterm(process.pid) and time.monotonic() < deadline:
        time.sleep(0.005)
    process.send_signal(signum)  # spaCy and the pipeline are still importing
    _, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr
    assert process.returncode == code, stderr
    assert "interrupted while starting" in stderr
