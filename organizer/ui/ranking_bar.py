"""The bar above the grid while it shows a ranking instead of a filter: a tag's review queue
("more like these"), the photos most like the selected ones, or the duplicate groups, with what
the keys do."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from organizer.tagging.review import Ranking
from organizer.text import printable


class RankingBar(QWidget):
    confirmRequested = Signal()
    rejectRequested = Signal()
    closeRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.confirm = QPushButton(self.tr("Confirm (Y)"), self)
        self.reject = QPushButton(self.tr("Reject (N)"), self)
        self.done = QPushButton(self.tr("Done (Esc)"), self)
        self.confirm.clicked.connect(self.confirmRequested)
        self.reject.clicked.connect(self.rejectRequested)
        self.done.clicked.connect(self.closeRequested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.label, 1)
        for button in (self.confirm, self.reject, self.done):
            layout.addWidget(button)
        self.hide()

    def show_ranking(
        self,
        ranking: Ranking | None,
        count: int | None = None,
        groups: int | None = None,
        percent: int | None = None,
    ) -> None:
        """``count``: photos found (None: still looking, ``percent`` done where known);
        ``groups``: duplicate groups."""
        if ranking is None:
            self.hide()
            return
        reviewing = ranking.tag is not None
        if reviewing:
            text = self.tr(
                "Reviewing “{tag}”: photos nobody has confirmed or rejected for it, most likely "
                "first. Y confirms, N rejects the selected photos; the next one follows."
            ).format(tag=printable(ranking.tag))
        elif ranking.duplicates:
            text = self.tr(
                "Duplicates: exact copies of the same file first, then photos that are nearly "
                "the same picture, each group side by side. Nothing is deleted."
            )
        else:
            text = self.tr("Photos most like the {count} chosen, most alike first.").format(
                count=len(ranking.like)
            )
        if count is None and percent is not None:
            text += " " + self.tr("Looking… {percent}%").format(percent=percent)
        elif count is None:  # still being ranked (a duplicate search of a big library: seconds)
            text += " " + self.tr("Looking…")
        elif groups is not None:
            text += " " + self.tr("{count} photo(s) in {groups} group(s).").format(
                count=count, groups=groups)
        else:
            text += " " + self.tr("{count} photo(s).").format(count=count)
        self.label.setText(text)
        self.confirm.setVisible(reviewing)
        self.reject.setVisible(reviewing)
        self.show()
