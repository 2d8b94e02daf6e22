FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=returns_portal.settings.production
WORKDIR /app
COPY pyproject.toml README.md ./
COPY returns_portal returns_portal
COPY rma rma
RUN pip install --no-cache-dir .
COPY . .
RUN DJANGO_SECRET_KEY=build python manage.py collectstatic --noinput
EXPOSE 8000
CMD ["gunicorn", "returns_portal.wsgi", "--bind", "0.0.0.0:8000", "--workers", "2"]
