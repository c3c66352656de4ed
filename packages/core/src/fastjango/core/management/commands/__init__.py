"""Core's commands, one module each."""
