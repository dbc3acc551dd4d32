"""Watch an unmodified training script and diagnose what it trained (`nndoctor run`).

`ScriptRecorder` patches the frameworks for the duration of the script only:

* Keras: ``keras.Model.fit`` (``tf.keras.Model`` is the same class in TF 2.21) is wrapped to
  record the model, ``x``, ``y``, ``validation_data`` / ``validation_split``, ``batch_size`` and
  ``epochs``; the real ``fit`` runs unchanged.
* PyTorch: global module forward (pre-)hooks see every top-level forward call and every loss
  module's ``(output, target)``; a global optimizer step post hook counts ``step()`` calls;
  ``Optimizer.zero_grad``, ``Module.zero_grad`` and ``Tensor.backward`` are wrapped to count
  calls. Recording never changes a value the script computes.

A framework the script never imports is never imported: the patches are installed when the
script's ``import`` of it completes (a ``sys.meta_path`` finder), or at once when it is
already loaded.
"""

from .script import ScriptRecorder, ScriptResult, run_script

__all__ = ["ScriptRecorder", "ScriptResult", "run_script"]
