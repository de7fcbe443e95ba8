"""Extract an article from a saved web page with trafilatura, then restore its spun wording.

    pip install 'restore[scrape]'
    python examples/scrape_and_restore.py examples/spun_news.html

Prints the restored article on standard output and the spin score and edits on standard error.
"""

from __future__ import annotations

import sys

import restore


def main(path: str) -> int:
    try:
        import trafilatura
    except ImportError:
        print("this example needs trafilatura: pip install 'restore[scrape]'", file=sys.stderr)
        return 1
    with open(path, encoding="utf-8") as f:
        page = f.read()
    # Only the article's paragraphs: navigation, the byline, side boxes and the footer are left out.
    text = trafilatura.extract(page, include_comments=False, include_tables=False)
    if not text:
        print(f"{path}: trafilatura found no article text", file=sys.stderr)
        return 1
    result = restore.restore_text(text)
    print(result.text)
    print(result.explain(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(f"usage: python {sys.argv[0]} SAVED_PAGE.html")
    raise SystemExit(main(sys.argv[1]))
