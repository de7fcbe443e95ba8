"""restore: find the words a synonym spinner changed and put the original wording back.

    >>> import restore
    >>> result = restore.restore_text("Nuclear guns are necessary for the regime.")
    >>> result.text, [(e.spun, e.original) for e in result.edits]

The pipeline, one module per stage: tokenize -> candidates (lexicon = channel model) -> decode (language
model + channel + the document's spin rate) -> edits (applied at exact offsets).
"""

from .api import Detection, Restoration, Restorer, default_restorer, detect, restore_text
from .candidates import CandidateSpan
from .decode import Settings
from .edits import Edit, Flag
from .lexicon import Lexicon, LexiconError
from .lm import LanguageModel, NgramLM

__all__ = ["restore_text", "detect", "Restorer", "Restoration", "Detection", "Edit", "Flag", "Lexicon",
           "LexiconError", "LanguageModel", "NgramLM", "CandidateSpan", "Settings", "default_restorer"]
__version__ = "0.1.0"
