"""The gate before a retrained model goes live: compare it with the current one on every photo.

Looking only at the photos the user corrected (the old gate) let a run that wrecked ``car``
through as "no tag got worse": rejecting ``car`` on 3 dog photos took it off 15 of 21 real car
photos nobody had touched. So the gate scores every stored embedding with both heads and counts,
per tag, the suggestions that appear and disappear on photos the user never corrected for that
tag. A change bigger than the user's corrections can explain, or a new tag shown on an
implausible share of the library, keeps the new model as a candidate, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from organizer.library.store import Library
from organizer.tagging.bundle import suggested_mask
from organizer.tagging.rescore import CHUNK, HeadArrays

# A retrained tag may change on this many untouched photos per correction of it...
CHANGES_PER_CORRECTION = 3
# ... and on at least this many (small libraries, one correction).
MIN_ALLOWED_CHANGES = 5
# A new tag suggested on more of the library than this is implausible for a user's own tag.
MAX_NEW_TAG_SHARE = 0.3
NEW_TAG_SHARE = "new tag share"
UNEXPLAINED_CHANGES = "unexplained changes"
SAMPLES = 6  # photos gaining and losing each tag, for the retrain dialog's thumbnails

Progress = Callable[[str, int, int], None]


@dataclass
class TagChange:
    tag: str
    new: bool
    confirmed: int
    rejected: int
    before: int  # suggestions on photos the user did not correct for this tag
    after: int
    appeared: int
    disappeared: int
    gained: list[int] = field(default_factory=list)  # sample photo ids
    lost: list[int] = field(default_factory=list)
    # Why this change keeps the model a candidate: the rule it breaks (NEW_TAG_SHARE,
    # UNEXPLAINED_CHANGES; the app words it in the UI's language) and in English words.
    rule: str | None = None
    problem: str | None = None


@dataclass
class GateReport:
    photos: int
    changes: list[TagChange]

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def problems(self) -> list[str]:
        return [change.problem for change in self.changes if change.problem]


def compare_on_library(
    library: Library,
    old: HeadArrays,
    old_thresholds: np.ndarray,
    new: HeadArrays,
    new_thresholds: np.ndarray,
    tag_names: Sequence[str],
    corrections: Mapping[str, tuple[set[int], set[int]]],
    progress: Progress | None = None,
    exclusive_pairs: tuple[tuple[int, int], ...] = (),
) -> GateReport:
    """Compare the heads on every photo with an embedding of their size.

    ``tag_names`` names the new head's columns (the old head's come first); ``corrections``
    maps a tag to the photo ids where the user confirmed / rejected it. Only tags whose column
    changed (or is new) are reported: the others give identical suggestions.
    """
    corrections = {name.casefold(): value for name, value in corrections.items()}
    n_old = old.weight.shape[1]
    changed = [j for j in range(len(tag_names)) if j >= n_old or _column_differs(old, new, j)]
    dim = old.weight.shape[0]
    ids = library.photo_ids_with_embedding(dim)
    counts = {j: np.zeros(4, dtype=np.int64) for j in changed}  # before, after, +, -
    samples: dict[int, tuple[list[int], list[int]]] = {j: ([], []) for j in changed}
    report = progress or (lambda stage, done, total: None)
    report("comparing with the current model", 0, len(ids))
    for start in range(0, len(ids), CHUNK):
        chunk_ids, x = library.embeddings(ids[start : start + CHUNK], dim)
        if not chunk_ids:
            continue
        photo_ids = np.array(chunk_ids)
        before = suggested_mask(old.probabilities(x), old_thresholds, exclusive_pairs)
        after = suggested_mask(new.probabilities(x), new_thresholds, exclusive_pairs)
        for j in changed:
            confirmed, rejected = corrections.get(tag_names[j].casefold(), (set(), set()))
            untouched = ~np.isin(photo_ids, list(confirmed | rejected))
            was = before[:, j] & untouched if j < n_old else np.zeros(len(x), bool)
            now = after[:, j] & untouched
            counts[j] += [was.sum(), now.sum(), (now & ~was).sum(), (was & ~now).sum()]
            gained, lost = samples[j]
            gained += photo_ids[now & ~was][: SAMPLES - len(gained)].tolist()
            lost += photo_ids[was & ~now][: SAMPLES - len(lost)].tolist()
        report("comparing with the current model", start + len(chunk_ids), len(ids))
    changes = []
    for j in changed:
        name = tag_names[j]
        confirmed, rejected = corrections.get(name.casefold(), (set(), set()))
        before_n, after_n, appeared, disappeared = (int(v) for v in counts[j])
        change = TagChange(
            name,
            j >= n_old,
            len(confirmed),
            len(rejected),
            before_n,
            after_n,
            appeared,
            disappeared,
            *samples[j],
        )
        change.rule = _broken_rule(change, len(ids))
        change.problem = _problem(change, len(ids))
        changes.append(change)
    return GateReport(len(ids), changes)


def _column_differs(old: HeadArrays, new: HeadArrays, j: int) -> bool:
    return not (
        np.array_equal(old.weight[:, j], new.weight[:, j])
        and old.bias[j] == new.bias[j]
        and old.prior_scale[j] == new.prior_scale[j]
    )


def _broken_rule(change: TagChange, photos: int) -> str | None:
    if change.new:
        return NEW_TAG_SHARE if change.after / max(photos, 1) > MAX_NEW_TAG_SHARE else None
    lost_allowed = max(MIN_ALLOWED_CHANGES, CHANGES_PER_CORRECTION * change.rejected)
    gained_allowed = max(MIN_ALLOWED_CHANGES, CHANGES_PER_CORRECTION * change.confirmed)
    if change.disappeared > lost_allowed or change.appeared > gained_allowed:
        return UNEXPLAINED_CHANGES
    return None


def _problem(change: TagChange, photos: int) -> str | None:
    if change.rule == NEW_TAG_SHARE:
        return (
            f"{change.tag}: a new tag suggested on {change.after / max(photos, 1):.0%} of the "
            f"library ({change.after} of {photos} photos) from {change.confirmed} examples"
        )
    if change.rule == UNEXPLAINED_CHANGES:
        return (
            f"{change.tag}: {change.before} → {change.after} suggestions on photos you "
            f"didn't correct (+{change.appeared} −{change.disappeared}, from "
            f"{change.confirmed} confirmed and {change.rejected} rejected)"
        )
    return None
