"""The Spark recipe (examples/spark_recipe.py) in local mode: candidate jobs in Spark tasks,
the solve on the driver, the same result as one process. Skipped unless pyspark and a Java
runtime are installed (the CI venv has neither; see benches/RESULTS.md, "Dask")."""

import importlib.util
import os
import shutil
import sys

import pytest

import mentormatch as mm
from cohorts import cohort
from conftest import EXAMPLES
from test_candidates import CFG, same

pytest.importorskip("pyspark")
if shutil.which("java") is None:
    pytest.skip("no Java runtime", allow_module_level=True)


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
