"""Seeded synthetic cohorts for the large-cohort tests (small enough for CI)."""

import numpy as np
import pandas as pd

DEPTS = ["Nyheter", "Teknologi", "Kultur", "Sport", "Økonomi", "HR", "Distrikt", "Barn"]
PLACES = ["Oslo", "Bergen", "Tromsø", "Trondheim", "Bodø", "Kristiansand"]
BACK = ["journalistikk", "ingeniør", "økonomi", "design", "jus", "realfag"]
CULT = ["somalisk", "samisk", "polsk", "tamilsk", "arabisk", ""]
TOPICS = ["musikk", "sport", "reise", "mat", "gaming", "litteratur", "film", "friluftsliv",
          "podkast", "politikk", "kunst", "teknologi"]
SKILLS = ["digital", "sosiale medier", "unge målgrupper", "flerkulturell innsikt", "podkast",
          "video", "data", "ledelse"]


def _sets(rng, pool, n, lo, hi):
    return [";".join(rng.choice(pool, size=rng.integers(lo, hi + 1), replace=False)) for _ in range(n)]


def cohort(n_mentees: int, n_mentors: int, seed: int = 1):
    """(mentors, mentees) DataFrames with the columns of examples/data, all text."""
    rng = np.random.default_rng(seed)
    mentors = pd.DataFrame(
        {
            "id": [f"M{j:05d}" for j in range(n_mentors)],
            "department": rng.choice(DEPTS, n_mentors),
            "location": rng.choice(PLACES, n_mentors),
            "background": rng.choice(BACK, n_mentors),
            "cultural_competence": rng.choice(CULT, n_mentors),
            "interests": _sets(rng, TOPICS, n_mentors, 1, 3),
            "offers": _sets(rng, SKILLS, n_mentors, 1, 3),
            "capacity": rng.integers(1, 3, n_mentors).astype(str),
        }
    )
    mentees = pd.DataFrame(
        {
            "id": [f"L{i:05d}" for i in range(n_mentees)],
            "department": rng.choice(DEPTS, n_mentees),
            "location": rng.choice(PLACES, n_mentees),
            "background": rng.choice(BACK, n_mentees),
            "cultural_competence": rng.choice(CULT, n_mentees),
            "interests": _sets(rng, TOPICS, n_mentees, 1, 3),
            "needs": _sets(rng, SKILLS, n_mentees, 1, 3),
        }
    )
    return mentors, mentees
