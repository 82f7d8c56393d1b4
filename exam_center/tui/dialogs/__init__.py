"""Modal dialogs, typed by what they return through `dismiss`."""
