"""The query box: tag-name completion for the word being typed and live syntax checking.

A query with a syntax error is shown under the box (with where it went wrong) and the grid
keeps its last good result; nothing is thrown at the user.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLabel, QLineEdit, QVBoxLayout, QWidget

from organizer.errors import QuerySyntaxError
from organizer.library.query import parse_query

_WORD_BREAKS = ' ()"'


def quote_tag(name: str) -> str:
    """A tag name as the query language needs it written."""
    if any(ch in name for ch in _WORD_BREAKS) or name.lower() in ("and", "or", "not"):
        return '"' + name.replace('"', "") + '"'
    return name


class SearchBox(QWidget):
    # Emitted with a query that parses (or "" for everything), after typing pauses.
    queryChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText(self.tr("Search tags: dog AND (beach OR sea) NOT cat"))
        self.edit.setClearButtonEnabled(True)
        self.error = QLabel(self)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)

        self._names = QStringListModel(self)
        self.completer = QCompleter(self._names, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.setWidget(self.edit)
        # The stub types activated as one signal; it has a str and a QModelIndex overload.
        self.completer.activated[str].connect(self._insert_completion)  # type: ignore[index]

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._validate_and_emit)
        self.edit.textEdited.connect(self._on_edited)
        self.edit.returnPressed.connect(self._validate_and_emit)
        self._last_emitted: str | None = None

    def set_tag_names(self, names: list[str]) -> None:
        self._names.setStringList(names)

    def text(self) -> str:
        return self.edit.text()

    def set_query(self, text: str) -> None:
        self.edit.setText(text)
        self._validate_and_emit()

    def error_text(self) -> str:
        return self.error.text()

    def _current_word(self) -> tuple[int, str]:
        text = self.edit.text()[: self.edit.cursorPosition()]
        start = len(text)
        while start > 0 and text[start - 1] not in _WORD_BREAKS:
            start -= 1
        return start, text[start:]

    def _on_edited(self) -> None:
        self._debounce.start()
        start, word = self._current_word()
        if len(word) < 1 or word.upper() in ("AND", "OR", "NOT"):
            self._hide_popup()
            return
        self.completer.setCompletionPrefix(word)
        if self.completer.completionCount() > 0:
            self.completer.complete()
        else:
            self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self.completer.popup()
        # In PopupCompletion mode (set in __init__) QCompleter creates its popup when asked.
        assert popup is not None
        popup.hide()

    def _insert_completion(self, name: str) -> None:
        start, word = self._current_word()
        text = self.edit.text()
        cursor = self.edit.cursorPosition()
        replacement = quote_tag(name)
        self.edit.setText(text[:start] + replacement + text[cursor:])
        self.edit.setCursorPosition(start + len(replacement))
        self._debounce.start()

    def _validate_and_emit(self) -> None:
        self._debounce.stop()
        text = self.edit.text().strip()
        if text:
            try:
                parse_query(text)
            except QuerySyntaxError as error:
                self.error.setText(self.tr("Query error: {error}").format(error=error))
                self.error.show()
                return
        self.error.clear()
        self.error.hide()
        if text != self._last_emitted:
            self._last_emitted = text
            self.queryChanged.emit(text)
