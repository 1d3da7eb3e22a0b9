"""Metrics of the course. Image metrics agree with scikit-image, BLEU with sacrebleu (tested)."""

from aigc_utils.metrics.distribution import (
    classifier_two_sample_test,
    distance_to_closest_record,
    frechet_distance,
    precision_recall,
)
from aigc_utils.metrics.image import psnr, ssim
from aigc_utils.metrics.text import bits_per_char, bleu, distinct_n, perplexity, repeated_ngram_share, self_bleu

__all__ = [
    "bits_per_char",
    "bleu",
    "classifier_two_sample_test",
    "distance_to_closest_record",
    "distinct_n",
    "frechet_distance",
    "perplexity",
    "precision_recall",
    "psnr",
    "repeated_ngram_share",
    "self_bleu",
    "ssim",
]
