"""The shipped default bundle (models/default): contract, ONNX behaviour, and its rebuild."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
from PIL import Image, ImageOps

REPO_ROOT = Path(__file__).resolve().parent.parent
BUNDLE_DIR = REPO_ROOT / "models" / "default"
EPS = 1e-6


@pytest.fixture(scope="module")
def bundle() -> dict:
    return json.loads((BUNDLE_DIR / "bundle.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def session(bundle) -> ort.InferenceSession:
    return ort.InferenceSession(
        str(BUNDLE_DIR / bundle["model_file"]), providers=["CPUExecutionProvider"]
    )


@pytest.fixture(scope="module")
def head() -> dict[str, np.ndarray]:
    with np.load(BUNDLE_DIR / "head.npz") as data:
        return {k: data[k] for k in data.files}


def preprocess(path: Path, spec: dict) -> np.ndarray:
    """The bundle's input recipe, written out independently of organizer_training/ and the app."""
    with Image.open(path) as img:
        img = ImageOps.exif_transpose(img).convert("RGB")
        scale = spec["resize_shorter"] / min(img.size)
        size = spec["size"]
        new = (max(size, round(img.width * scale)), max(size, round(img.height * scale)))
        img = img.resize(new, Image.Resampling.BICUBIC)
        left, top = (new[0] - size) // 2, (new[1] - size) // 2
        pixels = np.asarray(img.crop((left, top, left + size, top + size)), dtype=np.float32)
    return ((pixels - spec["mean"]) / spec["std"]).transpose(2, 0, 1)


def numpy_head(embedding: np.ndarray, head: dict[str, np.ndarray]) -> np.ndarray:
    """embedding -> probabilities from head.npz alone (the documented formula)."""
    imagenet_part = embedding[:, : head["fc_weight"].shape[1]].astype(np.float64)
    logits = imagenet_part @ head["fc_weight"].T + head["fc_bias"]
    logits -= logits.max(axis=1, keepdims=True)
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    p = np.clip(softmax @ head["class_map"], EPS, 1 - EPS)
    z = head["prior_scale"] * np.log(p / (1 - p)) + embedding @ head["weight"] + head["bias"]
    return 1 / (1 + np.exp(-z))


def test_bundle_json_contract(bundle) -> None:
    assert bundle["format"] == 1
    assert bundle["version"] and bundle["created"]
    assert (BUNDLE_DIR / bundle["model_file"]).is_file()
    assert (BUNDLE_DIR / "MODEL_CARD.md").is_file()
    assert bundle["input"] == {"name": "image", "size": 224, "resize_shorter": 256,
                               "resample": "bicubic", "mean": 127.0, "std": 128.0,
                               "color": "RGB", "layout": "NCHW"}
    assert bundle["outputs"] == {"probabilities": "probabilities", "embedding": "embedding"}
    assert bundle["threshold_rule"]
    assert {"weights", "weights_licence", "data", "script", "seed"} <= set(bundle["provenance"])


def test_tags_are_well_formed(bundle) -> None:
    tags = bundle["tags"]
    names = [t["name"] for t in tags]
    assert len(tags) >= 100
    assert len(set(names)) == len(names)
    for tag in tags:
        assert tag["name"] == tag["name"].lower().strip()
        assert tag["display"]["en"] and tag["display"]["zh_CN"]
        assert tag["parent"] is None or tag["parent"] in names
        assert tag["threshold"] is None or 0 < tag["threshold"] < 1
        assert all(alias == alias.lower() for alias in tag["aliases"])
    for required in ("person", "dog", "cat", "animal", "car", "food", "flower", "beach", "sea",
                     "mountain", "desert", "sunset", "tree", "snow", "city"):
        assert required in names


def test_aliases_resolve_to_their_own_tag(bundle) -> None:
    from organizer.tagging.evaluation import TagLookup

    lookup = TagLookup.from_bundle_tags(bundle["tags"])
    for tag in bundle["tags"]:
        assert lookup.match(tag["name"]) == tag["name"]
    assert lookup.match("mountains") == "mountain"
    assert lookup.match("people") == "person"


def test_onnx_signature(session, bundle) -> None:
    (image,) = session.get_inputs()
    assert image.name == "image"
    assert image.type == "tensor(float)"
    assert image.shape[1:] == [3, 224, 224] and not isinstance(image.shape[0], int)
    outputs = {o.name: o for o in session.get_outputs()}
    assert set(outputs) == {"probabilities", "embedding"}
    assert outputs["probabilities"].shape[1] == len(bundle["tags"])
    # The last feature map's mean (1280) and the means of the stage-end blocks (40+80+112+192).
    assert outputs["embedding"].shape[1] == 1704


def test_head_file_holds_the_whole_map(head, bundle) -> None:
    t = len(bundle["tags"])
    assert head["fc_weight"].shape == (1000, 1280)
    assert head["class_map"].shape == (1000, t)
    assert head["weight"].shape == (1704, t)
    assert head["prior_scale"].shape == head["bias"].shape == (t,)


@pytest.fixture(scope="module")
def sample_images(shared_data, bundle) -> np.ndarray:
    miml = shared_data / "photos" / "miml-scene-dev" / "images"
    coco = shared_data / "photos" / "coco128" / "images"
    paths = [miml / "3.jpg", miml / "1000.jpg", coco / "000000000042.jpg"]
    return np.stack([preprocess(p, bundle["input"]) for p in paths]).astype(np.float32)


def test_probabilities_are_the_head_applied_to_the_embedding(session, head, sample_images):
    probabilities, embedding = session.run(["probabilities", "embedding"],
                                           {"image": sample_images})
    assert probabilities.dtype == np.float32 and embedding.dtype == np.float32
    assert probabilities.shape[0] == embedding.shape[0] == len(sample_images)
    assert np.all((probabilities >= 0) & (probabilities <= 1))
    np.testing.assert_allclose(probabilities, numpy_head(embedding, head), atol=1e-5)


def test_batch_size_does_not_change_results(session, sample_images) -> None:
    batched, _ = session.run(["probabilities", "embedding"], {"image": sample_images})
    single, _ = session.run(["probabilities", "embedding"], {"image": sample_images[2:3]})
    np.testing.assert_allclose(batched[2:3], single, atol=1e-5)


def test_known_photos_get_their_tags(session, bundle, sample_images) -> None:
    names = [t["name"] for t in bundle["tags"]]
    probabilities, _ = session.run(["probabilities", "embedding"], {"image": sample_images})
    thresholds = np.array([t["threshold"] for t in bundle["tags"]])
    # 3.jpg: desert; 000000000042.jpg: a dog.
    assert probabilities[0, names.index("desert")] > thresholds[names.index("desert")]
    assert probabilities[2, names.index("dog")] > thresholds[names.index("dog")]
    assert probabilities[2, names.index("animal")] > 0.5


def test_torch_reference_matches_onnx(session, head, sample_images) -> None:
    torch = pytest.importorskip("torch")
    from organizer_training.backbone import load_backbone
    from organizer_training.head import HeadModule
    from organizer_training.head_params import HeadParameters

    network = load_backbone()
    backbone, stage_ends = network.model, network.spec.stage_end_blocks
    module = HeadModule(HeadParameters(**head))
    stage_outputs: dict[int, torch.Tensor] = {}
    for index in stage_ends:
        backbone._blocks[index].register_forward_hook(
            lambda _m, _i, output, index=index: stage_outputs.__setitem__(index, output))
    with torch.no_grad():
        x = torch.from_numpy(sample_images)
        # The package's own forward pass; the hooks see the stage ends on the way.
        last = backbone.extract_features(x).mean((2, 3))
        embedding = torch.cat([last, *(stage_outputs[i].mean((2, 3)) for i in stage_ends)],
                              dim=1)
        probabilities = module(embedding).numpy()
        imagenet_logits = backbone._fc(last).numpy()
    onnx_probabilities, onnx_embedding = session.run(["probabilities", "embedding"],
                                                     {"image": sample_images})
    np.testing.assert_allclose(onnx_embedding, embedding.numpy(), atol=1e-3)
    np.testing.assert_allclose(onnx_probabilities, probabilities, atol=1e-4)
    # The ImageNet classifier still reads exactly the pretrained network's embedding.
    np.testing.assert_allclose(onnx_embedding[:, :1280] @ head["fc_weight"].T + head["fc_bias"],
                               imagenet_logits, atol=1e-2)


@pytest.mark.slow
def test_tiny_build_produces_a_working_bundle(shared_data, tmp_path) -> None:
    pytest.importorskip("torch")
    out = tmp_path / "bundle"
    env = {**os.environ, "ORGANIZER_SHARED_DATA": str(shared_data)}
    result = subprocess.run(
        [sys.executable, "-m", "organizer_training.build_default_model", "--tiny", "--no-cache",
         "--out", str(out)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    built = json.loads((out / "bundle.json").read_text(encoding="utf-8"))
    assert built["version"].endswith("-tiny")
    assert [t["name"] for t in built["tags"]] == [
        t["name"] for t in json.loads((BUNDLE_DIR / "bundle.json").read_text())["tags"]
    ]
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    image = np.zeros((2, 3, 224, 224), dtype=np.float32)
    probabilities, embedding = session.run(["probabilities", "embedding"], {"image": image})
    with np.load(out / "head.npz") as data:
        tiny_head = {k: data[k] for k in data.files}
    np.testing.assert_allclose(probabilities, numpy_head(embedding, tiny_head), atol=1e-5)


def test_imagenet_classes_grouped_through_wordnet(head, bundle) -> None:
    names = [t["name"] for t in bundle["tags"]]
    per_tag = head["class_map"].sum(0)
    # ImageNet-1k has 118 dog breeds (indices 151-268) and 5 domestic cats (281-285).
    assert per_tag[names.index("dog")] == 118
    assert head["class_map"][151:269, names.index("dog")].all()
    assert per_tag[names.index("cat")] == 5
    # A parent collects at least its children's classes.
    for child, parent in (("dog", "animal"), ("car", "vehicle"), ("banana", "fruit")):
        c, p = names.index(child), names.index(parent)
        assert (head["class_map"][:, p] >= head["class_map"][:, c]).all()
    # ImageNet has no desert or sunset class: those tags come from trained heads only.
    for scene in ("desert", "sunset"):
        t = names.index(scene)
        assert per_tag[t] == 0 and np.abs(head["weight"][:, t]).sum() > 0


def test_folds_are_balanced_and_keep_near_duplicates_together(shared_data) -> None:
    from organizer_training.datasets import MIML_NEAR_DUPLICATES, fold_indices, read_labelled_set

    photos = read_labelled_set(shared_data / "photos" / "miml-scene-dev")
    folds = fold_indices(photos.paths, 5, 1, MIML_NEAR_DUPLICATES)
    counts = np.bincount(folds, minlength=5)
    assert counts.sum() == len(photos.paths) and counts.max() - counts.min() <= 2
    fold_of = {p.stem: f for p, f in zip(photos.paths, folds, strict=True)}
    for a, b in MIML_NEAR_DUPLICATES:
        if a in fold_of and b in fold_of:
            assert fold_of[a] == fold_of[b]
    assert not np.array_equal(folds, fold_indices(photos.paths, 5, 2, MIML_NEAR_DUPLICATES))


def test_bundle_metrics_are_cross_validated_over_every_labelled_photo(bundle, shared_data):
    from organizer_training.set_labels import COCO_SETS

    def photos(name: str) -> int:
        with open(shared_data / "photos" / name / "labels.csv", encoding="utf-8") as handle:
            return sum(1 for _ in handle) - 1

    for report, sets in (("miml-scene-dev", ["miml-scene-dev"]), ("coco", COCO_SETS),
                         ("flowers-tf", ["flowers-tf"])):
        metrics = bundle["metrics"][report]
        assert metrics["images"] == sum(photos(name) for name in sets)
        assert len(metrics["mAP_per_fold"]) == metrics["folds"] == 5
        assert metrics["mAP"] == pytest.approx(np.nanmean(metrics["mAP_per_fold"]), abs=1e-4)
        assert metrics["mAP"] > metrics["mAP_imagenet_only"]
    assert bundle["metrics"]["coco"]["labels_evaluated"] >= 70
    assert set(bundle["provenance"]["training_sets"]) == {
        p.parent.name for p in (shared_data / "photos").glob("*/labels.csv")}


def test_every_suggested_tag_has_labelled_evidence(bundle) -> None:
    """Precision first: a tag with a threshold was validated on labelled photos; the others
    have none and are never suggested on their own."""
    evidence = bundle["metrics"]["tags"]
    assert [t["name"] for t in bundle["tags"]] == list(evidence)
    suggested = [t for t in bundle["tags"] if t["threshold"] is not None]
    assert len(suggested) >= 80
    for tag in suggested:
        proof = evidence[tag["name"]]
        assert proof["suggested"] and proof["positives"] >= 5 and proof["sets"], tag["name"]
        assert proof["threshold"] == tag["threshold"]
    for name, proof in evidence.items():
        if proof["positives"] == 0:
            assert not proof["suggested"], name


def test_indoor_and_outdoor_are_independent_tags(session, bundle, shared_data) -> None:
    """A receipt scan is neither indoor nor outdoor; a room is indoor, a landscape outdoor."""
    names = [t["name"] for t in bundle["tags"]]
    indoor, outdoor = names.index("indoor"), names.index("outdoor")
    photos = shared_data / "photos"
    paths = [sorted((photos / "receipts-sroie" / "images").iterdir())[0],
             sorted((photos / "miml-scene-dev" / "images").iterdir())[0]]
    with open(photos / "houses-rooms" / "labels.csv", encoding="utf-8") as handle:
        room = next(line.split(",")[0] for line in handle if "bedroom" in line)
    paths.append(photos / "houses-rooms" / "images" / room)
    batch = np.stack([preprocess(p, bundle["input"]) for p in paths]).astype(np.float32)
    p, _ = session.run(["probabilities", "embedding"], {"image": batch})
    thresholds = [bundle["tags"][i]["threshold"] for i in (indoor, outdoor)]
    receipt, landscape, bedroom = p[0], p[1], p[2]
    assert receipt[indoor] < thresholds[0] and receipt[outdoor] < thresholds[1]
    assert landscape[outdoor] >= thresholds[1] and landscape[indoor] < thresholds[0]
    assert bedroom[indoor] >= thresholds[0] and bedroom[outdoor] < thresholds[1]
    assert bundle["exclusive"] == [["indoor", "outdoor"]]
