"""Organizer: a desktop photo organizer that tags photos with a local model."""

__version__ = "0.1.0"
