"""A source checkout runs without ``pip install``: lexicons/ and models/ are found beside restore/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import sys
# forget the editable install's mapping, as in a clone that was never installed
sys.meta_path = [f for f in sys.meta_path if "__editable__" not in repr(f)]
sys.path.insert(0, ".")
import restore
from restore.settings import calibration_path
assert restore.__file__.startswith(sys.argv[1]), restore.__file__
assert str(calibration_path()).startswith(sys.argv[1]), calibration_path()
print(restore.Restorer(wordnet=False).lexicon.size)
"""


def test_a_copy_of_the_source_tree_finds_its_data(tmp_path):
    for folder in ("restore", "lexicons", "models"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__"))
    out = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path)], cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert int(out.stdout.strip()) > 1000   # the bundled spinner lexicon was read from the copy
