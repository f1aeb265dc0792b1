"""Write docs/reference.md: every layer's parameter and output-shape formulas, from the layers.

Run ``python docs/make_reference.py`` after adding a layer; ``tests/test_reference.py``
fails when the page is out of date or a public layer has no example here. Each example
builds the layer with symbolic arguments and binds it to a symbolic input; every
formula on the page is computed, none is written by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from symparams import dims, latex, layers, nn

PAGE = Path(__file__).with_name("reference.md")

B, T, S, H, W, D, C = dims("B T S H W D C")
F, K, U, E, N, V, R, G, P, L = dims("F K U E N V R G P L")
d_model, d_ff, n_heads, d_k, n_kv = dims("d_model d_ff n_heads d_k n_kv")

# (call as shown, the layer, input shape or shapes, call options)
KERAS = [
    ("Dense(U)", layers.Dense(U), (T, C), {}),
    ("Conv1D(F, K, strides=S)", layers.Conv1D(F, K, strides=S), (T, C), {}),
    ("Conv2D(F, K, strides=S)", layers.Conv2D(F, K, strides=S), (H, W, C), {}),
    ("Conv2D(F, K, padding='same', groups=G)", layers.Conv2D(F, K, padding="same", groups=G),
     (H, W, C), {}),
    ("Conv3D(F, K)", layers.Conv3D(F, K), (D, H, W, C), {}),
    ("MaxPooling1D(P)", layers.MaxPooling1D(P), (T, C), {}),
    ("MaxPooling2D(P)", layers.MaxPooling2D(P), (H, W, C), {}),
    ("MaxPooling3D(P)", layers.MaxPooling3D(P), (D, H, W, C), {}),
    ("AveragePooling1D(P, padding='same')", layers.AveragePooling1D(P, padding="same"), (T, C),
     {}),
    ("AveragePooling2D(P, strides=S)", layers.AveragePooling2D(P, strides=S), (H, W, C), {}),
    ("AveragePooling3D(P)", layers.AveragePooling3D(P), (D, H, W, C), {}),
    ("GlobalAveragePooling1D()", layers.GlobalAveragePooling1D(), (T, C), {}),
    ("GlobalAveragePooling2D()", layers.GlobalAveragePooling2D(), (H, W, C), {}),
    ("GlobalAveragePooling3D()", layers.GlobalAveragePooling3D(), (D, H, W, C), {}),
    ("GlobalMaxPooling1D()", layers.GlobalMaxPooling1D(), (T, C), {}),
    ("GlobalMaxPooling2D(keepdims=True)", layers.GlobalMaxPooling2D(keepdims=True), (H, W, C),
     {}),
    ("GlobalMaxPooling3D()", layers.GlobalMaxPooling3D(), (D, H, W, C), {}),
    ("BatchNormalization()", layers.BatchNormalization(), (H, W, C), {}),
    ("Flatten()", layers.Flatten(), (H, W, C), {}),
    ("Reshape((-1, C))", layers.Reshape((-1, C)), (H, W, C), {}),
    ("Dropout(0.5)", layers.Dropout(0.5), (T, C), {}),
    ("Activation('relu')", layers.Activation("relu"), (T, C), {}),
    ("ReLU()", layers.ReLU(), (T, C), {}),
    ("Softmax()", layers.Softmax(), (T, C), {}),
    ("Conv1DTranspose(F, K, strides=S)", layers.Conv1DTranspose(F, K, strides=S), (T, C), {}),
    ("Conv2DTranspose(F, K, strides=S, padding='same')",
     layers.Conv2DTranspose(F, K, strides=S, padding="same"), (H, W, C), {}),
    ("Conv3DTranspose(F, K, strides=2, padding='same', output_padding=1)",
     layers.Conv3DTranspose(F, K, strides=2, padding="same", output_padding=1), (D, H, W, C),
     {}),
    ("DepthwiseConv1D(K, depth_multiplier=N)", layers.DepthwiseConv1D(K, depth_multiplier=N),
     (T, C), {}),
    ("DepthwiseConv2D(K, strides=S, depth_multiplier=N)",
     layers.DepthwiseConv2D(K, strides=S, depth_multiplier=N), (H, W, C), {}),
    ("SeparableConv1D(F, K, padding='same')", layers.SeparableConv1D(F, K, padding="same"),
     (T, C), {}),
    ("SeparableConv2D(F, K, depth_multiplier=N)",
     layers.SeparableConv2D(F, K, depth_multiplier=N), (H, W, C), {}),
    ("UpSampling1D(R)", layers.UpSampling1D(R), (T, C), {}),
    ("UpSampling2D(R, interpolation='bilinear')",
     layers.UpSampling2D(R, interpolation="bilinear"), (H, W, C), {}),
    ("UpSampling3D(R)", layers.UpSampling3D(R), (D, H, W, C), {}),
    ("ZeroPadding1D(P)", layers.ZeroPadding1D(P), (T, C), {}),
    ("ZeroPadding2D(((P, 1), P))", layers.ZeroPadding2D(((P, 1), P)), (H, W, C), {}),
    ("ZeroPadding3D(P)", layers.ZeroPadding3D(P), (D, H, W, C), {}),
    ("Cropping1D((P, 1))", layers.Cropping1D((P, 1)), (T, C), {}),
    ("Cropping2D(P)", layers.Cropping2D(P), (H, W, C), {}),
    ("Cropping3D(((1, 0), P, 1))", layers.Cropping3D(((1, 0), P, 1)), (D, H, W, C), {}),
    ("Permute((2, 1))", layers.Permute((2, 1)), (T, C), {}),
    ("RepeatVector(N)", layers.RepeatVector(N), (C,), {}),
    ("Embedding(V, E)", layers.Embedding(V, E), (T,), {}),
    ("LayerNormalization(axis=[1, 2])", layers.LayerNormalization(axis=[1, 2]), (H, W, C), {}),
    ("GroupNormalization(G)", layers.GroupNormalization(G), (H, W, C), {}),
    ("UnitNormalization()", layers.UnitNormalization(), (T, C), {}),
    ("RMSNormalization()", layers.RMSNormalization(), (T, C), {}),
    ("Normalization()", layers.Normalization(), (H, W, C), {}),
    ("Normalization(axis=(1, -1))", layers.Normalization(axis=(1, -1)), (H, W, C), {}),
    ("Rescaling(1 / 255)", layers.Rescaling(1 / 255), (H, W, C), {}),
    ("SpatialDropout1D(0.1)", layers.SpatialDropout1D(0.1), (T, C), {}),
    ("SpatialDropout2D(0.1)", layers.SpatialDropout2D(0.1), (H, W, C), {}),
    ("SpatialDropout3D(0.1)", layers.SpatialDropout3D(0.1), (D, H, W, C), {}),
    ("GaussianDropout(0.1)", layers.GaussianDropout(0.1), (T, C), {}),
    ("GaussianNoise(0.1)", layers.GaussianNoise(0.1), (T, C), {}),
    ("AlphaDropout(0.1)", layers.AlphaDropout(0.1), (T, C), {}),
    ("ActivityRegularization(l1=0.01)", layers.ActivityRegularization(l1=0.01), (T, C), {}),
    ("EinsumDense('abc,cde->abde', (None, n_heads, d_k), bias_axes='de')",
     layers.EinsumDense("abc,cde->abde", (None, n_heads, d_k), bias_axes="de"),
     (T, d_model), {}),
    ("Add()", layers.Add(), ((T, C), (T, C)), {}),
    ("Subtract()", layers.Subtract(), ((T, C), (T, C)), {}),
    ("Multiply()", layers.Multiply(), ((T, C), (T, 1)), {}),
    ("Average()", layers.Average(), ((T, C), (T, C)), {}),
    ("Maximum()", layers.Maximum(), ((T, C), (T, C)), {}),
    ("Minimum()", layers.Minimum(), ((T, C), (T, C)), {}),
    ("Concatenate()", layers.Concatenate(), ((T, C), (T, E)), {}),
    ("Dot(axes=2)", layers.Dot(axes=2), ((T, C), (S, C)), {}),
    ("LeakyReLU()", layers.LeakyReLU(), (T, C), {}),
    ("ELU()", layers.ELU(), (T, C), {}),
    ("PReLU(shared_axes=[1])", layers.PReLU(shared_axes=[1]), (T, C), {}),
    ("TimeDistributed(Dense(U))", layers.TimeDistributed(layers.Dense(U)), (T, C), {}),
    ("SimpleRNN(U)", layers.SimpleRNN(U), (T, C), {}),
    ("LSTM(U, return_sequences=True)", layers.LSTM(U, return_sequences=True), (T, C), {}),
    ("GRU(U, return_state=True)", layers.GRU(U, return_state=True), (T, C), {}),
    ("Bidirectional(LSTM(U))", layers.Bidirectional(layers.LSTM(U)), (T, C), {}),
    ("MultiHeadAttention(n_heads, d_k)", layers.MultiHeadAttention(n_heads, d_k),
     ((T, d_model), (S, d_model), (S, d_model)), {"return_attention_scores": True}),
]

TORCH = [
    ("Linear(C, U)", nn.Linear(C, U), (B, T, C), {}),
    ("ConvTranspose1d(C, F, K, stride=S)", nn.ConvTranspose1d(C, F, K, stride=S), (B, C, T), {}),
    ("ConvTranspose2d(C, F, K, stride=S, padding=P)",
     nn.ConvTranspose2d(C, F, K, stride=S, padding=P), (B, C, H, W), {}),
    ("ConvTranspose3d(C, F, K)", nn.ConvTranspose3d(C, F, K), (B, C, D, H, W), {}),
    ("Bilinear(C, E, U)", nn.Bilinear(C, E, U), ((B, C), (B, E)), {}),
    ("Identity()", nn.Identity(), (B, C), {}),
    ("Conv1d(C, F, K, stride=S, padding=P)", nn.Conv1d(C, F, K, stride=S, padding=P),
     (B, C, T), {}),
    ("Conv2d(C, F, K, stride=S, padding=P)", nn.Conv2d(C, F, K, stride=S, padding=P),
     (B, C, H, W), {}),
    ("Conv3d(C, F, K, groups=G)", nn.Conv3d(C, F, K, groups=G), (B, C, D, H, W), {}),
    ("MaxPool1d(K, stride=S)", nn.MaxPool1d(K, stride=S), (B, C, T), {}),
    ("MaxPool2d(2, ceil_mode=True)", nn.MaxPool2d(2, ceil_mode=True), (B, C, H, W), {}),
    ("MaxPool3d(K)", nn.MaxPool3d(K), (B, C, D, H, W), {}),
    ("AvgPool1d(K)", nn.AvgPool1d(K), (B, C, T), {}),
    ("AvgPool2d(3, stride=2, padding=1, ceil_mode=True)",
     nn.AvgPool2d(3, stride=2, padding=1, ceil_mode=True), (B, C, H, W), {}),
    ("AvgPool3d(K)", nn.AvgPool3d(K), (B, C, D, H, W), {}),
    ("AdaptiveAvgPool1d(P)", nn.AdaptiveAvgPool1d(P), (B, C, T), {}),
    ("AdaptiveAvgPool2d((P, None))", nn.AdaptiveAvgPool2d((P, None)), (B, C, H, W), {}),
    ("AdaptiveAvgPool3d(P)", nn.AdaptiveAvgPool3d(P), (B, C, D, H, W), {}),
    ("AdaptiveMaxPool1d(P)", nn.AdaptiveMaxPool1d(P), (B, C, T), {}),
    ("AdaptiveMaxPool2d(P)", nn.AdaptiveMaxPool2d(P), (B, C, H, W), {}),
    ("AdaptiveMaxPool3d(P)", nn.AdaptiveMaxPool3d(P), (B, C, D, H, W), {}),
    ("BatchNorm1d(C)", nn.BatchNorm1d(C), (B, C, T), {}),
    ("BatchNorm2d(C)", nn.BatchNorm2d(C), (B, C, H, W), {}),
    ("BatchNorm3d(C)", nn.BatchNorm3d(C), (B, C, D, H, W), {}),
    ("InstanceNorm1d(C, affine=True)", nn.InstanceNorm1d(C, affine=True), (B, C, T), {}),
    ("InstanceNorm2d(C)", nn.InstanceNorm2d(C), (B, C, H, W), {}),
    ("InstanceNorm3d(C)", nn.InstanceNorm3d(C), (B, C, D, H, W), {}),
    ("LayerNorm(d_model)", nn.LayerNorm(d_model), (B, T, d_model), {}),
    ("GroupNorm(G, C)", nn.GroupNorm(G, C), (B, C, H, W), {}),
    ("RMSNorm(d_model)", nn.RMSNorm(d_model), (B, T, d_model), {}),
    ("Embedding(V, d_model)", nn.Embedding(V, d_model), (B, T), {}),
    ("RNN(C, U, num_layers=L)", nn.RNN(C, U, num_layers=L), ((T, B, C),), {}),
    ("LSTM(C, U, num_layers=L, bidirectional=True)",
     nn.LSTM(C, U, num_layers=L, bidirectional=True), ((T, B, C),), {}),
    ("GRU(C, U, batch_first=True)", nn.GRU(C, U, batch_first=True), ((B, T, C),), {}),
    ("RNNCell(C, U)", nn.RNNCell(C, U), ((B, C),), {}),
    ("LSTMCell(C, U)", nn.LSTMCell(C, U), ((B, C),), {}),
    ("GRUCell(C, U)", nn.GRUCell(C, U), ((B, C),), {}),
    ("MultiheadAttention(d_model, n_heads)", nn.MultiheadAttention(d_model, n_heads),
     ((T, B, d_model), (S, B, d_model), (S, B, d_model)), {}),
    ("TransformerEncoderLayer(d_model, n_heads, d_ff)",
     nn.TransformerEncoderLayer(d_model, n_heads, d_ff), ((T, B, d_model),), {}),
    ("TransformerDecoderLayer(d_model, n_heads, d_ff)",
     nn.TransformerDecoderLayer(d_model, n_heads, d_ff),
     ((T, B, d_model), (S, B, d_model)), {}),
    ("GroupedQueryAttention(d_model, n_heads, num_kv_heads=n_kv, head_dim=d_k)",
     nn.GroupedQueryAttention(d_model, n_heads, num_kv_heads=n_kv, head_dim=d_k),
     ((B, T, d_model),) * 3, {}),
    ("FeedForward(d_model, d_ff)", nn.FeedForward(d_model, d_ff), (B, T, d_model), {}),
    ("SwiGLU(d_model, d_ff)", nn.SwiGLU(d_model, d_ff), (B, T, d_model), {}),
    ("Upsample(scale_factor=2)", nn.Upsample(scale_factor=2), (B, C, H, W), {}),
    ("PixelShuffle(R)", nn.PixelShuffle(R), (B, R**2 * C, H, W), {}),
    ("PixelUnshuffle(R)", nn.PixelUnshuffle(R), (B, C, R * H, R * W), {}),
    ("ZeroPad2d(P)", nn.ZeroPad2d(P), (B, C, H, W), {}),
    ("Flatten()", nn.Flatten(), (B, C, H, W), {}),
    ("Unflatten(1, (C, -1))", nn.Unflatten(1, (C, -1)), (B, C * H), {}),
    ("Dropout(0.1)", nn.Dropout(0.1), (B, C), {}),
    ("PReLU(C)", nn.PReLU(C), (B, C, T), {}),
    ("GELU()", nn.GELU(), (B, C), {}),
    ("GLU()", nn.GLU(), (B, 2 * C), {}),
    ("Softmax(dim=-1)", nn.Softmax(dim=-1), (B, C), {}),
]

# Functions that build a block model: (call as shown, function name, the model).
BLOCKS = [
    ("pre_norm_block(GroupedQueryAttention(d_model, n_heads), FeedForward(d_model, d_ff))",
     "pre_norm_block", nn.pre_norm_block(nn.GroupedQueryAttention(d_model, n_heads),
                                         nn.FeedForward(d_model, d_ff))),
    ("post_norm_block(GroupedQueryAttention(d_model, n_heads, bias=False), "
     "SwiGLU(d_model, d_ff), norm_layer=RMSNorm)", "post_norm_block",
     nn.post_norm_block(nn.GroupedQueryAttention(d_model, n_heads, bias=False),
                        nn.SwiGLU(d_model, d_ff), norm_layer=nn.RMSNorm)),
]

# Modules of one family share their entry above; these are covered by it.
TORCH_FAMILIES = {
    "ZeroPad2d": ("ZeroPad1d", "ZeroPad3d", "ConstantPad1d", "ConstantPad2d", "ConstantPad3d",
                  "ReflectionPad1d", "ReflectionPad2d", "ReflectionPad3d", "ReplicationPad1d",
                  "ReplicationPad2d", "ReplicationPad3d", "CircularPad1d", "CircularPad2d",
                  "CircularPad3d"),
    "Dropout": ("Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout"),
    "GELU": ("CELU", "ELU", "SELU", "Hardshrink", "Hardsigmoid", "Hardswish", "Hardtanh",
             "LeakyReLU", "LogSigmoid", "Mish", "ReLU", "ReLU6", "Sigmoid", "SiLU", "Softplus",
             "Softshrink", "Softsign", "Tanh", "Tanhshrink", "Threshold"),
    "Softmax": ("LogSoftmax", "Softmin", "Softmax2d"),
}
KERAS_ALIASES = ("MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
                 "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D",
                 "GlobalMaxPool2D", "GlobalMaxPool3D", "Convolution1D", "Convolution2D",
                 "Convolution3D", "Layer", "BoundLayer", "Convolution1DTranspose",
                 "Convolution2DTranspose", "Convolution3DTranspose", "SeparableConvolution1D",
                 "SeparableConvolution2D")


def entry(call: str, layer, shape, options, prefix: str, title: str = "") -> list[str]:
    bound = layer.bind(shape, **options)
    outputs = bound.output_shape if isinstance(bound.output_shape, list) else \
        [bound.output_shape]
    shown_in = ", ".join(f"${latex(s)}$" for s in shape) if isinstance(shape[0], tuple) else \
        f"${latex(shape)}$"
    lines = [f"### {title or type(layer).__name__}", "", f"`{prefix}.{call}` on input {shown_in}", "",
             f"- parameters: ${latex(bound.params)}$"]
    if bound.non_trainable_params != 0:
        lines.append(f"- of which non-trainable: ${latex(bound.non_trainable_params)}$")
    if bound.buffers != 0:
        lines.append(f"- buffers: ${latex(bound.buffers)}$")
    lines += [f"- output shape: ${latex(s)}$" for s in outputs]
    if bound.conditions:
        lines += [f"- condition: ${latex(c.as_relation())}$ ({c.meaning})"
                  for c in bound.conditions]
    return lines + [""]


def render() -> str:
    out = ["# Formula reference", "",
           "Generated by `docs/make_reference.py` from the layers themselves; do not edit.",
           "Shapes of Keras layers exclude the batch axis; PyTorch shapes are whole.", "",
           "## Keras layers (`symparams.layers`)", ""]
    for call, layer, shape, options in KERAS:
        out += entry(call, layer, shape, options, "layers")
    out += ["## PyTorch modules (`symparams.nn`)", ""]
    for call, layer, shape, options in TORCH:
        out += entry(call, layer, shape, options, "nn")
    for call, title, model in BLOCKS:
        out += entry(call, model.as_layer(), model.input_shape, {}, "nn", title)
    return "\n".join(out).rstrip() + "\n"


def covered() -> set[str]:
    """Names of the public layers the page covers (directly, or through a family's entry)."""
    names = {type(layer).__name__ for _, layer, _, _ in KERAS + TORCH}
    for members in TORCH_FAMILIES.values():
        names |= set(members)
    return names | set(KERAS_ALIASES) | {title for _, title, _ in BLOCKS}


if __name__ == "__main__":
    PAGE.write_text(render(), encoding="utf-8")
    print(f"wrote {PAGE}", file=sys.stderr)
