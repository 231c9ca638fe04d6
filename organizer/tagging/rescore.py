"""Re-score the library with another model version from the stored embeddings.

A bundle's probabilities depend on a photo only through its embedding (the ``embedding``
output, stored with every tagged photo), so switching models needs no image decoding: the
bundle's head (``head.npz``) is applied to the stored embeddings in numpy. Rows are written
with the same provenance rules as a retag (confirmed and rejected tags keep their state).

The work is resumable: only photos whose ``tagged_model`` differs from the bundle's version are
touched, so a run that was interrupted is finished by running it again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from organizer.errors import ModelError
from organizer.library.store import Library, TagDefinition
from organizer.tagging.bundle import ModelBundle

HEAD_FILE = "head.npz"
CHUNK = 2048
_EPS = 1e-6

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class HeadArrays:
    """The arrays of ``organizer_training/head_params.py``'s HeadParameters (read without
    importing organizer_training)."""

    fc_weight: np.ndarray
    fc_bias: np.ndarray
    class_map: np.ndarray
    prior_scale: np.ndarray
    weight: np.ndarray
    bias: np.ndarray

    @classmethod
    def load(cls, path: Path) -> HeadArrays:
        try:
            with np.load(path) as data:
                return cls(**{name: data[name].astype(np.float32) for name in
                              cls.__dataclass_fields__})
        except (OSError, KeyError, ValueError) as error:
            raise ModelError(f"cannot read model head {path}: {error}") from error

    def probabilities(self, embedding: np.ndarray) -> np.ndarray:
        """Same map as organizer_training.head_params.head_probabilities, in float32."""
        x = np.asarray(embedding, dtype=np.float32)
        logits = x[:, : self.fc_weight.shape[1]] @ self.fc_weight.T + self.fc_bias
        logits -= logits.max(axis=1, keepdims=True)
        np.exp(logits, out=logits)
        logits /= logits.sum(axis=1, keepdims=True)
        p = np.clip(logits @ self.class_map, _EPS, 1 - _EPS)
        z = self.prior_scale * (np.log(p) - np.log1p(-p)) + x @ self.weight + self.bias
        return 1.0 / (1.0 + np.exp(-z))


def tag_definitions(bundle: ModelBundle) -> list[TagDefinition]:
    return [
        TagDefinition(
            name=tag.name,
            display_en=tag.display.get("en"),
            display_zh=tag.display.get("zh_CN"),
            aliases=tag.aliases,
            parent=tag.parent,
        )
        for tag in bundle.tags
    ]


def rescore_library(
    library: Library,
    bundle: ModelBundle,
    progress: Progress | None = None,
    cancelled: threading.Event | None = None,
) -> int:
    """Apply ``bundle`` to every photo not yet tagged by it; returns how many were updated.

    A bundle without ``head.npz`` cannot be applied to embeddings, nor a head to embeddings
    of another size (made by another backbone): those photos are marked for an ordinary retag
    from the image files instead (the next scan does it)."""
    head_path = bundle.directory / HEAD_FILE
    if not head_path.is_file():
        library.queue_retag_from_files(bundle.version)
        return 0
    head = HeadArrays.load(head_path)
    if head.weight.shape[1] != len(bundle.tags):
        raise ModelError(f"{head_path} has {head.weight.shape[1]} tags, the bundle "
                         f"{len(bundle.tags)}")
    embedding_dim = head.weight.shape[0]
    library.queue_retag_from_files(bundle.version, unless_embedding_dim=embedding_dim)
    ids_by_tag = library.sync_tag_definitions(tag_definitions(bundle))
    tag_ids = np.array([ids_by_tag[tag.name.lower()] for tag in bundle.tags])
    pending = library.photo_ids_to_rescore(bundle.version, embedding_dim)
    done = 0
    report = progress or (lambda stage, done, total: None)
    report("updating suggestions", 0, len(pending))
    for start in range(0, len(pending), CHUNK):
        if cancelled is not None and cancelled.is_set():
            break
        ids, x = library.embeddings(pending[start : start + CHUNK], embedding_dim)
        probabilities = head.probabilities(x)
        suggested = bundle.suggested(probabilities)
        with library.transaction() as db:
            for row, photo_id in enumerate(ids):
                columns = np.flatnonzero(suggested[row])
                scores = list(zip(tag_ids[columns].tolist(),
                                  probabilities[row, columns].tolist(), strict=True))
                library.apply_model_tags(db, photo_id, scores, bundle.version, x[row])
        done += len(ids)
        report("updating suggestions", done, len(pending))
    return done
