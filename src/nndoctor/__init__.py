"""nndoctor: why does my network give random predictions?

    >>> import nndoctor
    >>> diagnosis = nndoctor.diagnose(model, x, y, validation_data=(x_val, y_val))
    >>> diagnosis.primary_cause, diagnosis.verdict
    >>> diagnosis.show()

Works with Keras 3 / tf.keras and PyTorch models; never changes the model it is given.
"""

__version__ = "0.1.0"

from ._validation import Budget  # noqa: E402
from .causes import CAUSES  # noqa: E402
from .diagnosis import diagnose  # noqa: E402
from .findings import Finding  # noqa: E402
from .result import Diagnosis  # noqa: E402

__all__ = ["Budget", "CAUSES", "Diagnosis", "Finding", "diagnose", "__version__"]
