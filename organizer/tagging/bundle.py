"""A model bundle: the ONNX file plus everything needed to use it (tags, thresholds, input)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import numpy as np

from organizer.errors import ModelError
from organizer.tagging.few_shot import EmbeddingStats

BUNDLE_FILE = "bundle.json"
# Column means and spreads of the embedding over the photos the model was built from: a
# library-independent scale for comparing two photos (organizer/tagging/duplicates.py).
EMBEDDING_STATS_FILE = "embedding_stats.npz"
SUPPORTED_FORMAT = 1


@dataclass(frozen=True)
class TagSpec:
    name: str
    display: dict[str, str]
    aliases: tuple[str, ...]
    parent: str | None
    threshold: float | None  # None: never suggested automatically (no validated threshold)
    user: bool = False  # the user's own tag, learnt from its confirmed photos (retraining)

    @property
    def suggested(self) -> bool:
        return self.threshold is not None


@dataclass(frozen=True)
class InputSpec:
    name: str = "image"
    size: int = 224
    resize_shorter: int = 256
    mean: float = 127.0
    std: float = 128.0


@dataclass(frozen=True)
class ModelBundle:
    directory: Path
    version: str
    model_path: Path
    input: InputSpec
    probabilities_output: str
    embedding_output: str
    tags: tuple[TagSpec, ...]
    metadata: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def tag_names(self) -> list[str]:
        return [tag.name for tag in self.tags]

    def reference_stats(self) -> EmbeddingStats | None:
        """The embedding's statistics over the model's own training photos (None: the bundle
        has none)."""
        path = self.directory / EMBEDDING_STATS_FILE
        return EmbeddingStats.load(path) if path.is_file() else None

    @cached_property
    def exclusive_pairs(self) -> tuple[tuple[int, int], ...]:
        """Columns of tags a photo rarely has both of (indoor, outdoor): where both pass their
        thresholds only the higher-scoring one is suggested."""
        column = {tag.name: i for i, tag in enumerate(self.tags)}
        return tuple((column[a], column[b]) for a, b in self.metadata.get("exclusive", ())
                     if a in column and b in column)

    def suggested(self, probabilities: np.ndarray) -> np.ndarray:
        """[N, T] booleans: the tags suggested on each photo (see ``suggested_mask``)."""
        return suggested_mask(probabilities, self.thresholds, self.exclusive_pairs)

    @cached_property
    def thresholds(self) -> np.ndarray:
        """One per tag; ``inf`` for tags never suggested automatically, so no probability
        reaches it."""
        return np.array([np.inf if tag.threshold is None else tag.threshold
                         for tag in self.tags], dtype=np.float32)


def suggested_mask(
    probabilities: np.ndarray, thresholds: np.ndarray,
    exclusive_pairs: tuple[tuple[int, int], ...] = (),
) -> np.ndarray:
    """[N, T] booleans: probability at or above the tag's threshold, and of an exclusive pair
    only the tag with the higher probability (the one every suggestion path applies: tagging,
    re-scoring, the retraining gate)."""
    mask = np.asarray(probabilities) >= thresholds
    for a, b in exclusive_pairs:
        both = mask[:, a] & mask[:, b]
        a_wins = probabilities[:, a] >= probabilities[:, b]
        mask[both & a_wins, b] = False
        mask[both & ~a_wins, a] = False
    return mask


def default_bundle_dir() -> Path:
    """The bundle installed with the package (``models/default`` in the source tree)."""
    try:
        return Path(str(resources.files("organizer.bundled_models") / "default"))
    except ModuleNotFoundError:
        # Running from a source checkout that was not installed: the folder is at the top level.
        return Path(__file__).resolve().parents[2] / "models" / "default"


def load_bundle(directory: Path) -> ModelBundle:
    """Read and validate a bundle; every problem becomes a ModelError naming the file."""
    directory = Path(directory)
    manifest_path = directory / BUNDLE_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ModelError(f"model bundle not found: {manifest_path} is missing") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ModelError(f"model bundle {manifest_path} is unreadable: {error}") from error
    try:
        return _parse_manifest(directory, manifest)
    except (KeyError, TypeError, ValueError) as error:
        raise ModelError(f"model bundle {manifest_path} is invalid: {error!r}") from error


def _parse_manifest(directory: Path, manifest: dict) -> ModelBundle:
    if manifest.get("format") != SUPPORTED_FORMAT:
        raise ValueError(f"unsupported bundle format {manifest.get('format')!r}")
    model_path = directory / manifest["model_file"]
    if not model_path.is_file():
        raise ModelError(f"model bundle {directory} is incomplete: {model_path.name} is missing")
    spec = manifest["input"]
    tags = tuple(
        TagSpec(
            name=str(tag["name"]),
            display=dict(tag.get("display") or {}),
            aliases=tuple(tag.get("aliases") or ()),
            parent=tag.get("parent"),
            threshold=_threshold(tag["threshold"]),
            user=tag.get("source") == "user",
        )
        for tag in manifest["tags"]
    )
    if not tags:
        raise ValueError("the bundle lists no tags")
    return ModelBundle(
        directory=directory,
        version=str(manifest["version"]),
        model_path=model_path,
        input=_input_spec(spec),
        probabilities_output=manifest["outputs"]["probabilities"],
        embedding_output=manifest["outputs"]["embedding"],
        tags=tags,
        metadata=manifest,
    )


def _threshold(value: object) -> float | None:
    if value is None:
        return None
    threshold = float(value)  # type: ignore[arg-type]
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"a tag threshold must be null or within 0-1, not {threshold}")
    return threshold


# Far beyond any image classifier's input, far below what would exhaust memory per photo.
MAX_INPUT_SIZE = 2048


def _input_spec(spec: dict) -> InputSpec:
    """The preprocessing values, refused unless they can produce a finite tensor."""
    parsed = InputSpec(
        name=str(spec.get("name", "image")),
        size=int(spec["size"]),
        resize_shorter=int(spec["resize_shorter"]),
        mean=float(spec["mean"]),
        std=float(spec["std"]),
    )
    if not 1 <= parsed.size <= MAX_INPUT_SIZE:
        raise ValueError(f"input.size must be 1-{MAX_INPUT_SIZE}, not {parsed.size}")
    if not parsed.size <= parsed.resize_shorter <= 2 * MAX_INPUT_SIZE:
        raise ValueError(
            f"input.resize_shorter must be at least input.size ({parsed.size}), "
            f"not {parsed.resize_shorter}"
        )
    if not math.isfinite(parsed.mean):
        raise ValueError(f"input.mean must be a finite number, not {parsed.mean}")
    if not (math.isfinite(parsed.std) and parsed.std > 0):
        raise ValueError(f"input.std must be a positive number, not {parsed.std}")
    return parsed
