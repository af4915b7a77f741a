"""Root-cause analysis: the 5-Why conversation in an incident's thread, its fishbone category and action
items, the budget an incident consumed, and the postmortem it all adds up to."""
