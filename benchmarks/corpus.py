"""Build the clean-prose corpus from texts shipped in Debian packages (see benchmarks/DATA.md).

    apt-get install -y r-cran-janeaustenr python3.11-doc debian-handbook debian-reference-en doc-debian
    python -m benchmarks.corpus [--install] [--words-per-source N]

Each source becomes ``benchmarks/data/clean/SOURCE.jsonl``: documents of about 300 words made of
consecutive prose paragraphs (code, lists, tables and headings are dropped by simple filters). The
harness builds the corpus on first use; a source whose package is absent is skipped with a message.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from .paths import DATA

CLEAN = DATA / "clean"
PACKAGES = {
    "austen": "r-cran-janeaustenr",
    "python-docs": "python3.11-doc",
    "debian-handbook": "debian-handbook",
    "debian-reference": "debian-reference-en",
    "debian-docs": "doc-debian",
}
DOC_WORDS = 300
CODEISH = re.compile(r"[{}\[\]<>=_$#@|\\`~^]|::|\(\)|--\w|\w/\w+/")


def is_prose(par: str) -> bool:
    """A paragraph of ordinary sentences: long enough, mostly words, no code, ends like a sentence."""
    words = par.split()
    if not 25 <= len(words) <= 400 or not par[:1].isupper() or par.rstrip()[-1:] not in '.!?"”’\'':
        return False
    if len(CODEISH.findall(par)) > 1:
        return False
    wordy = sum(1 for w in words if re.fullmatch(r"[\"“‘'(]*[A-Za-z][A-Za-z’'\-]*[.,;:!?\"”’')]*", w))
    return wordy / len(words) >= 0.9


class _Paragraphs(HTMLParser):
    """Text of every <p> (or DocBook <div class="para">) outside <pre>, <table> and navigation."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.buf: list[str] | None = None
        self.skip = 0
        self.divs = 0  # <div> depth inside an open div.para

    def handle_starttag(self, tag, attrs):
        if tag in ("pre", "table", "nav", "script", "style"):
            self.skip += 1
        elif self.buf is None and not self.skip and (
                tag == "p" or (tag == "div" and ("class", "para") in attrs)):
            self.buf, self.divs = [], 0
        elif tag == "div" and self.buf is not None:
            self.divs += 1

    def handle_endtag(self, tag):
        if tag in ("pre", "table", "nav", "script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag == "div" and self.buf is not None and self.divs:
            self.divs -= 1
        elif tag in ("p", "div") and self.buf is not None:
            self.out.append(" ".join("".join(self.buf).split()))
            self.buf = None

    def handle_data(self, data):
        if self.buf is not None and not self.skip:
            self.buf.append(data)


def html_paragraphs(path: Path) -> list[str]:
    parser = _Paragraphs()
    parser.feed(path.read_text(encoding="utf-8", errors="replace"))
    return parser.out


RST_ROLE = re.compile(r":[\w:-]+:`~?([^`<]*?)(?:\s*<[^>]*>)?`")
RST_MARK = re.compile(r"``([^`]*)``|`([^`<]*?)(?:\s*<[^>]*>)?`_{0,2}|\*\*([^*]+)\*\*|\*([^*]+)\*")


def rst_paragraphs(path: Path) -> list[str]:
    """Unindented paragraphs of a reStructuredText file, inline markup reduced to its text."""
    out = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8", errors="replace")):
        lines = block.splitlines()
        if not lines or lines[0].startswith((" ", "\t", "..", "*", "-", "#", "=", "|", "+")):
            continue
        par = " ".join(" ".join(lines).split())
        par = RST_ROLE.sub(lambda m: m.group(1), par)
        par = RST_MARK.sub(lambda m: next(g for g in m.groups() if g is not None), par)
        out.append(par)
    return out


def text_paragraphs(raw: str) -> list[str]:
    return [" ".join(b.split()) for b in re.split(r"\n\s*\n", raw)]


def source_austen() -> list[str]:
    if not shutil.which("Rscript"):
        raise FileNotFoundError("Rscript")
    script = ("library(janeaustenr); b <- austen_books(); "
              "for (t in levels(b$book)) { cat('\\n\\n'); writeLines(b$text[b$book == t]) }")
    raw = subprocess.run(["Rscript", "-e", script], capture_output=True, text=True, check=True).stdout
    return text_paragraphs(raw)


def source_python_docs() -> list[str]:
    root = Path("/usr/share/doc/python3.11/html/_sources")
    files = [f for d in ("tutorial", "howto", "faq", "extending", "using", "reference")
             for f in sorted((root / d).glob("*.rst.txt"))]
    if not files:
        raise FileNotFoundError(root)
    return [p for f in files for p in rst_paragraphs(f)]


def source_debian_handbook() -> list[str]:
    files = sorted(Path("/usr/share/doc/debian-handbook/html/en-US").glob("*.html"))
    if not files:
        raise FileNotFoundError("/usr/share/doc/debian-handbook/html/en-US")
    return [p for f in files for p in html_paragraphs(f)]


def source_debian_reference() -> list[str]:
    files = sorted(Path("/usr/share/debian-reference").glob("*.en.html"))
    if not files:
        raise FileNotFoundError("/usr/share/debian-reference")
    return [p for f in files for p in html_paragraphs(f)]


def source_debian_docs() -> list[str]:
    root = Path("/usr/share/doc/debian")
    files = [root / n for n in ("social-contract.txt.gz", "constitution.txt.gz", "debian-manifesto.gz")]
    files = [f for f in files if f.exists()]
    if not files:
        raise FileNotFoundError(root)
    return [p for f in files for p in text_paragraphs(gzip.open(f, "rt", encoding="utf-8", errors="replace").read())]


SOURCES = {"austen": source_austen, "python-docs": source_python_docs,
           "debian-handbook": source_debian_handbook, "debian-reference": source_debian_reference,
           "debian-docs": source_debian_docs}


def documents(paragraphs: list[str], source: str, max_words: int) -> list[dict]:
    """Consecutive prose paragraphs grouped into documents of about DOC_WORDS words."""
    docs, buf, n, total = [], [], 0, 0
    for par in paragraphs:
        par = html.unescape(par)
        if not is_prose(par):
            continue
        buf.append(par)
        n += len(par.split())
        if n >= DOC_WORDS:
            docs.append({"id": f"{source}-{len(docs):04d}", "source": source, "text": "\n\n".join(buf) + "\n"})
            total += n
            buf, n = [], 0
            if total >= max_words:
                break
    return docs


def build(words_per_source: int = 60000, quiet: bool = False) -> dict[str, int]:
    """(Re)build every available source; returns documents written per source."""
    CLEAN.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, fn in SOURCES.items():
        try:
            docs = documents(fn(), name, words_per_source)
        except (FileNotFoundError, subprocess.CalledProcessError) as exc:
            if not quiet:
                print(f"corpus: skipping {name} ({exc}); install Debian package {PACKAGES[name]}", file=sys.stderr)
            continue
        path = CLEAN / f"{name}.jsonl"
        with path.open("w", encoding="utf-8") as f:
            for d in docs:
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
        written[name] = len(docs)
    (CLEAN / "BUILT").write_text(json.dumps({"words_per_source": words_per_source, "documents": written}))
    return written


def load(per_source: int | None = None) -> list[dict]:
    """Documents of every built source (the first ``per_source`` of each); builds the corpus if needed."""
    if not (CLEAN / "BUILT").exists():
        build()
    docs = []
    for path in sorted(CLEAN.glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            rows = [json.loads(line) for line in f if line.strip()]
        docs += rows[:per_source] if per_source else rows
    return docs


def install() -> None:
    cmd = ["apt-get", "install", "-y", "--no-install-recommends", *PACKAGES.values()]
    print("running:", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Build the clean-prose corpus under benchmarks/data/clean.")
    ap.add_argument("--install", action="store_true", help="apt-get install the source packages first (root)")
    ap.add_argument("--words-per-source", type=int, default=60000)
    args = ap.parse_args(argv)
    if args.install:
        install()
    written = build(args.words_per_source)
    for name, n in written.items():
        print(f"{name}: {n} documents")
    return 0 if written else 1


if __name__ == "__main__":
    raise SystemExit(main())
