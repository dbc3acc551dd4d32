"""Module classes a user writes by hand, for the faults that live in ``forward``."""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn


class TiedNet(nn.Module):
    """One hidden layer applied ``repeats`` times with the same weights (an unrolled RNN cell)."""

    def __init__(self, n_in, width, n_out, repeats, act, out):
        super().__init__()
        self.inp, self.act = nn.Linear(n_in, width), act()
        self.shared = nn.Linear(width, width)
        self.out = nn.Linear(width, n_out)
        self.final = nn.Sequential(*out)
        self.repeats = repeats

    def forward(self, x):
        h = self.act(self.inp(x))
        for _ in range(self.repeats):
            h = self.shared(h)
        return self.final(self.out(h))


class FunctionalDropoutNet(nn.Module):
    """An MLP whose forward calls ``F.dropout(h, p)``: ``training=True`` is that function's
    default, so dropout stays on in ``eval()`` mode."""

    def __init__(self, n_in, hidden, n_out, p, act, out):
        super().__init__()
        sizes = (n_in, *hidden)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:]))
        self.act = act()
        self.out = nn.Linear(sizes[-1], n_out)
        self.final = nn.Sequential(*out)
        self.p = p

    def forward(self, x):
        for layer in self.hidden:
            x = F.dropout(self.act(layer(x)), self.p)
        return self.final(self.out(x))
