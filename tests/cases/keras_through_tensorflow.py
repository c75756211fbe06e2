"""Keras reached only through ``import tensorflow as tf`` (RB205): a regularizer on a bias or a norm's weights."""
import tensorflow as tf

model = tf.keras.Sequential([
    tf.keras.layers.Dense(16, kernel_regularizer=tf.keras.regularizers.l2(1e-4)),
    tf.keras.layers.Dense(8, bias_regularizer=tf.keras.regularizers.l2(1e-4)),  # expect: RB205:5 "bias_regularizer on Dense shrinks its bias"
    tf.keras.layers.Dense(4, bias_regularizer=None),
])
norm = tf.keras.layers.BatchNormalization(gamma_regularizer="l2")  # expect: RB205:8 "gamma_regularizer on BatchNormalization shrinks its scale (gamma)"
