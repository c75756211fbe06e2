"""Keras (RB204, RB205): optimizers that decay every variable, and regularizers on biases and norm weights."""
import keras
import tensorflow as tf
from keras import layers, regularizers

adamw = keras.optimizers.AdamW(learning_rate=1e-3)  # expect: RB204:9 "AdamW applies weight_decay=0.004 (its default) to every variable, biases and normalization weights included"
adam = keras.optimizers.Adam(learning_rate=1e-3, weight_decay=1e-4)  # expect: RB204:8 "Adam applies weight_decay=0.0001 to every variable, biases and normalization weights included"
through_tf = tf.keras.optimizers.AdamW(1e-3, weight_decay=0.05)  # expect: RB204:14 "AdamW applies weight_decay=0.05 to every variable, biases and normalization weights included"
sgd = keras.optimizers.SGD(0.1, momentum=0.9)
plain_adam = keras.optimizers.Adam(1e-3)
no_decay = keras.optimizers.AdamW(1e-3, weight_decay=0.0)

model = keras.Sequential([
    layers.Dense(16, kernel_regularizer=regularizers.l2(1e-4), bias_regularizer=regularizers.l2(1e-4), use_bias=False),  # expect: RB103:5 "Dense bias is cancelled by the BatchNormalization that follows", RB205:5 "bias_regularizer on Dense shrinks its bias"
    layers.BatchNormalization(gamma_regularizer="l2", beta_regularizer="l2"),  # expect: RB205:5 "beta_regularizer on BatchNormalization shrinks its shift (beta)", RB205:5 "gamma_regularizer on BatchNormalization shrinks its scale (gamma)"
    layers.Conv2D(8, 3, kernel_regularizer="l2", bias_regularizer=None, use_bias=False),  # expect: RB103:5 "Conv2D bias is cancelled by the BatchNormalization that follows"
    layers.BatchNormalization(),
    layers.Dense(4, kernel_regularizer=regularizers.l2(1e-4)),
])
model.compile(optimizer="adamw", loss="mse")  # expect: RB204:1 "AdamW applies weight_decay=0.004 (its default) to every variable, biases and normalization weights included"
model.compile(optimizer="adam", loss="mse")
model.compile(optimizer=sgd, loss="mse")
