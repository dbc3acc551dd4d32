"""Renderings of a diagnosis: terminal (rich), HTML with plots, JSON."""
