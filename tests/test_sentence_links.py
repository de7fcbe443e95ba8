"""Linking rewritten copies by sentence meaning (restore.sentence_links), with a stand-in sentence encoder.

The encoder here embeds a sentence as its bag of content-word stems (hashed, unit length): enough to test
the candidate step, the sentence alignment and the direction votes without the sentence model. The real
model is used by benchmarks/rewrite_bench.py and by the slow test at the end.
"""

from __future__ import annotations

import zlib

import pytest

pytest.importorskip("datasketch")
np = pytest.importorskip("numpy")

from restore.learn import Doc, Linker, prepare  # noqa: E402
from restore.sentence_links import RewriteVerifier, content_keys, key_candidates  # noqa: E402

from test_learn import ARTICLES, UNRELATED  # noqa: E402

# A rewrite: clauses turned around, words replaced by synonyms a spinner would not use, an "and" swapped.
REWRITE = ("Officials in the town expect a lot of traffic as soon as the bridge opens, and during its first week "
           "the police will shut two streets. On Tuesday the city council announced that the new bridge over "
           "the river would be opened in the spring. The mayor informed reporters that the project had cost "
           "12,000 dollars more than planned, but she argued the money was well spent because the old bridge "
           "was not safe for children any more.")


class BagEncoder:
    """Stand-in sentence encoder: hashed bag of content-word stems, unit length."""

    def encode(self, texts):
        out = np.zeros((len(texts), 256), dtype="float32")
        for row, text in enumerate(texts):
            for key in content_keys(text.lower().replace(".", " ").replace(",", " ").split()):
                out[row, zlib.crc32(key) % 256] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-9)


def docs_of(texts):
    docs = [Doc(i, f"d{i}", t) for i, t in enumerate(texts)]
    for d in docs:
        prepare(d)
    return docs


def test_content_keys_keep_stems_and_numbers_and_drop_function_words():
    keys = content_keys("the council elected 12,000 members in the election".split())
    assert b"12,000" in keys and b"counc" in keys and b"elect" in keys
    assert b"the" not in keys and b"in" not in keys


def test_key_candidates_pair_a_rewrite_with_its_source_only():
    docs = docs_of([ARTICLES[0], REWRITE, ARTICLES[1], ARTICLES[2], UNRELATED])
    assert key_candidates(docs, list(range(len(docs)))) == [(0, 1)]


def test_a_rewrite_is_linked_by_meaning_to_its_source_and_not_mined():
    docs = docs_of([REWRITE, ARTICLES[0], ARTICLES[1], UNRELATED])
    plain = Linker()
    links, _ = plain.link(docs)
    assert links == []   # too few shared words for the word linker
    linker = Linker(lm=plain.lm, rewritten=RewriteVerifier(plain.lm, encoder=BagEncoder()))
    links, _ = linker.link(docs)
    assert [(k.spun, k.source, k.kind) for k in links] == [(0, 1, "rewritten")]
    assert links[0].ops is None and links[0].similarity >= 0.6


def test_unrelated_articles_are_not_verified_by_meaning():
    lm = Linker().lm
    verifier = RewriteVerifier(lm, encoder=BagEncoder())
    docs = docs_of(ARTICLES + [UNRELATED])
    assert all(verifier.verify(docs[i], docs[j]) is None for i in range(4) for j in range(i + 1, 4))


@pytest.mark.slow
def test_the_sentence_model_links_a_rewrite():
    pytest.importorskip("all_minilm_l6_v2")
    pytest.importorskip("transformers")
    from restore.sentence_links import SentenceEncoder
    lm = Linker().lm
    verifier = RewriteVerifier(lm, encoder=SentenceEncoder())
    docs = docs_of([REWRITE, ARTICLES[0], ARTICLES[1]])
    edge = verifier.verify(docs[0], docs[1])
    assert edge is not None and edge[0] >= 0.6
    assert verifier.verify(docs[0], docs[2]) is None
