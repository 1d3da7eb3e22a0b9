"""The digit judge: a small classifier that grades generated 8x8 digits.

Generated images have no "right answer" to compare with, so the course judges
them the way FID and the Inception Score do, with a classifier trained on real
data: which classes the samples look like (coverage), how sure it is
(confidence) and how far the samples' feature statistics lie from real
data's (a classifier-feature Fréchet distance). Every score comes with the
*real-data floor*: the same score for real held-out digits, because a
generator cannot be expected to beat real data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
import torch
from torch import nn

from aigc_utils import _validate
from aigc_utils.data.images import load_digits_split
from aigc_utils.metrics.distribution import frechet_distance

MIN_JUDGE_ACCURACY = 0.95
FEATURE_SIZE = 64
OUTLIER_WEIGHT = 0.5


class JudgeNet(nn.Module):
    """MLP 64 -> 256 -> 64 -> 10; the 64-d layer gives the Fréchet features."""

    def __init__(self) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Flatten(),
            nn.Linear(64, 256),
            nn.ReLU(),
            nn.Dropout(0.2),
            nn.Linear(256, FEATURE_SIZE),
            nn.ReLU(),
        )
        self.head = nn.Linear(FEATURE_SIZE, 10)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Class logits for (N, 1, 8, 8) images."""
        return self.head(self.body(images))


@dataclass
class DigitJudge:
    """A trained digit classifier with the scores the course reports for samples.

    Build one with :func:`train_digit_judge`. All methods take images of
    shape (N, 1, 8, 8) or (N, 8, 8) or (N, 64) with values in [0, 1] (values
    outside are clipped), on any device.
    """

    net: JudgeNet
    test_accuracy: float

    def _prepare(self, images: Any) -> torch.Tensor:
        images = _validate.tensor("images", images, ndim=(2, 3, 4))
        _validate.floating("images", images)
        if images.shape[0] == 0:
            raise ValueError("images must hold at least one image, got an empty batch")
        if images[0].numel() != 64:
            raise ValueError(
                f"images must be 8x8 digits, shaped (N, 1, 8, 8), (N, 8, 8) or (N, 64); got {tuple(images.shape)}"
            )
        return images.detach().float().cpu().reshape(-1, 1, 8, 8).clamp(0.0, 1.0)

    @torch.no_grad()
    def probabilities(self, images: Any) -> torch.Tensor:
        """(N, 10) class probabilities."""
        self.net.eval()
        return torch.softmax(self.net(self._prepare(images)), dim=1)

    def predict(self, images: Any) -> torch.Tensor:
        """(N,) predicted classes."""
        return self.probabilities(images).argmax(dim=1)

    @torch.no_grad()
    def features(self, images: Any) -> np.ndarray:
        """(N, 64) penultimate-layer features, the space of the Fréchet distance."""
        self.net.eval()
        return self.net.body(self._prepare(images)).numpy()

    def class_histogram(self, images: Any) -> np.ndarray:
        """(10,) how many images the judge assigns to each class."""
        return np.bincount(self.predict(images).numpy(), minlength=10)

    def classes_covered(self, images: Any, min_share: float = 0.01, min_confidence: float = 0.5) -> int:
        """Number of classes that receive at least ``min_share`` of the images,
        counting only images the judge is at least ``min_confidence`` sure of
        (so pure noise, spread thinly over all classes, covers none)."""
        min_share = _validate.fraction("min_share", min_share)
        min_confidence = _validate.fraction("min_confidence", min_confidence)
        probabilities = self.probabilities(images)
        confident = probabilities.max(dim=1).values >= min_confidence
        histogram = np.bincount(probabilities.argmax(dim=1)[confident].numpy(), minlength=10)
        return int((histogram >= max(min_share * len(probabilities), 1)).sum())

    def confidence(self, images: Any) -> float:
        """Mean max-probability: how sure the judge is that each image is *some* digit."""
        return float(self.probabilities(images).max(dim=1).values.mean())

    def frechet_distance(self, images: Any) -> float:
        """Fréchet distance in judge-feature space between ``images`` and the real test set."""
        return frechet_distance(self.features(images), self.features(load_digits_split().test_images))

    def real_floor(self, n_samples: int, seed: int = 0, repeats: int = 5) -> float:
        """The Fréchet distance that ``n_samples`` *real* training digits get (mean over draws).

        Compare a generator's :meth:`frechet_distance` at the same sample size
        with this: the statistic is biased upwards for small samples, so real
        data does not score 0. One draw of 500 digits varies by about a factor
        of two, so the floor averages ``repeats`` draws.

        Raises:
            ValueError: ``n_samples`` is < 2 or larger than the training set, or
                ``repeats`` is not positive.
        """
        n_samples = _validate.positive_int("n_samples", n_samples)
        seed = _validate.non_negative_int("seed", seed)
        repeats = _validate.positive_int("repeats", repeats)
        train = load_digits_split().train_images
        if not 2 <= n_samples <= len(train):
            raise ValueError(f"n_samples must be between 2 and {len(train)}, got {n_samples}")
        generator = torch.Generator().manual_seed(seed)
        distances = [
            self.frechet_distance(train[torch.randperm(len(train), generator=generator)[:n_samples]])
            for _ in range(repeats)
        ]
        return float(np.mean(distances))

    def report(self, images: Any, seed: int = 0) -> dict[str, float]:
        """Coverage, confidence and Fréchet distance of ``images``, with the real-data floor."""
        images = self._prepare(images)
        n = len(images)
        return {
            "samples": n,
            "classes_covered": self.classes_covered(images),
            "confidence": self.confidence(images),
            "frechet": self.frechet_distance(images),
            "frechet_real_floor": self.real_floor(min(n, len(load_digits_split().train_images)), seed=seed),
        }


@lru_cache(maxsize=4)
def train_digit_judge(seed: int = 0, steps: int = 1500) -> DigitJudge:
    """Train the judge on the real training digits (about 2 s on two CPU cores).

    Training adds light Gaussian noise to the inputs so the judge does not
    fall apart on the slightly noisy images generators make, and shows it
    random-noise images with a flat target ("outlier exposure", Hendrycks et
    al. 2019), so that its confidence drops on samples that are not digits. The global random
    state is left untouched (the judge trains inside ``torch.random.fork_rng``),
    so calling this does not change what a notebook samples afterwards. Results
    are cached per ``(seed, steps)``.

    Args:
        seed: seed of the judge's own initialisation and batches.
        steps: optimiser steps (batch 128).

    Returns:
        The trained :class:`DigitJudge`; ``test_accuracy`` is its accuracy on
        the held-out test digits.

    Raises:
        RuntimeError: held-out accuracy is below 0.95 (the judge would not be
            fit to grade anything).
    """
    seed = _validate.non_negative_int("seed", seed)
    steps = _validate.positive_int("steps", steps)
    data = load_digits_split()
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        net = JudgeNet()
        optimizer = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=1e-4)
        generator = torch.Generator().manual_seed(seed)
        loss_fn = nn.CrossEntropyLoss()
        net.train()
        for _ in range(steps):
            index = torch.randint(len(data.train_images), (128,), generator=generator)
            noise = 0.05 * torch.randn(128, 1, 8, 8, generator=generator)
            loss = loss_fn(net((data.train_images[index] + noise).clamp(0, 1)), data.train_labels[index])
            # Outlier exposure: pure noise should get a flat class distribution,
            # so that "confidence" means something on bad samples.
            junk = torch.rand(32, 1, 8, 8, generator=generator) * torch.rand(32, 1, 1, 1, generator=generator)
            loss = loss - OUTLIER_WEIGHT * torch.log_softmax(net(junk), dim=1).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    net.eval()
    with torch.no_grad():
        accuracy = float((net(data.test_images).argmax(1) == data.test_labels).float().mean())
    if accuracy < MIN_JUDGE_ACCURACY:
        raise RuntimeError(f"digit judge reached only {accuracy:.3f} held-out accuracy (needs {MIN_JUDGE_ACCURACY})")
    return DigitJudge(net=net, test_accuracy=accuracy)
