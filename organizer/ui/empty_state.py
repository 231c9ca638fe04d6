"""What a new user sees: no photos yet, and one obvious thing to do."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from organizer.tagging.review import Ranking
from organizer.text import printable


class EmptyState(QWidget):
    addRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        icon = QLabel(self)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_DirIcon).pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel(self.tr("Your library is empty"), self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        body = QLabel(
            self.tr(
                "Add a folder of photos. Organizer watches it, tags every photo with its model "
                "and lets you browse albums by tag. Your files are not moved."
            ),
            self,
        )
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignCenter)
        # A wrapped label in a centred layout gets its one-line height unless told otherwise.
        body.setFixedWidth(460)
        body.setMinimumHeight(body.heightForWidth(460))
        self.button = QPushButton(self.tr("Add a photo folder…"), self)
        self.button.setDefault(True)
        self.button.clicked.connect(self.addRequested)
        self.button.setMinimumHeight(36)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(icon)
        layout.addWidget(title)
        layout.addWidget(body, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addSpacing(12)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)


class NoMatches(QLabel):
    """Shown instead of an empty grid when a filter matches nothing, with why: tag names the
    library does not have (what the command line notes too), and the folder the search is
    limited to; or when a ranking is empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.explain([], None)

    def explain(self, unknown_tags: Sequence[str], folder: Path | None) -> None:
        lines = []
        for name in unknown_tags:
            lines.append(self.tr("There is no tag named “{tag}” in this library.").format(
                tag=printable(name)))
        if folder is not None:
            lines.append(self.tr(
                "No photos in {folder} match this filter. View → Show All Photos "
                "(Ctrl+Shift+A) searches the whole library.").format(folder=printable(folder)))
        if not lines:
            lines.append(self.tr("No photos match this filter."))
        self.setText("\n".join(lines))

    def explain_ranking(self, ranking: Ranking) -> None:
        if ranking.duplicates:
            text = self.tr("No duplicates: no two photos in this library are copies of each "
                           "other or nearly the same picture.")
        elif ranking.tag is not None:
            text = self.tr("Nothing left to review for “{tag}”.").format(
                tag=printable(ranking.tag))
        else:
            text = self.tr("There are no other photos to compare with.")
        self.setText(text)
