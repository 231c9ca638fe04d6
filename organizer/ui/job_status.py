"""The status bar's job area: what runs, how far along, and a Cancel button."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from organizer.ingest.pipeline import ScanReport
from organizer.ui.jobs import BackgroundWork
from organizer.ui.reports import scan_summary


class JobStatus(QWidget):
    def __init__(self, work: BackgroundWork, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(True)
        self.cancel = QPushButton(self.tr("Cancel"), self)
        self.cancel.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        work.jobStarted.connect(self._on_started)
        work.jobProgress.connect(self._on_progress)
        work.jobFinished.connect(self._on_finished)
        work.jobFailed.connect(self._on_failed)
        self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.bar.setVisible(busy)
        self.cancel.setVisible(busy)
        self.cancel.setEnabled(busy)

    def _on_started(self, name: str) -> None:
        self._set_busy(True)
        self.bar.setRange(0, 0)  # busy indicator until the first progress report
        self.label.setText(name + " " + self.tr("(loading the model…)"))
        self._name = name

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        stages = {"reading new files": self.tr("reading new files"), "tagging": self.tr("tagging")}
        self.label.setText(f"{getattr(self, '_name', '')}: {stages.get(stage, stage)}")
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)
        self.bar.setFormat(f"{done} / {total}")

    def _on_finished(self, name: str, report: object) -> None:
        if self._work.pending_jobs() == 0:
            self._set_busy(False)
        summary = scan_summary(report) if isinstance(report, ScanReport) else ""
        self.label.setText(f"{name}: {summary}")

    def _on_failed(self, name: str, message: str) -> None:
        if self._work.pending_jobs() == 0:
            self._set_busy(False)
        self.label.setText(self.tr("{job} failed: {error}").format(job=name, error=message))

    def _cancel(self) -> None:
        self.cancel.setEnabled(False)
        self.label.setText(self.tr("Cancelling after the current batch…"))
        self._work.cancel_jobs()
