"""The weekly digest: what a lead reads on Monday morning.

schedule (when and where), report (the numbers of one week), chart_data and charts (the four figures),
runner (a run from claim to the outbox) and jobs (APScheduler cron jobs and catching up on missed runs).
"""
