from restore.candidates import find_candidates
from restore.decode import Settings, decode
from restore.lm import NgramLM, sentence_logprob
from restore.tokenize import sentences, tokenize

SPUN = ("Chinese language government within the northeastern town arrested a specialist. The tale used to be "
        "later circulated. The 2 international locations have been allies all the way through the Korean "
        "Struggle. Nuclear guns are a risk to the 2 international locations and their present members of the family.")
CLEAN = ("The war within the party was a struggle for power. Both countries used to be allies, and the town "
         "council said guns were banned in the city. Two years later the relations between the families changed.")


def _run(text, lex, **kw):
    tokens = tokenize(text)
    spans = find_candidates(text, tokens, lex)
    return decode(tokens, sentences(text, tokens), spans, NgramLM(), Settings(**kw))


def test_language_model_prefers_original_wording():
    lm = NgramLM()
    assert sentence_logprob(lm, "nuclear weapons".split()) > sentence_logprob(lm, "nuclear guns".split())
    assert lm.logprob("zzqxv", ("the",)) == lm.oov_logprob


def test_spin_rate_is_high_for_spun_text_and_low_for_clean(toy_restorer):
    rate_spun, _ = _run(SPUN, toy_restorer.lexicon)
    rate_clean, _ = _run(CLEAN, toy_restorer.lexicon)
    assert rate_spun > 0.3
    assert rate_clean < rate_spun / 2


def test_decoder_restores_spun_spans(toy_restorer):
    _, posts = _run(SPUN, toy_restorer.lexicon)
    chosen = {(p.span.spun, p.span.options[p.chosen - 1].text) for p in posts if p.chosen}
    assert ("used to be", "was") in chosen
    assert ("international locations", "countries") in chosen
    assert ("guns", "weapons") in chosen


def test_probabilities_are_a_distribution(toy_restorer):
    _, posts = _run(SPUN, toy_restorer.lexicon)
    assert posts
    for p in posts:
        assert abs(sum(p.probs) - 1) < 1e-9 and len(p.probs) == len(p.span.options) + 1


def test_fixed_low_rate_keeps_everything(toy_restorer):
    _, posts = _run(SPUN, toy_restorer.lexicon, rate=1e-9)
    assert not [p for p in posts if p.chosen]


def test_numbers_are_said_as_words():
    from restore.numbers import spoken
    assert spoken("12,000") == ("twelve", "thousand")
    assert spoken("70th") == ("seventieth",)
    assert spoken("21st") == ("twenty", "first")
    assert spoken("1990s") == ("nineteen", "nineties")
    assert spoken("2") == ("two",)
    assert spoken("2022") is None and spoken("3.5") is None and spoken("1,000,000") is None


def test_language_model_applies_written_number_style():
    lm = NgramLM()
    # small numbers read better spelled out, larger ones, ordinals and decades in digits
    assert sentence_logprob(lm, "the two countries".split()) > sentence_logprob(lm, "the 2 countries".split())
    assert (sentence_logprob(lm, "the 70th anniversary".split())
            > sentence_logprob(lm, "the seventieth anniversary".split()))
    assert (sentence_logprob(lm, "in the early 1990s the".split())
            > sentence_logprob(lm, "in the early nineteen nineties the".split()))
    # a number in the history is read as its words, not as an unknown token
    assert lm.logprob("soldiers", ("12,000",)) == lm.logprob("soldiers", ("thousand",))


def test_spin_rate_separates_clean_from_spun_text(toy_restorer, monkeypatch):
    import restore.decode as decode_module
    seen = {}
    real = decode_module.estimate_rates

    def spy(gains, settings, exposures=None):
        seen["rates"] = real(gains, settings, exposures)
        return seen["rates"]
    monkeypatch.setattr(decode_module, "estimate_rates", spy)

    def spinner_rate(text, **kw):
        _run(text, toy_restorer.lexicon, **kw)
        return seen["rates"]["spinner"]
    # the EM rate itself (gate off), then through the document gate
    assert spinner_rate(CLEAN, doc_threshold=-100.0) < 0.1 < 0.25 < spinner_rate(SPUN, doc_threshold=-100.0)
    assert spinner_rate(CLEAN) < 0.01 and spinner_rate(SPUN) > 0.25


def test_calibration_maps_evidence_per_group():
    from restore.decode import Evidence, calibrated
    from restore import Lexicon
    lex = Lexicon()
    lex.add("town", "city", 0.7, "curated")
    span = find_candidates("the town", tokenize("the town"), lex)[0]
    ev = [Evidence(span, "spinner", 2.0, ("city",)), Evidence(span, "thesaurus", 2.0, ("city",)),
          Evidence(span, "user", 2.0, ("city",))]
    out = calibrated(ev, Settings(calibration={"spinner": (0.5, -1.0), "thesaurus": (0.25, 1.0)}))
    assert out == {"spinner": [0.0], "thesaurus": [1.5], "user": [2.0]}  # an unlisted group is left raw


def test_calibration_comes_from_the_models_file_and_covers_every_group():
    import json

    from restore.settings import CALIBRATED_GROUPS, Settings, calibration_path
    data = json.loads(calibration_path().read_text(encoding="utf-8"))
    assert set(CALIBRATED_GROUPS) <= set(data["groups"])
    assert all("fitted" in v for v in data["groups"].values())   # each says where it came from
    assert Settings().calibration == {g: (v["a"], v["b"]) for g, v in data["groups"].items()}
