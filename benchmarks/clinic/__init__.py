"""The clinic: a fault-injection benchmark that scores every diagnosis (``python -m benchmarks.clinic``)."""
