"""Decoding a photo into the model's input tensor, as cheaply as the format allows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from organizer.errors import UnreadableImageError
from organizer.imaging import open_image
from organizer.metadata.image_info import ImageInfo, image_info
from organizer.tagging.bundle import InputSpec


def load_model_input(path: Path, spec: InputSpec) -> tuple[np.ndarray, ImageInfo]:
    """Decode ``path`` to a float32 CHW tensor, with the facts the index keeps.

    JPEGs are decoded at a reduced DCT scale (``draft``) no smaller than the resize target:
    that cuts decoding time several-fold on camera photos without changing what the model sees
    at 224 pixels. EXIF orientation is applied so rotated photos are tagged upright. Any failure
    raises UnreadableImageError with a one-line reason.
    """
    with open_image(path) as image:
        info = image_info(image)
        image.draft("RGB", (spec.resize_shorter, spec.resize_shorter))
        upright = _upright(_rgb(image), info.orientation)
        tensor = _to_tensor(upright, spec)
    return tensor, info


_TRANSPOSE_FOR_ORIENTATION = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


def _upright(image: Image.Image, orientation: int | None) -> Image.Image:
    method = _TRANSPOSE_FOR_ORIENTATION.get(orientation or 1)
    return image.transpose(method) if method is not None else image


def _rgb(image: Image.Image) -> Image.Image:
    if image.mode == "RGB":
        image.load()
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        # Transparent pixels are shown on white by viewers; do the same before tagging.
        rgba = image.convert("RGBA")
        canvas = Image.new("RGB", rgba.size, (255, 255, 255))
        canvas.paste(rgba, mask=rgba.getchannel("A"))
        return canvas
    if image.mode in ("I;16", "I;16B", "I;16L", "I"):
        return Image.fromarray(_stretch_to_8bit(np.asarray(image))).convert("RGB")
    return image.convert("RGB")


def _stretch_to_8bit(values: np.ndarray) -> np.ndarray:
    values = values.astype(np.float32)
    top = float(values.max()) or 1.0
    return np.clip(values * (255.0 / top), 0, 255).astype(np.uint8)


def _to_tensor(image: Image.Image, spec: InputSpec) -> np.ndarray:
    width, height = image.size
    if width < 1 or height < 1:
        raise UnreadableImageError(getattr(image, "filename", "image"), "image has no pixels")
    scale = spec.resize_shorter / min(width, height)
    new_size = (max(spec.size, round(width * scale)), max(spec.size, round(height * scale)))
    resized = image.resize(new_size, Image.Resampling.BICUBIC)
    left = (new_size[0] - spec.size) // 2
    top = (new_size[1] - spec.size) // 2
    cropped = resized.crop((left, top, left + spec.size, top + spec.size))
    array = np.asarray(cropped, dtype=np.float32)
    return ((array - spec.mean) / spec.std).transpose(2, 0, 1)
