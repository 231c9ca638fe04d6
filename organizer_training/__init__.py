"""Training and export of Organizer's tagging models (the only package that imports torch)."""
