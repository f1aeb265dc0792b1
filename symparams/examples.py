"""Built-in example models.

The reference case is the model symparams was born from: a Keras 1 CNN whose
second convolution has 51264 parameters where its user expected 1664.

>>> from symparams.examples import reference_cnn
>>> model = reference_cnn()
>>> model.layers[0].params, model.layers[3].params
(32*(25*C + 1), 51264)
>>> model.subs(H=28, W=28, C=1).params
154798
"""

from __future__ import annotations

from .dims import dims
from .layers import Activation, Convolution2D, Dense, Dropout, Flatten, MaxPooling2D
from .model import Sequential


def reference_cnn(input_shape=None) -> Sequential:
    """The reference CNN, built with the Keras 1 lines its user wrote.

    ``input_shape`` defaults to symbolic ``(H, W, C)`` (channels last).
    """
    input_shape = input_shape or dims("H W C")
    model = Sequential()
    model.add(Convolution2D(32, 5, 5, input_shape=input_shape))
    model.add(Activation('relu'))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Convolution2D(64, 5, 5))
    model.add(Activation('relu'))
    model.add(MaxPooling2D(pool_size=(2, 2)))
    model.add(Dropout(0.25))
    model.add(Flatten())
    model.add(Dense(100))
    model.add(Activation('relu'))
    model.add(Dropout(0.5))
    model.add((Dense(2)))
    model.add(Activation('softmax'))
    return model


def gpt2(vocab_size=None, context=None, layers_=None, width=None, heads=None):
    """GPT-2 (Radford et al. 2019) from Keras layers, with tied input/output embeddings.

    Every size defaults to a symbol (``V``, ``T``, ``L``, ``d``, ``h``); the blocks are one
    :class:`~symparams.Repeat`. The language-model head reuses the token embedding
    (:meth:`~symparams.layers.Layer.tie`), so it adds no parameters, and the summary says so.

    >>> import sympy
    >>> from symparams import dims
    >>> model = gpt2()
    >>> V, T, L, d = dims("V T L d")
    >>> sympy.expand(model.params - (V*d + T*d + L*(12*d**2 + 13*d) + 2*d))
    0
    >>> model.subs(V=50257, T=1024, L=12, d=768, h=12).params
    124439808
    >>> model.layers[-1].name, model.layers[-1].params, model.layers[-1].weights[0].tied_to
    ('lm_head', 0, 'wte.embeddings')
    >>> sympy.factor(model.non_embedding_params - L*(12*d**2 + 13*d) - 2*d)
    0
    """
    from . import layers
    from .graph import Input, Model
    from .repeat import Repeat

    V, T, L, d, h = (given if given is not None else dims(name) for given, name in
                     ((vocab_size, "V"), (context, "T"), (layers_, "L"), (width, "d"),
                      (heads, "h")))
    x = Input((T, d), name="residual")
    attention = layers.MultiHeadAttention(num_heads=h, key_dim=d / h, name="attention")
    normed = layers.LayerNormalization(name="ln_1")(x)
    x1 = layers.Add(name="add_1")([x, attention(normed, normed)])
    hidden = layers.Dense(4 * d, activation="gelu", name="mlp_fc")(
        layers.LayerNormalization(name="ln_2")(x1))
    block = Model(x, layers.Add(name="add_2")([x1, layers.Dense(d, name="mlp_proj")(hidden)]),
                  name="block")
    tokens, positions = Input((T,), name="tokens"), Input((T,), name="positions")
    wte = layers.Embedding(V, d, name="wte")
    embedded = layers.Add(name="embed")([wte(tokens),
                                        layers.Embedding(T, d, name="wpe")(positions)])
    out = layers.LayerNormalization(name="ln_f")(Repeat(block, L, name="h")(embedded))
    head = layers.Dense(V, use_bias=False, name="lm_head").tie("kernel", wte, "embeddings")
    return Model([tokens, positions], head(out), name="gpt2")
