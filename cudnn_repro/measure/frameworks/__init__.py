"""The frameworks a run computes on, one module each (measure/framework.py's Framework protocol)."""


def keras_loss(y, pred):
    """The models' loss, binary cross-entropy, in Keras 3's ops: traced by the TensorFlow and JAX recorders."""
    import keras

    return keras.ops.mean(keras.losses.binary_crossentropy(keras.ops.reshape(y, (-1, 1)), pred))
