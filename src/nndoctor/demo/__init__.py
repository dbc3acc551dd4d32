"""The seed document's three scenarios, for real, in Keras and in PyTorch, each diagnosed."""

from .run import SCENARIOS, run_demo

__all__ = ["SCENARIOS", "run_demo"]
