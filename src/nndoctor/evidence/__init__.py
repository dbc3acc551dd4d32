"""Framework-free facts about a model, its data and a recorded training run."""
