"""The app of the signals tests: a blog with posts, comments and labels."""
