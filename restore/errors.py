"""The errors restore raises on purpose, under one base: ``except restore.RestoreError`` catches them all.

Each also derives from the built-in a caller would expect (a bad lexicon is a ``ValueError``), so code
written against those keeps working. Anything else that escapes is a bug, and the command line lets it
show as one instead of calling it bad input.
"""

from __future__ import annotations


class RestoreError(Exception):
    """Base of every error restore raises on purpose."""


class InputError(RestoreError):
    """Input that cannot be processed (a missing, binary or wrongly encoded file; an output over an input)."""


class LexiconError(RestoreError, ValueError):
    """A lexicon file that cannot be read; the message names the file and line."""


class SettingsError(RestoreError, ValueError):
    """An option or decoder setting out of range or unknown."""


class ModelError(RestoreError, ValueError):
    """A language model that cannot be used: an unknown name, a folder that is not a model, bad weights."""


class NeuralUnavailable(ModelError):
    """A neural model was asked for but cannot be loaded here (missing packages or files)."""


class SetupError(RestoreError, RuntimeError):
    """A batch worker could not build its Restorer (bad lexicon or model): fatal for the run."""
