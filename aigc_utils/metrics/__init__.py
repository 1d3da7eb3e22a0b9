"""Metrics of the course. Image metrics agree with scikit-image (tested)."""

from aigc_utils.metrics.distribution import (
    classifier_two_sample_test,
    distance_to_closest_record,
    frechet_distance,
)
from aigc_utils.metrics.image import psnr, ssim

__all__ = ["classifier_two_sample_test", "distance_to_closest_record", "frechet_distance", "psnr", "ssim"]
