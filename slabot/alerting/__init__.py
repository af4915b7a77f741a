"""Burn-rate alerting: each objective's stored rules and their verdicts, the alert state machine with its
figures, events and buttons, and the error budget policy notices (50/25/0 and the freeze)."""
