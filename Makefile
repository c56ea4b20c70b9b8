# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
# Some machines (CI's among them) set PYTHONDONTWRITEBYTECODE: every process then compiles each module again and
# pytest rewrites every test module again, 8 of the 15 seconds each test process took to start. Bytecode is kept.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install vnu run serve test test-browser mutation mutation-core lint format check migrate demo backup restore load-test bench lighthouse clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

# The Nu HTML checker (vnu.jar) that tests/test_accessibility.py runs over every reader page, from its own npm
# package; running it needs java (.ci/run installs default-jre-headless). --ignore-scripts: the package's
# postinstall would download a Java runtime of its own.
VNU_VERSION := 26.9.27

$(VENV)/vnu/.installed-$(VNU_VERSION): $(BIN)/activate
	@if command -v npm >/dev/null; then \
		rm -rf $(VENV)/vnu && \
		npm install --prefix $(VENV)/vnu --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
			--loglevel=error vnu-jar@$(VNU_VERSION) && touch $@; \
	else \
		echo "npm is missing: the Nu HTML checker is not installed, so its test is skipped (it fails in CI)."; \
	fi

vnu: $(VENV)/vnu/.installed-$(VNU_VERSION)

migrate: install
	$(MANAGE) migrate --noinput

demo: migrate
	$(MANAGE) load_demo_content

run: demo  ## Set up and serve the site with demo content on SQLite (development only).
	$(MANAGE) create_dev_admin
	$(MANAGE) runserver $(HOST):$(PORT)

serve: install  ## Production mode: gunicorn, DEBUG off, WhiteNoise for static files (set DJANGO_SECRET_KEY etc.).
	DJANGO_DEBUG=false $(MANAGE) collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=false $(MANAGE) migrate --noinput
	DJANGO_DEBUG=false $(MANAGE) render_published
	DJANGO_DEBUG=false GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(PORT)} $(BIN)/gunicorn -c gunicorn.conf.py ivig_site.wsgi

BACKUP_DIR ?= backups

backup: install  ## Database (pg_dump, or a consistent SQLite copy) and uploads into $(BACKUP_DIR)/ivig-backup-*.tar.gz.
	$(MANAGE) backup_site --output $(BACKUP_DIR)

restore: install  ## Replace the database and uploads with a backup: make restore BACKUP=backups/ivig-backup-….tar.gz
	@test -n "$(BACKUP)" || (echo "Say which archive: make restore BACKUP=backups/ivig-backup-….tar.gz" && exit 2)
	$(MANAGE) restore_site $(BACKUP)

LOAD_CLIENTS ?= 50
LOAD_DURATION ?= 60
LOAD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/ivig_load
LOAD_PORT ?= 0

load-test: install  ## LOAD_CLIENTS readers for LOAD_DURATION s against gunicorn on 127.0.0.1 while an editor saves.
	$(BIN)/python -m ops.loadtest --clients $(LOAD_CLIENTS) --duration $(LOAD_DURATION) --port $(LOAD_PORT) \
		--database-url $(LOAD_DATABASE_URL)

bench: install  ## Throughput and latency of every reader page against a bare Django view; writes bench/REPORT.md.
	$(BIN)/python -m bench

lighthouse: install  ## Lighthouse scores of each reader page type, mobile and desktop; writes bench/LIGHTHOUSE.md.
	$(BIN)/python -m bench.lighthouse

# Test processes side by side (pytest-xdist): one per core by default; TEST_WORKERS=0 runs them in this process.
# worksteal: a process that runs out of tests takes some of another's, so none waits at the end for the slowest.
TEST_WORKERS ?= auto

test: install vnu  ## Set up and run the whole test suite (DATABASE_URL picks the database; SQLite by default).
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

# Mutation testing of the review rules (mutmut; README.md, "The review rules are mutation-tested"). Each listed rule function of review/ is
# changed one way at a time and the rule tests run against it, on a PostgreSQL test database kept between mutants.
# `make mutation` runs them all (908 changes, 44 minutes on 2 cores) and rewrites tests/mutation/REPORT.md; `make mutation-core`
# runs the core rules the six mutations of issue 21 touched. Either fails when a change survives that
# tests/mutation/reasons.toml gives no reason for.
MUTATION_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/mutation
MUTATION_WORKERS ?= 2
W := review.workflow
M := review.models
G := review.guard
R := review.merging
MUTATION_CORE := $(W).xǁTransitionǁ* $(W).x_check_transition* $(W).x_separation_of_duties_problem* \
	$(W).x_unpublished_dependencies* $(W).x__check_medical_review* $(M).x_is_published* $(M).xǁReviewedQuerySetǁpublished*
MUTATION_RULES := $(MUTATION_CORE) $(W).x_available_transitions* $(W).x__move* $(W).x__fact_check* $(W).x__sign_off* \
	$(W).x_current_medical_review* $(W).x_medical_review_problem* $(W).x__medically_review* $(W).x__publish* \
	$(W).x__next_review_due* $(M).x_is_scheduled* $(M).xǁReviewedQuerySetǁ* $(M).xǁReviewedǁreview_conflicts* \
	$(M).xǁReviewedǁsave* $(M).xǁReviewedǁclean* $(M).xǁReviewedǁrefresh_from_db* \
	$(G).x_check_save* $(G).x_check_delete* $(G).x__check_child* $(G).x__parents_of* \
	$(G).x__parent_statuses* $(G).x__child_saved* $(G).x__child_deleted* $(G).x__many_changed* $(G).x__loaded* \
	$(G).x_refusal* $(G).x_advice* $(W).x__check_sign_off* $(W).x__check_images_are_described* \
	$(R).x_edit_version* $(R).x_read_edit_version* $(R).x_decide* $(R).x_merge_form__*

mutation: install  ## Mutation testing of every review rule; writes tests/mutation/REPORT.md.
	rm -rf mutants
	DATABASE_URL=$(MUTATION_DATABASE_URL) $(BIN)/mutmut run --max-children $(MUTATION_WORKERS) $(MUTATION_RULES)
	$(BIN)/python tests/mutation/report.py

mutation-core: install  ## The core review rules only, against the rule tests alone (.ci/run runs it); fails on a survivor with no written reason.
	rm -rf mutants
	DATABASE_URL=$(MUTATION_DATABASE_URL) PYTEST_ADDOPTS="--deselect tests/test_medical_review.py" \
		$(BIN)/mutmut run --max-children $(MUTATION_WORKERS) $(MUTATION_CORE)
	$(BIN)/python tests/mutation/report.py --check

test-browser: install  ## Only the journeys in headless Chromium; screenshots land in test-artifacts/.
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: install  ## Django's system checks and missing migrations.
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles test-artifacts .pytest_cache .ruff_cache .hypothesis .cache mutants
