"""Rules about training dynamics: whether updates happen, how gradients flow, which units live."""
