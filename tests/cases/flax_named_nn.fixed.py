"""`nn` bound to another framework is not torch.nn: the import decides, not the spelling (flax.linen's rows apply)."""
import flax.linen as nn

model = nn.Sequential([nn.Conv(64, (3, 3), use_bias=False), nn.BatchNorm(use_running_average=False)])  # expect: RB104:24 "Conv bias is cancelled by the BatchNorm that follows"
also = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8))
