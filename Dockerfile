# syntax=docker/dockerfile:1
# marketagg image: one image for every process (web, feeds, worker, beat, migrate); compose picks
# the command. Nothing here depends on the CPU: docker.yml builds it for linux/amd64 and linux/arm64.
ARG PYTHON_VERSION=3.11

# ---- build: a virtualenv with the pinned dependencies and the project ----------------------------
FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /src
# Dependencies first, read from pyproject.toml alone, so a code change reuses this layer.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
      > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt
COPY marketagg ./marketagg
COPY exchanges ./exchanges
COPY books ./books
COPY analytics ./analytics
RUN pip install .

# ---- runtime: the virtualenv and the source tree, run as an unprivileged user ---------------------
FROM python:${PYTHON_VERSION}-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=marketagg.settings \
    MARKETAGG_VAR_DIR=/app/var
RUN groupadd --system --gid 10001 marketagg \
    && useradd --system --uid 10001 --gid marketagg --home-dir /app --shell /usr/sbin/nologin marketagg
WORKDIR /app
COPY --from=build /opt/venv /opt/venv
# The source tree too: manage.py, and templates and static files that `pip install .` leaves out.
COPY --chown=marketagg:marketagg . /app
# The admin's CSS and JS, collected once at build time; var/spill is where the tick writer spills
# when the database is away (a volume in docker-compose.yml keeps it across restarts).
RUN python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var/spill \
    && chown -R marketagg:marketagg /app/var
USER marketagg
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["daphne", "--bind", "0.0.0.0", "--port", "8000", "marketagg.asgi:application"]
