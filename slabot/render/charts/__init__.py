"""The weekly digest's four charts, drawn on matplotlib's Figure and Axes API (no pyplot, no rcParams):
SLI vs target (sli), error budget burn-down (burndown), Pareto of causes (pareto), MTTA/MTTR trend (trend);
their look (style), ranking (ranking), alt texts (alt_text) and PNG output (png), and the set a digest gets
(digest)."""
