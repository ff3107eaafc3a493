# syntax=docker/dockerfile:1
# Ambient Siphon daemon image.
#   docker build -t siphon .
#   docker run -d --name siphon -v siphon-state:/var/lib/siphon \
#     -v $PWD/siphon.toml:/etc/siphon/siphon.toml:ro -e SLACK_TOKEN=... -p 127.0.0.1:8470:8470 siphon
# The config's [api] listen must be "0.0.0.0:8470" (with a token) for the host to reach the API.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/siphon
WORKDIR /src
COPY pyproject.toml README.md ./
COPY connectors ./connectors
COPY ontology ./ontology
COPY daemon ./daemon
RUN /opt/siphon/bin/pip install . \
 && mkdir -p /opt/siphon/share/doc/siphon
COPY docs /opt/siphon/share/doc/siphon
COPY config/siphon.example.toml /opt/siphon/share/doc/siphon/

FROM python:3.11-slim
RUN groupadd --system --gid 10001 siphon \
 && useradd --system --uid 10001 --gid siphon --home-dir /var/lib/siphon --shell /usr/sbin/nologin siphon \
 && mkdir -p /var/lib/siphon /etc/siphon \
 && chown siphon:siphon /var/lib/siphon \
 && chmod 0700 /var/lib/siphon
COPY --from=build /opt/siphon /opt/siphon
ENV PATH=/opt/siphon/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    SIPHON_CONFIG=/etc/siphon/siphon.toml \
    SIPHON_STATE_DIR=/var/lib/siphon \
    SIPHON_LOG__FORMAT=json
VOLUME ["/var/lib/siphon"]
WORKDIR /var/lib/siphon
USER siphon
EXPOSE 8470
STOPSIGNAL SIGTERM
# /healthz answers while the process lives; the standard library is all the check needs.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(os.environ.get('SIPHON_HEALTHCHECK_URL', 'http://127.0.0.1:8470/healthz'), timeout=4)"]
ENTRYPOINT ["siphon", "run"]
