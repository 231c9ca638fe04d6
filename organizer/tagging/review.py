""" "More like these": the photos nobody has reviewed for a tag, best candidates first.

For a tag the model suggests, the candidates are its suggestions, best score first (an index
query); for a model tag without a validated threshold (never suggested on its own), every
unreviewed photo ranked by the model's score for it, from the stored embeddings, so the user
can still find and confirm its photos; for a user's own tag, every unreviewed photo ranked by
the nearest-centroid score of its confirmed photos (rejected ones pull away), from the stored
embeddings, so the queue works from the first confirmed example, before any retraining.

"Find similar photos" ranks every other photo by the same nearest-centroid score of the chosen
photos, and the duplicates list shows each group of copies and near duplicates together
(organizer/tagging/duplicates.py). ``Ranking`` names any of these lists, for the app's grid and
the command line alike. Rankings over every photo read the stored embeddings through the
process's ``EmbeddingIndex``.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from organizer.errors import OrganizerError
from organizer.library.store import Library
from organizer.tagging import few_shot
from organizer.tagging.bundle import ModelBundle
from organizer.tagging.duplicates import DuplicateGroup, Progress, find_duplicates
from organizer.tagging.embedding_index import EmbeddingIndex
from organizer.tagging.rescore import HEAD_FILE, HeadArrays

REVIEW_LIMIT = 200
# The duplicates list holds whole groups up to this many photos.
DUPLICATES_LIMIT = 5000


@dataclass(frozen=True)
class Candidate:
    photo_id: int
    score: float
    group: int | None = None  # in the duplicates list: the number of its group, from 0


@dataclass(frozen=True)
class Ranking:
    """A list of photos ordered by how likely they are to belong: the review queue of ``tag``,
    (``like``) the photos most like the given ones, or (``duplicates``) the groups of copies
    and near duplicates, one group after the other (a photo's score: its group's similarity).
    """

    tag: str | None = None
    like: tuple[int, ...] = ()
    duplicates: bool = False

    def candidates(
        self, library: Library, bundle: ModelBundle, index: EmbeddingIndex,
        limit: int | None = None, progress: Progress | None = None,
        cancelled: threading.Event | None = None,
    ) -> list[Candidate]:
        """The list; ``progress`` and ``cancelled`` reach the one that can take seconds, the
        duplicates search (organizer/tagging/duplicates.py)."""
        if self.duplicates:
            return duplicate_candidates(library, bundle, index, limit or DUPLICATES_LIMIT,
                                        progress, cancelled)
        if self.tag is not None:
            return review_queue(library, bundle, index, self.tag, limit or REVIEW_LIMIT)
        return similar_photos(library, index, self.like, limit or REVIEW_LIMIT)


def duplicate_groups(
    library: Library, bundle: ModelBundle, index: EmbeddingIndex, near: bool = True,
    progress: Progress | None = None, cancelled: threading.Event | None = None,
) -> list[DuplicateGroup]:
    """The library's duplicate groups, near ones compared as ``bundle`` embeds photos."""
    return find_duplicates(library, index, embedding_dim(bundle), bundle.reference_stats(),
                           near=near, progress=progress, cancelled=cancelled)


def duplicate_candidates(
    library: Library, bundle: ModelBundle, index: EmbeddingIndex, limit: int,
    progress: Progress | None = None, cancelled: threading.Event | None = None,
) -> list[Candidate]:
    """Every duplicate group's photos, group after group, whole groups up to ``limit``."""
    found: list[Candidate] = []
    groups = duplicate_groups(library, bundle, index, progress=progress, cancelled=cancelled)
    for number, group in enumerate(groups):
        if found and len(found) + len(group.photo_ids) > limit:
            break
        found += [Candidate(photo_id, group.similarity, number) for photo_id in group.photo_ids]
    return found


def embedding_dim(bundle: ModelBundle) -> int | None:
    """The size of the embeddings ``bundle`` stores (None: it has no head to say)."""
    head_path = bundle.directory / HEAD_FILE
    return HeadArrays.load(head_path).weight.shape[0] if head_path.is_file() else None


def review_queue(
    library: Library, bundle: ModelBundle, index: EmbeddingIndex, tag: str, limit: int = 50
) -> list[Candidate]:
    """Unreviewed photos for ``tag``, highest score first (at most ``limit``)."""
    tag_id = library.tag_id(tag)
    if tag_id is None:
        raise OrganizerError(f"no tag named {tag!r} in this library")
    column = next((i for i, t in enumerate(bundle.tags) if t.name.lower() == tag.lower()), None)
    if column is not None and bundle.tags[column].suggested:
        # The model's own tag: its suggestions, as the index stores them, best first.
        return [Candidate(pid, score) for pid, score in library.suggestions(tag_id, limit)]
    confirmed, rejected = library.reviewed_photos(tag_id)
    if column is not None:
        return _model_ranked(library, bundle, index, column, set(confirmed) | set(rejected),
                             limit)
    return _nearest(
        library,
        index,
        confirmed,
        rejected,
        limit,
        f"confirm {tag!r} on at least one photo first: its queue starts from there",
    )


def similar_photos(
    library: Library, index: EmbeddingIndex, photo_ids: Sequence[int], limit: int = 50
) -> list[Candidate]:
    """The other photos most like ``photo_ids``, most similar first (stored embeddings)."""
    return _nearest(
        library,
        index,
        list(photo_ids),
        [],
        limit,
        "these photos have not been tagged yet (no stored embedding to compare)",
    )


def _nearest(
    library: Library,
    index: EmbeddingIndex,
    examples: list[int],
    counterexamples: list[int],
    limit: int,
    no_examples: str,
) -> list[Candidate]:
    """Every other photo ranked by the nearest-centroid score of ``examples`` (stored
    embeddings of the examples' size; ``counterexamples`` pull away)."""
    # The size most examples share: after a model switch, some may still hold the old one.
    sizes = Counter(len(e) for p in examples if (e := library.embedding(p)) is not None)
    if not sizes:
        raise OrganizerError(no_examples)
    stored = index.current(library, sizes.most_common(1)[0][0])
    rows = stored.rows(examples)
    if not len(rows):
        raise OrganizerError(no_examples)
    x = stored.matrix
    weight, offset = few_shot.direction(stored.stats, x[rows], x[stored.rows(counterexamples)])
    scores = index.scores(x, weight) + offset
    return _ranked(stored.ids, scores, set(examples) | set(counterexamples), limit)


def _model_ranked(
    library: Library, bundle: ModelBundle, index: EmbeddingIndex, column: int,
    reviewed: set[int], limit: int,
) -> list[Candidate]:
    """Unreviewed photos ranked by the model's probability for tag ``column``."""
    head = HeadArrays.load(bundle.directory / HEAD_FILE)
    stored = index.current(library, head.weight.shape[0])
    x = stored.matrix
    scores = np.concatenate([
        head.probabilities(x[start:start + 4096].astype(np.float32))[:, column]
        for start in range(0, len(x), 4096)]) if len(x) else np.zeros(0)
    return _ranked(stored.ids, scores, reviewed, limit)


def _ranked(
    ids: np.ndarray, scores: np.ndarray, leave_out: set[int], limit: int
) -> list[Candidate]:
    keep = ~np.isin(ids, list(leave_out))
    ids, scores = ids[keep], scores[keep]
    top = np.argsort(-scores, kind="stable")[:limit]
    return [Candidate(int(ids[i]), float(scores[i])) for i in top]
