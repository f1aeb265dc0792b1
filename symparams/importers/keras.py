def from_keras(model, input_shape=None, *, dims=None, name=None):
    raise NotImplementedError
