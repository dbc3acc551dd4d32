"""Run a callback as soon as a framework's top-level import completes, without importing it."""

from __future__ import annotations

import importlib.abc
import sys


class _Loader(importlib.abc.Loader):
    def __init__(self, loader, callback):
        self._loader, self._callback = loader, callback

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = self._loader
        if module.__spec__ is not None:
            module.__spec__.loader = self._loader
        self._loader.exec_module(module)
        try:
            self._callback(module)
        except Exception as exc:  # noqa: BLE001 - recording must never break the user's import
            print(f"nndoctor: could not watch {module.__name__}: {type(exc).__name__}: {exc}",
                  file=sys.stderr)

    def __getattr__(self, name):
        return getattr(self._loader, name)


def _noop(module):
    return None


class AfterImport(importlib.abc.MetaPathFinder):
    """``{module name: callback(module)}``; each callback runs once, right after its import."""

    def __init__(self, callbacks: dict):
        self.callbacks = dict(callbacks)
        self._busy = False

    def find_spec(self, name, path=None, target=None):
        if name not in self.callbacks or self._busy:
            return None
        self._busy = True
        try:
            spec = None
            for finder in sys.meta_path:  # the finders after this one decide, as without it
                if finder is self or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    break
        finally:
            self._busy = False
        if spec is None or spec.loader is None:
            return None
        # pop only when the module is executed: find_spec alone (TensorFlow calls
        # importlib.util.find_spec("keras") to locate it) is no import
        spec.loader = _Loader(spec.loader, lambda module: self.callbacks.pop(name, _noop)(module))
        return spec

    def install(self) -> None:
        for name in list(self.callbacks):
            if name in sys.modules:  # already loaded: watch it now
                self.callbacks.pop(name)(sys.modules[name])
        sys.meta_path.insert(0, self)

    def remove(self) -> None:
        if self in sys.meta_path:
            sys.meta_path.remove(self)
