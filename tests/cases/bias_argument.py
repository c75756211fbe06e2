"""How the bias is given: keyword, 8th positional, default, or unknown."""
import torch.nn as nn

positional_true = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, 1, 1, True), nn.BatchNorm2d(8))  # expect: RB101:33 "Conv2d bias is cancelled by the BatchNorm2d that follows"
explicit_true = nn.Sequential(nn.Conv2d(3, 8, 3, bias=True), nn.BatchNorm2d(8))  # expect: RB101:31 "Conv2d bias is cancelled by the BatchNorm2d that follows"
linear_positional = nn.Sequential(nn.Linear(8, 8, True), nn.BatchNorm1d(8))  # expect: RB101:35 "Linear bias is cancelled by the BatchNorm1d that follows"

# ---- negatives
positional_false = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1, 1, 1, False), nn.BatchNorm2d(8))
transpose_positional_false = nn.Sequential(nn.ConvTranspose2d(3, 8, 3, 1, 0, 0, 1, False), nn.BatchNorm2d(8))
lazy_positional_false = nn.Sequential(nn.LazyConv2d(8, 3, 1, 1, 1, 1, False), nn.BatchNorm2d(8))
linear_positional_false = nn.Sequential(nn.Linear(8, 8, False), nn.BatchNorm1d(8))
variable = nn.Sequential(nn.Conv2d(3, 8, 3, bias=use_bias), nn.BatchNorm2d(8))
negated = nn.Sequential(nn.Conv2d(3, 8, 3, bias=not bn), nn.BatchNorm2d(8))
kwargs = nn.Sequential(nn.Conv2d(3, 8, 3, **conv_kwargs), nn.BatchNorm2d(8))
star_args = nn.Sequential(nn.Conv2d(*conv_args), nn.BatchNorm2d(8))
star_then_more = nn.Sequential(nn.Conv2d(3, 8, *rest), nn.BatchNorm2d(8))
