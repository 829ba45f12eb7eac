"""Config: schemas for op, resource and job config, and config mapping."""

from .mapping import ConfigMapping, config_mapping

__all__ = ["ConfigMapping", "config_mapping"]
