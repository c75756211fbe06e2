# A value set from outside its class: the default may not be what the optimizer gets.
import torch
import torch.nn as nn


class SetFromOutside:
    def __init__(self, model):
        self.model = model
        self.weight_decay = 0.01

    def build(self):
        return torch.optim.SGD(self.model.parameters(), lr=0.1, weight_decay=self.weight_decay)


outside = SetFromOutside(nn.Conv2d(3, 8, 3))
outside.weight_decay = 0.0
