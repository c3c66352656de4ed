"""Core's built-in behaviour, each part a plugin registered through the public hooks.

Nothing here has powers a third-party plugin lacks: read these modules as
examples of implementing the hooks.
"""
