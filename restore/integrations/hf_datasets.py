"""A batched function for Hugging Face ``datasets``::

    from restore.integrations import RestoreBatch
    ds = ds.map(RestoreBatch(field="text"), batched=True, num_proc=4)   # adds restored, spin_score, edits
    clean = ds.filter(lambda row: row["spin_score"] <= 0.03)

It needs nothing from ``datasets`` itself: a batch is a dict of columns, and the function returns the new
columns. Edits are JSON strings (one Arrow type for every row, empty lists included).
"""

from __future__ import annotations

import json

from ..errors import SettingsError
from ._lazy import LazyRestorer

MODES = ("restore", "detect")


class RestoreBatch(LazyRestorer):
    """``batch -> new columns``. ``mode="restore"``: ``restored``, ``spin_score``, ``edits`` (JSON);
    ``mode="detect"``: ``spin_score``, ``spans`` (JSON). ``field`` names the text column; other keywords
    go to :class:`restore.Restorer` (``lexicons=[...]``, ``lm=...``). Empty or missing texts get a score
    of 0 and no edits."""

    def __init__(self, field: str = "text", mode: str = "restore", **restorer_options) -> None:
        if mode not in MODES:
            raise SettingsError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        super().__init__(**restorer_options)
        self.field = field
        self.mode = mode

    def __call__(self, batch: dict) -> dict:
        if self.field not in batch:
            raise KeyError(f"the batch has no column {self.field!r} (columns: {', '.join(batch)})")
        cols: dict[str, list] = {"spin_score": []}
        if self.mode == "restore":
            cols.update(restored=[], edits=[])
        else:
            cols["spans"] = []
        for text in batch[self.field]:
            if not isinstance(text, str) or not text.strip():
                result = None
            elif self.mode == "restore":
                result = self.restorer.restore(text)
            else:
                result = self.restorer.detect(text)
            cols["spin_score"].append(result.spin_score if result else 0.0)
            if self.mode == "restore":
                cols["restored"].append(result.text if result else text)
                cols["edits"].append(json.dumps([e.to_dict() for e in result.edits] if result else []))
            else:
                cols["spans"].append(json.dumps([f.to_dict() for f in result.spans] if result else []))
        return cols
