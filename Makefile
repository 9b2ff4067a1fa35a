# The two commands a newcomer needs:
#   make demo   match the sample cohort (pairs to stdout, report in target/report.md)
#   make test   install what the tests need, then run every test (Rust incl. the HTML report in
#               headless Chromium, both ILP engines, Python)

CARGO ?= cargo
# Prints each step's duration ("timing: NAME took N s").
TIMED = bash .ci/timed
DEMO_ARGS = match --mentors examples/data/mentors.csv --mentees examples/data/mentees.csv \
            --config examples/config.toml --report target/report.md

.PHONY: demo test deps test-rust test-highs test-python lint

demo:
	$(CARGO) run --release -q -p mentormatch-coordinator -- $(DEMO_ARGS)
	@echo "report: target/report.md"

test: deps lint test-rust test-highs test-python

deps:
	$(TIMED) deps bash .ci/install-deps

lint:
	$(TIMED) fmt $(CARGO) fmt --all -- --check
	$(TIMED) clippy $(CARGO) clippy --workspace --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(TIMED) doc $(CARGO) doc --no-deps -p mentormatch

test-rust:
	$(TIMED) test-rust $(CARGO) test --workspace

test-highs:
	$(TIMED) test-highs $(CARGO) test -p mentormatch --features highs --test ilp_backend

test-python:
	$(TIMED) test-python bash python/run_tests.sh
