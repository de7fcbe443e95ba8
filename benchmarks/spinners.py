"""Synthetic spinners: turn clean text into (spun text, gold spans) at a chosen spin rate.

* ``dictionary`` -- one fixed replacement per word, picked blindly among the synonyms of every sense of
  every part of speech (wrong senses included), as content-farm spinners do;
* ``wordnet`` -- a random sense and a random synonym at every occurrence;
* ``phrase`` -- multiword expansions ("because" -> "due to the fact that"), numbers spelled out
  ("12,000" -> "twelve,000"), decades ("1990s" -> "Nineteen Nineties");
* ``observed`` -- real spinner substitutions from the held-out half of ``spinner_pairs_dev.tsv`` (never
  folded into the engine's lexicon), applied in reverse.

None of them reads the engine's lexicons. The rate is the share of the text's words that get replaced; a
spinner with few opportunities (phrase, observed) reaches less, and the achieved rate is reported.
Everything is seeded: the same text, rate and seed give the same output.
"""

from __future__ import annotations

import random
import re
import zlib
from functools import lru_cache

from lemminflect import getAllInflections, getAllLemmas, getInflection

from .examples import Example, from_replacements
from .paths import SPINNER_PAIRS
from .text import Token, norm, tokens, words

STOP = set("""a an the and or but if of to in on at by for with from as is are was were be been being am do does
did have has had not no nor so than then that this these those it its he she they we you i me him her them us
my your our their his hers who whom whose which what when where why how all any each few more most other some
such only own same too very can will just should would could may might must shall also there here about into
over after before up down out off again further once""".split())
SENTENCE_END = re.compile(r"(^|[.!?][\"'”’)]*\s+|\n\s*)$")


def _eligible(text: str, tok: Token) -> bool:
    """Lower-case words, or a capitalised word at a sentence start; no stop words, no short words."""
    w = tok.text
    if not w.isalpha() or len(w) < 3 or w.lower() in STOP:
        return False
    if w.islower():
        return True
    return w[0].isupper() and w[1:].islower() and bool(SENTENCE_END.search(text[max(0, tok.start - 4):tok.start]))


def _fit_case(source: str, new: str) -> str:
    return new[:1].upper() + new[1:] if source[:1].isupper() else new


def spin_at_rate(doc_id: str, text: str, rate: float, seed: int, propose, **kw) -> Example:
    """Replace about ``rate`` of the words: visit words in a seeded random order and ask ``propose(text,
    toks, i, rng)`` for ``(n_words, replacement)``; replaced words never overlap."""
    toks = tokens(text)
    rng = random.Random(f"{seed}:{doc_id}")
    order = list(range(len(toks)))
    rng.shuffle(order)
    target = round(rate * len(toks))
    used = [False] * len(toks)
    repl, done = [], 0
    for i in order:
        if done >= target:
            break
        if used[i]:
            continue
        got = propose(text, toks, i, rng)
        if not got:
            continue
        n, new = got
        if any(used[i:i + n]) or i + n > len(toks):
            continue
        for k in range(i, i + n):
            used[k] = True
        repl.append((toks[i].start, toks[i + n - 1].end, new))
        done += n
    ex = from_replacements(doc_id, text, repl, rate=rate, **kw)
    ex.meta["achieved_rate"] = done / len(toks) if toks else 0.0
    return ex


# --- WordNet spinners -------------------------------------------------------------------------------------

def analyses(word: str) -> list[tuple[str, str, str]]:
    """``(lemma, UPOS, Penn tag)`` readings of an inflected word."""
    out = []
    for upos, lemmas in getAllLemmas(word).items():
        for lemma in lemmas:
            if upos == "NOUN":
                out.append((lemma, upos, "NN" if lemma == word else "NNS"))
            elif upos == "VERB":
                tags = [t for t, forms in getAllInflections(lemma, "VERB").items() if word in forms]
                out += [(lemma, upos, t) for t in sorted(set(tags) - {"VBP"}) or (["VB"] if lemma == word else [])]
            elif upos in ("ADJ", "ADV") and lemma == word:
                out.append((lemma, upos, "JJ" if upos == "ADJ" else "RB"))
    return out


def inflect(phrase: str, tag: str) -> str | None:
    """Put a synonym (possibly multiword) in the form ``tag``: nouns on the last word, verbs on the first."""
    if tag in ("NN", "VB", "JJ", "RB"):
        return phrase
    parts = phrase.split(" ")
    k = -1 if tag == "NNS" else 0
    form = getInflection(parts[k], tag)
    if not form:
        return None
    parts[k] = form[0]
    return " ".join(parts)


def _synonyms_of(word: str, synsets) -> list[tuple[str, str, list[str]]]:
    """Per reading of ``word``: ``(lemma, tag, [synonyms per synset...])`` as lists of candidate lemmas."""
    out = []
    for lemma, upos, tag in analyses(word):
        senses = synsets.get((lemma, upos), [])
        out.append((lemma, tag, [[s for s in ss if s.lower() != lemma and not s[:1].isupper()] for ss in senses]))
    return out


class DictionarySpinner:
    """A fixed word -> replacement table, chosen by hash among the synonyms of all senses."""

    name = "dictionary"

    def __init__(self) -> None:
        from .wordnet import synonyms
        self.synsets = synonyms()
        self.table: dict[str, str | None] = {}

    def replacement(self, word: str) -> str | None:
        if word not in self.table:
            options = sorted({(syn, tag) for lemma, tag, senses in _synonyms_of(word, self.synsets)
                              for ss in senses for syn in ss})
            pick = None
            if options:
                syn, tag = options[zlib.crc32(word.encode()) % len(options)]
                pick = inflect(syn, tag)
            self.table[word] = pick if pick and pick.lower() != word else None
        return self.table[word]

    def propose(self, text, toks, i, rng):
        tok = toks[i]
        if not _eligible(text, tok):
            return None
        new = self.replacement(tok.text.lower())
        return (1, _fit_case(tok.text, new)) if new else None

    def spin(self, doc_id: str, text: str, rate: float, seed: int) -> Example:
        return spin_at_rate(doc_id, text, rate, seed, self.propose, spinner=self.name)


class WordNetSpinner(DictionarySpinner):
    """A random reading, a random sense and a random synonym at every occurrence."""

    name = "wordnet"

    def propose(self, text, toks, i, rng):
        tok = toks[i]
        if not _eligible(text, tok):
            return None
        readings = [(tag, [ss for ss in senses if ss]) for _, tag, senses in
                    _synonyms_of(tok.text.lower(), self.synsets)]
        readings = [r for r in readings if r[1]]
        if not readings:
            return None
        tag, senses = rng.choice(readings)
        new = inflect(rng.choice(rng.choice(senses)), tag)
        return (1, _fit_case(tok.text, new)) if new and new.lower() != tok.text.lower() else None


# --- phrase spinner ----------------------------------------------------------------------------------------

PHRASES = {
    "because": "due to the fact that", "because of": "on account of", "use": "make use of",
    "used": "made use of", "using": "making use of", "uses": "makes use of", "help": "lend a hand",
    "many": "a large number of", "often": "on a regular basis", "now": "at this point in time",
    "before": "prior to", "after": "in the wake of", "about": "with regard to", "also": "as well",
    "important": "of great importance", "must": "have got to", "can": "is able to", "need": "have need of",
    "start": "get started", "started": "got started", "begin": "get going", "try": "make an attempt",
    "tried": "made an attempt", "decide": "come to a decision", "decided": "came to a decision",
    "show": "put on display", "shows": "puts on display", "look at": "take a look at",
    "find": "come across", "found": "came across", "quickly": "in a hurry", "usually": "as a rule",
    "always": "all the time", "never": "not ever", "sometimes": "from time to time", "soon": "before long",
    "later": "at a later time", "early": "ahead of time", "enough": "sufficient amounts of",
    "most": "the majority of", "some": "a number of", "several": "a handful of", "all": "the entirety of",
    "each": "every single", "whole": "entire lot of", "if": "in the event that", "while": "at the same time as",
    "although": "despite the fact that", "so": "as a result", "therefore": "for that reason",
    "however": "having said that", "for example": "by way of example", "in order to": "so as to",
    "such as": "along the lines of", "instead of": "in place of", "according to": "in keeping with",
    "up to": "as much as", "at least": "at the very least", "as well as": "in addition to",
    "more": "a greater amount of", "less": "a smaller amount of", "first": "to begin with",
    "finally": "at long last", "again": "once more", "also known as": "otherwise referred to as",
    "said": "went on to say", "says": "goes on to say", "think": "are of the opinion",
    "explain": "shed light on", "explained": "shed light on", "change": "make changes to",
    "changed": "made changes to", "improve": "make improvements to", "consider": "take into account",
    "include": "take in", "includes": "takes in", "included": "took in", "provide": "supply with",
    "support": "lend support to", "remove": "get rid of", "removed": "got rid of", "create": "bring into being",
    "created": "brought into being", "run": "set in motion", "stop": "put an end to", "end": "bring to an end",
    "continue": "carry on", "continued": "carried on", "happen": "take place", "happens": "takes place",
    "happened": "took place", "return": "give back", "returns": "gives back", "leave": "take off from",
    "know": "be aware of", "understand": "make sense of", "mean": "stand for", "means": "stands for",
    "during": "over the course of", "until": "up until", "without": "in the absence of",
    "between": "in the middle of", "against": "up against", "around": "in the region of",
    "near": "in close proximity to", "within": "inside of", "into": "on the inside of",
}
ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen " \
       "sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
DECADES = {"1": "Ten", "2": "Twenties", "3": "Thirties", "4": "Forties", "5": "Fifties", "6": "Sixties",
           "7": "Seventies", "8": "Eighties", "9": "Nineties"}
ORDINALS = dict(zip("1st 2nd 3rd 4th 5th 6th 7th 8th 9th 10th 11th 12th 13th 14th 15th 16th 17th 18th 19th "
                    "20th 21st".split(),
                    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
                    "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth "
                    "twenty-first".split()))


def spell(n: int) -> str:
    """0..99 in words."""
    if n < 20:
        return ONES[n]
    return TENS[n // 10] + ("-" + ONES[n % 10] if n % 10 else "")


def spell_number(word: str) -> str | None:
    """Spinner-style numbers: "7" -> "seven", "12,000" -> "twelve,000", "1990s" -> "Nineteen Nineties"."""
    if re.fullmatch(r"\d{1,2}", word) and word[0] != "0":
        return spell(int(word))
    m = re.fullmatch(r"([1-9]\d?),(\d{3}(?:,\d{3})*)", word)
    if m:
        return f"{spell(int(m.group(1)))},{m.group(2)}"
    m = re.fullmatch(r"(1[89])([1-9])0s", word)
    if m:
        return f"{spell(int(m.group(1))).capitalize()} {DECADES[m.group(2)]}"
    return ORDINALS.get(word)


def _phrase_table(pairs: dict[str, str]) -> dict[tuple[str, ...], str]:
    return {tuple(words(k)): v for k, v in pairs.items() if words(k)}


def propose_from_table(table: dict[tuple[str, ...], str], longest: int, text, toks, i, rng, numbers=False):
    """Longest table phrase starting at word ``i`` (matched case-insensitively)."""
    if numbers:
        new = spell_number(toks[i].text)
        if new:
            return 1, new
    for n in range(min(longest, len(toks) - i), 0, -1):
        key = tuple(norm(t.text) for t in toks[i:i + n])
        if key in table and text[toks[i].end:toks[i + n - 1].start].count("\n") == 0:
            first = toks[i].text
            if first[:1].isupper() and not first.islower() and not SENTENCE_END.search(text[max(0, toks[i].start - 4):toks[i].start]):
                return None  # a name, not a sentence start
            return n, _fit_case(first, table[key])
    return None


class PhraseSpinner:
    """Multiword expansions and spelled-out numbers."""

    name = "phrase"

    def __init__(self) -> None:
        self.table = _phrase_table(PHRASES)
        self.longest = max(len(k) for k in self.table)

    def propose(self, text, toks, i, rng):
        return propose_from_table(self.table, self.longest, text, toks, i, rng, numbers=True)

    def spin(self, doc_id: str, text: str, rate: float, seed: int) -> Example:
        return spin_at_rate(doc_id, text, rate, seed, self.propose, spinner=self.name)


# --- observed held-out pairs -------------------------------------------------------------------------------

def observed_rows() -> list[tuple[str, str, list[str]]]:
    """``(spun, original, [count, family, ...])`` of every row of ``spinner_pairs_dev.tsv`` (empty if absent)."""
    if not SPINNER_PAIRS.exists():
        return []
    out = []
    for line in SPINNER_PAIRS.read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if line.startswith("#") or len(cols) < 2 or cols[0] == "spun":
            continue
        out.append((cols[0].strip(), cols[1].strip(), cols[2:]))
    return out


@lru_cache(maxsize=1)
def held_out_pairs() -> list[tuple[str, str, int]]:
    """``(spun, original, count)`` of the held-out half of the observed spinner pairs (empty if absent)."""
    from restore.split import is_held_out
    return [(spun, orig, int(rest[0]) if rest and rest[0].isdigit() else 1)
            for spun, orig, rest in observed_rows() if is_held_out(spun, orig)]


class ObservedSpinner:
    """Real spinner substitutions the engine's lexicon never saw: original -> most frequent spun form."""

    name = "observed"

    def __init__(self) -> None:
        best: dict[str, tuple[int, str]] = {}
        for spun, orig, count in held_out_pairs():
            key = orig.lower()
            if orig.lower() != spun.lower() and (key not in best or count > best[key][0]):
                best[key] = (count, spun if spun[:1].isupper() and orig[:1].isupper() else spun.lower())
        self.table = _phrase_table({k: v for k, (_, v) in best.items()})
        self.longest = max((len(k) for k in self.table), default=1)

    def propose(self, text, toks, i, rng):
        return propose_from_table(self.table, self.longest, text, toks, i, rng)

    def spin(self, doc_id: str, text: str, rate: float, seed: int) -> Example:
        return spin_at_rate(doc_id, text, rate, seed, self.propose, spinner=self.name)
