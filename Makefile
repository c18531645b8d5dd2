# Hearth: `make run` starts everything, `make test` runs the whole suite.
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv

PORT ?= 8000
# The suite runs on every core (pytest-xdist); PYTEST_ARGS="-n 0 tests/x" runs part of it in one process.
PYTEST_ARGS ?= -n auto
ifeq ($(shell command -v uv 2>/dev/null),)
UV := .tools/uv/bin/uv
UV_INSTALL := $(UV)
else
UV := uv
UV_INSTALL :=
endif

.PHONY: run test test-fast lint validate bench bench-explain bench-quick bench-profile bench-pause bench-export bench-delivery manage seed icons screenshots screenshots-check lighthouse stylelint chromium clean

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

# The quick loop: everything but the browser tests (tests/e2e/), on every core.
test-fast: .venv/.synced
	$(UV) run pytest -n auto -m "not browser"

lint: .venv/.synced
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy .
	$(UV) run djlint templates --lint

# Every page and htmx partial, as each kind of person sees it, through the W3C validator (vnu,
# from the npm registry, run by Java); any error fails (tests/validate_pages.py).
VNU_VERSION := 26.9.27
VNU_JAR := .tools/vnu/node_modules/vnu-jar/build/dist/vnu.jar
$(VNU_JAR):
	mkdir -p .tools/vnu
	npm install --no-audit --no-fund --prefix .tools/vnu vnu-jar@$(VNU_VERSION)

validate: .venv/.synced $(VNU_JAR)
	$(UV) run pytest -n 0 -q -m validate tests/validate_pages.py

# The main pages of a live server, as a visitor and signed in, through Lighthouse (from the npm
# registry) on Debian's Chromium: accessibility, best practices and SEO must each be 100
# (tests/lighthouse.py). LIGHTHOUSE_FORM_FACTORS="mobile desktop" (the default) or one of them;
# LIGHTHOUSE_PAGES="home,pause" runs only those pages.
# Hearth's stylesheets through stylelint's recommended rules (.stylelintrc.json: the order of
# selectors by specificity is left free, as a component's states follow the component).
STYLELINT := .tools/stylelint/node_modules/.bin/stylelint
$(STYLELINT):
	mkdir -p .tools/stylelint
	npm install --no-audit --no-fund --prefix .tools/stylelint stylelint@16.26.1 stylelint-config-recommended@14.0.1

stylelint: $(STYLELINT)
	$(STYLELINT) --config .stylelintrc.json --config-basedir .tools/stylelint "static/css/*.css"

LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE := .tools/lighthouse/node_modules/lighthouse/cli/index.js
$(LIGHTHOUSE):
	mkdir -p .tools/lighthouse
	npm install --no-audit --no-fund --prefix .tools/lighthouse lighthouse@$(LIGHTHOUSE_VERSION)

lighthouse: .venv/.synced chromium $(LIGHTHOUSE)
	CHROME_PATH=/usr/bin/chromium $(UV) run pytest -n 0 -q -s tests/lighthouse.py

# Every page and poll under HTTP load at scale, next to a bare view (bench/README.md). Needs
# PostgreSQL and Redis: BENCH_DATABASE_URL, BENCH_REDIS_URL; BENCH_COUPLES=10000 for full scale.
bench: .venv/.synced
	$(UV) run python bench/load.py

# Every query of every endpoint with EXPLAIN ANALYZE on the scale database `make bench` seeded.
bench-explain: .venv/.synced
	$(UV) run python bench/explain.py $(ARGS)

# The polls next to their pages in one process on a throw-away database (SQLite by default).
bench-quick: .venv/.synced
	$(UV) run python bench/endpoints.py

# Where each main page's time goes, in one process, next to a bare view (bench/).
bench-profile: .venv/.synced
	$(UV) run python bench/profile_pages.py $(ARGS)

# A pause reaching the partner's open page, on make run's stack in two browsers (bench/).
bench-pause: .venv/.synced chromium
	$(UV) run python bench/pause_reach.py $(ARGS)

# A person's export with one and with five years of weekly history: time, size, peak memory.
bench-export: .venv/.synced
	$(UV) run python bench/export.py $(ARGS)

# Due reminders (or, with ARGS="--kind notices", "your partner shared" notices, some inside
# quiet hours) through the real Celery worker and beat to an SMTP sink, on PostgreSQL and Redis
# (bench/README.md).
bench-delivery: .venv/.synced
	$(UV) run python bench/delivery.py $(ARGS)

manage: .venv/.synced
	$(UV) run python manage.py $(ARGS)

# Fill an empty database with couples and their history (ARGS="--couples 100 --weeks 52"), through
# the bench app's seed_scale command: bench.settings installs it, production settings never do.
seed: .venv/.synced
	DJANGO_SETTINGS_MODULE=bench.settings $(UV) run python manage.py seed_scale $(ARGS)

# The installable app's icons (static/icons/), drawn by Chromium from static/favicon.svg.
icons: .venv/.synced chromium
	$(UV) run python manage.py render_icons

# Every page of a couple's space and the account pages, on a laptop (1280x800) and a phone
# (390x844), light and dark, as docs/screenshots/NAME-SIZE-SCHEME.png (tests/e2e/screenshots.py;
# docs/screenshots/before/ is kept). `make test` leaves this walk out; CI runs screenshots-check.
screenshots: .venv/.synced chromium
	find docs/screenshots -maxdepth 1 \( -name '*-light.png' -o -name '*-dark.png' \) -delete
	HEARTH_SCREENSHOTS=docs/screenshots $(UV) run pytest -n 0 -q tests/e2e/screenshots.py

# The walk once (phone, light), saving nothing: every page it pictures still opens.
screenshots-check: .venv/.synced chromium
	$(UV) run pytest -n 0 -q tests/e2e/screenshots.py -k phone-light

# Browser tests drive Debian's Chromium; install it when this machine can.
chromium:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null \
		&& apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
		|| echo "Browser tests need Chromium at /usr/bin/chromium: apt-get install -y chromium"

clean:
	rm -rf .venv var
