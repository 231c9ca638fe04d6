"""The main window: wires the panels together; each panel does its own work."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path
from urllib.parse import quote

from PySide6.QtCore import QModelIndex, QPoint, QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import (
    QActionGroup,
    QCloseEvent,
    QDesktopServices,
    QKeySequence,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from organizer.ingest.pipeline import Pipeline, Progress
from organizer.ingest.writeback import WriteMode, WriteReport
from organizer.library import browse
from organizer.library.browse import Filter, FolderNode, SortOrder, TagCount
from organizer.tagging.review import Ranking
from organizer.text import printable
from organizer.ui.album_page import AlbumPage
from organizer.ui.context import UiContext
from organizer.ui.empty_state import EmptyState
from organizer.ui.errors import show_error
from organizer.ui.folder_panel import FolderModel, FolderPanel
from organizer.ui.folder_panel import PathRole as FolderPathRole
from organizer.ui.job_status import JobStatus
from organizer.ui.model_menu import ModelMenu
from organizer.ui.photo_panel import PhotoPanel
from organizer.ui.photo_viewer import PhotoViewer
from organizer.ui.reports import write_summary
from organizer.ui.tag_commands import SetTagState
from organizer.ui.tag_count_model import TagCountModel
from organizer.ui.tag_manager import TagManager
from organizer.ui.tag_panel import TagPanel
from organizer.ui.watch_bridge import WatchStatus

log = logging.getLogger(__name__)


# How often a running job's progress reloads the grid, the folder tree and the tag counts.
PROGRESS_RELOAD_MS = 2000

class MainWindow(QMainWindow):
    def __init__(self, context: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._watch_started = False
        self.setWindowTitle(self.tr("Organizer"))
        # Reads still running when the window goes must not call back into deleted widgets.
        self.destroyed.connect(context.work.drop_callbacks)
        self._panels_stale = False
        self._tags_generation = 0
        self._tags_shown = 0

        self.folders = FolderPanel(FolderModel(self), self)
        # Written in-process (see write_tags), so always available.
        self.folders.can_write_tags = True
        self.tags = TagPanel(TagCountModel(context.display_name, self), self)
        self.album = AlbumPage(context, self)
        self.details = PhotoPanel(context, self)
        self.viewer = PhotoViewer(context.work, self)
        self.empty = EmptyState(self)
        self.tag_manager = TagManager(context, self)

        left = QSplitter(Qt.Orientation.Vertical, self)
        left.addWidget(self.folders)
        left.addWidget(self.tags)
        left.setSizes([220, 480])
        self.center = QStackedWidget(self)
        for page in (self.empty, self.album, self.viewer):
            self.center.addWidget(page)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.center)
        splitter.addWidget(self.details)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 760, 340])
        self.setCentralWidget(splitter)

        self.count_label = QLabel(self)
        self.statusBar().addWidget(self.count_label, 1)
        self.jobs = JobStatus(context.work, self)
        self.statusBar().addPermanentWidget(self.jobs)
        self.watch_status: WatchStatus | None = None
        if context.watcher is not None:
            self.watch_status = WatchStatus(context.watcher, self)
            self.statusBar().addPermanentWidget(self.watch_status)

        self._build_menus()
        self._connect()
        self._restore_geometry()
        self.reload_all()

    # -- wiring ----------------------------------------------------------------------------

    def _connect(self) -> None:
        events, work = self.context.events, self.context.work
        self.folders.addRequested.connect(self.add_folder)
        self.empty.addRequested.connect(self.add_folder)
        self.folders.folderSelected.connect(self._on_folder)
        self.folders.removeRequested.connect(self.remove_folder)
        self.folders.retagRequested.connect(self.retag)
        self.folders.rescanRequested.connect(self.rescan)
        self.folders.writeRequested.connect(self.write_tags)
        self.folders.openRequested.connect(self.open_in_file_manager)
        self.tags.queryChanged.connect(self._on_query)
        self.tags.renameRequested.connect(self.tag_manager.rename)
        self.tags.mergeRequested.connect(self.tag_manager.merge)
        self.tags.deleteRequested.connect(self.tag_manager.delete)
        self.tags.reviewRequested.connect(self.review_tag)
        bar = self.album.ranking_bar
        bar.confirmRequested.connect(lambda: self._answer_review("confirmed"))
        bar.rejectRequested.connect(lambda: self._answer_review("rejected"))
        bar.closeRequested.connect(self.leave_ranking)
        for key, slot in (
            ("Y", lambda: self._answer_review("confirmed")),
            ("N", lambda: self._answer_review("rejected")),
            ("Esc", self.leave_ranking),
        ):
            shortcut = QShortcut(QKeySequence(key), self.album)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.album.selectionChanged.connect(self.details.show_photos)
        self.album.openRequested.connect(self.open_photo)
        self.album.idsLoaded.connect(self._on_ids_loaded)
        self.album.shown.connect(self._on_album_shown)
        self.album.queryFailed.connect(lambda _message: self._on_album_shown())
        self.album.queryFailed.connect(lambda message: show_error(self, message))
        self.album.view.contextMenuRequested.connect(self._album_menu)
        self.viewer.closed.connect(self.close_photo)
        self.viewer.stepped.connect(self._step_photo)
        events.tagsChanged.connect(self._on_tags_changed)
        events.photosChanged.connect(self.reload_all)
        events.foldersChanged.connect(self.reload_all)
        events.tagNamesChanged.connect(self._reload_tags)
        events.diskChanged.connect(self._on_disk_changed)
        if self.context.watcher is not None:
            events.foldersChanged.connect(self.context.watcher.follow_folders)
        work.jobFinished.connect(lambda _name, _report: events.photosChanged.emit())
        # While a job runs, what it has committed so far shows (at most every few seconds).
        self._progress_reload = QTimer(self)
        self._progress_reload.setSingleShot(True)
        self._progress_reload.setInterval(PROGRESS_RELOAD_MS)
        self._progress_reload.timeout.connect(self.reload_all)
        work.jobProgress.connect(self._on_job_progress)
        work.jobFailed.connect(lambda name, message: show_error(self, f"{name}: {message}"))
        work.unhandledError.connect(lambda message, details: show_error(self, message, details))

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu(self.tr("&File"))
        add = file_menu.addAction(self.tr("&Add Folder…"), self.add_folder)
        add.setShortcut(QKeySequence.StandardKey.Open)
        file_menu.addAction(self.tr("&Rescan All Folders"), lambda: self.rescan(None))
        file_menu.addSeparator()
        file_menu.addAction(self.tr("&Settings…"), self.open_settings).setShortcut(
            QKeySequence.StandardKey.Preferences
        )
        file_menu.addSeparator()
        file_menu.addAction(self.tr("&Quit"), self.close).setShortcut(QKeySequence.StandardKey.Quit)

        edit = bar.addMenu(self.tr("&Edit"))
        undo = self.context.undo.createUndoAction(self, self.tr("&Undo"))
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.context.undo.createRedoAction(self, self.tr("&Redo"))
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addAction(undo)
        edit.addAction(redo)
        edit.addSeparator()
        edit.addAction(self.tr("Select &All"), self.album.view.selectAll).setShortcut(
            QKeySequence.StandardKey.SelectAll
        )
        find = edit.addAction(self.tr("&Find…"), self._focus_search)
        find.setShortcut(QKeySequence.StandardKey.Find)
        add_tag = edit.addAction(self.tr("Add &Tag to Selection"), self._focus_add_tag)
        add_tag.setShortcut(QKeySequence("T"))

        view = bar.addMenu(self.tr("&View"))
        sort_group = QActionGroup(self)
        for label, order in (
            (self.tr("Sort by &Date Taken, Oldest First"), SortOrder.DATE_TAKEN),
            (self.tr("Sort by Date Taken, Ne&west First"), SortOrder.DATE_NEWEST),
            (self.tr("Sort by &Name, A to Z"), SortOrder.NAME),
            (self.tr("Sort by Name, &Z to A"), SortOrder.NAME_DESCENDING),
        ):
            action = view.addAction(label)
            action.setCheckable(True)
            action.setChecked(order == self.album.order)
            action.triggered.connect(lambda _checked, o=order: self.album.set_order(o))
            sort_group.addAction(action)
        view.addSeparator()
        names_group = QActionGroup(self)
        for label, language in (
            (self.tr("Tag Names in &English"), "en"),
            (self.tr("Tag Names in &Chinese (简体中文)"), "zh_CN"),
        ):
            action = view.addAction(label)
            action.setCheckable(True)
            action.setChecked(self.context.tag_names_language == language)
            action.triggered.connect(
                lambda _checked, lang=language: self.context.set_tag_language(lang)
            )
            names_group.addAction(action)
        view.addSeparator()
        view.addAction(self.tr("Show &All Photos"), self._show_all).setShortcut(
            QKeySequence("Ctrl+Shift+A")
        )
        view.addAction(self.tr("Show D&uplicates"), self.show_duplicates).setShortcut(
            QKeySequence("Ctrl+Shift+D")
        )

        tags = bar.addMenu(self.tr("&Tags"))
        tags.addAction(self.tr("Re&view a Tag…"), self._choose_review_tag).setShortcut(
            QKeySequence("Ctrl+R")
        )
        tags.addAction(self.tr("Find &Similar Photos"), self.find_similar).setShortcut(
            QKeySequence("Ctrl+Shift+F")
        )
        tags.addSeparator()
        tags.addAction(self.tr("&Rename Tag…"), lambda: self.tag_manager.rename(None))
        tags.addAction(self.tr("&Merge Tags…"), lambda: self.tag_manager.merge(None))
        tags.addAction(self.tr("&Delete Tag…"), lambda: self.tag_manager.delete(None))

        self.model_menu = ModelMenu(self.context, self)
        bar.addMenu(self.model_menu)

        help_menu = bar.addMenu(self.tr("&Help"))
        help_menu.addAction(self.tr("&About Organizer"), self._about)

    def _restore_geometry(self) -> None:
        geometry = QSettings().value("main_window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 860)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        watcher = self.context.watcher
        if watcher is not None and not self._watch_started:
            self._watch_started = True
            watcher.start()

    def closeEvent(self, event: QCloseEvent) -> None:
        QSettings().setValue("main_window/geometry", self.saveGeometry())
        if self.context.watcher is not None:
            # Waits for the batch in progress to commit (a second or so), so that nothing
            # writes to the index after the window is gone.
            self.context.watcher.shutdown()
        self.context.work.cancel_jobs()
        super().closeEvent(event)

    # -- refreshing ------------------------------------------------------------------------

    def _on_job_progress(self, stage: str, done: int, _total: int) -> None:
        """Photos appear in the grid and the counts grow while a folder is being added, not
        only when the whole job ends (the pipeline commits each batch)."""
        # Not while a ranking is shown (each re-ranks every photo) or a reload is still being
        # read: reloads must not pile up behind a slow one.
        idle = self.album.ranking is None and not self.album.reading()
        if done and idle and not self._progress_reload.isActive():
            self._progress_reload.start()

    def reload_all(self) -> None:
        # The grid first: the folder and tag counts take far longer on a big library, so they
        # are read once the grid shows something instead of competing with it for the CPU.
        self._panels_stale = True
        self.album.refresh()

    def _on_album_shown(self) -> None:
        if self.center.currentWidget() is self.empty and self.album.model.rowCount():
            self.center.setCurrentWidget(self.album)  # photos imply folders: no need to wait
        if self._panels_stale:
            self._reload_panels()

    def _reload_panels(self) -> None:
        self._panels_stale = False
        keep = self.album.folder()
        self.context.work.read(
            lambda library: (browse.folder_tree(library), library.photo_count()),
            lambda result: self._show_folders(result, keep),
        )
        self._reload_tags()

    def _show_folders(self, result: tuple[list[FolderNode], int], keep: Path | None) -> None:
        roots, total = result
        # The watcher reloads the tree often: keep the branches the user opened or closed.
        first_load = self.folders.model.rowCount() == 0
        expanded = self._expanded_folders()
        scroll = self.folders.view.verticalScrollBar().value()
        self.folders.reload(roots, total, keep)
        if not first_load:
            self._expand_folders(expanded)
            self.folders.view.verticalScrollBar().setValue(scroll)
        has_folders = bool(roots)
        if not has_folders:
            self.center.setCurrentWidget(self.empty)
        elif self.center.currentWidget() is self.empty:
            self.center.setCurrentWidget(self.album)

    def _expanded_folders(self) -> set[str]:
        model, view = self.folders.model, self.folders.view
        expanded: set[str] = set()
        pending = [model.index(row, 0) for row in range(model.rowCount())]
        while pending:
            index = pending.pop()
            if view.isExpanded(index):
                expanded.add(index.data(FolderPathRole))
                pending.extend(model.index(row, 0, index) for row in range(model.rowCount(index)))
        return expanded

    def _expand_folders(self, expanded: set[str]) -> None:
        model, view = self.folders.model, self.folders.view
        pending = [model.index(row, 0) for row in range(model.rowCount())]
        while pending:
            index: QModelIndex = pending.pop()
            view.setExpanded(index, index.data(FolderPathRole) in expanded)
            pending.extend(model.index(row, 0, index) for row in range(model.rowCount(index)))

    def _on_disk_changed(self, changed: list, _removed: list) -> None:
        """The watcher changed the index: grid, counts and tree follow, the place is kept."""
        self.reload_all()
        # Rows whose file changed in place (same id, new thumbnail or name) repaint.
        self.album.model.refresh_rows(changed)
        if set(changed) & set(self.details.photo_ids()):
            self.details.reload()

    def _reload_tags(self) -> None:
        selection = self.album.filter
        self._tags_generation += 1
        generation = self._tags_generation
        self.context.work.read(
            lambda library: browse.tag_overview(library, selection),
            lambda result: self._show_tags(generation, selection, result),
            lambda message, _details: self.tags.search.error.setText(message),
        )

    def _show_tags(
        self, generation: int, selection: Filter, result: tuple[list[TagCount], list[TagCount]]
    ) -> None:
        # Reads may finish out of order: never show counts for a filter the user has left,
        # nor older counts over newer ones; an older read for the same filter still shows,
        # so the panel fills even while the watcher keeps asking for fresh counts.
        if selection != self.album.filter or generation < self._tags_shown:
            return
        self._tags_shown = generation
        counts, every = result
        self.tags.model.set_counts(counts)
        names = sorted({t.name for t in every} | {t.display_zh for t in every if t.display_zh})
        self.tags.search.set_tag_names(sorted(t.name for t in every))
        self.details.set_tag_names(names)
        self.tag_manager.set_tags(every)

    def _on_ids_loaded(self, count: int) -> None:
        """The count, and where it was counted: a search within the selected folder says so."""
        selection = self.album.filter
        searched = bool(selection.query and selection.query.strip())
        if selection.folder is None:
            text = self.tr("{count} photos match") if searched else self.tr("{count} photos")
        elif searched:
            text = self.tr("{count} photos in {folder} match")
        else:
            text = self.tr("{count} photos in {folder}")
        folder = printable(selection.folder.name) if selection.folder is not None else ""
        self.count_label.setText(text.format(count=count, folder=folder))

    def _on_tags_changed(self, _photo_ids: list) -> None:
        self._reload_tags()
        if self.album.filter.query or self.album.ranking is not None:
            self.album.refresh()

    # -- review queue and similar photos ---------------------------------------------------

    def review_tag(self, name: str) -> None:
        """The grid becomes ``name``'s review queue: unreviewed photos, likeliest first."""
        self.close_photo()
        self.album.set_ranking(Ranking(tag=name))
        self.album.view.setFocus()

    def _choose_review_tag(self) -> None:
        names = self.tag_manager.names()  # read off the GUI thread with the tag panel's counts
        if not names:
            return
        name, ok = QInputDialog.getItem(
            self, self.tr("Review a tag"), self.tr("Photos to review for:"), names, 0, True
        )
        if ok and name.strip():
            self.review_tag(name.strip())

    def find_similar(self) -> None:
        ids = self.album.selected_ids()
        if ids:
            self.close_photo()
            self.album.set_ranking(Ranking(like=tuple(ids)))
            self.album.view.setFocus()

    def show_duplicates(self) -> None:
        """The grid becomes the duplicate groups: exact copies, then near duplicates."""
        self.close_photo()
        self.album.set_ranking(Ranking(duplicates=True))
        self.album.view.setFocus()

    def leave_ranking(self) -> None:
        if self.album.ranking is not None:
            self.album.set_ranking(None)

    def _answer_review(self, state: str) -> None:
        """Y / N in a review queue: confirm or reject its tag on the selected photos (one undo
        step); they leave the queue and the next photo is selected."""
        ranking, ids = self.album.ranking, self.album.selected_ids()
        if ranking is None or ranking.tag is None or not ids:
            return
        self.context.undo.push(
            SetTagState(
                self.context.work, ids, ranking.tag, state, self.context.events.tagsChanged.emit
            )
        )

    def _on_folder(self, folder: Path | None) -> None:
        self.album.set_filter(Filter(self.album.filter.query, folder))
        self._reload_tags()

    def _on_query(self, query: str) -> None:
        self.album.set_filter(Filter(query or None, self.album.filter.folder))
        self._reload_tags()

    def _show_all(self) -> None:
        self.tags.search.set_query("")
        self.folders.view.setCurrentIndex(self.folders.model.index(0, 0))
        self._on_folder(None)

    # -- folder actions --------------------------------------------------------------------

    def add_folder(self) -> None:
        directory = QFileDialog.getExistingDirectory(self, self.tr("Add a photo folder"))
        if directory:
            self.add_folders([Path(directory)])

    def add_folders(self, folders: list[Path]) -> None:
        name = self.tr("Adding {folder}").format(folder=", ".join(f.name for f in folders))
        self.context.work.run_job(
            name, lambda pipeline, progress, cancel: pipeline.add_folders(folders, progress, cancel)
        )
        # The folder shows up at once; its photos arrive when the job reports back.
        self.context.work.edit(
            lambda library: [library.add_folder(f) for f in folders],
            lambda _ids: self.context.events.foldersChanged.emit(),
        )

    def remove_folder(self, folder_id: int, path: str) -> None:
        answer = QMessageBox.question(
            self,
            self.tr("Remove folder"),
            self.tr(
                "Stop watching {path}?\n\nIts photos leave the library with their tags and "
                "corrections. The files themselves are not touched."
            ).format(path=printable(path)),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self.context.work.edit(
            lambda library: library.remove_folder(folder_id),
            lambda _result: self.context.events.foldersChanged.emit(),
        )

    def retag(self, path: str) -> None:
        target = Path(path)
        self.context.work.run_job(
            self.tr("Retagging {folder}").format(folder=target.name),
            lambda pipeline, progress, cancel: pipeline.retag([target], progress, cancel),
        )

    def rescan(self, path: str | None) -> None:
        targets = [Path(path)] if path else None
        label = Path(path).name if path else self.tr("all folders")
        self.context.work.run_job(
            self.tr("Scanning {folder}").format(folder=label),
            lambda pipeline, progress, cancel: pipeline.scan(targets, progress, cancel),
        )

    def write_tags(self, path: str) -> None:
        """Write the index's tags into the files under ``path``.

        In this process rather than as ``organizer write``: the writes then go through this
        process's exiv2 service, which records each one in the ``OwnWrites`` registry the folder
        watcher consults, so the watcher does not take them for edits by another program and
        re-tag every written photo.
        """
        app = self.context.app
        mode = app.write_mode()
        if mode is WriteMode.OFF:
            mode = WriteMode.CONFIRMED  # an explicit request writes confirmed tags at least
        target = Path(path).resolve()
        name = self.tr("Writing tags under {folder}").format(folder=target.name)

        def job(pipeline: Pipeline, progress: Progress, cancel: threading.Event) -> WriteReport:
            library = pipeline.library
            photo_ids = library.photo_ids_under(target)
            return app.writeback(library).write(photo_ids, mode, progress, cancel)

        self.context.work.run_job(name, job, lambda report: self._on_written(name, report))

    def _on_written(self, name: str, report: object) -> None:
        if not isinstance(report, WriteReport):
            return
        self.jobs.label.setText(f"{name}: {write_summary(report)}")
        if report.failed:
            show_error(
                self,
                self.tr("{count} file(s) could not be written.").format(count=len(report.failed)),
                "\n".join(printable(f"{path}: {reason}") for path, reason in report.failed),
            )

    def open_in_file_manager(self, path: str) -> None:
        if not QDesktopServices.openUrl(local_file_url(path)):
            message = self.tr("Could not open a file manager for {path}")
            show_error(self, message.format(path=printable(path)))

    # -- photos ----------------------------------------------------------------------------

    def open_photo(self, path: str) -> None:
        self.center.setCurrentWidget(self.viewer)
        self.viewer.show_path(path)
        self.viewer.setFocus()

    def close_photo(self) -> None:
        self.center.setCurrentWidget(self.album)
        self.album.view.setFocus()

    def _step_photo(self, delta: int) -> None:
        path = self.album.step(delta)
        if path:
            self.viewer.show_path(path)

    def _album_menu(self, position: QPoint) -> None:
        from PySide6.QtWidgets import QMenu

        paths = self.album.selected_paths()
        if not paths:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self.open_photo(paths[0]))
        menu.addAction(self.tr("Add Tag…"), self._focus_add_tag)
        menu.addAction(self.tr("Find Similar Photos"), self.find_similar)
        menu.addAction(
            self.tr("Retag {count} Photo(s)").format(count=len(paths)),
            lambda: self.context.work.run_job(
                self.tr("Retagging {count} photo(s)").format(count=len(paths)),
                lambda pipeline, progress, cancel: pipeline.retag(
                    [Path(p) for p in paths], progress, cancel
                ),
            ),
        )
        menu.addAction(
            self.tr("Show in File Manager"),
            lambda: self.open_in_file_manager(str(Path(paths[0]).parent)),
        )
        menu.popup(position)

    def _focus_search(self) -> None:
        self.tags.search.edit.setFocus()
        self.tags.search.edit.selectAll()

    def _focus_add_tag(self) -> None:
        if self.details.photo_ids():
            self.details.new_tag.setFocus()

    def open_settings(self) -> None:
        from organizer.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.context, self)
        dialog.foldersAdded.connect(self.add_folders)
        dialog.folderRemoved.connect(self.remove_folder)
        dialog.open()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Organizer"),
            self.tr(
                "Organizer tags your photos with a local model, lets you correct the tags, "
                "and keeps every tag's provenance.\n\nLibrary: {path}"
            ).format(path=self.context.app.library_dir),
        )


def local_file_url(path: str) -> QUrl:
    """A file: URL naming exactly ``path``'s bytes (percent-encoded), also when the name is not
    valid UTF-8 (QUrl.fromLocalFile takes a Qt string, which drops such bytes)."""
    return QUrl.fromEncoded(b"file://" + quote(os.fsencode(path)).encode("ascii"))
