import nbformat
import pytest
import torch
from torch import nn

from aigc_utils.data import load_digits_split
from aigc_utils.models import train_digit_judge
from aigc_utils.models.digit_generators import (
    DigitGenerator,
    make_gan_discriminator,
    make_gan_generator,
    train_digit_gan,
    train_digit_vae,
)
from notebook_files import REPO_ROOT

TRAINERS = [train_digit_gan, train_digit_vae]


@pytest.fixture(scope="module")
def images():
    return load_digits_split().train_images


@pytest.mark.parametrize("trainer", TRAINERS)
def test_samples_have_the_judge_format_and_reproduce(trainer, images):
    torch.manual_seed(3)
    expected_global = torch.rand(2)
    torch.manual_seed(3)
    first = trainer(images, 20, torch.Generator().manual_seed(0))
    assert torch.equal(torch.rand(2), expected_global), "training must leave the global random state alone"
    again = trainer(images, 20, torch.Generator().manual_seed(0))
    samples = first.sample(7, torch.Generator().manual_seed(1))
    assert isinstance(first, DigitGenerator) and first.family in ("GAN", "VAE")
    assert samples.shape == (7, 1, 8, 8) and samples.dtype == torch.float32
    assert 0.0 <= float(samples.min()) and float(samples.max()) <= 1.0
    assert torch.equal(samples, again.sample(7, torch.Generator().manual_seed(1)))
    assert not torch.equal(samples, first.sample(7, torch.Generator().manual_seed(2)))
    assert all(len(values) == 20 for values in first.history.values()) and first.train_seconds > 0


def test_gan_history_and_vae_encoder(images):
    gan = train_digit_gan(images, 5, torch.Generator().manual_seed(0))
    vae = train_digit_vae(images, 5, torch.Generator().manual_seed(0))
    assert set(gan.history) == {"loss_d", "loss_g", "d_real", "d_fake"} and gan.encoder is None
    assert set(vae.history) == {"loss", "reconstruction", "kl"}
    mean, log_variance = vae.encoder(images[:3])
    assert mean.shape == log_variance.shape == (3, vae.latent_size)
    assert vae.history["loss"][0] == pytest.approx(vae.history["reconstruction"][0] + vae.history["kl"][0], rel=1e-5)


def test_both_learn_digits_within_a_few_hundred_steps(images):
    judge = train_digit_judge()
    for trainer in TRAINERS:
        untrained = trainer(images, 1, torch.Generator().manual_seed(0))
        trained = trainer(images, 250, torch.Generator().manual_seed(0))
        before, after = (judge.frechet_distance(m.sample(300, torch.Generator().manual_seed(5))) for m in (untrained, trained))
        assert after < 0.5 * before, f"{trainer.__name__}: Fréchet distance {before:.1f} -> {after:.1f}"
        if trained.family == "VAE":
            assert trained.history["loss"][-1] < 0.8 * trained.history["loss"][0]


def test_gan_networks_match_notebook_04():
    """The package's GAN is notebook 04's: same layers, same outputs for the same weights."""
    notebook = nbformat.read(REPO_ROOT / "notebooks" / "04_gans_from_scratch.ipynb", as_version=4)
    sources = [c.source for c in notebook.cells if c.cell_type == "code" and "def make_generator" in c.source]
    assert len(sources) == 1, "notebook 04 defines make_generator in one cell"
    namespace: dict = {"nn": nn}
    exec(sources[0], namespace)
    for ours, theirs, size in [
        (make_gan_generator, namespace["make_generator"], 32),
        (make_gan_discriminator, namespace["make_discriminator"], 64),
    ]:
        a, b = ours(size, 16), theirs(size, 16)
        assert [type(m) for m in a] == [type(m) for m in b]
        b.load_state_dict(a.state_dict())
        x = torch.rand(4, size)
        a.eval(), b.eval()
        assert torch.equal(a(x), b(x))


@pytest.mark.parametrize("trainer", TRAINERS)
@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        ((torch.rand(10, 64), 5, torch.Generator()), {}, ValueError, "train_images"),
        ((torch.rand(10, 1, 8, 8) * 16, 5, torch.Generator()), {}, ValueError, r"\[0, 1\]"),
        ((torch.ones(10, 1, 8, 8, dtype=torch.int64), 5, torch.Generator()), {}, TypeError, "floating"),
        (("digits", 5, torch.Generator()), {}, TypeError, "train_images"),
        ((torch.rand(10, 1, 8, 8), 0, torch.Generator()), {}, ValueError, "steps"),
        ((torch.rand(10, 1, 8, 8), 5, 0), {}, TypeError, "generator"),
        ((torch.rand(10, 1, 8, 8), 5, torch.Generator()), {"batch_size": 0}, ValueError, "batch_size"),
        ((torch.rand(10, 1, 8, 8), 5, torch.Generator()), {"lr": -1.0}, ValueError, "lr"),
        ((torch.rand(10, 1, 8, 8), 5, torch.Generator()), {"latent_size": 2.5}, TypeError, "latent_size"),
    ],
)
def test_trainers_reject_bad_input(trainer, args, kwargs, error, match):
    with pytest.raises(error, match=match):
        trainer(*args, **kwargs)


def test_sample_and_builders_reject_bad_input(images):
    gan = train_digit_gan(images, 2, torch.Generator().manual_seed(0))
    with pytest.raises(ValueError, match="n"):
        gan.sample(0, torch.Generator())
    with pytest.raises(TypeError, match="generator"):
        gan.sample(3, 7)
    with pytest.raises(ValueError, match="hidden"):
        make_gan_generator(32, 0)
    with pytest.raises(TypeError, match="input_size"):
        make_gan_discriminator("64", 16)
