""" "More like these": the photos nobody has reviewed for a tag, best candidates first.

For a tag the model knows, the candidates are its suggestions, best score first (an index
query); for a user's own tag, every unreviewed photo ranked by the nearest-centroid score of
its confirmed photos (rejected ones pull away), from the stored embeddings, so the queue works
from the first confirmed example, before any retraining. The same ranking gives "find similar
photos" from a selection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from organizer.errors import OrganizerError
from organizer.library.store import Library
from organizer.tagging import few_shot
from organizer.tagging.bundle import ModelBundle
from organizer.tagging.rescore import HEAD_FILE, HeadArrays


@dataclass(frozen=True)
class Candidate:
    photo_id: int
    score: float


def review_queue(
    library: Library, bundle: ModelBundle, tag: str, limit: int = 50
) -> list[Candidate]:
    """Unreviewed photos for ``tag``, highest score first (at most ``limit``)."""
    tag_id = library.tag_id(tag)
    if tag_id is None:
        raise OrganizerError(f"no tag named {tag!r} in this library")
    if any(t.name.lower() == tag.lower() for t in bundle.tags):
        # The model's own tag: its suggestions, as the index stores them, best first.
        return [Candidate(pid, score) for pid, score in library.suggestions(tag_id, limit)]
    confirmed, rejected = library.reviewed_photos(tag_id)
    head = HeadArrays.load(bundle.directory / HEAD_FILE)
    dim = head.weight.shape[0]
    ids, x = library.embeddings(library.photo_ids_with_embedding(dim), dim)
    row_of = {pid: row for row, pid in enumerate(ids)}
    examples = [row_of[p] for p in confirmed if p in row_of]
    if not examples:
        raise OrganizerError(
            f"confirm {tag!r} on at least one photo first: its queue starts from there"
        )
    stats = few_shot.EmbeddingStats.of(x)
    negatives = x[[row_of[p] for p in rejected if p in row_of]]
    weight, offset = few_shot.direction(stats, x[examples], negatives)
    scores = few_shot.score(x, weight, offset)
    return _ranked(np.array(ids), scores, set(confirmed) | set(rejected), limit)


def similar_photos(
    library: Library, bundle: ModelBundle, photo_ids: list[int], limit: int = 50
) -> list[Candidate]:
    """Photos most like ``photo_ids`` (the selection itself left out)."""
    head = HeadArrays.load(bundle.directory / HEAD_FILE)
    dim = head.weight.shape[0]
    ids, x = library.embeddings(library.photo_ids_with_embedding(dim), dim)
    row_of = {pid: row for row, pid in enumerate(ids)}
    examples = [row_of[p] for p in photo_ids if p in row_of]
    if not examples:
        raise OrganizerError("the selected photos have not been tagged yet")
    weight, offset = few_shot.direction(few_shot.EmbeddingStats.of(x), x[examples])
    return _ranked(np.array(ids), few_shot.score(x, weight, offset), set(photo_ids), limit)


def _ranked(
    ids: np.ndarray, scores: np.ndarray, leave_out: set[int], limit: int
) -> list[Candidate]:
    keep = ~np.isin(ids, list(leave_out))
    ids, scores = ids[keep], scores[keep]
    top = np.argsort(-scores, kind="stable")[:limit]
    return [Candidate(int(ids[i]), float(scores[i])) for i in top]
