"""Model → Retrain…: runs ``organizer train --progress-json`` in a child process and shows it.

Training runs in a separate process so a crash or a cancel can't take the window down; the
child prints one JSON object per line (``stage``, ``plan``, ``epoch``, ``activated``,
``result``, ``error``). Cancel terminates the child: until it prints ``activated`` nothing
about the active model has changed, so a cancel leaves it untouched.

Entry point for the main window: ``open_retrain_dialog(parent, library_dir)``; connect
``model_changed`` to ``App.refresh_model`` (or whatever reloads the engine).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QPointF,
    QProcess,
    QProcessEnvironment,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPainterPath, QPen, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from organizer.app import organizer_command
from organizer.tagging.model_gate import NEW_TAG_SHARE, UNEXPLAINED_CHANGES

KILL_AFTER_MS = 3000
SAMPLE_SIZE = QSize(96, 96)

# (photo ids, deliver) -> None: reads the photos' thumbnails off the GUI thread and calls
# ``deliver`` with {photo id: image} on the GUI thread (the main window passes the library's).
SampleLoader = Callable[[list[int], Callable[[dict[int, QImage]], None]], None]
SERIES_COLOURS = {
    "train_loss": QColor("#1f77b4"),
    "val_loss": QColor("#d62728"),
    "val_accuracy": QColor("#2ca02c"),
}


class LinePlot(QWidget):
    """Per-epoch curves drawn with QPainter (QtCharts is not in pyside6-essentials).

    Losses share the left scale (0 to their maximum); accuracy-like series named in
    ``unit_series`` use a fixed 0..1 scale, labelled on the right."""

    def __init__(self, labels: dict[str, str], unit_series: set[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = labels
        self.unit_series = unit_series
        self.series: dict[str, list[float]] = {name: [] for name in labels}
        self.setMinimumSize(360, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def add_point(self, values: dict[str, float]) -> None:
        for name in self.series:
            if name in values and values[name] is not None:
                self.series[name].append(float(values[name]))
        self.update()

    def clear(self) -> None:
        for values in self.series.values():
            values.clear()
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().base())
        metrics = painter.fontMetrics()
        area = QRectF(self.rect()).adjusted(44, 10, -44, -24 - metrics.height())
        painter.setPen(QPen(self.palette().mid().color()))
        painter.drawRect(area)
        n = max((len(v) for v in self.series.values()), default=0)
        loss_max = max((max(v) for k, v in self.series.items()
                        if v and k not in self.unit_series), default=1.0) or 1.0
        painter.setPen(self.palette().text().color())
        painter.drawText(QPointF(4, area.top() + metrics.ascent()), f"{loss_max:.2g}")
        painter.drawText(QPointF(4, area.bottom()), "0")
        painter.drawText(QPointF(area.right() + 4, area.top() + metrics.ascent()), "100%")
        painter.drawText(QPointF(area.right() + 4, area.bottom()), "0%")
        painter.drawText(QPointF(area.left(), area.bottom() + metrics.height()),
                         self.tr("epoch 1"))
        if n > 1:
            label = self.tr("epoch %1").replace("%1", str(n))
            painter.drawText(QPointF(area.right() - metrics.horizontalAdvance(label),
                                     area.bottom() + metrics.height()), label)
        for name, values in self.series.items():
            top = 1.0 if name in self.unit_series else loss_max
            self._draw_series(painter, area, values, max(n - 1, 1), top, SERIES_COLOURS.get(
                name, self.palette().text().color()))
        self._draw_legend(painter, area, metrics)
        painter.end()

    @staticmethod
    def _draw_series(painter: QPainter, area: QRectF, values: list[float], last: int,
                     top: float, colour: QColor) -> None:
        if not values:
            return
        points = [
            QPointF(area.left() + area.width() * i / last,
                    area.bottom() - area.height() * min(max(v / top, 0.0), 1.0))
            for i, v in enumerate(values)
        ]
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        painter.setPen(QPen(colour, 2))
        painter.drawPath(path)
        for point in points:
            painter.drawEllipse(point, 2.5, 2.5)

    def _draw_legend(self, painter: QPainter, area: QRectF, metrics) -> None:
        x = area.left() + 8
        y = area.top() + 6
        for name, label in self.labels.items():
            painter.setPen(QPen(SERIES_COLOURS.get(name, QColor("black")), 3))
            painter.drawLine(QPointF(x, y + metrics.height() / 2), QPointF(x + 16, y +
                                                                          metrics.height() / 2))
            painter.setPen(self.palette().text().color())
            painter.drawText(QPointF(x + 22, y + metrics.ascent()), label)
            y += metrics.height() + 2


class RetrainDialog(QDialog):
    """Progress, loss/validation plot, cancel, the per-tag before/after summary, and the gate:
    what changes on the photos the user never corrected, with sample photos of each change."""

    model_changed = Signal(str)  # the version that became active
    activation_requested = Signal(str)  # the user asks to activate a kept candidate
    finished_training = Signal(dict)  # the ``result`` event (empty on failure or cancel)

    def __init__(self, library_dir: Path, parent: QWidget | None = None,
                 extra_arguments: list[str] | None = None,
                 samples: SampleLoader | None = None,
                 tag_label: Callable[[str], str] | None = None) -> None:
        super().__init__(parent)
        self._load_samples = samples
        # How a tag's name is shown (UiContext.tag_labels: its Chinese name in a Chinese UI).
        self._label = tag_label or (lambda name: name)
        self._changes: list[dict] = []
        self.setWindowTitle(self.tr("Retrain the model"))
        self.library_dir = Path(library_dir)
        self.extra_arguments = extra_arguments or []
        self.result_event: dict = {}
        self.events: list[dict] = []
        self._activated = False
        self._cancelling = False
        self._buffer = b""
        self._stderr = b""
        self._process: QProcess | None = None
        self._build()

    # -- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.stage = QLabel(self.tr("Starting…"))
        self.progress = QProgressBar()
        self.plan = QLabel()
        self.plan.setWordWrap(True)
        self.plot = LinePlot({"train_loss": self.tr("training loss"),
                              "val_loss": self.tr("held-out loss"),
                              "val_accuracy": self.tr("held-out agreement")},
                             {"val_accuracy"})
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([
            self.tr("Tag"), self.tr("Kind"), self.tr("Confirmed / rejected"),
            self.tr("Errors before → after"), self.tr("Threshold"),
            self.tr("Suggested on other photos"), self.tr("Held-out AP"),
        ])
        self.changes = QTableWidget(0, 5)
        self.changes.setHorizontalHeaderLabels([
            self.tr("Tag"), self.tr("Suggested on photos you didn't correct"),
            self.tr("Appear"), self.tr("Disappear"), self.tr("Verdict"),
        ])
        self.changes.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.changes.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.changes.itemSelectionChanged.connect(self._show_samples)
        for table in (self.table, self.changes):
            # Headers and numbers are read in full; the last column takes what is left.
            header = table.horizontalHeader()
            header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            header.setStretchLastSection(True)
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.verticalHeader().hide()
            table.hide()
        self.samples_label = QLabel()
        self.samples = QListWidget()
        self.samples.setViewMode(QListView.ViewMode.IconMode)
        self.samples.setIconSize(SAMPLE_SIZE)
        self.samples.setFlow(QListView.Flow.LeftToRight)
        self.samples.setWrapping(False)
        self.samples.setFixedHeight(SAMPLE_SIZE.height() + 48)
        self.samples.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.samples_label.hide()
        self.samples.hide()
        self.decision = QLabel()
        self.decision.setWordWrap(True)
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.activate_button = QPushButton(self.tr("Activate this model"))
        self.buttons.addButton(self.activate_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.activate_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.close_button.hide()
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.accept)
        self.activate_button.clicked.connect(self._activate_candidate)
        # The result: per-tag verdicts, and the gate's view of every other photo.
        gate = QWidget()
        gate_layout = QVBoxLayout(gate)
        for widget in (self.changes, self.samples_label, self.samples):
            gate_layout.addWidget(widget)
        self.results = QTabWidget()
        self.results.addTab(self.table, self.tr("Corrected tags"))
        self.results.addTab(gate, self.tr("Changes on your other photos"))
        self.results.hide()
        for section in (self.stage, self.progress, self.plan, self.plot, self.results,
                        self.decision, self.buttons):
            layout.addWidget(section)
        self.resize(900, 760)

    # -- the child process -----------------------------------------------------------------

    def start(self) -> None:
        self._process = self._spawn(["train", "--progress-json", *self.extra_arguments])
        self._process.readyReadStandardOutput.connect(self._read_output)
        self._process.readyReadStandardError.connect(self._read_errors)
        self._process.finished.connect(self._finished)

    def _spawn(self, arguments: list[str]) -> QProcess:
        process = QProcess(self)
        environment = QProcessEnvironment.systemEnvironment()
        # From a source checkout, ``organizer_training/`` sits next to ``organizer/``.
        source_root = str(Path(__file__).resolve().parents[2])
        existing = environment.value("PYTHONPATH", "")
        environment.insert("PYTHONPATH", os.pathsep.join(p for p in (source_root, existing) if p))
        process.setProcessEnvironment(environment)
        program, *prefix = organizer_command()
        process.start(program, [*prefix, "--library", str(self.library_dir), *arguments])
        return process

    def _read_output(self) -> None:
        assert self._process is not None  # connected in start(), once the process exists
        self._buffer += bytes(self._process.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            try:
                event = json.loads(line)
            except ValueError:
                continue  # not one of ours (a library printing to stdout)
            self.events.append(event)
            self._handle(event)

    def _read_errors(self) -> None:
        assert self._process is not None  # connected in start(), once the process exists
        self._stderr += bytes(self._process.readAllStandardError().data())

    def _handle(self, event: dict) -> None:
        kind = event.get("event")
        if kind == "stage":
            self.stage.setText(self._stage_text(event["stage"]))
            self.progress.setRange(0, max(int(event["total"]), 1))
            self.progress.setValue(int(event["done"]))
        elif kind == "plan":
            self._show_plan(event)
        elif kind == "epoch":
            self.progress.setRange(0, int(event["epochs"]))
            self.progress.setValue(int(event["epoch"]))
            self.plot.add_point(event)
        elif kind == "activated":
            # The new model is live; stopping now would not bring the old one back.
            self._activated = True
            self.cancel_button.setEnabled(False)
        elif kind == "result":
            self.result_event = event
            self._show_result(event)
            if event.get("activated"):
                # Only now: the library's suggestions were recomputed with the new model.
                self.model_changed.emit(event["version"])
        elif kind == "error":
            self.decision.setText(self._error_text(event))

    def _error_text(self, event: dict) -> str:
        if event.get("reason") != "nothing to learn":
            return str(event.get("message", ""))
        waiting = event.get("waiting_for_examples", {})
        if not waiting:
            return self.tr(
                "There are no corrections to learn from yet: confirm or reject some tags first. "
                "Photos tagged by an older model count once the next scan has re-tagged them.")
        detail = ", ".join(
            self.tr("“{tag}” has {count}").format(tag=self._label(name), count=count)
            for name, count in sorted(waiting.items()))
        # One pass over the placeholders: a tag named "%2" must stay as it is.
        return self.tr("Nothing to train yet: a new tag needs {needed} confirmed photos "
                       "({detail}).").format(needed=event.get("min_examples", "?"),
                                             detail=detail)

    def _stage_text(self, stage: str) -> str:
        texts = {
            "reading corrections": self.tr("Reading your corrections…"),
            "training": self.tr("Training…"),
            "comparing with the current model": self.tr(
                "Comparing with the current model on every photo…"),
            "exporting and checking": self.tr("Exporting and checking the model…"),
            "updating suggestions": self.tr("Updating suggestions on your photos…"),
        }
        return texts.get(stage, stage)

    def _show_plan(self, event: dict) -> None:
        text = self.tr("Learning %1 from %2 photos.").replace(
            "%1", ", ".join(map(self._label, event["tags"])) or "—").replace(
            "%2", str(event["training_photos"]))
        for name, count in sorted(event.get("waiting_for_examples", {}).items()):
            text += "\n" + self.tr("“%1” has %2 confirmed photos; a new tag needs %3.").replace(
                "%1", self._label(name)).replace("%2", str(count)).replace(
                "%3", str(event["min_examples"]))
        self.plan.setText(text)

    def _show_result(self, event: dict) -> None:
        rows = event.get("per_tag", [])
        self.table.setRowCount(len(rows))
        for row, tag in enumerate(rows):
            before, after = (
                "–" if tag[key] is None else f"{tag[key]:.2f}"
                for key in ("threshold_before", "threshold_after"))
            ap = "–" if tag["held_out_ap"] is None else f"{tag['held_out_ap']:.2f}"
            cells = [
                self._label(tag["tag"]),
                self.tr("new") if tag["new"] else self.tr("retrained"),
                f"{tag['confirmed']} / {tag['rejected']}",
                f"{tag['errors_before']} → {tag['errors_after']}",
                f"{before} → {after}",
                f"{tag['suggested_before']:.1%} → {tag['suggested_after']:.1%}",
                ap,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3 and tag["errors_after"] > tag["errors_before"]:
                    item.setForeground(QColor("#b00020"))
                self.table.setItem(row, column, item)
        self.table.show()
        self.results.show()
        gate = event.get("gate", {})
        self._show_changes(gate.get("changes", []), gate.get("photos", 0))
        text = self.tr("Model %1: %2").replace("%1", event["version"]).replace(
            "%2", self._decision_text(event))
        for name in event.get("unsuggested_new_tags", []):
            text += "\n" + self.tr(
                "“%1”: its confirmed photos have little in common, so it is not suggested on "
                "its own; Tags → Review a Tag… lists photos like them.").replace(
                "%1", self._label(name))
        self.decision.setText(text)
        self.activate_button.setVisible(not event["activated"])

    def _decision_text(self, event: dict) -> str:
        """What ``organizer train``'s decision says, in the UI's language."""
        outcome = event.get("outcome")
        if outcome == "activated":
            return self.tr(
                "activated: no tag got worse on the held-out corrections, and no suggestion "
                "changed beyond what the corrections explain on the %1 photos").replace(
                "%1", str(event["gate"]["photos"]))
        if outcome == "changes elsewhere":
            gate = event["gate"]
            problems = [self._problem_text(c, gate["photos"]) for c in gate["changes"]
                        if c.get("rule")]
            return self.tr("kept as a candidate: %1").replace("%1", "; ".join(problems))
        if outcome == "worse on corrections":
            return self.tr("kept as a candidate: worse on the held-out corrections of %1"
                           ).replace("%1", ", ".join(map(self._label, event["worse_tags"])))
        if outcome == "candidate as asked":
            return self.tr("kept as a candidate, as asked")
        return event["decision"]  # an outcome this dialog does not know: the English words

    def _problem_text(self, change: dict, photos: int) -> str:
        if change.get("rule") == NEW_TAG_SHARE:
            return self.tr(
                "%1: a new tag suggested on %2% of the library (%3 of %4 photos) from %5 "
                "examples").replace("%1", self._label(change["tag"])).replace(
                "%2", f"{100 * change['after'] / max(photos, 1):.0f}").replace(
                "%3", str(change["after"])).replace("%4", str(photos)).replace(
                "%5", str(change["confirmed"]))
        if change.get("rule") == UNEXPLAINED_CHANGES:
            return self.tr(
                "%1: %2 → %3 suggestions on photos you didn't correct (+%4 −%5, from %6 "
                "confirmed and %7 rejected)").replace("%1", self._label(change["tag"])).replace(
                "%2", str(change["before"])).replace("%3", str(change["after"])).replace(
                "%4", str(change["appeared"])).replace("%5", str(change["disappeared"])).replace(
                "%6", str(change["confirmed"])).replace("%7", str(change["rejected"]))
        return change.get("problem") or ""

    def _show_changes(self, changes: list[dict], photos: int) -> None:
        """The gate's table: per changed tag, its suggestions on photos the user did not
        correct for it, before and after; a row that keeps the model a candidate in red."""
        self._changes = changes
        self.changes.setRowCount(len(changes))
        for row, change in enumerate(changes):
            cells = [
                self._label(change["tag"]),
                f"{change['before']} → {change['after']}",
                f"+{change['appeared']}",
                f"−{change['disappeared']}",
                self._problem_text(change, photos) if change["problem"]
                else self.tr("explained by your corrections"),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if change["problem"]:
                    item.setForeground(QColor("#b00020"))
                self.changes.setItem(row, column, item)
        self.changes.resizeRowsToContents()
        self.changes.setVisible(bool(changes))
        if changes:
            self.changes.selectRow(0)

    def _show_samples(self) -> None:
        """Photos gaining and losing the selected row's tag (a few of each)."""
        rows = {index.row() for index in self.changes.selectedIndexes()}
        self.samples.clear()
        if not rows or self._load_samples is None:
            return
        change = self._changes[min(rows)]
        ids = [*change["gained"], *change["lost"]]
        self.samples_label.setText(
            self.tr("“%1”: photos that gain it and photos that lose it").replace(
                "%1", self._label(change["tag"])) if ids else
            self.tr("“%1”: no photo you didn't correct gains or loses it").replace(
                "%1", self._label(change["tag"])))
        self.samples_label.show()
        self.samples.setVisible(bool(ids))
        if ids:
            tag = change["tag"]
            self._load_samples(ids, lambda images: self._add_samples(tag, change, images))

    def _add_samples(self, tag: str, change: dict, images: dict[int, QImage]) -> None:
        rows = {index.row() for index in self.changes.selectedIndexes()}
        if not rows or self._changes[min(rows)]["tag"] != tag:
            return  # another row was chosen meanwhile
        for kind, ids in ((self.tr("gains"), change["gained"]), (self.tr("loses"), change["lost"])):
            for photo_id in ids:
                image = images.get(photo_id)
                if image is None or image.isNull():
                    continue
                item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), kind)
                item.setData(Qt.ItemDataRole.UserRole, photo_id)
                self.samples.addItem(item)

    def _finished(self, code: int, _status: QProcess.ExitStatus) -> None:
        self._read_output()
        self.cancel_button.hide()
        self.close_button.show()
        self.progress.setRange(0, 1)
        self.progress.setValue(1 if code == 0 else 0)
        if self._cancelling and not self._activated:
            self.stage.setText(self.tr("Cancelled. The active model is unchanged."))
        elif code != 0:
            self.stage.setText(self.tr("Training failed. The active model is unchanged."))
            message = self._stderr.decode("utf-8", "replace").strip().splitlines()
            if message and not self.decision.text():
                self.decision.setText(message[-1].removeprefix("organizer: error: "))
        else:
            self.stage.setText(self.tr("Done."))
        self.finished_training.emit(self.result_event if code == 0 else {})

    def cancel(self) -> None:
        """Stop the child: politely first, then for good (training holds no state worth
        saving; the active model only changes in the last, atomic step)."""
        if self._process is None or self._process.state() == QProcess.ProcessState.NotRunning:
            self.reject()
            return
        self._cancelling = True
        self.stage.setText(self.tr("Cancelling…"))
        self.cancel_button.setEnabled(False)
        self._process.terminate()
        QTimer.singleShot(KILL_AFTER_MS, self._kill_if_running)

    def _kill_if_running(self) -> None:
        if self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning:
            self._process.kill()

    def _activate_candidate(self) -> None:
        """The owner activates it (the core's App.activate_model, off the GUI thread) and
        answers with ``show_activation``."""
        version = self.result_event.get("version")
        if not version:
            return
        self.activate_button.setEnabled(False)
        self.stage.setText(self.tr("Activating %1…").replace("%1", version))
        self.activation_requested.emit(version)

    def show_activation(self, version: str, error: str | None) -> None:
        if error is None:
            self.stage.setText(self.tr("Model %1 is active.").replace("%1", version))
            self.activate_button.hide()
            self.model_changed.emit(version)
        else:
            self.stage.setText(error or self.tr("Could not activate the model."))
            self.activate_button.setEnabled(True)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning:
            self.cancel()
            event.ignore()
            return
        super().closeEvent(event)

    def reject(self) -> None:
        if self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning:
            self.cancel()
            return
        super().reject()


def open_retrain_dialog(
    parent: QWidget | None, library_dir: Path, samples: SampleLoader | None = None,
    tag_label: Callable[[str], str] | None = None,
) -> RetrainDialog:
    """Show the dialog (non-modal) and start training; the caller may connect
    ``model_changed`` to reload the engine (``App.refresh_model``)."""
    dialog = RetrainDialog(library_dir, parent, samples=samples, tag_label=tag_label)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    dialog.start()
    return dialog
