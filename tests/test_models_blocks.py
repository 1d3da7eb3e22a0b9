import pytest
import torch
from torch import nn

from aigc_utils.models.blocks import NORMS, ConvBlock, SmallUNet, count_parameters


def test_conv_block_keeps_the_size_and_uses_the_chosen_norm():
    x = torch.rand(2, 3, 12, 10)
    for norm, layer in (("batch", nn.BatchNorm2d), ("group", nn.GroupNorm), ("none", None)):
        block = ConvBlock(3, 8, norm=norm)
        y = block(x)
        assert y.shape == (2, 8, 12, 10)
        assert (y >= 0).all()  # ends with a ReLU
        norms = [m for m in block.modules() if isinstance(m, (nn.BatchNorm2d, nn.GroupNorm))]
        assert (len(norms) == 2 and all(isinstance(m, layer) for m in norms)) if layer else not norms


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("depth", [0, 1, 3])
def test_small_unet_maps_to_the_same_size(norm, depth):
    net = SmallUNet(2, 5, width=4, depth=depth, norm=norm)
    x = torch.rand(3, 2, 16, 24)
    assert net(x).shape == (3, 5, 16, 24)
    assert net.size_multiple == 2**depth


def test_small_unet_parameter_count_and_channels():
    net = SmallUNet(1, 1, width=16, depth=2)
    assert count_parameters(net) == 117_073  # a documented size: changing it changes every notebook
    assert net.down[-1].out_channels == 64 and net.up[0].in_channels == 32
    for p in net.stem.parameters():
        p.requires_grad_(False)
    assert count_parameters(net) < count_parameters(net, trainable_only=False) == 117_073


def test_every_parameter_gets_a_gradient():
    net = SmallUNet(1, 2, width=4, depth=2, norm="none")
    net(torch.rand(2, 1, 8, 8)).square().mean().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in net.parameters())


def test_skip_connection_makes_output_depend_on_fine_detail():
    # A one-pixel change must reach the output pixel above it through the full-resolution skip.
    torch.manual_seed(0)
    net = SmallUNet(1, 1, width=4, depth=2, norm="none").eval()
    x = torch.rand(1, 1, 16, 16)
    x2 = x.clone()
    x2[0, 0, 5, 5] += 1.0
    with torch.no_grad():
        diff = (net(x2) - net(x)).abs()[0, 0]
    assert diff[5, 5] > 1e-4


def test_small_unet_learns_a_simple_image_to_image_map_reproducibly():
    def train(seed: int) -> tuple[float, float]:
        torch.manual_seed(seed)
        net = SmallUNet(1, 1, width=8, depth=1, norm="none")
        opt = torch.optim.Adam(net.parameters(), lr=3e-3)
        g = torch.Generator().manual_seed(seed)
        x = torch.rand(16, 1, 16, 16, generator=g)
        target = 1.0 - x  # invert the image
        with torch.no_grad():
            first = float(((net(x) - target) ** 2).mean())
        for _ in range(150):
            loss = ((net(x) - target) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
        return first, loss.item()

    first, last = train(0)
    assert last < 0.1 * first
    assert train(0) == (first, last)


def test_bad_input_raises():
    with pytest.raises(TypeError, match="in_channels"):
        SmallUNet(1.5, 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="out_channels"):
        SmallUNet(1, 0)
    with pytest.raises(ValueError, match="width"):
        SmallUNet(1, 1, width=-2)
    with pytest.raises(ValueError, match="depth"):
        SmallUNet(1, 1, depth=-1)
    with pytest.raises(ValueError, match="norm"):
        SmallUNet(1, 1, norm="layer")
    with pytest.raises(ValueError, match="norm"):
        ConvBlock(1, 1, norm="instance")
    with pytest.raises(TypeError, match="out_channels"):
        ConvBlock(1, "8")  # type: ignore[arg-type]
    net = SmallUNet(1, 1, width=4, depth=2)
    with pytest.raises(ValueError, match="multiples of 2"):
        net(torch.rand(1, 1, 10, 12))
    with pytest.raises(ValueError, match="channels"):
        net(torch.rand(1, 3, 8, 8))
    with pytest.raises(ValueError, match="dimensions"):
        net(torch.rand(1, 8, 8))
    with pytest.raises(TypeError, match="floating"):
        net(torch.zeros(1, 1, 8, 8, dtype=torch.int64))
    with pytest.raises(TypeError, match="model"):
        count_parameters("net")  # type: ignore[arg-type]
