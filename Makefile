# Hearth: `make run` starts everything, `make test` runs the whole suite.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

PORT ?= 8000
ifeq ($(shell command -v uv 2>/dev/null),)
UV := .tools/uv/bin/uv
UV_INSTALL := $(UV)
else
UV := uv
UV_INSTALL :=
endif

.PHONY: run test lint bench bench-pause bench-delivery manage chromium clean

.tools/uv/bin/uv:
	python3 -m pip install --quiet --target .tools/uv uv

.venv/.synced: pyproject.toml uv.lock $(UV_INSTALL)
	$(UV) sync --frozen
	touch $@

run: .venv/.synced
	$(UV) run python manage.py migrate --noinput
	@echo ""
	@echo "  Hearth is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Emails land at http://127.0.0.1:$(PORT)/dev/mail/  (Ctrl-C stops web, worker and beat)"
	@echo ""
	SITE_URL=http://127.0.0.1:$(PORT) $(UV) run honcho start --port $(PORT)

test: .venv/.synced chromium
	$(UV) run pytest $(PYTEST_ARGS)

lint: .venv/.synced
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy .
	$(UV) run djlint templates --lint

bench: .venv/.synced
	$(UV) run python bench/endpoints.py

# A pause reaching the partner's open page, on make run's stack in two browsers (bench/).
bench-pause: .venv/.synced chromium
	$(UV) run python bench/pause_reach.py $(ARGS)

# Due reminders through real Celery workers to an SMTP sink, on PostgreSQL and Redis (bench/).
bench-delivery: .venv/.synced
	$(UV) run python bench/delivery.py $(ARGS)

manage: .venv/.synced
	$(UV) run python manage.py $(ARGS)

# Browser tests drive Debian's Chromium; install it when this machine can.
chromium:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
		|| echo "Browser tests need Chromium at /usr/bin/chromium: apt-get install -y chromium"

clean:
	rm -rf .venv var
