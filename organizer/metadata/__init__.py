"""Keywords in photo files: read them when indexing, write them back safely.

Public API (everything else in this package is an implementation detail):

- ``MetadataService(own_writes)``: owns the single exiv2 thread. ``read_keywords(path) ->
  FileKeywords``; ``write_keywords(path, keywords, hierarchical, previously_written, *,
  keep_mtime=True, sidecar_for_readonly=False) -> WriteResult``; ``write_many(requests)``;
  ``submit_read``/``submit_write`` for futures. See ``writer.py`` for the write steps.
- ``FileKeywords(flat, hierarchical)``: keywords in a file: flat "dog", paths "animal|dog".
- ``WriteResult(path, target, written, changed, notes)``; ``WriteRequest`` for batches.
- ``MetadataWriteError`` / ``MetadataReadError`` (both ``MetadataError(path, reason)``).
- ``OwnWrites``: recent writes, for the folder watcher (``is_own_write(path)``).
- ``is_temp_file(path)``, ``clean_stale_temp_files(folder)``: our temp files, and crash leftovers.
- ``SidecarNaming``, ``sidecar_names(photo)``: sidecar conventions.

No Qt and no torch here. pyexiv2 is only touched through ``exiv2_io`` on the service's thread.
"""

from organizer.metadata.atomic import clean_stale_temp_files, is_temp_file
from organizer.metadata.errors import MetadataError, MetadataReadError, MetadataWriteError
from organizer.metadata.keywords import FileKeywords
from organizer.metadata.own_writes import OwnWrites
from organizer.metadata.sidecar import SidecarNaming, sidecar_names
from organizer.metadata.writer import MetadataService, WriteRequest, WriteResult

__all__ = [
    "FileKeywords",
    "MetadataError",
    "MetadataReadError",
    "MetadataService",
    "MetadataWriteError",
    "OwnWrites",
    "SidecarNaming",
    "WriteRequest",
    "WriteResult",
    "clean_stale_temp_files",
    "is_temp_file",
    "sidecar_names",
]
