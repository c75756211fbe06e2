# An OpenMMLab (mmengine) training config: the optimizer's dict names a torch.optim class and a decay,
# and no paramwise_cfg exempts the biases and norms.
model = dict(type="ImageClassifier", backbone=dict(type="ResNet", depth=18, norm_cfg=dict(type="BN")))
weight_decay = 0.05
optim_wrapper = dict(
    type="AmpOptimWrapper",
    optimizer=dict(type="AdamW", lr=0.001, weight_decay=weight_decay),  # expect: RB206:15 "AdamW in optim_wrapper applies weight_decay=0.05 (weight_decay) to every parameter of the model, biases and normalization weights included: add paramwise_cfg=dict(norm_decay_mult=0.0, bias_decay_mult=0.0) to optim_wrapper"
    clip_grad=dict(max_norm=1.0),
)
