"""Menu Model: retrain, versions and rollback, through the ``train``/``models`` commands."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from organizer.ui.cli_bridge import CommandRunner
from organizer.ui.context import UiContext
from organizer.ui.errors import show_error
from organizer.ui.retrain_dialog import open_retrain_dialog


class ModelMenu(QMenu):
    def __init__(
        self,
        commands: CommandRunner,
        available: set[str],
        context: UiContext,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(self.tr("&Model"), parent)
        self._commands = commands
        self._context = context
        self.setToolTipsVisible(True)
        self.retrain = self.addAction(self.tr("&Retrain…"), self._retrain)
        self.versions = self.addAction(self.tr("&Versions and Rollback…"), self._versions)
        if "train" not in available:
            self.retrain.setEnabled(False)
            self.retrain.setToolTip(self.tr("Training is not part of this build yet"))
        if "models" not in available:
            self.versions.setEnabled(False)
            self.versions.setToolTip(self.tr("Model versions are not part of this build yet"))

    def _retrain(self) -> None:
        """Training runs in its own process; the dialog shows progress, the plot and cancel."""
        dialog = open_retrain_dialog(self.parentWidget(), self._context.app.library_dir)
        dialog.model_changed.connect(lambda _version: self._after_change(0, ""))

    def _versions(self) -> None:
        self._commands.run("models", ["--json"], self._choose_version)

    def _choose_version(self, code: int, output: str) -> None:
        if code != 0:
            return
        try:
            listing = json.loads(output)
        except json.JSONDecodeError:
            show_error(
                self.parentWidget(), self.tr("Unexpected output from 'organizer models'"), output
            )
            return
        entries = listing.get("models", listing) if isinstance(listing, dict) else listing
        versions = [str(e.get("version", e)) if isinstance(e, dict) else str(e) for e in entries]
        if not versions:
            return
        # What a user needs to choose: when it was made, what it learned, which one is live.
        labels = [_describe(e) if isinstance(e, dict) else str(e) for e in entries]
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
            self._commands.run("models", ["use", version], self._after_change)

    def _after_change(self, code: int, _output: str) -> None:
        """A model was activated (retraining or a rollback; its suggestions are in the index
        by now): every view re-reads. Pipelines follow the active model by themselves
        (App.refresh_model before each tagging pass)."""
        self.retrain.setEnabled(True)
        if code == 0:
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
