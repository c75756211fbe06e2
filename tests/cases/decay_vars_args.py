# A model built from every command-line option: Model(**vars(args)).
import argparse

import pytorch_lightning as pl
import torch
import torch.nn as nn


class Model(pl.LightningModule):
    def __init__(self, encoder=None, learning_rate=0.2, weight_decay=1.5e-6, momentum=0.9):
        super().__init__()
        self.save_hyperparameters(ignore="encoder")
        self.net = nn.Linear(4, 4)

    @staticmethod
    def add_model_specific_args(parent):
        parser = argparse.ArgumentParser(parents=[parent], add_help=False)
        parser.add_argument("--momentum", type=float, default=0.9)
        return parser

    def configure_optimizers(self):
        return torch.optim.SGD(  # expect: RB201:16 "SGD applies weight_decay=1.5e-06 (the default of --weight_decay) to the biases and normalization weights of self"
            self.parameters(), self.hparams.learning_rate, momentum=self.hparams.momentum,
            weight_decay=self.hparams.weight_decay,
        )


class NoDecayOption(pl.LightningModule):
    def __init__(self, learning_rate=0.2, momentum=0.9, wd=0.0):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        # --wd is not an option of the parser: vars(args) leaves wd at its default, 0.0
        return torch.optim.SGD(self.parameters(), 0.1, weight_decay=self.hparams.wd)


def cli():
    parser = Model.add_model_specific_args(argparse.ArgumentParser())
    parser.add_argument("--learning_rate", type=float, default=0.2)
    parser.add_argument("--weight_decay", type=float, default=1.5e-6)
    args = parser.parse_args()
    Model(**vars(args))
    NoDecayOption(**args.__dict__)


class IgnoredDecay(pl.LightningModule):
    def __init__(self, weight_decay=0.1):
        super().__init__()
        self.save_hyperparameters(ignore=["weight_decay"])
        self.net = nn.Linear(4, 4)

    def configure_optimizers(self):
        return torch.optim.AdamW(self.parameters(), weight_decay=self.hparams.weight_decay)
