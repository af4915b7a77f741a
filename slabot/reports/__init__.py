"""The weekly digest: what a lead reads on Monday morning.

schedule (when and where), digests (a channel's schedule), weekly (the numbers of one week, with
incident_stats, satisfaction_stats, series and chart_data), runs (a run from queued to finished) and events
(a digest ready to post). Drawing and wording live in slabot.render; the worker in slabot.runtime.
"""
