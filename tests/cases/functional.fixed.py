"""RB102: functional convolutions into functional normalizations."""
import torch
import torch.nn.functional as F
from torch.nn import functional


def nested(x, w, b, rm, rv):
    return F.batch_norm(F.conv2d(x, w, None), rm, rv, training=True)  # expect: RB102:25 "conv2d bias is cancelled by the batch_norm that follows"


def through_variable(x, w, b):
    y = F.conv_transpose2d(x, w, None, stride=2)  # expect: RB102:9 "conv_transpose2d bias is cancelled by the instance_norm that follows"
    return F.instance_norm(y)


def keyword_bias(x, w, b):
    return functional.instance_norm(functional.conv1d(x, w, bias=None))  # expect: RB102:37 "conv1d bias is cancelled by the instance_norm that follows"


def torch_namespace(x, w, b, rm, rv):
    return torch.batch_norm(torch.conv2d(x, w, None), rm, rv, None, None, True, 0.1, 1e-5, False)  # expect: RB102:29 "conv2d bias is cancelled by the batch_norm that follows"


def through_pool(x, w, b):
    return F.batch_norm(F.max_pool2d(F.conv2d(x, w, None), 2), None, None, training=True)  # expect: RB102:38 "conv2d bias is cancelled by the batch_norm that follows"


# ---- negatives


def no_bias(x, w, rm, rv):
    return F.batch_norm(F.conv2d(x, w), rm, rv, training=True)


def none_bias(x, w, rm, rv):
    return F.batch_norm(F.conv2d(x, w, None), rm, rv, training=True)


def weight_standardization(x, weight, bias):
    # F.batch_norm normalizes the weight here, not the convolution's output.
    w = F.batch_norm(weight.reshape(1, weight.shape[0], -1), None, None, training=True).reshape_as(weight)
    return F.conv2d(x, w, bias)


def used_twice(x, w, b):
    y = F.conv2d(x, w, b)
    return F.instance_norm(y) + y


def activation_between(x, w, b, rm, rv):
    return F.batch_norm(F.relu(F.conv2d(x, w, b)), rm, rv, training=True)


def linear_unknown_rank(x, w, b, rm, rv):
    # Whether a last-axis bias meets the norm's channel axis depends on the input's rank.
    return F.batch_norm(F.linear(x, w, b), rm, rv, training=True)


def group_norm(x, w, b):
    return F.group_norm(F.conv2d(x, w, b), 32)


def as_running_mean(x, w, b, rm, rv):
    return F.batch_norm(x, F.conv2d(rm, w, b), rv)


def zero_padding(x, w, b):
    return F.instance_norm(F.pad(F.conv2d(x, w, b), (1, 1, 1, 1)))


def bias_held_as_none(x, w, rm, rv):
    b = None
    return F.batch_norm(F.conv2d(x, w, b), rm, rv, training=True)  # the bias is None on every path


def bias_held_as_none_by_default(x, w, rm, rv, b=None):
    return F.batch_norm(F.conv2d(x, w, b), rm, rv, training=True)  # None where every call leaves it


bias_held_as_none_by_default(None, None, None, None)


def bias_kept_in_a_branch(x, w, b, rm, rv, fused):
    if fused:
        y = F.conv2d(x, w, None)  # expect: RB102:13 "conv2d bias is cancelled by the batch_norm that follows"
    else:
        y = F.conv2d(x, w, None, padding=1)  # expect: RB102:13 "conv2d bias is cancelled by the batch_norm that follows"
    return F.batch_norm(y, rm, rv, training=True)
