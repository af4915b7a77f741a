"""Burn-rate alerting: stored rules, verdicts, the alert state machine, its buttons, and budget policy notices."""
