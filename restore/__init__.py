"""restore: find the words a synonym spinner changed and put the original wording back.

    >>> import restore
    >>> result = restore.restore_text("Nuclear guns used to be a risk to the 2 international locations.")
    >>> result.text, [(e.spun, e.original) for e in result.edits]

The pipeline, one module per stage: tokenize -> candidates (lexicon = channel model) -> decode (language
model + channel + the document's spin rate) -> edits (applied at exact offsets).
"""



def _source_checkout_data() -> None:
    """Map lexicons/ and models/ as ``restore._lexicons`` and ``restore._models`` in a source checkout that
    was not installed (``pip install`` maps them so, by pyproject.toml): the package then runs from a
    clone with its dependencies present, as tests and scripts expect."""
    import importlib.util
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    for name, folder in (("_lexicons", "lexicons"), ("_models", "models")):
        full = f"{__name__}.{name}"
        init = root / folder / "__init__.py"
        if full in sys.modules or importlib.util.find_spec(full) is not None or not init.exists():
            continue
        spec = importlib.util.spec_from_file_location(full, init, submodule_search_locations=[str(init.parent)])
        module = importlib.util.module_from_spec(spec)
        sys.modules[full] = module
        spec.loader.exec_module(module)


_source_checkout_data()

from .api import Detection, Restoration, Restorer, default_restorer, detect, restore_text  # noqa: E402
from .edits import Edit, Flag  # noqa: E402
from .errors import InputError, LexiconError, ModelError, RestoreError, SettingsError  # noqa: E402
# Importable from here for the tools built on restore, but not the public surface (__all__):
from .candidates import CandidateSpan  # noqa: E402,F401
from .decode import Settings  # noqa: E402,F401
from .lexicon import Lexicon  # noqa: E402,F401
from .lm import LanguageModel, NgramLM  # noqa: E402,F401

__all__ = ["restore_text", "detect", "Restorer", "Restoration", "Detection", "Edit", "Flag",
           "RestoreError", "InputError", "LexiconError", "SettingsError", "ModelError"]
__version__ = "0.1.0"
