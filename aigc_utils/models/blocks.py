"""Small convolutional building blocks: a conv block and a small U-Net.

Image-to-image models of the course (translation, inpainting, segmentation)
share these, so every notebook builds the same, tested network::

    from aigc_utils.models.blocks import SmallUNet
    net = SmallUNet(in_channels=1, out_channels=1, width=16, depth=2)
    y = net(x)            # x: (N, 1, H, W) with H and W divisible by 2**depth

Design (Ronneberger et al. 2015, "U-Net", made small for a CPU):

- :class:`ConvBlock`: two 3x3 convolutions with padding 1 (the image keeps its
  size), each followed by an optional normalisation and a ReLU.
- :class:`SmallUNet`: an encoder of ``depth`` stages (2x2 max-pool, then a
  :class:`ConvBlock` that doubles the channels), a decoder that mirrors it (a
  2x2 transposed convolution with stride 2 doubles the size, the encoder's
  feature map of that size is concatenated (the *skip connection*), a
  :class:`ConvBlock` mixes them), and a final 1x1 convolution.

The skip connections carry fine detail past the bottleneck, which is why a
U-Net, unlike a plain encoder-decoder, gives sharp per-pixel outputs.

The output is raw (no final activation): add ``torch.sigmoid`` for images in
[0, 1], use it as logits for segmentation, or add the input for residual
learning. The API (``in_channels``, ``out_channels``, ``width``, ``depth``,
``norm``) is kept stable for the notebooks that use it.
"""

from __future__ import annotations

import torch
from torch import nn

from aigc_utils import _validate

NORMS = ("batch", "group", "none")
"""Normalisations a :class:`ConvBlock` can use after each convolution.

``"batch"`` (BatchNorm2d, the U-Net/pix2pix default) depends on the batch in
training mode and uses running statistics in ``eval()`` mode; ``"group"``
(GroupNorm with up to 8 groups) treats every image alone, the same in training
and evaluation, but removes each image's overall brightness and contrast from
the features; ``"none"`` keeps them, and trains well at the small depths used here.
"""


def _norm_layer(norm: str, channels: int) -> nn.Module:
    if norm == "batch":
        return nn.BatchNorm2d(channels)
    if norm == "group":
        groups = max(g for g in (8, 4, 2, 1) if channels % g == 0)
        return nn.GroupNorm(groups, channels)
    return nn.Identity()


class ConvBlock(nn.Module):
    """Two 3x3 convolutions (padding 1), each followed by a normalisation and a ReLU.

    Maps (N, in_channels, H, W) to (N, out_channels, H, W): the spatial size
    is kept, so blocks stack freely.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output (and of the middle feature map).
        norm: one of :data:`NORMS`: ``"batch"`` (default), ``"group"`` or ``"none"``.

    Raises:
        TypeError / ValueError: a channel count is not a positive integer, or
            ``norm`` is unknown.
    """

    def __init__(self, in_channels: int, out_channels: int, *, norm: str = "batch") -> None:
        super().__init__()
        self.in_channels = _validate.positive_int("in_channels", in_channels)
        self.out_channels = _validate.positive_int("out_channels", out_channels)
        self.norm = _validate.one_of("norm", norm, NORMS)
        bias = norm == "none"  # a normalisation right after the conv makes its bias redundant
        self.layers = nn.Sequential(
            nn.Conv2d(self.in_channels, self.out_channels, 3, padding=1, bias=bias),
            _norm_layer(norm, self.out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(self.out_channels, self.out_channels, 3, padding=1, bias=bias),
            _norm_layer(norm, self.out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the block to a (N, in_channels, H, W) batch; returns (N, out_channels, H, W)."""
        return self.layers(x)


class SmallUNet(nn.Module):
    """A small U-Net: encoder, bottleneck, decoder with skip connections, 1x1 output.

    Channels are ``width`` at full resolution and double at every one of the
    ``depth`` downsamplings (``width * 2**depth`` at the bottleneck). With
    ``width=16, depth=2`` it has about 120k parameters and trains on 32x32
    patches in seconds on a CPU.

    Args:
        in_channels: channels of the input image (1 grey, 3 colour, more for
            extra inputs such as a mask).
        out_channels: channels of the output (image channels, or class logits).
        width: channels of the first stage (default 16).
        depth: number of 2x downsamplings (default 2); 0 gives a plain
            :class:`ConvBlock` plus the 1x1 output layer. Inputs need height
            and width divisible by ``2**depth``.
        norm: normalisation in every :class:`ConvBlock`, one of :data:`NORMS`
            (default ``"batch"``).

    Raises:
        TypeError / ValueError: non-integer or non-positive sizes, a negative
            ``depth``, or an unknown ``norm``.
    """

    def __init__(
        self, in_channels: int, out_channels: int, width: int = 16, depth: int = 2, *, norm: str = "batch"
    ) -> None:
        super().__init__()
        self.in_channels = _validate.positive_int("in_channels", in_channels)
        self.out_channels = _validate.positive_int("out_channels", out_channels)
        self.width = _validate.positive_int("width", width)
        self.depth = _validate.non_negative_int("depth", depth)
        self.norm = _validate.one_of("norm", norm, NORMS)
        channels = [self.width * 2**level for level in range(self.depth + 1)]
        self.stem = ConvBlock(self.in_channels, channels[0], norm=norm)
        self.down = nn.ModuleList(ConvBlock(channels[i], channels[i + 1], norm=norm) for i in range(self.depth))
        self.pool = nn.MaxPool2d(2)
        self.upsample = nn.ModuleList(
            nn.ConvTranspose2d(channels[i + 1], channels[i], kernel_size=2, stride=2) for i in range(self.depth)
        )
        # After concatenating the skip, a decoder block sees 2 * channels[i] inputs.
        self.up = nn.ModuleList(ConvBlock(2 * channels[i], channels[i], norm=norm) for i in range(self.depth))
        self.head = nn.Conv2d(channels[0], self.out_channels, kernel_size=1)

    @property
    def size_multiple(self) -> int:
        """Height and width of an input must be multiples of this (``2**depth``)."""
        return 2**self.depth

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Map a (N, in_channels, H, W) batch to (N, out_channels, H, W) raw outputs.

        Raises:
            TypeError: ``x`` is not a floating-point tensor.
            ValueError: ``x`` is not 4-D, has the wrong number of channels, or
                H or W is not a multiple of :attr:`size_multiple`.
        """
        x = _validate.floating("x", _validate.tensor("x", x, ndim=4))
        if x.shape[1] != self.in_channels:
            raise ValueError(f"x must have {self.in_channels} channels in dimension 1, got shape {tuple(x.shape)}")
        multiple = self.size_multiple
        if x.shape[2] % multiple or x.shape[3] % multiple:
            raise ValueError(
                f"x height and width must be multiples of 2**depth = {multiple}, got shape {tuple(x.shape)}"
            )
        skips = [self.stem(x)]
        for block in self.down:
            skips.append(block(self.pool(skips[-1])))
        h = skips.pop()
        for level in reversed(range(self.depth)):
            h = self.upsample[level](h)
            h = self.up[level](torch.cat([h, skips.pop()], dim=1))
        return self.head(h)


def count_parameters(model: nn.Module, *, trainable_only: bool = True) -> int:
    """Number of parameters of ``model`` (only those with ``requires_grad`` unless ``trainable_only=False``).

    Raises:
        TypeError: ``model`` is not a ``torch.nn.Module``.
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    return sum(p.numel() for p in model.parameters() if p.requires_grad or not trainable_only)
