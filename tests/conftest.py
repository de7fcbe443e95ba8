from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
TOY_LEXICON = """spun\toriginal\tweight\tsource
guns\tweapons\t0.7\tcurated
town\tcity\t0.7\tcurated
within\tin\t0.7\tcurated
chinese language\tChinese\t0.7\tcurated
struggle\twar\t0.7\tcurated
used to be\twas\t0.7\tcurated
international locations\tcountries\t0.7\tcurated
members of the family\trelations\t0.7\tcurated
2\ttwo\t0.7\tcurated
metal\tsteel\t0.7\tcurated
introduced\tbrought\t0.7\tcurated
introduced\tannounced\t0.7\tcurated
"""


# A twelve-pair lexicon gives a short document little evidence of spinning, and the gate holds shut below
# it; tests of other mechanics (batch, neural rescoring, edits) lower the gate for their toy restorers.
TOY_GATE = {"doc_threshold": 3.0}


@pytest.fixture(scope="session")
def toy_lexicon_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("lex") / "toy.tsv"
    path.write_text(TOY_LEXICON, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def toy_restorer(toy_lexicon_path):
    from restore import Lexicon, Restorer
    return Restorer(lexicon=Lexicon().load(toy_lexicon_path))


@pytest.fixture(scope="session")
def restorer():
    from restore import Restorer
    return Restorer()


def seed(name: str) -> str:
    matches = sorted(SEEDS.glob(f"{name}_*.txt")) if SEEDS.is_dir() else []
    if not matches:
        pytest.skip(f"seed {name} not found under {SEEDS} (the shared data folder is absent)")
    return matches[0].read_text(encoding="utf-8")
