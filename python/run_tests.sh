#!/usr/bin/env bash
# Builds the wheel from this checkout into a fresh virtual environment and runs the Python tests.
#
#   bash python/run_tests.sh            (from anywhere; needs Rust, python3 with venv, and PyPI)
#
# The venv lives in target/python-venv (recreated on every run; set MM_VENV to put it elsewhere).
# Extra arguments go to pytest, e.g. `bash python/run_tests.sh -k lsa`. MM_TEST_SPARK=1 adds pyspark
# (the Spark recipe's test; needs Java).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
venv="${MM_VENV:-$root/target/python-venv}"
python="${PYTHON:-python3}"

# The tests need the wheel's code, not its last percent of speed: without fat LTO and with
# parallel codegen the build uses both cores (measured: 220 s instead of 344 s wall on a busy
# 2-core machine, 107 s instead of 123 s CPU). Release wheels (`pip install ./python`,
# `maturin build --release`) keep the workspace's release profile.
export CARGO_PROFILE_RELEASE_LTO="${CARGO_PROFILE_RELEASE_LTO:-off}"
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS="${CARGO_PROFILE_RELEASE_CODEGEN_UNITS:-16}"

rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
# The wheel build (maturin, release profile) and the test dependencies.
"$venv/bin/python" -m pip install --quiet "$here" \
    pytest hypothesis scipy pandas numpy mypy nbclient nbformat ipykernel matplotlib matching \
    "dask[dataframe]" distributed
# The Spark recipe's test (tests/test_spark.py) runs Spark in local mode: pyspark (a ~317 MB
# download) and a Java runtime (.ci/install-deps). MM_TEST_SPARK=0 leaves pyspark out for a
# quicker local run, and the test is then skipped; otherwise a missing piece is a failure.
export MM_TEST_SPARK="${MM_TEST_SPARK:-1}"
if [ "$MM_TEST_SPARK" = 1 ]; then
    "$venv/bin/python" -m pip install --quiet "pyspark>=3.5,<4" pyarrow
fi

# Run from a scratch directory with the installed package: never the source tree's
# python/mentormatch (which has no compiled _core), so the wheel is what gets tested.
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
export MPLBACKEND=Agg
export HYPOTHESIS_STORAGE_DIRECTORY="$work/.hypothesis"
"$venv/bin/python" -I -m pytest -p no:cacheprovider --rootdir "$here" -c "$here/pyproject.toml" \
    "$here/tests" "$@"
