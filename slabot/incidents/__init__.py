"""Incidents: their lifecycle and timeline, severity targets on business calendars, SLA timers, satisfaction."""
