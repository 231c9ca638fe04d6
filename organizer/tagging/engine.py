"""The inference engine: provider choice, decode threads feeding batched ONNX inference.

Decoding dominates tagging time and releases the GIL, so a small thread pool decodes ahead
while the session runs the previous batch. The engine can swap to a new bundle while running
(``swap``): a batch in flight finishes on the model it started with.

On the CPU, decoding and inference share the same few cores. ONNX Runtime's default thread
pool spins while it waits and splits every operator across all cores, so each operator waits
for its slowest thread: often one the OS parked to run a decoder. Measured on 2 cores, that
cost up to half the CPU time. So on the CPU the engine runs ``inference_streams`` batches at
once, each on fewer intra-op threads (one on 2 cores), with spinning off: the cores stay busy
with useful work, decoding or inference.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from organizer.errors import ModelError, UnreadableImageError
from organizer.imaging import register_extra_formats
from organizer.metadata.image_info import ImageInfo
from organizer.tagging.bundle import ModelBundle
from organizer.tagging.preprocess import load_model_input

if TYPE_CHECKING:
    # Imported when a model loads (TaggingEngine._load), not with this module.
    import onnxruntime as ort

log = logging.getLogger(__name__)

GPU_PROVIDERS = ("CUDAExecutionProvider", "DmlExecutionProvider", "CoreMLExecutionProvider")
CPU_PROVIDER = "CPUExecutionProvider"


@dataclass(frozen=True)
class TagResult:
    """One photo's outcome: scores and embedding, or the reason it could not be tagged."""

    path: Path
    probabilities: np.ndarray | None = None
    embedding: np.ndarray | None = None
    info: ImageInfo | None = None
    error: str | None = None
    bundle: ModelBundle | None = None

    def suggestions(self) -> list[tuple[str, float]]:
        """(tag name, score) for every tag at or above its threshold."""
        if self.probabilities is None or self.bundle is None:
            return []
        indices = np.flatnonzero(self.bundle.suggested(self.probabilities[None])[0])
        return [(self.bundle.tags[i].name, float(self.probabilities[i])) for i in indices]


@dataclass(frozen=True)
class _Loaded:
    bundle: ModelBundle
    session: ort.InferenceSession


def onnxruntime_conflict() -> str | None:
    """Both onnxruntime and onnxruntime-gpu installed overwrite each other's files."""
    installed = set()
    for name in ("onnxruntime", "onnxruntime-gpu"):
        try:
            metadata.version(name)
            installed.add(name)
        except metadata.PackageNotFoundError:
            continue
    if len(installed) == 2:
        return (
            "both onnxruntime and onnxruntime-gpu are installed and break each other; fix with: "
            "pip uninstall -y onnxruntime onnxruntime-gpu && pip install 'organizer[gpu]' "
            "(or 'pip install onnxruntime' for CPU only)"
        )
    return None


# Images per inference batch. On the CPU ONNX Runtime keeps each running batch's activations
# in its memory arena: two streams of 32 held 680 MB, of 8 about 170 MB, for 7% less inference
# throughput (80 against 86 images/s on 2 cores; end to end the decoders set the pace). A GPU
# has its own memory and wants bigger batches.
CPU_BATCH_SIZE = 8
GPU_BATCH_SIZE = 32


class TaggingEngine:
    def __init__(
        self,
        bundle: ModelBundle,
        *,
        use_gpu: bool = True,
        batch_size: int | None = None,
        decode_threads: int | None = None,
    ) -> None:
        self.use_gpu = use_gpu
        self.decode_threads = decode_threads or max(2, usable_cores())
        self._lock = threading.Lock()
        register_extra_formats()
        self._loaded = self._load(bundle)
        self._batch_size = batch_size

    @property
    def batch_size(self) -> int:
        """Images per batch: as asked, else as suits the provider that runs now (a swap
        between GPU and CPU changes it)."""
        if self._batch_size is not None:
            return self._batch_size
        return CPU_BATCH_SIZE if self.provider == CPU_PROVIDER else GPU_BATCH_SIZE

    # -- model -----------------------------------------------------------------------------

    @property
    def bundle(self) -> ModelBundle:
        return self._loaded.bundle

    @property
    def provider(self) -> str:
        """The execution provider that really runs (read back from the session)."""
        return self._loaded.session.get_providers()[0]

    @property
    def inference_streams(self) -> int:
        """Batches run at once: several on the CPU (see the module docstring), one on a GPU."""
        return cpu_inference_streams() if self.provider == CPU_PROVIDER else 1

    def swap(self, bundle: ModelBundle) -> None:
        """Load ``bundle`` and make it current; on failure the old model stays."""
        loaded = self._load(bundle)
        with self._lock:
            self._loaded = loaded

    def _load(self, bundle: ModelBundle) -> _Loaded:
        import onnxruntime as ort

        # Organizer never talks to the network; onnxruntime's telemetry would (Windows builds
        # send events, and every build queues them with a device id under ~/.cache).
        ort.disable_telemetry_events()
        conflict = onnxruntime_conflict()
        if conflict:
            log.warning(conflict)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        # Only the CPU provider reads these; a GPU session keeps few nodes on the CPU.
        options.intra_op_num_threads = max(1, usable_cores() // cpu_inference_streams())
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            session = ort.InferenceSession(
                str(bundle.model_path), options, providers=self._providers(ort)
            )
        except Exception as error:  # noqa: BLE001 - onnxruntime raises its own untyped errors
            raise ModelError(f"cannot load model {bundle.model_path}: {error}") from error
        self._check_outputs(bundle, session)
        return _Loaded(bundle, session)

    def _providers(self, ort: ModuleType) -> list[str]:
        available = set(ort.get_available_providers())
        wanted = [p for p in GPU_PROVIDERS if p in available] if self.use_gpu else []
        return [*wanted, CPU_PROVIDER]

    @staticmethod
    def _check_outputs(bundle: ModelBundle, session: ort.InferenceSession) -> None:
        outputs = {output.name: output.shape for output in session.get_outputs()}
        for name in (bundle.probabilities_output, bundle.embedding_output):
            if name not in outputs:
                raise ModelError(f"model {bundle.model_path} has no output named {name!r}")
        width = outputs[bundle.probabilities_output][-1]
        if isinstance(width, int) and width != len(bundle.tags):
            raise ModelError(
                f"model {bundle.model_path} outputs {width} scores but the bundle lists "
                f"{len(bundle.tags)} tags"
            )

    # -- inference -------------------------------------------------------------------------

    def predict(self, batch: np.ndarray) -> tuple[np.ndarray, np.ndarray, ModelBundle]:
        """Probabilities and embeddings for a preprocessed batch, and the bundle that made them."""
        loaded = self._loaded
        bundle = loaded.bundle
        probabilities, embeddings = loaded.session.run(
            [bundle.probabilities_output, bundle.embedding_output],
            {bundle.input.name: np.ascontiguousarray(batch, dtype=np.float32)},
        )
        return probabilities, embeddings, bundle

    def tag_files(
        self, paths: Iterable[Path], cancelled: threading.Event | None = None
    ) -> Iterator[TagResult]:
        """Decode and tag each path; results come in input order, errors included."""
        spec = self.bundle.input
        streams = self.inference_streams
        window = self.batch_size * 2
        with (
            ThreadPoolExecutor(self.decode_threads, thread_name_prefix="decode") as decoders,
            ThreadPoolExecutor(streams, thread_name_prefix="inference") as runners,
        ):
            decoding: deque[tuple[Path, Future]] = deque()
            # One batch more than there are streams waits queued, so a stream that finishes
            # starts the next batch at once instead of waiting for this generator's consumer.
            running: deque[Future[list[TagResult]]] = deque()
            collected: list[_Decoded] = []
            images = 0
            iterator = iter(paths)
            exhausted = False
            while decoding or not exhausted:
                while not exhausted and len(decoding) < window:
                    if cancelled is not None and cancelled.is_set():
                        exhausted = True
                        break
                    path = next(iterator, None)
                    if path is None:
                        exhausted = True
                    else:
                        decoding.append((path, decoders.submit(load_model_input, path, spec)))
                if not decoding:
                    break
                path, future = decoding.popleft()
                try:
                    tensor, info = future.result()
                except UnreadableImageError as error:
                    collected.append(_Decoded(path, error=error.reason))
                else:
                    collected.append(_Decoded(path, tensor, info))
                    images += 1
                if images >= self.batch_size:
                    running.append(runners.submit(self._run_batch, collected))
                    collected, images = [], 0
                    while len(running) > streams:
                        yield from running.popleft().result()
            if collected:
                running.append(runners.submit(self._run_batch, collected))
            while running:
                yield from running.popleft().result()

    def _run_batch(self, collected: list[_Decoded]) -> list[TagResult]:
        """Results for one batch in input order; paths that failed to decode keep their error."""
        tensors = [item.tensor for item in collected if item.tensor is not None]
        if not tensors:
            return [TagResult(item.path, error=item.error) for item in collected]
        probabilities, embeddings, bundle = self.predict(np.stack(tensors))
        outputs = zip(probabilities, embeddings, strict=True)
        results = []
        for item in collected:
            if item.tensor is None:
                results.append(TagResult(item.path, error=item.error))
            else:
                probs, embedding = next(outputs)
                results.append(TagResult(item.path, probs, embedding, item.info, bundle=bundle))
        return results


@dataclass(frozen=True)
class _Decoded:
    """One path after decoding: its model input, or why there is none."""

    path: Path
    tensor: np.ndarray | None = None
    info: ImageInfo | None = None
    error: str | None = None


def usable_cores() -> int:
    """Cores this process may run on (a container or ``taskset`` can allow fewer than exist)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def cpu_inference_streams() -> int:
    """Two concurrent batches keep 2+ cores busy without splitting operators across all of
    them; more streams would only add memory (one batch of activations each)."""
    return 2 if usable_cores() >= 2 else 1
