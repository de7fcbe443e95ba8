"""datatrove pipeline steps::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from restore.integrations.datatrove_step import RestoreDocuments, SpinFilter

    LocalPipelineExecutor(pipeline=[JsonlReader("crawl/"), SpinFilter(max_spin=0.03), RestoreDocuments(),
                                    JsonlWriter("clean/")], tasks=4).run()

``RestoreDocuments`` rewrites ``doc.text`` and puts ``spin_score`` and ``restore_edits`` in the metadata;
``SpinFilter`` drops documents whose spin score is above ``max_spin`` (to an ``exclusion_writer`` if
given), with ``spin_score`` and ``spun_spans`` in the metadata of every document it sees.
"""

from __future__ import annotations

try:
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.filters.base_filter import BaseFilter
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("restore.integrations.datatrove_step needs datatrove: pip install 'restore[datatrove]'",
                      name=exc.name) from exc

from ..api import MAX_SPIN
from ._lazy import LazyRestorer


class RestoreDocuments(PipelineStep):
    """Restore each document's text; the spin score and the edits go into its metadata."""

    name = "restore: restore spun wording"
    type = "✏️ - FORMAT"

    def __init__(self, **restorer_options) -> None:
        super().__init__()
        self.lazy = LazyRestorer(**restorer_options)

    def run(self, data, rank: int = 0, world_size: int = 1):
        for doc in data:
            with self.track_time():
                if doc.text.strip():
                    result = self.lazy.restorer.restore(doc.text)
                    doc.text = result.text
                    doc.metadata["spin_score"] = result.spin_score
                    doc.metadata["restore_edits"] = [e.to_dict() for e in result.edits]
                    self.stat_update("edits", value=len(result.edits))
            self.stat_update("documents")
            yield doc


class SpinFilter(BaseFilter):
    """Keep documents whose spin score (estimated share of words replaced) is at most ``max_spin``."""

    name = "restore: spin filter"

    def __init__(self, max_spin: float = MAX_SPIN, exclusion_writer=None, **restorer_options) -> None:
        super().__init__(exclusion_writer)
        self.max_spin = max_spin
        self.lazy = LazyRestorer(**restorer_options)

    def filter(self, doc) -> bool | tuple[bool, str]:
        if not doc.text.strip():
            return True
        detection = self.lazy.restorer.detect(doc.text)
        doc.metadata["spin_score"] = detection.spin_score
        doc.metadata["spun_spans"] = [f.to_dict() for f in detection.spans]
        return detection.spin_score <= self.max_spin or (False, "spun")
