"""Measuring objectives: the counts that come in, what an objective measured, and where it stands now."""
