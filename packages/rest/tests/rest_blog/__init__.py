"""The app of the rest tests: authors, posts with comments."""
