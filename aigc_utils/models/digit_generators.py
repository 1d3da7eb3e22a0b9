"""Compact one-pass generators of 8x8 digits, for comparing model families.

Notebook 07 sets diffusion models next to the other families with the same
judge and the same training budget. The families' own lessons live in their
notebooks; these are the same recipes, packed into one call each:

- :func:`train_digit_gan`: the GAN of notebook 04 (MLP generator with
  BatchNorm and a sigmoid output, MLP discriminator giving a logit,
  ``BCEWithLogitsLoss``, ``fake.detach()`` in the discriminator step, the
  non-saturating generator loss, Adam 2e-4 with beta1 = 0.5).
- :func:`train_digit_vae`: a plain MLP variational autoencoder (Gaussian
  latent, Bernoulli-style cross-entropy on pixel intensities, the KL term to
  N(0, I), the reparameterisation trick).

Both return a :class:`DigitGenerator`, whose ``sample(n, generator)`` draws
latent codes from N(0, I) and decodes them in one network pass into images of
shape (n, 1, 8, 8) with values in [0, 1], the format the digit judge grades.

Training is reproducible from the ``torch.Generator`` alone: the weights are
initialised from a seed drawn from it, inside ``torch.random.fork_rng``, so
the caller's global random state is left untouched.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn

from aigc_utils import _validate
from aigc_utils.train import History, minibatches, train_loop

IMAGE_SHAPE = (1, 8, 8)
PIXELS = 64


@dataclass
class DigitGenerator:
    """A trained generator of 8x8 digits: latent code -> image, one network pass.

    Attributes:
        family: ``"GAN"`` or ``"VAE"``.
        decoder: maps (n, latent_size) codes to (n, 1, 8, 8) images in [0, 1]
            (the GAN's generator, or the VAE's decoder followed by a sigmoid).
        latent_size: size of the latent code, drawn from N(0, I) when sampling.
        history: the numbers recorded at every training step (losses, ...).
        train_seconds: wall-clock seconds the training took.
        encoder: the VAE's encoder (images -> mean and log-variance of the
            code), ``None`` for a GAN.
    """

    family: str
    decoder: nn.Module
    latent_size: int
    history: History = field(repr=False)
    train_seconds: float
    encoder: nn.Module | None = field(default=None, repr=False)

    @torch.no_grad()
    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """Draw ``n`` images: codes from N(0, I) (using ``generator``), decoded in eval mode.

        Args:
            n: how many images.
            generator: a seeded CPU ``torch.Generator`` (so a re-run reproduces).

        Returns:
            A float32 CPU tensor of shape (n, 1, 8, 8) with values in [0, 1].

        Raises:
            TypeError / ValueError: ``n`` is not a positive integer, or
                ``generator`` is not a ``torch.Generator``.
        """
        n = _validate.positive_int("n", n)
        _generator("generator", generator)
        device = next(self.decoder.parameters()).device
        codes = torch.randn(n, self.latent_size, generator=generator).to(device)
        was_training = self.decoder.training
        self.decoder.eval()  # BatchNorm uses its running statistics
        images = self.decoder(codes).reshape(n, *IMAGE_SHAPE).float().cpu()
        self.decoder.train(was_training)
        return images


def _generator(name: str, value: object) -> torch.Generator:
    if not isinstance(value, torch.Generator):
        raise TypeError(f"{name} must be a torch.Generator, got {type(value).__name__}")
    return value


def _digit_images(name: str, value: object) -> torch.Tensor:
    images = _validate.tensor(name, value, ndim=4)
    _validate.floating(name, images)
    if tuple(images.shape[1:]) != IMAGE_SHAPE or len(images) < 2:
        raise ValueError(f"{name} must have shape (N, 1, 8, 8) with N >= 2, got {tuple(images.shape)}")
    if float(images.min()) < 0.0 or float(images.max()) > 1.0:
        raise ValueError(f"{name} must hold values in [0, 1] (as load_digits_split gives them)")
    return images


def _common_arguments(
    train_images: object, steps: object, generator: object, batch_size: object, latent_size: object, hidden: object, lr: object
) -> tuple[torch.Tensor, int, torch.Generator, int, int, int, float]:
    return (
        _digit_images("train_images", train_images),
        _validate.positive_int("steps", steps),
        _generator("generator", generator),
        _validate.positive_int("batch_size", batch_size),
        _validate.positive_int("latent_size", latent_size),
        _validate.positive_int("hidden", hidden),
        _validate.real_number("lr", lr, positive=True),
    )


def make_gan_generator(input_size: int, hidden: int) -> nn.Sequential:
    """Notebook 04's generator: two BatchNorm + LeakyReLU layers, sigmoid output, (n, 1, 8, 8) images.

    Raises:
        TypeError / ValueError: sizes are not positive integers.
    """
    input_size = _validate.positive_int("input_size", input_size)
    hidden = _validate.positive_int("hidden", hidden)
    return nn.Sequential(
        nn.Linear(input_size, hidden), nn.BatchNorm1d(hidden), nn.LeakyReLU(0.2),
        nn.Linear(hidden, hidden), nn.BatchNorm1d(hidden), nn.LeakyReLU(0.2),
        nn.Linear(hidden, PIXELS), nn.Sigmoid(), nn.Unflatten(1, IMAGE_SHAPE),
    )  # fmt: skip


def make_gan_discriminator(input_size: int, hidden: int) -> nn.Sequential:
    """Notebook 04's discriminator: two LeakyReLU layers and one *logit* (no sigmoid).

    Raises:
        TypeError / ValueError: sizes are not positive integers.
    """
    input_size = _validate.positive_int("input_size", input_size)
    hidden = _validate.positive_int("hidden", hidden)
    return nn.Sequential(
        nn.Flatten(), nn.Linear(input_size, hidden), nn.LeakyReLU(0.2),
        nn.Linear(hidden, hidden), nn.LeakyReLU(0.2),
        nn.Linear(hidden, 1),
    )  # fmt: skip


def train_digit_gan(
    train_images: torch.Tensor,
    steps: int,
    generator: torch.Generator,
    *,
    batch_size: int = 64,
    latent_size: int = 32,
    hidden: int = 256,
    lr: float = 2e-4,
    desc: str = "GAN",
) -> DigitGenerator:
    """Train notebook 04's MLP GAN on 8x8 digits (one discriminator and one generator update per step).

    Each step: the discriminator maximises log D(x) + log(1 - D(G(z))) (binary
    cross-entropy on logits, real = 1, fake = 0, on ``fake.detach()``), then the
    generator maximises log D(G(z)) (the non-saturating loss) through the updated
    discriminator. Adam with ``lr`` and betas (0.5, 0.999), as in DCGAN.

    Args:
        train_images: (N, 1, 8, 8) real digits in [0, 1]; training runs on their device.
        steps: training steps.
        generator: seeded ``torch.Generator`` for the initial weights, minibatches and noise.
        batch_size: images per step (real and fake each).
        latent_size: size of z.
        hidden: units in each hidden layer of both networks.
        lr: Adam learning rate of both networks.
        desc: label of the progress bar.

    Returns:
        A :class:`DigitGenerator` (family ``"GAN"``) with history ``loss_d``, ``loss_g``,
        ``d_real`` and ``d_fake`` (mean D probabilities).

    Raises:
        TypeError / ValueError: images not (N, 1, 8, 8) floats in [0, 1]; bad sizes,
            ``lr`` or ``generator``.
    """
    images, steps, generator, batch_size, latent_size, hidden, lr = _common_arguments(
        train_images, steps, generator, batch_size, latent_size, hidden, lr
    )
    device = images.device
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(torch.randint(2**62, (1,), generator=generator)))
        net_g = make_gan_generator(latent_size, hidden).to(device)
        net_d = make_gan_discriminator(PIXELS, hidden).to(device)
    opt_g = torch.optim.Adam(net_g.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(net_d.parameters(), lr=lr, betas=(0.5, 0.999))
    bce = nn.BCEWithLogitsLoss()
    batches = minibatches(images, batch_size=batch_size, generator=generator)
    ones = torch.ones(batch_size, 1, device=device)
    zeros = torch.zeros(batch_size, 1, device=device)

    def step(_: int) -> dict[str, float]:
        (real,) = next(batches)
        fake = net_g(torch.randn(batch_size, latent_size, generator=generator).to(device))
        logits_real, logits_fake = net_d(real), net_d(fake.detach())  # detach: D's loss must not reach G
        loss_d = bce(logits_real, ones) + bce(logits_fake, zeros)
        opt_d.zero_grad()
        loss_d.backward()
        opt_d.step()
        loss_g = bce(net_d(fake), ones)  # non-saturating: G maximises log D(G(z))
        opt_g.zero_grad()
        loss_g.backward()
        opt_g.step()
        return {
            "loss_d": loss_d.item(),
            "loss_g": loss_g.item(),
            "d_real": torch.sigmoid(logits_real).mean().item(),
            "d_fake": torch.sigmoid(logits_fake).mean().item(),
        }

    started = time.perf_counter()
    net_g.train()
    history = train_loop(step, steps, desc=desc)
    net_g.eval()
    return DigitGenerator("GAN", net_g, latent_size, history, time.perf_counter() - started)


class _VAEEncoder(nn.Module):
    """Image -> (mean, log-variance) of the latent code."""

    def __init__(self, latent_size: int, hidden: int) -> None:
        super().__init__()
        self.body = nn.Sequential(nn.Flatten(), nn.Linear(PIXELS, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU())
        self.mean = nn.Linear(hidden, latent_size)
        self.log_variance = nn.Linear(hidden, latent_size)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Mean and log-variance of q(z | x) for (n, 1, 8, 8) images."""
        h = self.body(images)
        return self.mean(h), self.log_variance(h)


def _vae_decoder_logits(latent_size: int, hidden: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Linear(latent_size, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, PIXELS)
    )


def train_digit_vae(
    train_images: torch.Tensor,
    steps: int,
    generator: torch.Generator,
    *,
    batch_size: int = 128,
    latent_size: int = 16,
    hidden: int = 256,
    lr: float = 1e-3,
    desc: str = "VAE",
) -> DigitGenerator:
    """Train a plain MLP VAE on 8x8 digits by maximising the ELBO.

    Loss per image (nats): the reconstruction term, binary cross-entropy between
    the decoder's pixel probabilities and the ink intensities (a Bernoulli-style
    likelihood on values in [0, 1]), plus KL(q(z | x) || N(0, I)) in closed form.
    The code is sampled with the reparameterisation trick ``z = mu + sigma * eps``.

    Args:
        train_images: (N, 1, 8, 8) real digits in [0, 1]; training runs on their device.
        steps: training steps (Adam).
        generator: seeded ``torch.Generator`` for the initial weights, minibatches and eps.
        batch_size: images per step.
        latent_size: size of the latent code z.
        hidden: units in each of the two hidden layers of encoder and decoder.
        lr: Adam learning rate.
        desc: label of the progress bar.

    Returns:
        A :class:`DigitGenerator` (family ``"VAE"``, with its ``encoder``) whose history
        holds ``loss`` (negative ELBO), ``reconstruction`` and ``kl``, in nats per image.

    Raises:
        TypeError / ValueError: images not (N, 1, 8, 8) floats in [0, 1]; bad sizes,
            ``lr`` or ``generator``.
    """
    images, steps, generator, batch_size, latent_size, hidden, lr = _common_arguments(
        train_images, steps, generator, batch_size, latent_size, hidden, lr
    )
    device = images.device
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(int(torch.randint(2**62, (1,), generator=generator)))
        encoder = _VAEEncoder(latent_size, hidden).to(device)
        decoder_logits = _vae_decoder_logits(latent_size, hidden).to(device)
    optimizer = torch.optim.Adam([*encoder.parameters(), *decoder_logits.parameters()], lr=lr)
    batches = minibatches(images, batch_size=batch_size, generator=generator)

    def step(_: int) -> dict[str, float]:
        (x,) = next(batches)
        mean, log_variance = encoder(x)
        eps = torch.randn(mean.shape, generator=generator).to(device)
        z = mean + torch.exp(0.5 * log_variance) * eps  # reparameterisation: gradients reach mean and variance
        logits = decoder_logits(z)
        reconstruction = F.binary_cross_entropy_with_logits(logits, x.flatten(1), reduction="sum") / len(x)
        kl = 0.5 * (mean.pow(2) + log_variance.exp() - 1.0 - log_variance).sum(dim=1).mean()
        loss = reconstruction + kl
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        return {"loss": loss.item(), "reconstruction": reconstruction.item(), "kl": kl.item()}

    started = time.perf_counter()
    history = train_loop(step, steps, desc=desc)
    decoder = nn.Sequential(decoder_logits, nn.Sigmoid(), nn.Unflatten(1, IMAGE_SHAPE)).eval()
    encoder.eval()
    return DigitGenerator("VAE", decoder, latent_size, history, time.perf_counter() - started, encoder=encoder)
