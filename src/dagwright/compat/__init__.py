"""Compatibility layers that let code written for other orchestrators run on dagwright."""
