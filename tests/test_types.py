"""The helper package type-checks cleanly with mypy (it ships a py.typed marker)."""

import subprocess
import sys

from notebook_files import REPO_ROOT


def test_mypy_finds_no_type_errors():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "aigc_utils"], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
