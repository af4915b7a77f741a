"""Modals, one class each: the view it shows and how its submission is read back, with errors per field."""
