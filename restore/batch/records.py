"""What travels to a worker and what it does with one record: the job, item kinds, text checks, JSON lines."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass
from typing import Any, NamedTuple

from ..errors import SetupError
from ..api import MAX_SPIN
from ..encoding import wide_encoding


STATE_VERSION = 1
MODES = ("restore", "detect", "filter")
INPUT_FORMATS = ("auto", "text", "jsonl", "csv", "parquet")
OUTPUT_FORMATS = ("auto", "jsonl", "csv", "parquet", "text")
DEFAULT_MAX_CHARS = 200_000
DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024
DEFAULT_CHECKPOINT_EVERY = 2000
DEFAULT_CHUNK_RECORDS = 64
CHUNK_BYTES = 1 << 20
MANIFEST = ".restore-manifest.jsonl"

# Item kinds travelling from the reader to the workers (plain tuples: cheap to pickle).
LINE, TEXT, RECORD, ERROR = 0, 1, 2, 3
# Destinations of a processed record.
MAIN, SIDE, DROP = 0, 1, 2


@dataclass(frozen=True)
class RestorerSpec:
    """How to build a Restorer in a worker process (a Restorer itself is not sent between processes).

    ``lexicon_only`` uses just the ``lexicons`` files instead of the bundled lexicons -- handy for small,
    fast restorers in tests and for specialised lists.
    """

    lm: str = "ngram"
    lexicons: tuple[str, ...] = ()
    lexicon_only: bool = False
    wordnet: bool = True
    min_confidence: float = 0.5
    lexicon_format: str | None = None    # how to read ``lexicons`` (restore.dictionary); None: detected
    lexicon_trust: str | None = None
    spinner_mode: str = "auto"
    profile: str = "news"                # "science": the term lexicon and the unlisted-phrase detector
    knobs: tuple[tuple[str, object], ...] = ()   # other decoder settings, as (name, value) pairs

    def build(self):
        from ..api import Restorer
        from ..lexicon import Lexicon
        how = {"lexicon_format": self.lexicon_format, "lexicon_trust": self.lexicon_trust,
               "min_confidence": self.min_confidence, "spinner_mode": self.spinner_mode, "profile": self.profile, **dict(self.knobs)}
        if self.lexicon_only:
            return Restorer(self.lm, lexicon=Lexicon(), lexicons=self.lexicons, **how)
        return Restorer(self.lm, lexicons=self.lexicons, wordnet=self.wordnet, **how)


@dataclass(frozen=True)
class Job:
    """How to turn one input record into an output record."""

    spec: RestorerSpec = RestorerSpec()
    mode: str = "restore"
    field: str = "text"
    restored_field: str | None = "restored"   # None: write the restored text over ``field``
    edits: bool = False                       # add ``edits`` (restore) / ``spans`` (detect, filter)
    max_spin: float = MAX_SPIN
    max_chars: int = DEFAULT_MAX_CHARS
    error_field: str = "error"
    route_spun: bool = False                  # filter: send spun records to the side output (else drop)
    encode_jsonl: bool = False                # workers return finished JSONL lines
    sources: str | None = None                # restore --learn: JSON file, text hash -> [source id, source text]
    unknown_spun: bool = False                # detect/filter: the kind "unknown spinner" counts as spun too


_restorers: dict[RestorerSpec, Any] = {}
_restorers_lock = threading.Lock()


def restorer_for(spec: RestorerSpec):
    """The Restorer of ``spec`` for this process, built on first use and kept (thread-safe)."""
    with _restorers_lock:
        restorer = _restorers.get(spec)
        if restorer is None:
            restorer = _restorers[spec] = spec.build()
        return restorer


# --------------------------------------------------------------------------------------------------------
# Processing records (runs in the workers)


@dataclass
class Stats:
    documents: int = 0
    words: int = 0
    edits: int = 0
    spun: int = 0
    errors: int = 0
    dropped: int = 0
    routed: int = 0

    def add(self, words: int, edits: int, spun: int, error: int, dest: int) -> None:
        self.documents += 1
        self.words += words
        self.edits += edits
        self.spun += spun
        self.errors += error
        self.dropped += dest == DROP
        self.routed += dest == SIDE




class Outcome(NamedTuple):
    """What one input record became: the output record (a dict, or its JSON line once encoded), where it
    goes (``MAIN``, ``SIDE`` or ``DROP``), and what it adds to the run's counts."""

    record: object
    dest: int = MAIN
    words: int = 0
    edits: int = 0
    spun: int = 0
    error: int = 0


def failed(record: dict) -> Outcome:
    """A record that carries an error: written to the main output, counted as an error."""
    return Outcome(record, MAIN, error=1)


def process_chunk(job: Job, items: list[tuple]) -> list[tuple[int, Outcome]]:
    """Process a chunk of reader items: ``(index, outcome)`` for each, the record JSON-encoded when the
    output is JSON lines (encoding in the worker spreads that cost too)."""
    try:
        restorer = restorer_for(job.spec)
    except Exception as exc:
        raise SetupError(f"cannot build the restorer: {type(exc).__name__}: {exc}") from None
    out = []
    for index, kind, data, source in items:
        try:
            outcome = _process_item(restorer, job, kind, data, source)
        except Exception as exc:  # a bug must not lose the record: report it on the record
            outcome = failed({job.error_field: f"internal error: {type(exc).__name__}: {exc}", "source": source})
        if job.encode_jsonl:
            outcome = outcome._replace(record=encode_json_line(outcome.record))
        out.append((index, outcome))
    return out


def _process_item(restorer, job: Job, kind: int, data, source: str) -> Outcome:
    err = job.error_field
    if kind == LINE:
        record = parse_json_line(data, source, err)
    elif kind == TEXT:
        rel, raw = data
        record = {"path": rel}
        text, problem = decode_text(raw)
        if problem:
            record[err] = problem
        else:
            record[job.field] = text
    elif kind == RECORD:
        record = dict(data)
    else:
        record = dict(data)
    if err in record and kind != RECORD:
        return failed(record)
    return apply_job(restorer, job, record)


def item_text(kind: int, data, field: str) -> str | None:
    """The text an input item holds in ``field``, or None (an error, a missing field, not a string)."""
    if kind == LINE:
        record = parse_json_line(data, "", "error")
    elif kind == TEXT:
        return decode_text(data[1])[0]
    elif kind == RECORD:
        record = data
    else:
        return None
    value = record.get(field)
    return value if isinstance(value, str) and value.strip() else None


def apply_job(restorer, job: Job, record: dict) -> Outcome:
    """Restore, detect or filter one record (a copy: the input record is left as it was)."""
    record = dict(record)
    text = record.get(job.field, _MISSING)
    problem = check_text(text, job.field, job.max_chars)
    if problem:
        record[job.error_field] = problem
        return failed(record)
    try:
        source = _source_of(job.sources, text) if job.sources and job.mode == "restore" else None
        if source is not None:
            # A spun copy whose source is in the corpus: the source is the original wording, exactly.
            record[job.restored_field or job.field] = source[1]
            record["source_id"] = source[0]
            record["spin_score"] = None
            if job.edits:
                record["edits"] = []
            return Outcome(record, MAIN, words=len(text.split()), spun=1)
        if job.sources and job.mode == "restore":
            record["source_id"] = None
        if job.mode == "restore":
            result = restorer.restore(text)
            record[job.restored_field or job.field] = result.text
            record["spin_score"] = round(result.spin_score, 4)
            if job.edits:
                record["edits"] = [e.to_dict() for e in result.edits]
            n_edits = len(result.edits)
            score = result.spin_score
        else:
            detection = restorer.detect(text)
            record["spin_score"] = round(detection.spin_score, 4)
            record["rewrite_score"] = round(detection.rewrite_score, 4)
            record["kind"] = detection.kind
            if job.edits:
                record["spans"] = [s.to_dict() for s in detection.spans]
            n_edits = 0
            score = detection.spin_score
            if job.unknown_spun and detection.kind == "unknown spinner":
                score = 1.0   # rewritten by a spinner no lexicon knows: spun, whatever share was detected
    except Exception as exc:
        record[job.error_field] = f"{type(exc).__name__}: {exc}"
        return failed(record)
    spun = int(score > job.max_spin)
    dest = MAIN
    if job.mode == "filter" and spun:
        dest = SIDE if job.route_spun else DROP
    return Outcome(record, dest, words=len(text.split()), edits=n_edits, spun=spun)


_MISSING = object()
_sources: dict[str, dict] = {}


def source_key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def _source_of(path: str, text: str):
    """``[source id, source text]`` of a linked spun copy, or None (the map is read once per process)."""
    with _restorers_lock:
        table = _sources.get(path)
        if table is None:
            with open(path, encoding="utf-8") as f:
                table = _sources[path] = json.load(f)
    return table.get(source_key(text))


def check_text(text, name: str, max_chars: int) -> str | None:
    """Why ``text`` cannot be processed, or None."""
    if text is _MISSING:
        return f"missing field {name!r}"
    if not isinstance(text, str):
        return f"field {name!r} is {type(text).__name__}, not a string"
    if len(text) > max_chars:
        return f"text too long ({len(text):,} characters; the limit is {max_chars:,}, see --max-chars)"
    if "\x00" in text:
        return "text contains NUL bytes (binary data?)"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"text is not valid UTF-8 (undecodable data at character {exc.start})"
    return None


def decode_text(raw: bytes) -> tuple[str | None, str | None]:
    """UTF-8 text of a plain-text file: (text, None) or (None, why not)."""
    wide = wide_encoding(raw)
    if wide:
        return None, wide
    if b"\x00" in raw:
        return None, "looks like binary data (contains NUL bytes)"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not valid UTF-8 (byte {exc.start})"
    return text, None  # a UTF-8 BOM stays, as in ``restore text``: the file comes back byte for byte


def parse_json_line(line: bytes, source: str, err: str) -> dict:
    """A JSON object from one line, or an error record keeping the raw line."""
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return {err: f"not valid UTF-8 (byte {exc.start})", "source": source,
                "raw_base64": base64.b64encode(line.rstrip(b"\r\n")).decode("ascii")}
    try:
        value = json.loads(text)
    except ValueError as exc:
        return {err: f"invalid JSON: {exc}", "source": source, "raw": text.rstrip("\r\n")}
    if not isinstance(value, dict):
        return {err: f"not a JSON object but {type(value).__name__}", "source": source, "raw": text.rstrip("\r\n")}
    return value


def _json_default(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def encode_json_line(record: dict) -> bytes:
    """One JSONL line; lone surrogates (from "\\ud800" escapes) are kept as escapes."""
    text = json.dumps(record, ensure_ascii=False, default=_json_default)
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        data = json.dumps(record, ensure_ascii=True, default=_json_default).encode("ascii")
    return data + b"\n"


def _scalar(value):
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    return value
