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
