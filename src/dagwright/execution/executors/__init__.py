"""Executors: the loops that take ready steps from a run's state and run them."""

from .in_process import execute_steps_in_process

__all__ = ["execute_steps_in_process"]
