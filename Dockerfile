# Production image: gunicorn serving Django; the same image runs the Celery worker and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=keywork.settings.production

# WeasyPrint needs Pango and fonts (Noto for Bengali, Arabic/Urdu, Gurmukhi, Tamil, CJK and
# emoji beside DejaVu: children's own words and family messages); curl for the health check.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-dejavu-core fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
COPY keywork keywork
COPY tenancy tenancy
COPY people people
COPY sessions_app sessions_app
COPY behaviour behaviour
COPY contacts contacts
COPY plans plans
COPY compliance compliance
RUN pip install --no-cache-dir .
COPY . .
# Both database URLs given, so loading the settings connects to nothing (no database at build time).
RUN SECRET_KEY=build-only DATABASE_URL=postgresql://build@localhost/build \
    DATABASE_OWNER_URL=postgresql://build@localhost/build \
    python manage.py collectstatic --noinput \
 && useradd --system --uid 10001 keywork && mkdir -p /app/media && chown keywork /app/media
USER keywork
EXPOSE 8000
# Workers, class and the rest: keywork/gunicorn.conf.py (gthread, one process a core with two
# threads; see the README). Static files come from the same process (WhiteNoise).
CMD ["gunicorn", "-c", "keywork/gunicorn.conf.py"]
