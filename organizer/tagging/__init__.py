"""Model bundles, preprocessing and the inference engine. No Qt, no torch."""
