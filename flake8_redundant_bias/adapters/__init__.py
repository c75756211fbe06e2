"""The thin layers that run the engine for a user: the flake8 plugin and the ``redundant-bias`` command."""
