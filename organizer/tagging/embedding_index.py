"""The library's stored embeddings in memory, for the rankings that read all of them ("more like
these", "find similar photos", the queue of a model tag it never suggests).

One float16 matrix (as stored; 340 MB for 100,000 photos) with its column statistics, read
again only when the library's embeddings changed: ``Library.embedding_changes`` is a counter
kept by triggers, so a photo added by the watcher or another process is seen at the next
ranking. Scores come from a two-node ONNX graph (cast to float32, matrix product) over blocks
of rows: numpy's float16 conversion alone took 480 ms for 100,000 photos of 1,704 columns,
onnxruntime's whole product 80 ms (bench/bench_suggest.py).

Reading them from SQLite takes 2 s at 100,000 photos, which a fresh process (each
``organizer suggest`` run) paid before its first ranking. So the index also keeps a copy in the
library folder (``EmbeddingCache``: the float16 matrix as a .npy file, memory-mapped by the next
process), valid while the library's change counter and list of photos are those it was written
at; anything else about it (missing, stale, unreadable) means a read from SQLite.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper

from organizer.library.store import Library
from organizer.metadata.atomic import clean_stale_temp_files, discard, write_temp_from
from organizer.tagging.few_shot import EmbeddingStats

_BLOCK = 2048  # rows per product: its float32 copy (14 MB) stays in cache; 16,384 was 4x slower
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoredEmbeddings:
    """Every photo's stored embedding of one size, as of ``changes``."""

    changes: int
    ids: np.ndarray  # [N] photo ids, ascending
    matrix: np.ndarray  # [N, D] float16
    stats: EmbeddingStats

    def rows(self, photo_ids: Iterable[int]) -> np.ndarray:
        """Row numbers of those of ``photo_ids`` that are here."""
        wanted = np.fromiter(photo_ids, dtype=np.int64)
        if not len(self.ids) or not len(wanted):
            return np.zeros(0, dtype=np.int64)
        at = np.clip(np.searchsorted(self.ids, wanted), 0, len(self.ids) - 1)
        return at[self.ids[at] == wanted]


class EmbeddingCache:
    """The stored embeddings of one size as files in ``directory``: ``<dim>.json`` names the
    counter and the photos (``Library.embedding_fingerprint``) they were written at, and their
    files (``<dim>-<counter>.*.npy``), which are written first."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()  # one writer per process (reads run on two threads)

    def load(self, library: Library, dim: int, changes: int) -> StoredEmbeddings | None:
        """The copy, if it is that of the library's embeddings now; else None."""
        try:
            info = json.loads((self.directory / f"{dim}.json").read_text(encoding="utf-8"))
            if info["changes"] != changes:
                return None
            stem = self.directory / info["stem"]
            ids = np.load(f"{stem}.ids.npy")
            matrix = np.load(f"{stem}.matrix.npy", mmap_mode="r")
            mean, scale = np.load(f"{stem}.mean.npy"), np.load(f"{stem}.scale.npy")
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if matrix.shape != (len(ids), dim) or matrix.dtype != np.float16 or mean.shape != (dim,):
            return None
        # The counter alone repeats in a library recreated or restored from a backup.
        if info.get("photos") != library.embedding_fingerprint(dim):
            return None
        return StoredEmbeddings(changes, ids, matrix, EmbeddingStats(mean, scale))

    def save(self, library: Library, stored: StoredEmbeddings) -> None:
        """Write ``stored``; a library folder that cannot take it only loses the speed-up."""
        dim = stored.matrix.shape[1]
        stem = f"{dim}-{stored.changes}"
        with self._lock:
            try:
                self.directory.mkdir(parents=True, exist_ok=True)
                clean_stale_temp_files(self.directory, recursive=False)
                for part, values in (("ids", stored.ids), ("matrix", stored.matrix),
                                     ("mean", stored.stats.mean), ("scale", stored.stats.scale)):
                    _write_atomically(self.directory / f"{stem}.{part}.npy",
                                      functools.partial(_save_array, values=values))
                # Read after the embeddings: any change in between moved the counter on, so
                # this copy is never taken for a later state.
                info = {"changes": stored.changes, "stem": stem,
                        "photos": library.embedding_fingerprint(dim)}
                _write_atomically(self.directory / f"{dim}.json",
                                  lambda handle: handle.write(json.dumps(info).encode()))
                for old in self.directory.glob(f"{dim}-*.npy"):
                    if not old.name.startswith(f"{stem}."):
                        old.unlink(missing_ok=True)
            except OSError as error:
                _log.info("embeddings not cached in %s: %s", self.directory, error)


def _save_array(handle: BinaryIO, values: np.ndarray) -> None:
    np.save(handle, values)


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    temp = write_temp_from(path.parent, write)
    try:
        os.replace(temp, path)
    except BaseException:
        discard(temp)
        raise


class EmbeddingIndex:
    """Holds the stored embeddings of one size for a process; shared by its threads.
    ``cache``: where a copy for the next process is kept (None: nowhere)."""

    def __init__(self, cache: EmbeddingCache | None = None) -> None:
        self._cache = cache
        self._lock = threading.Lock()
        self._stored: StoredEmbeddings | None = None
        self._session: ort.InferenceSession | None = None
        self._pairs: ort.InferenceSession | None = None

    def current(self, library: Library, dim: int) -> StoredEmbeddings:
        """The embeddings of ``dim`` columns as the library holds them now (``library``: the
        calling thread's connection)."""
        changes = library.embedding_changes()
        with self._lock:
            stored = self._stored
        if stored is not None and stored.changes == changes and stored.matrix.shape[1] == dim:
            return stored
        stored = self._cache.load(library, dim, changes) if self._cache else None
        if stored is None:
            changes, ids, matrix = library.stored_embeddings(dim)
            stored = StoredEmbeddings(changes, ids, matrix, EmbeddingStats.of(matrix))
            if self._cache is not None:
                self._cache.save(library, stored)
        with self._lock:
            self._stored = stored  # one size at a time: after a model switch the old goes
        return stored

    def scores(self, matrix: np.ndarray, weight: np.ndarray) -> np.ndarray:
        """``matrix @ weight`` (float16 [N, D] times [D]) in float32, as float64 [N]."""
        if not len(matrix):
            return np.zeros(0)
        w = np.ascontiguousarray(weight, dtype=np.float32).reshape(-1, 1)
        session = self._product()
        return np.concatenate([
            session.run(None, {"x": np.ascontiguousarray(matrix[start:start + _BLOCK]),
                               "w": w})[0][:, 0]
            for start in range(0, len(matrix), _BLOCK)
        ]).astype(np.float64)

    def row_products(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Each row's dot product, ``(x * y).sum(1)``, of two float16 [N, D] arrays, in float32
        (as float64 [N])."""
        if not len(x):
            return np.zeros(0)
        with self._lock:
            if self._pairs is None:
                self._pairs = _session(
                    [helper.make_node("Cast", ["x"], ["x32"], to=TensorProto.FLOAT),
                     helper.make_node("Cast", ["y"], ["y32"], to=TensorProto.FLOAT),
                     helper.make_node("Mul", ["x32", "y32"], ["xy"]),
                     helper.make_node("ReduceSum", ["xy", "axes"], ["products"], keepdims=0)],
                    [helper.make_tensor_value_info("x", TensorProto.FLOAT16, ["n", "d"]),
                     helper.make_tensor_value_info("y", TensorProto.FLOAT16, ["n", "d"])],
                    helper.make_tensor_value_info("products", TensorProto.FLOAT, ["n"]),
                    [helper.make_tensor("axes", TensorProto.INT64, [1], [1])],
                )
            session = self._pairs
        return np.concatenate([
            session.run(None, {"x": np.ascontiguousarray(x[start:start + _BLOCK]),
                               "y": np.ascontiguousarray(y[start:start + _BLOCK])})[0]
            for start in range(0, len(x), _BLOCK)
        ]).astype(np.float64)

    def _product(self) -> ort.InferenceSession:
        with self._lock:
            if self._session is None:
                self._session = _session(
                    [helper.make_node("Cast", ["x"], ["x32"], to=TensorProto.FLOAT),
                     helper.make_node("MatMul", ["x32", "w"], ["scores"])],
                    [helper.make_tensor_value_info("x", TensorProto.FLOAT16, ["n", "d"]),
                     helper.make_tensor_value_info("w", TensorProto.FLOAT, ["d", 1])],
                    helper.make_tensor_value_info("scores", TensorProto.FLOAT, ["n", 1]),
                )
            return self._session


def _session(nodes: list, inputs: list, output, initializers: list | None = None
             ) -> ort.InferenceSession:
    graph = helper.make_graph(nodes, output.name, inputs, [output], initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    options = ort.SessionOptions()
    options.enable_cpu_mem_arena = False  # no 100 MB blocks kept between calls
    return ort.InferenceSession(model.SerializeToString(), options,
                                providers=["CPUExecutionProvider"])
