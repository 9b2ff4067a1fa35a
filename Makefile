# The two commands a newcomer needs:
#   make demo   match the sample cohort (pairs to stdout, report in target/report.md)
#   make test   install what the tests need, then run every test (Rust incl. the HTML report in
#               headless Chromium, both ILP engines, Python)

CARGO ?= cargo
DEMO_ARGS = match --mentors examples/data/mentors.csv --mentees examples/data/mentees.csv \
            --config examples/config.toml --report target/report.md

.PHONY: demo test deps test-rust test-highs test-python lint

demo:
	$(CARGO) run --release -q -p mentormatch-coordinator -- $(DEMO_ARGS)
	@echo "report: target/report.md"

test: deps lint test-rust test-highs test-python

deps:
	bash .ci/install-deps

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --workspace

test-highs:
	$(CARGO) test -p mentormatch --features highs --test ilp_backend

test-python:
	bash python/run_tests.sh
