# The browser libraries (Leaflet for the drop-off map), from the npm registry as pinned by package-lock.json.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=returns_portal.settings.production
WORKDIR /app
COPY pyproject.toml README.md ./
COPY returns_portal returns_portal
COPY rma rma
RUN pip install --no-cache-dir .
COPY . .
COPY --from=assets /app/node_modules node_modules
RUN DJANGO_SECRET_KEY=build python manage.py collectstatic --noinput
EXPOSE 8000
# With PROMETHEUS_MULTIPROC_DIR set (docker-compose.yml does), /metrics sums every worker's requests; the hooks of
# returns_portal/ops/gunicorn_conf.py empty that folder at start and forget a worker that exits.
CMD ["gunicorn", "-c", "python:returns_portal.ops.gunicorn_conf", "returns_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2"]
