"""Finished work, worded in the UI's language from its counts (the core's reports carry
numbers; their ``summary()`` is the command line's English)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from organizer.ingest.pipeline import ScanReport
from organizer.ingest.writeback import WriteReport

translate = QCoreApplication.translate


def scan_summary(report: ScanReport) -> str:
    """What a scan, an import or the watcher did, naming only what happened."""
    counts = (
        (report.new, translate("Reports", "{count} new")),
        (report.changed, translate("Reports", "{count} changed")),
        (report.moved, translate("Reports", "{count} moved")),
        (report.deleted, translate("Reports", "{count} removed")),
        (report.unchanged, translate("Reports", "{count} unchanged")),
        (report.tagged, translate("Reports", "{count} tagged")),
        (report.copied, translate("Reports", "{count} duplicates")),
        (len(report.failed), translate("Reports", "{count} could not be read")),
        (len(report.skipped), translate("Reports", "{count} skipped")),
    )
    parts = [text.format(count=count) for count, text in counts if count]
    text = translate("Reports", ", ").join(parts) if parts else translate("Reports", "no changes")
    return text + (translate("Reports", " (cancelled)") if report.cancelled else "")


def write_summary(report: WriteReport) -> str:
    text = translate("Reports", "{written} written, {unchanged} already up to date").format(
        written=report.written, unchanged=report.unchanged
    )
    if report.failed:
        text += translate("Reports", ", {count} failed").format(count=len(report.failed))
    return text + (translate("Reports", " (cancelled)") if report.cancelled else "")
