"""Where a benchmark keeps what it generates: a temporary folder removed when the run ends (a million
customers leave gigabytes), unless BENCH_KEEP=1 asks to keep it for a rerun (its path is printed)."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile


def scratch_dir() -> str:
    folder = tempfile.mkdtemp(prefix="registry-bench-")
    if os.environ.get("BENCH_KEEP") == "1":
        print(f"keeping the benchmark's files in {folder} (DATA_DIR={folder} to reuse them)", file=sys.stderr)
    else:
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder
