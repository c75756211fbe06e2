"""Keras: an optimizer told what to leave out (exclude_from_weight_decay) is not reported anywhere in the file."""
import keras

optimizer = keras.optimizers.AdamW(learning_rate=1e-3)
optimizer.exclude_from_weight_decay(var_names=["bias", "gamma", "beta"])
other = keras.optimizers.Lion(1e-4, weight_decay=0.1)
