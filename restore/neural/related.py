"""Which of a model's fillers may be what a spun word was spun from (thesaurus link, stem or spelling)."""

from __future__ import annotations


_STOP = frozenset("""a an the and or but if of to in on at by for with from as is are was were be been being am do
does did have has had not no nor so than then that this these those it its he she they we you i me him her them
us my your our their his who whom whose which what when where why how all any each few more most other some such
only own same too very can will just should would could may might must shall also there here about into over
after before up down out off again once""".split())


# A filler spelled like the spun word (a letter or two apart in a word of five or more: "customise" and
# "customize", "programme" and "program") counts as related: spinners swap spellings. 0.8 normalised
# Levenshtein similarity is two edits in ten letters; shorter words that close differ in meaning.
SPELLING_MIN_LENGTH = 5
SPELLING_SIMILARITY = 0.8


def related(filler: str, spun: str, lexicon) -> bool:
    """Whether a model's filler may be what ``spun`` was spun from: thesaurus link, shared stem, or spelling."""
    f, s = filler.lower(), spun.lower()
    if f == s:
        return False
    parts = s.split()
    if len(parts) > 1 and any(_stem(f) == _stem(part) for part in parts if part not in _STOP):
        return True   # an expansion ("landed estate", "sum up"): the filler is one of its words
    if lexicon is not None:
        if any(o.lower() == f for o, _ in lexicon.lookup(s)) or any(o.lower() == s for o, _ in lexicon.lookup(f)):
            return True
    if _stem(f) == _stem(s) and len(_stem(f)) >= 4:
        return True
    from rapidfuzz.distance import Levenshtein
    return min(len(f), len(s)) >= SPELLING_MIN_LENGTH and Levenshtein.normalized_similarity(f, s) >= SPELLING_SIMILARITY


def _stem(word: str) -> str:
    for suffix in ("ational", "ization", "ations", "ation", "ments", "ment", "ings", "ing", "ness", "ies", "ied",
                   "ers", "est", "ed", "es", "er", "ly", "s", "e"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word



def _acceptor(spun: str, lexicon, similarity=None, threshold: float = 1.0, memo: dict | None = None):
    """A filter for the model's fillers of ``spun``: the filler (cased like ``spun``) or None.

    ``memo`` remembers each (spun, filler) verdict: the same spun words recur across a document and their
    fillers overlap, and the relation tests are most of the cost of proposing.
    """
    initial_upper = spun[:1].isupper()
    one_word = " " not in spun.strip()
    key_spun = (spun.lower(), id(lexicon), threshold)

    def accept(word: str) -> str | None:
        key = (key_spun, word.lower())
        ok = memo.get(key) if memo is not None else None
        if ok is None:
            ok = (word.lower() not in _STOP and word.lower() != spun.lower()) and (related(word, spun, lexicon) or (
                similarity is not None and one_word and threshold < 1.0 and similarity(word, spun) >= threshold))
            if memo is not None:
                if len(memo) > 200_000:
                    memo.clear()
                memo[key] = ok
        if not ok:
            return None
        return word[:1].upper() + word[1:] if initial_upper else word
    return accept
