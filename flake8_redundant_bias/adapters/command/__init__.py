"""The ``redundant-bias`` command: files, configuration, the cache, outputs and fixes around the engine."""
