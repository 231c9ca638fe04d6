"""Scanning and watching folders, and the pipeline from a path to a tagged index row. No Qt."""
