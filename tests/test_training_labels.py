"""The bundle build's bookkeeping: cross-validated metrics, derived and assumed labels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch", reason="the build needs organizer[train]")

from organizer.tagging.evaluation import TagLookup  # noqa: E402
from organizer_training.cross_validation import LabelledImages, set_metrics  # noqa: E402
from organizer_training.datasets import LabelledSet, read_labelled_set  # noqa: E402
from organizer_training.indoor_outdoor import indoor_and_outdoor  # noqa: E402
from organizer_training.set_labels import ASSUMED_ABSENT, assumed_absent, label_matrix  # noqa: E402
from organizer_training.vocabulary import VOCABULARY  # noqa: E402

TAG_INDEX = {spec.name: i for i, spec in enumerate(VOCABULARY)}
LOOKUP = TagLookup.from_tags((spec.name, spec.aliases) for spec in VOCABULARY)


def _images(labels: list[set[str]], folds: list[int]) -> LabelledImages:
    n = len(labels)
    return LabelledImages(
        x=np.zeros((n, 1)), prior=np.zeros((n, 1)), labels=np.zeros((n, 1)),
        known=np.ones((n, 1)), set_of=np.zeros(n, dtype=int), fold_of=np.array(folds),
        set_names=["s"],
    )


def test_false_positives_in_a_fold_without_the_label_still_count() -> None:
    # One dog, in fold 0, found; fold 1 has no dog but two photos scored as dogs.
    labels = [{"dog"}, set(), set(), set()]
    data = _images(labels, [0, 0, 1, 1])
    scores = np.zeros((4, len(TAG_INDEX)))
    scores[[0, 2, 3], TAG_INDEX["dog"]] = 0.9
    thresholds = np.full((len(labels), len(TAG_INDEX)), 0.5)
    report = set_metrics(data, np.arange(4), scores, scores, thresholds, labels,
                         list(TAG_INDEX), LOOKUP)
    dog = report["per_label"]["dog"]
    assert dog["positives"] == 1 and dog["AP"] == 1.0
    assert dog["f1"] == pytest.approx(0.5) and dog["accuracy"] == pytest.approx(0.5)
    assert report["micro_f1"] == pytest.approx(0.5)
    assert report["mAP_per_fold"][0] == 1.0 and np.isnan(report["mAP_per_fold"][1])


def test_unmatched_labels_come_from_the_whole_set() -> None:
    labels = [{"dog", "unicorn"}, {"toothbrush"}]
    data = _images(labels, [0, 1])
    scores = np.zeros((2, len(TAG_INDEX)))
    thresholds = np.full((len(labels), len(TAG_INDEX)), 0.5)
    report = set_metrics(data, np.arange(2), scores, scores, thresholds, labels,
                         list(TAG_INDEX), LOOKUP)
    assert report["unmatched"] == ["unicorn"]


def test_indoor_and_outdoor_are_independent() -> None:
    assert indoor_and_outdoor("miml-scene-dev", {"sea"}) == (False, True)
    assert indoor_and_outdoor("coco128", {"bed", "person"}) == (True, False)
    assert indoor_and_outdoor("coco128", {"giraffe"}) == (False, True)
    assert indoor_and_outdoor("coco128", {"person"}) == (None, None)  # says neither
    assert indoor_and_outdoor("coco128", {"oven", "car"}) == (None, None)  # says both
    assert indoor_and_outdoor("scene15-lazebnik", {"kitchen", "indoor"}) == (True, False)
    assert indoor_and_outdoor("scene15-lazebnik", {"coast", "sea"}) == (False, True)
    assert indoor_and_outdoor("houses-rooms", {"house", "building"}) == (False, True)
    # A receipt scan is neither; a carton on a shop shelf is not outdoor, indoor unknown.
    assert indoor_and_outdoor("receipts-sroie", {"receipt", "document", "text"}) == (False,
                                                                                       False)
    assert indoor_and_outdoor("grocery-store", {"milk", "food"}) == (None, False)


def test_single_label_sets_know_their_own_vocabulary_and_what_their_subject_rules_out(
    shared_data: Path,
) -> None:
    flowers = read_labelled_set(shared_data / "photos" / "flowers-tf")
    matrix = label_matrix(flowers, LOOKUP, TAG_INDEX, assumed_absent([flowers],
                                                                     TAG_INDEX)["flowers-tf"])
    daisy, rose, flower = TAG_INDEX["daisy"], TAG_INDEX["rose"], TAG_INDEX["flower"]
    is_daisy = np.array(["daisy" in labels for labels in flowers.labels])
    # Every photo says whether it is a daisy (the set names one kind per photo)...
    assert matrix.known[:, daisy].all() and np.array_equal(matrix.labels[:, daisy] > 0, is_daisy)
    assert matrix.known[:, rose].all() and not matrix.labels[is_daisy, rose].any()
    assert matrix.labels[:, flower].all()
    # ...nothing about a person or an insect among the petals, and that a flower is no car.
    for tag in ("person", "insect", "building"):
        assert not matrix.known[:, TAG_INDEX[tag]].any()
    assert matrix.known[:, TAG_INDEX["car"]].all() and not matrix.labels[:, TAG_INDEX["car"]].any()

    receipts = read_labelled_set(shared_data / "photos" / "receipts-sroie")
    m = label_matrix(receipts, LOOKUP, TAG_INDEX,
                     assumed_absent([receipts], TAG_INDEX)["receipts-sroie"])
    assert m.known.all()  # a scan of a receipt shows nothing but the receipt
    assert {name for name, t in TAG_INDEX.items() if m.labels[:, t].all()} == {
        "receipt", "document", "text"}


def test_coco_labels_parents_through_children_and_miml_rules_out_household_objects(
    shared_data: Path,
) -> None:
    coco = read_labelled_set(shared_data / "photos" / "coco128")
    miml = read_labelled_set(shared_data / "photos" / "miml-scene-dev")
    absent = assumed_absent([coco, miml], TAG_INDEX)
    coco_m = label_matrix(coco, LOOKUP, TAG_INDEX, absent["coco128"])
    animal = TAG_INDEX["animal"]
    has_animal = np.array([bool(labels & {"dog", "cat", "giraffe", "zebra", "bird", "horse",
                                          "sheep", "cow", "elephant", "bear"})
                           for labels in coco.labels])
    assert coco_m.known[:, animal].all()
    assert np.array_equal(coco_m.labels[:, animal] > 0, has_animal)

    miml_m = label_matrix(miml, LOOKUP, TAG_INDEX, absent["miml-scene-dev"])
    for tag in ("couch", "potted plant", "person"):
        assert miml_m.known[:, TAG_INDEX[tag]].all() and not miml_m.labels[:, TAG_INDEX[tag]].any()
    # What a landscape may well show is not ruled out wholesale...
    for tag in ("boat", "bird", "animal", "surfboard", "airplane"):
        assert not miml_m.known[:, TAG_INDEX[tag]].any()
    assert miml_m.labels[:, TAG_INDEX["outdoor"]].all()
    assert miml_m.known[:, TAG_INDEX["indoor"]].all()
    assert not miml_m.labels[:, TAG_INDEX["indoor"]].any()


def test_landscapes_are_negatives_only_where_imagenet_sees_no_trace(shared_data: Path) -> None:
    from organizer_training.backbone import embed_files, load_backbone
    from organizer_training.build_default_model import base_head
    from organizer_training.head_params import head_probabilities
    from organizer_training.set_labels import add_negatives_imagenet_does_not_see
    from organizer_training.vocabulary import class_to_tag_matrix, read_imagenet_classes
    from organizer_training.wordnet import DEFAULT_WORDNET_DIR, WordNet

    # 935 and 1209 show sailing ships, 1778 a swan; in 3 (desert) and 1000 (sea) ImageNet
    # sees no boat.
    full = read_labelled_set(shared_data / "photos" / "miml-scene-dev")
    keep = [i for i, p in enumerate(full.paths) if p.stem in {"935", "1209", "1778", "3", "1000"}]
    miml = LabelledSet(full.name, [full.paths[i] for i in keep], [full.labels[i] for i in keep])
    stem = [p.stem for p in miml.paths]
    coco = read_labelled_set(shared_data / "photos" / "coco128")
    backbone = load_backbone()
    classes = read_imagenet_classes(shared_data / "imagenet" / "classes.csv")
    head = base_head(backbone, class_to_tag_matrix(VOCABULARY, classes,
                                                   WordNet(DEFAULT_WORDNET_DIR)))
    matrix = label_matrix(miml, LOOKUP, TAG_INDEX, set())
    imagenet_p = head_probabilities(embed_files(backbone, miml.paths), head)
    columns = add_negatives_imagenet_does_not_see(miml, matrix, imagenet_p, [miml, coco],
                                                  LOOKUP, TAG_INDEX)
    boat, bird = TAG_INDEX["boat"], TAG_INDEX["bird"]
    assert boat in columns and bird in columns
    assert not matrix.known[stem.index("935"), boat] and not matrix.known[stem.index("1209"), boat]
    assert not matrix.known[stem.index("1778"), bird]
    assert matrix.known[stem.index("3"), boat] and matrix.known[stem.index("1000"), boat]
    assert not matrix.labels[:, boat].any()


def test_overlapping_classes_of_a_single_label_set_are_not_negatives(shared_data: Path) -> None:
    """Intel's glaciers stand among mountains and its streets among buildings: those photos say
    nothing about mountain or building, while its forests and seas stay negatives for both."""
    intel = read_labelled_set(shared_data / "photos" / "intel-scenes")
    matrix = label_matrix(intel, LOOKUP, TAG_INDEX,
                          assumed_absent([intel], TAG_INDEX)["intel-scenes"])
    def photos_of(label: str) -> np.ndarray:
        return np.array([label in labels for labels in intel.labels])

    mountain, building = TAG_INDEX["mountain"], TAG_INDEX["building"]
    for label, tag, unknown in (("glacier", mountain, True), ("street", building, True),
                                ("forest", mountain, False), ("sea", building, False)):
        rows = photos_of(label)
        assert rows.sum() > 100
        assert (matrix.known[rows, tag] == 0).all() == unknown, (label, tag)
        assert not matrix.labels[rows, tag].any()
    # The class's own photos are still positives, known.
    rows = photos_of("mountain")
    assert matrix.known[rows, mountain].all() and matrix.labels[rows, mountain].all()
    # Its mountains stay negatives for snow: they are what keeps snow off waves and dunes.
    assert matrix.known[rows, TAG_INDEX["snow"]].all()


def test_assumed_absent_names_real_tags() -> None:
    with pytest.raises(ValueError, match="not in the vocabulary"):
        assumed_absent([LabelledSet("miml-scene-dev", [], [])], {"person": 0})
    assert all(name in TAG_INDEX for names in ASSUMED_ABSENT.values() for name in names)


def test_coco_photos_rule_out_flowers_unless_a_plant_or_vase_is_there(shared_data: Path) -> None:
    from organizer_training.set_labels import ABSENT_UNLESS_LABELLED

    coco = read_labelled_set(shared_data / "photos" / "coco128")
    matrix = label_matrix(coco, LOOKUP, TAG_INDEX, set(), ABSENT_UNLESS_LABELLED["coco128"])
    flower = TAG_INDEX["flower"]
    with_plant = np.array([bool(labels & {"potted plant", "vase"}) for labels in coco.labels])
    assert with_plant.any() and not with_plant.all()
    assert (matrix.known[:, flower] > 0).tolist() == (~with_plant).tolist()
    assert not matrix.labels[:, flower].any()


def test_few_shot_measure_judges_a_tag_only_where_a_set_says_whether_it_is_there(
    shared_data: Path,
) -> None:
    from organizer_training.labelled_embeddings import LabelledEmbeddings, read_sets
    from organizer_training.measure_few_shot import concepts, set_truth

    photos = shared_data / "photos"
    wanted = {"miml-scene-dev", "cats-dogs-kaggle", "people-humanseg"}
    entries = [e for e in read_sets(photos) if e[0] in wanted]
    data = LabelledEmbeddings(
        np.array([name for name, _, _ in entries]), np.array([p.name for _, p, _ in entries]),
        [labels for _, _, labels in entries], np.zeros((len(entries), 1), dtype=np.float32))
    truth = set_truth(data, photos)
    row = {name: i for i, name in enumerate(truth.tag_names)}
    miml = data.sets == "miml-scene-dev"
    mountains = np.array(["mountains" in labels for labels in data.labels])
    # MIML's "mountains" is the tag mountain, and its other photos are known not to show one.
    assert truth.labels[mountains, row["mountain"]].all()
    assert truth.known[miml, row["mountain"]].all()
    # A pet photo says nothing about a person in it; a landscape of MIML says there is none.
    pets = data.sets == "cats-dogs-kaggle"
    assert not truth.known[pets, row["person"]].any()
    assert truth.known[miml, row["person"]].all() and not truth.labels[miml, row["person"]].any()
    measured = {(s, truth.tag_names[c]) for s, c in concepts(data, truth)}
    assert {("miml-scene-dev", "mountain"), ("people-humanseg", "person")} <= measured
    # Cats have known negatives only among these dogs, fewer than the cats: not measured.
    assert ("cats-dogs-kaggle", "cat") not in measured
    # Only what a set names is a concept of it: MIML names no "outdoor", though it is known.
    assert ("miml-scene-dev", "outdoor") not in measured
