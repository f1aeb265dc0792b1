"""What the ``torchvision.models`` builders share: the input, argument checks, norm layers."""

from __future__ import annotations

from ... import nn
from ...dims import dims
from ...errors import ArgumentError, ArgumentTypeError, UnknownArgumentError
from ...graph import Tensor


def _image(input_shape):
    """The model's input tensor: ``input_shape`` (batch included), else symbolic (N, 3, H, W)."""
    if input_shape is None:
        N, H, W = dims("N H W")
        return Tensor((N, 3, H, W))
    return Tensor(input_shape)


def _no_more(builder: str, kwargs: dict) -> None:
    """Refuse keyword arguments the torchvision builder would not take (or we cannot honour)."""
    if kwargs:
        name = sorted(kwargs)[0]
        raise UnknownArgumentError(f"{builder}() got an unexpected keyword argument '{name}'",
                                   argument=name, value=kwargs[name])


def _fixed(builder: str, kwargs: dict, argument: str, value) -> None:
    """torchvision's ``_ovewrite_named_param``: the builder fixes ``argument`` to ``value``."""
    if argument in kwargs and kwargs[argument] != value:
        raise ArgumentError(f"{builder}: the parameter '{argument}' expected value {value} but "
                            f"got {kwargs[argument]} instead", argument=argument,
                            value=kwargs[argument])
    kwargs[argument] = value


def _norm_factory(builder: str, norm_layer):
    """BatchNorm2d, or ``norm_layer(channels)``: a callable returning a symparams.nn module."""
    if norm_layer is None:
        return nn.BatchNorm2d
    if not callable(norm_layer):
        raise ArgumentTypeError(f"{builder}: `norm_layer` must be a callable taking a channel "
                                f"count and returning a symparams.nn module. Received: "
                                f"norm_layer={norm_layer!r}", argument="norm_layer",
                                value=norm_layer)

    def make(channels):
        module = norm_layer(channels)
        if not isinstance(module, nn.Module):
            raise ArgumentTypeError(f"{builder}: `norm_layer` must return a symparams.nn module. "
                                    f"Received: norm_layer({channels}) = {module!r}",
                                    argument="norm_layer", value=norm_layer)
        return module
    return make


def _classifier(x, features, num_classes, dropout, *, dropout_first=False):
    """Two 4096-wide ReLU layers with dropout, then the class scores (VGG and AlexNet)."""
    for width in (4096, 4096):
        if dropout_first:
            x = nn.Dropout(p=dropout)(x)
        x = nn.ReLU(inplace=True)(nn.Linear(features, width)(x))
        if not dropout_first:
            x = nn.Dropout(p=dropout)(x)
        features = width
    return nn.Linear(features, num_classes)(x)


def _conv_norm_act(x, in_channels, out_channels, kernel_size=3, stride=1, groups=1,
                   norm=nn.BatchNorm2d, activation=nn.ReLU, dilation=1):
    """torchvision's Conv2dNormActivation: a "same"-padded convolution (bias only without a
    norm), then the norm and the activation when given."""
    padding = (kernel_size - 1) // 2 * dilation
    x = nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                  dilation=dilation, groups=groups, bias=norm is None)(x)
    if norm is not None:
        x = norm(out_channels)(x)
    return x if activation is None else activation(inplace=True)(x)


def _make_divisible(v, divisor, min_value=None):
    """torchvision's channel rounding: the nearest multiple of ``divisor``, not below 90% of v."""
    new = max(min_value or divisor, int(v + divisor / 2) // divisor * divisor)
    return new + divisor if new < 0.9 * v else new
