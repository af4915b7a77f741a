# slabot: python bot.py serves Slack (HTTP on $PORT, or Socket Mode with SLACK_APP_TOKEN) and /healthz.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Charts label services in any script: a CJK font for Chinese, Japanese and Korean names.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-noto-cjk && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin slabot
WORKDIR /app

COPY pyproject.toml README.md ./
COPY slabot ./slabot
COPY commands ./commands
COPY storage ./storage
COPY bot.py ./
RUN pip install .

USER slabot
RUN mkdir -p /home/slabot/data
# SQLite by default, on a volume; production teams set DATABASE_URL=postgresql+psycopg://…
ENV DATABASE_URL=sqlite:////home/slabot/data/slabot.db \
    PORT=3000
VOLUME ["/home/slabot/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3000') + '/healthz', timeout=4)"]

CMD ["python", "bot.py"]
