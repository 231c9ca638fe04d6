"""Menu Model: retrain (a child process, see retrain_dialog) and versions and rollback (the
core's ``App.activate_model``, off the GUI thread)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from organizer.library import browse
from organizer.library.store import Library
from organizer.thumbnails.cache import ThumbnailError
from organizer.ui.album_model import thumbnail_key
from organizer.ui.context import UiContext
from organizer.ui.errors import show_error
from organizer.ui.retrain_dialog import open_retrain_dialog

log = logging.getLogger(__name__)


class ModelMenu(QMenu):
    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("&Model"), parent)
        self._context = context
        self.setToolTipsVisible(True)
        self.retrain = self.addAction(self.tr("&Retrain…"), self._retrain)
        self.versions = self.addAction(self.tr("&Versions and Rollback…"), self._versions)

    def _retrain(self) -> None:
        """Training runs in its own process; the dialog shows progress, the plot and cancel."""
        dialog = open_retrain_dialog(
            self.parentWidget(), self._context.app.library_dir, self.load_samples,
            self._context.tag_labels(),
        )
        dialog.model_changed.connect(lambda _version: self._after_change())
        dialog.activation_requested.connect(
            lambda version: self._activate(
                version,
                lambda _result: dialog.show_activation(version, None),
                lambda message, _details: dialog.show_activation(version, message),
            )
        )

    def load_samples(
        self, ids: list[int], deliver: Callable[[dict[int, QImage]], None]
    ) -> None:
        """Thumbnails of the gate's sample photos, from the album's cache, off the GUI thread."""
        cache = self._context.thumbnails

        def read(library: Library) -> dict[int, QImage]:
            images = {}
            for photo_id, row in browse.photo_rows(library, ids).items():
                try:
                    images[photo_id] = QImage(str(cache.ensure(thumbnail_key(row), row.path)))
                except (OSError, ThumbnailError) as error:
                    log.info("no thumbnail for photo %d: %s", photo_id, error)
            return images

        self._context.work.read(read, deliver, lambda _message, _details: None)

    def _versions(self) -> None:
        app = self._context.app
        self._context.work.read(
            lambda library: [v.to_dict() for v in app.model_registry(library).versions()],
            self._choose_version,
            lambda message, details: show_error(self.parentWidget(), message, details),
        )

    def _choose_version(self, entries: object) -> None:
        if not isinstance(entries, list) or not entries:
            return
        versions = [str(e["version"]) for e in entries]
        # What a user needs to choose: when it was made, what it learned, which one is live.
        labels = [_describe(e) for e in entries]
        label, ok = QInputDialog.getItem(
            self.parentWidget(),
            self.tr("Model versions"),
            self.tr("Use model version:"),
            labels,
            0,
            False,
        )
        version = versions[labels.index(label)] if ok and label in labels else ""
        if ok and version:
            self.versions.setEnabled(False)
            self._activate(version, lambda _result: self._after_change(), self._activation_failed)

    def _activate(
        self,
        version: str,
        on_done: Callable[[object], None],
        on_error: Callable[[str, str], None],
    ) -> None:
        """``App.activate_model`` on the edit thread (it recomputes the library's suggestions)."""
        app = self._context.app
        self._context.work.edit(lambda library: app.activate_model(version, library), on_done,
                                on_error)

    def _activation_failed(self, message: str, details: str) -> None:
        self.versions.setEnabled(True)
        show_error(self.parentWidget(), message, details)

    def _after_change(self) -> None:
        """A model was activated (retraining or a rollback; its suggestions are in the index
        by now): every view re-reads. Pipelines follow the active model by themselves
        (App.refresh_model before each tagging pass)."""
        self.retrain.setEnabled(True)
        self.versions.setEnabled(True)
        self._context.events.tagNamesChanged.emit()
        self._context.events.photosChanged.emit()


def _describe(entry: dict) -> str:
    """One line per version: name, date, size of vocabulary, what it learned, whether live."""
    parts = [str(entry.get("version", "?")), str(entry.get("created", ""))]
    parts.append(f"{entry.get('tags', '?')} tags")
    learned = [*entry.get("new_tags", []), *entry.get("retrained_tags", [])]
    if learned:
        parts.append("learned: " + ", ".join(learned[:5]) + ("…" if len(learned) > 5 else ""))
    if entry.get("active"):
        parts.append("(active)")
    elif entry.get("status") == "candidate":
        parts.append("(candidate)")
    return "  ".join(p for p in parts if p)
