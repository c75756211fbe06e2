"""The value-flow service: ``service.Flow``, made of the parts beside it."""
