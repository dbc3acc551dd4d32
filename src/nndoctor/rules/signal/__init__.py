"""Rules about whether the labels carry learnable signal."""
