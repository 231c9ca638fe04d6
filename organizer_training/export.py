"""ONNX export of backbone + head, and the check that the file matches the reference."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import torch

from organizer_training.backbone import Network, embedding_graph
from organizer_training.head import HeadModule
from organizer_training.head_params import HeadParameters, head_probabilities

OPSET = 17


class BundleModel(torch.nn.Module):
    """image -> (probabilities, embedding); probabilities depend on the image only through
    the embedding, so heads can be retrained from stored embeddings."""

    def __init__(self, network: Network, head: HeadParameters) -> None:
        super().__init__()
        self.network = network
        self.backbone = network.model  # registered, so eval() reaches it
        self.head = HeadModule(head)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        embedding = embedding_graph(self.network, image)
        return self.head(embedding), embedding


def export_onnx(network: Network, head: HeadParameters, path: Path) -> None:
    # EfficientNet-Lite uses ReLU6, which exports as is. Never call backbone.set_swish() here:
    # in this package it replaces ReLU6 with swish and silently changes the network.
    model = BundleModel(network, head).eval()
    size = network.spec.input_size
    dummy = torch.zeros(1, 3, size, size)
    with torch.no_grad():
        torch.onnx.export(
            model,
            (dummy,),
            str(path),
            input_names=["image"],
            output_names=["probabilities", "embedding"],
            dynamic_axes={"image": {0: "batch"}, "probabilities": {0: "batch"},
                          "embedding": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )


def verify_onnx(
    path: Path, network: Network, head: HeadParameters, images: np.ndarray
) -> dict[str, float]:
    """Run the ONNX file on real images and compare with torch (embedding) and the numpy
    head reference (probabilities). Raises if they disagree beyond float32 noise."""
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    probabilities, embedding = session.run(["probabilities", "embedding"], {"image": images})
    with torch.no_grad():
        reference_embedding = embedding_graph(network, torch.from_numpy(images))
    embedding_diff = float(np.abs(embedding - reference_embedding.numpy()).max())
    probability_diff = float(np.abs(probabilities - head_probabilities(embedding, head)).max())
    if embedding_diff > 1e-3 or probability_diff > 1e-4:
        raise RuntimeError(
            f"ONNX export does not match: embedding diff {embedding_diff:.2e}, "
            f"probability diff {probability_diff:.2e}"
        )
    return {"max_abs_diff_embedding": embedding_diff,
            "max_abs_diff_probabilities": probability_diff}
