# syntax=docker/dockerfile:1
# The production image: the same lock file as `make run`, minus the dev tools and the
# embedded PostgreSQL (production always names its database in PORTAL_DATABASE_URL).

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/portal
COPY requirements.lock ./
RUN /opt/portal/bin/pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY portal ./portal
COPY schema ./schema
COPY resolvers ./resolvers
COPY models ./models
COPY auth ./auth
COPY notifications ./notifications
COPY events ./events
COPY migrations ./migrations
COPY compiled ./compiled
RUN /opt/portal/bin/pip install --no-deps .

FROM python:3.11-slim
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin portal
COPY --from=build /opt/portal /opt/portal
ENV PATH=/opt/portal/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PORTAL_ENV=production \
    HOST=0.0.0.0 \
    PORT=8000
USER portal
WORKDIR /tmp
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=2)"]
# Run `portal migrate` once per release (a job or init container) before rolling this out.
CMD ["portal", "serve"]
