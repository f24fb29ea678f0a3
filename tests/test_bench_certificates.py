"""`python -m bench.certificates` leaves nothing behind: its database and signing key go with its folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_certificate_benchmark_removes_its_folder(tmp_path):
    # Run as people run it, in its own process: the benchmark's app turns rate limits off, and the limiter is
    # one object per process, so running it in this one would switch them off for the tests that follow.
    done = subprocess.run(
        [sys.executable, "-m", "bench.certificates", "-n", "1"],
        cwd=ROOT,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "issue certificate (render + sign + store)" in done.stdout
    assert list(tmp_path.iterdir()) == []
