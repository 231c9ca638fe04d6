"""Indoor/outdoor labels derived from what a photo set says is in its photos.

The two are independent tags: a landscape is outdoor and not indoor, a room indoor and not
outdoor, and a flat scan of a receipt or a close-up of a carton on a shelf is neither. Scene sets
say so for every photo; COCO photos only where an object implies it (a bed or an oven is almost
always photographed indoors, a bus or a giraffe outdoors); photos whose labels say neither (or
both) stay unknown and do not enter the loss. Checked by eye on contact sheets of coco128: about
4 of the 85 photos these lists call indoor are outdoors (a riverbank, a crowd), and about 8 of
the 124 called outdoor were indoors before umbrellas were dropped from the outdoor list (studio
shots).
"""

from __future__ import annotations

INDOOR_OBJECTS = frozenset({
    "bed", "couch", "toilet", "sink", "oven", "microwave", "refrigerator", "tv", "laptop",
    "keyboard", "mouse", "remote", "book", "toaster", "hair drier",
    # Tableware: mostly kitchens and restaurants; without these, food close-ups had no indoor
    # examples and the model called them outdoor.
    "dining table", "cup", "fork", "knife", "spoon", "bowl", "wine glass",
})
OUTDOOR_OBJECTS = frozenset({
    "car", "bus", "truck", "train", "airplane", "boat", "traffic light", "fire hydrant",
    "stop sign", "parking meter", "kite", "surfboard", "skis", "snowboard", "skateboard",
    "giraffe", "zebra", "elephant", "horse", "sheep", "cow", "bear", "motorcycle", "bicycle",
    "frisbee", "baseball bat", "baseball glove", "bench", "bird",
})
OUTDOOR_SETS = frozenset({"miml-scene-dev", "intel-scenes"})  # landscapes and street scenes
# Sets whose own "indoor" label splits them: photos without it are outdoor scenes (15-Scene's
# coasts, streets, suburbs; house fronts).
INDOOR_LABELLED_SETS = frozenset({"scene15-lazebnik", "houses-rooms"})
NEITHER_SETS = frozenset({"receipts-sroie"})  # flat scans
# Close-ups of cartons and produce on shop shelves: not outdoor; whether a close-up counts as
# indoor is left unknown.
NOT_OUTDOOR_SETS = frozenset({"grocery-store"})

Verdict = tuple[bool | None, bool | None]


def indoor_and_outdoor(set_name: str, labels: set[str]) -> Verdict:
    """(indoor, outdoor): True, False or None (unknown) for each."""
    if set_name in OUTDOOR_SETS:
        return False, True
    if set_name in INDOOR_LABELLED_SETS:
        indoor = "indoor" in labels
        return indoor, not indoor
    if set_name in NEITHER_SETS:
        return False, False
    if set_name in NOT_OUTDOOR_SETS:
        return None, False
    indoor, outdoor = bool(labels & INDOOR_OBJECTS), bool(labels & OUTDOOR_OBJECTS)
    if indoor == outdoor:
        return None, None
    return indoor, outdoor
