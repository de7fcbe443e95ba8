"""A Restorer made on first use in each process: pipelines pickle their steps to send them to workers."""

from __future__ import annotations


class LazyRestorer:
    def __init__(self, **options) -> None:
        self.options = options
        self._restorer = None

    @property
    def restorer(self):
        if self._restorer is None:
            from ..api import Restorer
            self._restorer = Restorer(**self.options)
        return self._restorer

    def __getstate__(self) -> dict:
        return dict(self.__dict__, _restorer=None)
