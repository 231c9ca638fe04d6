"""One app window per library: a second start (the file manager's "Open with", a second click in
the applications menu) hands its photos to the running app and quits, instead of opening a
second window with a second folder watcher on the same library.

The running app listens on a local socket named after its library folder (QLocalServer: a Unix
socket, a named pipe on Windows); the newcomer sends one JSON line, ``{"photos": [...]}``.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

CONNECT_MS = 300
SEND_MS = 2000


def server_name(library_dir: Path) -> str:
    digest = hashlib.blake2b(os.fsencode(Path(library_dir).resolve()), digest_size=8).hexdigest()
    return f"organizer-{digest}"


def hand_over(library_dir: Path, photos: Sequence[str]) -> bool:
    """Give ``photos`` to an app already running on ``library_dir``; False: none runs."""
    socket = QLocalSocket()
    socket.connectToServer(server_name(library_dir))
    if not socket.waitForConnected(CONNECT_MS):
        return False
    # ASCII JSON: bytes of a name that are not UTF-8 travel as \udcXX escapes and come back.
    socket.write(json.dumps({"photos": list(photos)}).encode("ascii") + b"\n")
    socket.waitForBytesWritten(SEND_MS)
    socket.disconnectFromServer()
    return True


class InstanceServer(QObject):
    """Listens for later starts on the same library; ``on_photos`` gets what they open."""

    def __init__(self, library_dir: Path, on_photos: Callable[[list[str]], None]) -> None:
        super().__init__()
        self._on_photos = on_photos
        self._server = QLocalServer(self)
        name = server_name(library_dir)
        QLocalServer.removeServer(name)  # a socket left by a crashed app
        self.listening = self._server.listen(name)
        self._server.newConnection.connect(self._accept)

    def _accept(self) -> None:
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            line = bytes(socket.readLine().data())
            try:
                photos = [str(p) for p in json.loads(line).get("photos", [])]
            except (ValueError, AttributeError):
                continue  # not one of ours
            self._on_photos(photos)

    def close(self) -> None:
        self._server.close()
