"""Rules about how model, loss, labels and metrics are wired together.

They judge the configuration (the model profile, the data profile, the shapes) and answer
before any training step; the recorded run, when there is one, only adds support.
"""
