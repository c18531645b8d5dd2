# The app image for docker-compose.yml: one image runs web, worker and beat.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/venv \
    PATH="/venv/bin:$PATH" \
    HEARTH_VAR_DIR=/var/hearth \
    DEBUG=false

RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project
COPY . .
RUN DEBUG=false SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput \
    && useradd --create-home hearth && mkdir -p /var/hearth && chown hearth /var/hearth
USER hearth
EXPOSE 8000
CMD ["gunicorn", "config.wsgi"]
