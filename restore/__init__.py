"""restore: find the words a synonym spinner changed and put the original wording back.

    >>> import restore
    >>> result = restore.restore_text("Nuclear guns used to be a risk to the 2 international locations.")
    >>> result.text, [(e.spun, e.original) for e in result.edits]

The pipeline, one module per stage: tokenize -> candidates (lexicon = channel model) -> decode (language
model + channel + the document's spin rate) -> edits (applied at exact offsets).
"""

from .api import Detection, Restoration, Restorer, default_restorer, detect, restore_text
from .edits import Edit, Flag
from .errors import InputError, LexiconError, ModelError, RestoreError, SettingsError
# Importable from here for the tools built on restore, but not the public surface (__all__):
from .candidates import CandidateSpan  # noqa: E402,F401
from .decode import Settings  # noqa: E402,F401
from .lexicon import Lexicon  # noqa: E402,F401
from .lm import LanguageModel, NgramLM  # noqa: E402,F401

__all__ = ["restore_text", "detect", "Restorer", "Restoration", "Detection", "Edit", "Flag",
           "RestoreError", "InputError", "LexiconError", "SettingsError", "ModelError"]
__version__ = "0.1.0"
