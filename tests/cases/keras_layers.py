"""Keras (keras.layers, tf.keras, tensorflow.keras): RB103 in every container and flow shape, with the negatives."""
import keras
import tensorflow as tf
from keras import layers
from tensorflow.keras import layers as tfl
from tensorflow.keras.layers import BatchNormalization, Conv2D


def functional(x, training=None):
    x = layers.Conv2D(64, 3, padding="same")(x)  # expect: RB103:9 "Conv2D bias is cancelled by the BatchNormalization that follows"
    x = layers.BatchNormalization()(x)
    residual = layers.Conv2D(64, 1)(x)
    x = layers.BatchNormalization()(x)  # the residual's conv is not what this norm reads
    x = layers.Activation("relu")(x + residual)
    nested = layers.BatchNormalization()(layers.Conv1D(8, 3)(x))  # expect: RB103:42 "Conv1D bias is cancelled by the BatchNormalization that follows"
    passed = layers.Dense(10)(nested)  # expect: RB103:14 "Dense bias is cancelled by the BatchNormalization that follows"
    passed = layers.BatchNormalization()(passed, training=training)
    return passed


def negatives(x, train_flag):
    a = layers.Conv2D(64, 3, activation="relu")(x)  # the activation runs inside the layer
    a = layers.BatchNormalization()(a)
    b = layers.Conv2D(64, 3, use_bias=False)(x)
    b = layers.BatchNormalization()(b)
    c = layers.Conv2D(64, 3)(x)
    c = layers.BatchNormalization(axis=1)(c)  # axis 1 of a channels-last output is a spatial axis
    d = layers.Dense(10)(x)
    d = layers.BatchNormalization()(d, training=False)  # running statistics in this step
    e = layers.Conv2D(8, 3)(x)
    e = layers.LayerNormalization()(e)
    f = layers.Conv2D(8, 3)(x)
    f = layers.GroupNormalization(groups=4)(f)
    g = layers.Conv2D(8, 3)(x)
    g = layers.ZeroPadding2D()(g)  # zeros at the border break the per-channel constant
    g = layers.BatchNormalization()(g)
    h = layers.Conv2D(8, 3, activation=train_flag)(x)  # unknown activation: silent
    h = layers.BatchNormalization()(h)
    i = layers.Dense(8)(x)
    i = layers.BatchNormalization(trainable=False)(i)
    j = layers.Conv2D(8, 3)(x)
    j = layers.BatchNormalization()(j, training=train_flag.value)  # unknown mode: silent
    return a, b, c, d, e, f, g, h, i, j


def channels_first(x):
    x = layers.Conv2D(8, 3, data_format="channels_first")(x)  # expect: RB103:9 "Conv2D bias is cancelled by the BatchNormalization that follows"
    x = layers.BatchNormalization(axis=1)(x)
    y = layers.Conv2D(8, 3, data_format="channels_first")(x)
    return layers.BatchNormalization()(y)  # axis -1 of a channels-first output is a spatial axis


stacked = keras.Sequential([
    layers.Conv2D(32, 3),  # expect: RB103:5 "Conv2D bias is cancelled by the BatchNormalization that follows"
    layers.MaxPooling2D(),
    layers.BatchNormalization(),
    layers.Conv2D(32, 3),
    layers.ReLU(),
    layers.BatchNormalization(),
    layers.SeparableConv2D(32, 3),  # expect: RB103:5 "SeparableConv2D bias is cancelled by the GroupNormalization that follows"
    layers.GroupNormalization(groups=-1),
    layers.DepthwiseConv2D(3),  # expect: RB103:5 "DepthwiseConv2D bias is cancelled by the BatchNormalization that follows"
    layers.AveragePooling2D(2),
    layers.BatchNormalization(),
    layers.DepthwiseConv2D(3),
    layers.AveragePooling2D(2, padding="same"),  # kept on the JAX backend, not checked on others: silent
    layers.BatchNormalization(),
    layers.Conv2DTranspose(16, 3),
    layers.Dropout(0.2),  # a random mask per element in training
    layers.BatchNormalization(),
    layers.Conv3D(8, 3),  # expect: RB103:5 "Conv3D bias is cancelled by the BatchNormalization that follows"
    layers.GlobalAveragePooling3D(),
    layers.BatchNormalization(),
])
through_tf = tf.keras.Sequential([
    tf.keras.layers.Dense(16),  # expect: RB103:5 "Dense bias is cancelled by the BatchNormalization that follows"
    tf.keras.layers.BatchNormalization(),
    tfl.Dense(16),  # expect: RB103:5 "Dense bias is cancelled by the BatchNormalization that follows"
    tfl.Flatten(),
    tfl.BatchNormalization(),
    Conv2D(8, 3),  # expect: RB103:5 "Conv2D bias is cancelled by the BatchNormalization that follows"
    BatchNormalization(),
    Conv2D(8, 3, use_bias=False),
    BatchNormalization(),
])

grown = keras.Sequential()
grown.add(layers.Dense(16))  # expect: RB103:11 "Dense bias is cancelled by the BatchNormalization that follows"
grown.add(layers.BatchNormalization())
grown.add(layers.Dense(16, activation="relu"))
grown.add(layers.BatchNormalization())
grown.add(layers.Dense(16, activation="linear"))  # expect: RB103:11 "Dense bias is cancelled by the BatchNormalization that follows"
grown.add(layers.BatchNormalization())


class Block(keras.layers.Layer):
    def __init__(self, filters):
        super().__init__()
        self.conv = layers.Conv2D(filters, 3, padding="same")  # expect: RB103:21 "Conv2D bias is cancelled by the BatchNormalization that follows"
        self.bn = layers.BatchNormalization()
        self.lean = layers.Conv2D(filters, 3, padding="same", use_bias=False)
        self.bn2 = layers.BatchNormalization()

    def call(self, x, training=False):
        x = self.bn(self.conv(x), training=training)
        return self.bn2(self.lean(x), training=training)


class Frozen(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(8)
        self.bn = layers.BatchNormalization()

    def call(self, x):
        return self.bn(self.dense(x), training=False)
