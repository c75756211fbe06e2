"""PyTorch Lightning: ``self.save_hyperparameters()`` keeps ``__init__``'s arguments as ``self.hparams``."""

from __future__ import annotations

from .schema import Framework, SavedArguments

FRAMEWORK = Framework("lightning", {}, providers=(SavedArguments("save_hyperparameters", "hparams"),))
