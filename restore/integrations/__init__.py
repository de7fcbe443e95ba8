"""Thin adapters for the tools corpus builders already run (each needs its extra installed):

* :class:`restore.integrations.hf_datasets.RestoreBatch` -- a batched function for Hugging Face
  ``Dataset.map(..., batched=True, num_proc=N)`` (``pip install 'restore[datasets]'``);
* :mod:`restore.integrations.datatrove_step` -- ``RestoreDocuments`` and ``SpinFilter``, datatrove pipeline
  steps (``pip install 'restore[datatrove]'``).

Both build their :class:`restore.Restorer` lazily, once per worker process, and never pickle it.
"""

from __future__ import annotations

from .hf_datasets import RestoreBatch

__all__ = ["RestoreBatch"]
