"""Commands that need an optional package say which extra to install, in one line, without a traceback."""

from __future__ import annotations

import sys

import pytest

from restore.cli import main, missing_extra


@pytest.mark.parametrize("module, extra", [("zstandard", "batch"), ("pyarrow", "batch"), ("torch", "neural"),
                                           ("distributed", "dask")])
def test_missing_package_names_its_extra(module, extra):
    exc = ModuleNotFoundError(f"No module named '{module}'", name=module)
    assert missing_extra(exc) == f"{module} is not installed: pip install 'restore[{extra}]'"


def test_batch_without_zstandard_gives_the_install_hint(tmp_path, monkeypatch, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Nuclear guns used to be a risk."}\n', encoding="utf-8")
    monkeypatch.setitem(sys.modules, "zstandard", None)   # as if the batch extra were not installed
    code = main(["batch", str(src), "-o", str(tmp_path / "out.jsonl.zst")])
    err = capsys.readouterr().err
    assert code == 1 and "pip install 'restore[batch]'" in err and "Traceback" not in err
