"""Quality of a tagging model on a labelled photo set: AP per tag, mAP, micro/macro F1.

Pure numpy (no torch, no Qt) so that the app, the CLI (``organizer eval``) and the training
code measure models the same way. Dataset labels are matched to bundle tags by name or alias,
case-insensitively and across singular/plural ("mountains" ~ "mountain", "buses" ~ "bus",
"people" ~ "person"); labels that match no tag are reported, never silently dropped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

# Plurals that suffix rules get wrong; both directions are derived from this table.
_IRREGULAR_PLURALS = {
    "person": "people",
    "man": "men",
    "woman": "women",
    "child": "children",
    "mouse": "mice",
    "foot": "feet",
    "tooth": "teeth",
    "goose": "geese",
    "sheep": "sheep",
    "fish": "fish",
    "deer": "deer",
    "knife": "knives",
    "wolf": "wolves",
    "leaf": "leaves",
    "shelf": "shelves",
    "scissors": "scissors",
    "skis": "skis",
}
_IRREGULAR_SINGULARS = {plural: singular for singular, plural in _IRREGULAR_PLURALS.items()}


def normalize_label(label: str) -> str:
    """Lowercase, single spaces, '_' and '-' as spaces."""
    return " ".join(label.strip().lower().replace("_", " ").replace("-", " ").split())


def singular_forms(name: str) -> list[str]:
    """Candidate singulars of a normalized (possibly multi-word) name, most likely first.

    English plurals are ambiguous from spelling alone ("buses" -> "bus", "houses" -> "house"),
    so every plausible stem is offered; the lookup keeps the first one that is a known tag.
    """
    head, _, last = name.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in _IRREGULAR_SINGULARS:
        return [prefix + _IRREGULAR_SINGULARS[last]]
    if len(last) <= 3 or not last.endswith("s") or last.endswith("ss"):
        return []
    stems = []
    if last.endswith("ies"):
        stems.append(last[:-3] + "y")
    if last.endswith("ves"):
        stems += [last[:-3] + "f", last[:-3] + "fe"]
    if last.endswith("es"):
        stems.append(last[:-2])
    stems.append(last[:-1])
    return [prefix + stem for stem in stems]


def plural_forms(name: str) -> list[str]:
    head, _, last = name.rpartition(" ")
    prefix = f"{head} " if head else ""
    if last in _IRREGULAR_PLURALS:
        return [prefix + _IRREGULAR_PLURALS[last]]
    if last.endswith("y") and last[-2:-1] not in "aeiou":
        return [prefix + last[:-1] + "ies"]
    if last.endswith(("s", "x", "z", "ch", "sh")):
        return [prefix + last + "es"]
    return [prefix + last + "s"]


@dataclass(frozen=True)
class TagLookup:
    """Maps normalized names and aliases (and their singular/plural forms) to tag names."""

    keys: Mapping[str, str]

    @classmethod
    def from_tags(cls, tags: Iterable[tuple[str, Sequence[str]]]) -> TagLookup:
        """``tags``: (name, aliases) pairs, in bundle order.

        Priority on a clash: a tag's own name, then an alias, then an inflected form of a
        name, then of an alias ("orange" the fruit stays the fruit whatever aliases say).
        """
        normalized = [(normalize_label(n), n, [normalize_label(a) for a in aliases])
                      for n, aliases in tags]
        keys: dict[str, str] = {}
        for key, name, _ in normalized:
            keys.setdefault(key, name)
        for _, name, aliases in normalized:
            for alias in aliases:
                keys.setdefault(alias, name)
        for key, name, aliases in normalized:
            for word in [key, *aliases]:
                for form in singular_forms(word) + plural_forms(word):
                    keys.setdefault(form, name)
        return cls(keys)

    @classmethod
    def from_bundle_tags(cls, tags: Iterable[Mapping]) -> TagLookup:
        """From bundle.json's ``tags`` list."""
        return cls.from_tags((t["name"], t.get("aliases", [])) for t in tags)

    def match(self, label: str) -> str | None:
        key = normalize_label(label)
        for form in [key, *singular_forms(key)]:
            if form in self.keys:
                return self.keys[form]
        return None


def match_labels(
    labels: Iterable[str], lookup: TagLookup
) -> tuple[dict[str, str], list[str]]:
    """(dataset label -> tag name for the labels that match, sorted unmatched labels)."""
    matched: dict[str, str] = {}
    unmatched: list[str] = []
    for label in sorted(set(labels)):
        tag = lookup.match(label)
        if tag is None:
            unmatched.append(label)
        else:
            matched[label] = tag
    return matched, unmatched


def average_precision(scores: np.ndarray, positives: np.ndarray) -> float:
    """Non-interpolated AP: mean over positives of the precision at their rank.

    Tied scores are ranked pessimistically (negatives first) so that a constant score cannot
    look good. Returns NaN when there are no positives (AP is undefined).
    """
    scores = np.asarray(scores, dtype=np.float64)
    positives = np.asarray(positives, dtype=bool)
    n_pos = int(positives.sum())
    if n_pos == 0:
        return float("nan")
    # Sort by score descending; among ties put negatives first (pessimistic).
    order = np.lexsort((positives, -scores))
    hits = positives[order]
    # For ties, precision is evaluated at the end of each tie group.
    sorted_scores = scores[order]
    group_end = np.r_[sorted_scores[1:] != sorted_scores[:-1], True]
    cum_hits = np.cumsum(hits)
    ranks = np.arange(1, len(hits) + 1)
    end_index = np.flatnonzero(group_end)
    group_of = np.searchsorted(end_index, np.arange(len(hits)))
    precision_at_group_end = cum_hits[end_index] / ranks[end_index]
    # Each positive gets the recall step it contributes times the precision where its tie
    # group is resolved.
    return float(precision_at_group_end[group_of][hits].sum() / n_pos)


def f1_counts(tp: int, fp: int, fn: int) -> float:
    denominator = 2 * tp + fp + fn
    return 0.0 if denominator == 0 else 2 * tp / denominator


@dataclass
class EvalReport:
    mean_average_precision: float
    per_label: dict[str, dict[str, float | int | str]]
    unmatched: list[str]
    micro_f1: float
    macro_f1: float
    images: int
    micro_precision: float = float("nan")  # of all suggestions of evaluated tags
    micro_recall: float = float("nan")
    # Facts about the run the caller adds to the report (model version, counts, flags).
    extra: dict[str, str | float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {
            "mAP": self.mean_average_precision,
            "micro_f1": self.micro_f1,
            "micro_precision": self.micro_precision,
            "micro_recall": self.micro_recall,
            "macro_f1": self.macro_f1,
            "images": self.images,
            "per_tag": self.per_label,
            "unmatched": self.unmatched,
            **self.extra,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(_nan_to_none(self.to_dict()), indent=indent, ensure_ascii=False)


def _nan_to_none(value):
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_nan_to_none(v) for v in value]
    return value


def evaluate(
    probabilities: np.ndarray,
    tag_names: Sequence[str],
    thresholds: Sequence[float] | np.ndarray,
    labels_per_image: Sequence[set[str]],
    tag_lookup: TagLookup,
    suggested: np.ndarray | None = None,
) -> EvalReport:
    """Score a model's [N, T] probabilities against per-image dataset labels.

    Every dataset label that matches a tag is evaluated as that tag: AP over all N images
    (labels without positives get AP NaN and are left out of mAP), and precision/recall at the
    tag's threshold for micro/macro F1. Unmatched labels are listed and otherwise ignored.
    ``thresholds`` is one per tag [T], or one per image and tag [N, T] (cross-validation scores
    each image at the thresholds of its own fold). ``suggested`` [N, T], when given, is what
    the model shows (``ModelBundle.suggested``: thresholds and exclusive pairs) and replaces
    the threshold comparison.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    thresholds = np.asarray(thresholds, dtype=np.float64)
    n_images = probabilities.shape[0]
    if probabilities.shape != (len(labels_per_image), len(tag_names)):
        raise ValueError(
            f"probabilities have shape {probabilities.shape}, expected "
            f"({len(labels_per_image)}, {len(tag_names)})"
        )
    column = {name: i for i, name in enumerate(tag_names)}
    all_labels = {label for labels in labels_per_image for label in labels}
    matched, unmatched = match_labels(all_labels, tag_lookup)

    per_label: dict[str, dict[str, float | int | str]] = {}
    aps: list[float] = []
    f1s: list[float] = []
    total_tp = total_fp = total_fn = 0
    for label, tag in matched.items():
        truth = np.array([label in labels for labels in labels_per_image], dtype=bool)
        scores = probabilities[:, column[tag]]
        predicted = (suggested[:, column[tag]] if suggested is not None
                     else scores >= thresholds[..., column[tag]])
        tp = int((predicted & truth).sum())
        fp = int((predicted & ~truth).sum())
        fn = int((~predicted & truth).sum())
        ap = average_precision(scores, truth)
        f1 = f1_counts(tp, fp, fn)
        per_label[label] = {
            "tag": tag,
            "AP": ap,
            "positives": int(truth.sum()),
            "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
            "f1": f1,
            "accuracy": float((predicted == truth).mean()) if n_images else float("nan"),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": n_images - tp - fp - fn,
        }
        if not np.isnan(ap):
            aps.append(ap)
            f1s.append(f1)
            total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
    return EvalReport(
        mean_average_precision=float(np.mean(aps)) if aps else float("nan"),
        per_label=per_label,
        unmatched=unmatched,
        micro_f1=f1_counts(total_tp, total_fp, total_fn),
        macro_f1=float(np.mean(f1s)) if f1s else float("nan"),
        images=n_images,
        micro_precision=(total_tp / (total_tp + total_fp) if total_tp + total_fp
                         else float("nan")),
        micro_recall=total_tp / (total_tp + total_fn) if total_tp + total_fn else float("nan"),
    )
