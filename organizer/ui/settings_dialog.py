"""Settings: watched folders, watching on/off, keyword writing, GPU, tag display threshold,
language."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from organizer.ui.context import UiContext
from organizer.ui.watch_bridge import WATCH_SETTING

FolderIdRole = 256


class SettingsDialog(QDialog):
    foldersAdded = Signal(list)
    folderRemoved = Signal(int, str)

    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        library = context.library
        self.setWindowTitle(self.tr("Settings"))

        self.folder_list = QListWidget(self)
        for folder_id, path in library.folders():
            item = QListWidgetItem(str(path))
            item.setData(FolderIdRole, folder_id)
            self.folder_list.addItem(item)
        add = QPushButton(self.tr("Add…"), self)
        add.clicked.connect(self._add_folder)
        remove = QPushButton(self.tr("Remove"), self)
        remove.clicked.connect(self._remove_folder)
        folder_buttons = QHBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(remove)
        folder_buttons.addStretch(1)
        self.watch = QCheckBox(
            self.tr("Watch these folders: index new, changed and deleted photos automatically"),
            self,
        )
        self.watch.setChecked(library.setting(WATCH_SETTING, "1") == "1")

        self.write_mode = QComboBox(self)
        for label, value in (
            (self.tr("Off"), "off"),
            (self.tr("Confirmed tags only"), "confirmed"),
            (self.tr("All tags (confirmed and suggested)"), "all"),
        ):
            self.write_mode.addItem(label, value)
        self.write_mode.setCurrentIndex(
            max(0, self.write_mode.findData(library.setting("write_keywords", "off")))
        )
        self.use_gpu = QCheckBox(self.tr("Run the model on the GPU when one is available"), self)
        self.use_gpu.setChecked(library.setting("use_gpu", "1") == "1")
        self.provider = QLabel(self)
        engine = context.app.loaded_engine
        self.provider.setText(
            self.tr("Now running on: {provider}").format(provider=engine.provider)
            if engine
            else self.tr("The model loads with the first tagging job.")
        )
        self.min_score = QDoubleSpinBox(self)
        self.min_score.setRange(0.0, 1.0)
        self.min_score.setSingleStep(0.05)
        self.min_score.setValue(context.min_display_score)
        self.min_score.setToolTip(
            self.tr("Suggested tags scored below this are hidden in the details panel")
        )
        self.language = QComboBox(self)
        for label, value in (
            (self.tr("System default"), "system"),
            ("English", "en"),
            ("简体中文", "zh_CN"),
        ):
            self.language.addItem(label, value)
        self.language.setCurrentIndex(
            max(0, self.language.findData(library.setting("ui_language", "system")))
        )

        form = QFormLayout()
        form.addRow(self.tr("Write keywords into files:"), self.write_mode)
        form.addRow(self.use_gpu)
        form.addRow("", self.provider)
        form.addRow(self.tr("Minimum score shown:"), self.min_score)
        form.addRow(self.tr("Language (after restart):"), self.language)

        self.button_box = buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self._save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Watched folders:"), self))
        layout.addWidget(self.folder_list)
        layout.addLayout(folder_buttons)
        layout.addWidget(self.watch)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _add_folder(self) -> None:
        directory = QFileDialog.getExistingDirectory(self, self.tr("Add a photo folder"))
        if directory:
            self.folder_list.addItem(QListWidgetItem(directory))
            self.foldersAdded.emit([Path(directory)])

    def _remove_folder(self) -> None:
        item = self.folder_list.currentItem()
        if item is None or item.data(FolderIdRole) is None:
            return
        self.folderRemoved.emit(int(item.data(FolderIdRole)), item.text())

    def _save(self) -> None:
        library = self.context.library
        library.set_setting("write_keywords", self.write_mode.currentData())
        use_gpu = self.use_gpu.isChecked()
        if use_gpu != (library.setting("use_gpu", "1") == "1"):
            # Reloading the model on the other provider takes seconds: off the GUI thread.
            app = self.context.app
            self.context.work.edit(lambda connection: app.set_use_gpu(use_gpu, connection))
        self.context.set_min_display_score(self.min_score.value())
        library.set_setting("ui_language", self.language.currentData())
        watch = self.watch.isChecked()
        if watch != (library.setting(WATCH_SETTING, "1") == "1"):
            if self.context.watcher is not None:
                self.context.watcher.set_enabled(watch)  # applied at once, no restart
            else:
                library.set_setting(WATCH_SETTING, "1" if watch else "0")
        self.context.events.tagsChanged.emit([])
        self.accept()
