"""Candidate generation on Spark, the solve on the driver (the recipe in the README).

    spark-submit examples/spark_recipe.py mentors.csv mentees.csv [shards]

Every executor gets the cohort once (a broadcast `mm.ShardIndex`, which compiles the mentor
index once per Python worker process); `mapInPandas` runs one candidate job per range of
mentees; the driver solves from the rows with `mm.match_candidates` (pricing passes run on the
driver). The result equals `mm.match(mentors, mentees, solver="heuristic")`.
"""

import sys

import pandas as pd

import mentormatch as mm

SCHEMA = "mentee_id string, mentor_id string, score double, outside double"


def spark_candidates(spark, index: "mm.ShardIndex", shards: int) -> pd.DataFrame:
    """Candidate rows of every mentee, computed by Spark tasks (one per range of mentees)."""
    n = len(index)
    bc = spark.sparkContext.broadcast(index)
    ranges = [(s, n * s // shards, n * (s + 1) // shards) for s in range(shards)]
    jobs = spark.createDataFrame(ranges, "shard int, start long, stop long").repartition(
        shards, "shard"
    )

    def run(batches):
        for batch in batches:
            for start, stop in zip(batch["start"], batch["stop"]):
                yield bc.value.candidates(int(start), int(stop))

    return jobs.mapInPandas(run, schema=SCHEMA).toPandas()


def main(mentors_csv: str, mentees_csv: str, shards: int = 8) -> mm.MatchResult:
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("mentormatch-candidates").getOrCreate()
    mentors = pd.read_csv(mentors_csv, dtype=str, keep_default_na=False)
    mentees = pd.read_csv(mentees_csv, dtype=str, keep_default_na=False)
    index = mm.ShardIndex(mentors, mentees)  # add config=... as for mm.match
    rows = spark_candidates(spark, index, shards)
    return mm.match_candidates(rows, mentors, mentees)


if __name__ == "__main__":
    result = main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:4]))
    print(result.pairs.to_csv(index=False))
