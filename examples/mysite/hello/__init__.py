"""The hello app."""
