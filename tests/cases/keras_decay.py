"""Keras (RB204, RB205): optimizers that decay every variable, and regularizers on biases and norm weights."""
import keras
import tensorflow as tf
from keras import layers, regularizers

adamw = keras.optimizers.AdamW(learning_rate=1e-3)  # expect: RB204
adam = keras.optimizers.Adam(learning_rate=1e-3, weight_decay=1e-4)  # expect: RB204
through_tf = tf.keras.optimizers.AdamW(1e-3, weight_decay=0.05)  # expect: RB204
sgd = keras.optimizers.SGD(0.1, momentum=0.9)
plain_adam = keras.optimizers.Adam(1e-3)
no_decay = keras.optimizers.AdamW(1e-3, weight_decay=0.0)

model = keras.Sequential([
    layers.Dense(16, kernel_regularizer=regularizers.l2(1e-4), bias_regularizer=regularizers.l2(1e-4)),  # expect: RB103, RB205
    layers.BatchNormalization(gamma_regularizer="l2", beta_regularizer="l2"),  # expect: RB205
    layers.Conv2D(8, 3, kernel_regularizer="l2", bias_regularizer=None),  # expect: RB103
    layers.BatchNormalization(),
    layers.Dense(4, kernel_regularizer=regularizers.l2(1e-4)),
])
model.compile(optimizer="adamw", loss="mse")  # expect: RB204
model.compile(optimizer="adam", loss="mse")
model.compile(optimizer=sgd, loss="mse")
