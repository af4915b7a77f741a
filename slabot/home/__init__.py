"""The App Home: the dashboard one person sees on slabot's Home tab (gathered in dashboard; drawn in
slabot.render.home; published by slabot.slack.listeners.home)."""
