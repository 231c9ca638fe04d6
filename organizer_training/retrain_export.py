"""Export of a retrained head as a complete bundle model, without torch.

The active bundle's model.onnx is cut at its ``embedding`` output (the backbone, unchanged),
the new head is built as an ONNX graph (``head_params.head_graph``) and the two are joined
with ``onnx.compose``. The result is checked before anyone may use it: the ONNX checker, then the
head against the numpy reference on real stored embeddings, then the whole graph on real
photos (embeddings equal to the old model's, probabilities equal to the reference).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnx.compose
import onnx.utils
import onnxruntime as ort

from organizer.errors import UnreadableImageError
from organizer.tagging.bundle import ModelBundle
from organizer.tagging.preprocess import load_model_input
from organizer_training.head_params import HeadParameters, head_graph, head_probabilities

OPSET = 17
HEAD_INPUT = "head_embedding"
HEAD_PREFIX = "head/"
# float32 graph vs float64 reference; the embedding part is the same subgraph, so it must agree
# to float32 rounding only.
PROBABILITY_TOLERANCE = 1e-4
EMBEDDING_TOLERANCE = 1e-5


class ExportCheckError(RuntimeError):
    """The exported model does not compute what was trained."""


def head_onnx(head: HeadParameters, output_name: str) -> onnx.ModelProto:
    return head_graph(head, HEAD_INPUT, output_name, OPSET)


def compose_model(old: ModelBundle, head: HeadParameters) -> onnx.ModelProto:
    """Old backbone (image -> embedding) + new head (embedding -> probabilities)."""
    full = onnx.load(str(old.model_path))
    backbone = onnx.utils.Extractor(full).extract_model([old.input.name], [old.embedding_output])
    new_head = head_onnx(head, old.probabilities_output)
    # Prefix the head's internal names so they cannot collide with the backbone's.
    new_head = onnx.compose.add_prefix(
        new_head, HEAD_PREFIX, rename_inputs=False, rename_outputs=False
    )
    new_head.ir_version = backbone.ir_version
    merged = onnx.compose.merge_models(
        backbone, new_head, io_map=[(old.embedding_output, HEAD_INPUT)],
        outputs=[old.probabilities_output, old.embedding_output],
    )
    merged.producer_name = "organizer-retrain"
    onnx.checker.check_model(merged, full_check=True)
    return merged


def _session(model: onnx.ModelProto | Path) -> ort.InferenceSession:
    source = str(model) if isinstance(model, Path) else model.SerializeToString()
    return ort.InferenceSession(source, providers=["CPUExecutionProvider"])


def check_head(head: HeadParameters, embeddings: np.ndarray) -> float:
    """The exported head alone vs the numpy reference on real (stored) embeddings."""
    session = _session(head_onnx(head, "probabilities"))
    (onnx_p,) = session.run(None, {HEAD_INPUT: embeddings.astype(np.float32)})
    reference = head_probabilities(embeddings, head)
    diff = float(np.abs(onnx_p - reference).max())
    if diff > PROBABILITY_TOLERANCE:
        raise ExportCheckError(f"exported head differs from the reference by {diff:.2e}")
    return diff


def sample_images(old: ModelBundle, paths: list[Path], limit: int = 8) -> np.ndarray:
    """Up to ``limit`` decodable library photos as model input; a fixed pseudo-random batch
    when none can be read (the graph comparison still means something then)."""
    tensors: list[np.ndarray] = []
    for path in paths:
        if len(tensors) >= limit:
            break
        try:
            tensor, _ = load_model_input(path, old.input)
        except (UnreadableImageError, OSError):
            continue
        tensors.append(tensor)
    if not tensors:
        rng = np.random.default_rng(0)
        size = old.input.size
        return rng.uniform(-1, 1, (2, 3, size, size)).astype(np.float32)
    return np.stack(tensors).astype(np.float32)


def check_model(
    path: Path, old: ModelBundle, head: HeadParameters, images: np.ndarray
) -> dict[str, float]:
    """The saved file on real photos: same embeddings as the old model, reference outputs."""
    onnx.checker.check_model(str(path), full_check=True)
    names = [old.probabilities_output, old.embedding_output]
    probabilities, embedding = _session(path).run(names, {old.input.name: images})
    _, old_embedding = _session(old.model_path).run(names, {old.input.name: images})
    embedding_diff = float(np.abs(embedding - old_embedding).max())
    probability_diff = float(np.abs(probabilities - head_probabilities(embedding, head)).max())
    if embedding_diff > EMBEDDING_TOLERANCE or probability_diff > PROBABILITY_TOLERANCE:
        raise ExportCheckError(
            f"exported model does not match: embedding diff {embedding_diff:.2e}, "
            f"probability diff {probability_diff:.2e}"
        )
    return {"max_abs_diff_embedding": embedding_diff,
            "max_abs_diff_probabilities": probability_diff, "images": int(len(images))}


def export_bundle_model(
    old: ModelBundle, head: HeadParameters, out: Path, embeddings: np.ndarray,
    image_paths: list[Path],
) -> dict[str, float]:
    """Write ``out`` (model.onnx) and return the check results; raises if any check fails."""
    merged = compose_model(old, head)
    onnx.save(merged, str(out))
    head_diff = check_head(head, embeddings)
    result = check_model(out, old, head, sample_images(old, image_paths))
    return {**result, "max_abs_diff_head_on_stored_embeddings": head_diff,
            "stored_embeddings": int(len(embeddings))}
