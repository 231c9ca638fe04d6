"""A real library for UI tests: real photos, real SQLite, a real (tiny) ONNX model.

The shipped model may not be installed where tests run, so the library gets its own small
colour model: real onnxruntime sessions and the real pipeline, with predictable tags.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from organizer.app import App, open_app

TINY_TAGS = ("reddish", "greenish", "bluish", "bright")


def write_tiny_bundle(directory: Path) -> Path:
    """An ONNX model scoring four colour tags from the mean colour of the image."""
    import onnx
    from onnx import TensorProto, helper

    directory.mkdir(parents=True, exist_ok=True)
    # Mean RGB in (x-127)/128 units -> logits: each channel against the other two, and brightness.
    weights = np.array([[12, -6, -6, 4], [-6, 12, -6, 4], [-6, -6, 12, 4]], dtype=np.float32)
    bias = np.array([-0.5, -0.5, -0.5, 0.0], dtype=np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["image", "axes"], ["pooled"], keepdims=0),
            helper.make_node("MatMul", ["pooled", "weights"], ["logits_raw"]),
            helper.make_node("Add", ["logits_raw", "bias"], ["logits"]),
            helper.make_node("Sigmoid", ["logits"], ["probabilities"]),
            helper.make_node("Identity", ["pooled"], ["embedding"]),
        ],
        "tiny",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["batch", 3, 224, 224])],
        [
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", 3]),
        ],
        [
            helper.make_tensor("axes", TensorProto.INT64, [2], [2, 3]),
            helper.make_tensor("weights", TensorProto.FLOAT, [3, 4], weights.flatten()),
            helper.make_tensor("bias", TensorProto.FLOAT, [4], bias),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    model.ir_version = 8
    onnx.save(model, directory / "model.onnx")
    manifest = {
        "format": 1,
        "version": "tiny-1",
        "model_file": "model.onnx",
        "input": {"name": "image", "size": 224, "resize_shorter": 256, "mean": 127, "std": 128},
        "outputs": {"probabilities": "probabilities", "embedding": "embedding"},
        "tags": [
            {"name": name, "threshold": 0.5, "display": {"en": name, "zh_CN": zh}}
            for name, zh in zip(TINY_TAGS, ("偏红", "偏绿", "偏蓝", "明亮"), strict=True)
        ],
    }
    (directory / "bundle.json").write_text(json.dumps(manifest), encoding="utf-8")
    return directory


def open_tiny_app(library_dir: Path) -> App:
    """An App whose active model is the tiny bundle."""
    app = open_app(library_dir)
    write_tiny_bundle(library_dir / "models" / "tiny")
    app.library.set_setting("active_model", "tiny")
    app.library.set_setting("use_gpu", "0")
    return app


def copy_coco(shared_data: Path, target: Path, count: int = 40) -> Path:
    source = shared_data / "photos" / "coco128" / "images"
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.jpg"))[:count]:
        shutil.copy2(path, target / path.name)
    return target
