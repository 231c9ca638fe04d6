"""Desktop integration files (installed as the package ``organizer.desktop_files``)."""
