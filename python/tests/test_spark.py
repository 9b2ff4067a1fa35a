"""The Spark recipe (examples/spark_recipe.py) in local mode: candidate jobs in Spark tasks,
the solve on the driver, the same result as one process. `python/run_tests.sh` installs
pyspark and `.ci/install-deps` a Java runtime, so `make test` runs it; with MM_TEST_SPARK=0 (a
quick local run without pyspark) it is skipped."""

import importlib.util
import os
import shutil
import sys

import pytest

import mentormatch as mm
from cohorts import cohort
from conftest import EXAMPLES
from test_candidates import CFG, same

if os.environ.get("MM_TEST_SPARK", "1") == "0":
    pytest.skip("MM_TEST_SPARK=0: the Spark test is left out", allow_module_level=True)
# Otherwise a missing pyspark or Java is a failure, never a silent skip.
import pyspark  # noqa: E402,F401

assert shutil.which("java") is not None, "no Java runtime: run .ci/install-deps"


def test_spark_recipe_local_mode():
    from pyspark.sql import SparkSession

    # Spark's Python workers: this interpreter (with mentormatch, pandas and pyarrow).
    os.environ["PYSPARK_PYTHON"] = sys.executable

    spec = importlib.util.spec_from_file_location("spark_recipe", EXAMPLES / "spark_recipe.py")
    recipe = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recipe)
    mentors, mentees = cohort(300, 260, seed=3)
    spark = (
        SparkSession.builder.master("local[2]")
        .appName("mentormatch-test")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    try:
        index = mm.ShardIndex(mentors, mentees, config=CFG)
        rows = recipe.spark_candidates(spark, index, shards=4)
    finally:
        spark.stop()
    result = mm.match_candidates(rows, mentors, mentees, config=CFG, solver="heuristic")
    same(result, mm.match(mentors, mentees, config=CFG, solver="heuristic"))
