"""The cause taxonomy: every finding names exactly one of these ids (shared/causes.md).

The ids are a contract: tests, the clinic benchmark and users' CI scripts key on them.
An id is never renamed or reused.
"""

CAUSES: dict[str, str] = {
    "healthy": "nothing: the model learns what the data allows",
    "undertrained": "the model never trained, or stopped long before converging",
    "symmetric-init": "weights start identical (constant or zero init), so the units of a layer stay clones",
    "bad-init-scale": "init far too large or too small for the depth/activation",
    "lr-too-high": "the step size overshoots",
    "lr-too-low": "the step size is too small to get anywhere in the budget",
    "exploding-gradients": "gradient norms grow without bound",
    "vanishing-gradients": "gradients die out before the early layers (saturating activations, deep sigmoid/tanh)",
    "dead-relu": "most ReLU units output zero for every input",
    "parameters-not-updating": "the optimizer never changes the weights: step() never called, frozen/`trainable=False` layers, optimizer built over other parameters, detached graph",
    "gradient-accumulation": "gradients never cleared (PyTorch `zero_grad` missing)",
    "output-activation-mismatch": "output layer and loss disagree: softmax on one unit, softmax/sigmoid fed to a loss that expects logits, categorical loss on one unit",
    "wrong-loss-for-task": "a classification loss on a regression target or the reverse",
    "label-encoding-mismatch": "labels do not fit the output: one-hot vs integer, labels outside 0..C-1, wrong number of output units",
    "shape-broadcast": "output and target shapes broadcast in the loss ([N,1] against [N])",
    "unscaled-inputs": "features far from zero mean / unit scale, or with wildly different scales",
    "unscaled-targets": "regression targets far from unit scale",
    "preprocessing-mismatch": "the data at prediction time is scaled or encoded differently from training data",
    "nan-in-data": "NaN or infinite values in inputs or labels",
    "sorted-data-split": "data ordered by label and split or batched in order (validation = one class; single-class batches)",
    "no-signal": "labels carry no information about the inputs: features and labels misaligned by a shuffle or file order, or truly unpredictable data",
    "train-mode-at-inference": "dropout or batch-norm left in training mode at prediction (`model.eval()` missing, `training=True`), or batch-norm statistics never updated",
    "class-imbalance": "one class dominates and the model predicts it always",
    "label-noise": "a sizable fraction of labels is wrong",
    "too-little-data": "too few examples for the model to generalize",
    "overfitting": "the model memorizes the training set",
    "capacity-bottleneck": "the network cannot represent the mapping (a width-1 layer, too small a model)",
    "wrong-metric": "the reported metric does not fit the task (accuracy on continuous targets)",
    "unreliable-evaluation": "the evaluation set is too small (or too unlike the task) to tell good from random",
}
