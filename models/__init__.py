"""The model bundles shipped with Organizer (installed as ``organizer.bundled_models``)."""
