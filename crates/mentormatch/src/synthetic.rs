//! Seeded synthetic cohorts for benchmarks and tests: realistic field distributions (skewed
//! departments and locations, backgrounds that follow departments, interests with a long tail,
//! competences offered mostly by young mentors), identical for the same seed on every platform.

use std::collections::BTreeSet;

use crate::model::{Cohort, Interner, Mentee, Mentor, TextSet};
use crate::rng::SplitMix64;

const DEPARTMENTS: [&str; 12] = [
    "Nyheter",
    "Sport",
    "Drama",
    "Musikk",
    "Teknologi",
    "Økonomi",
    "HR",
    "Marked",
    "Juridisk",
    "Distrikt",
    "Samisk",
    "Ungdom",
];
const LOCATIONS: [&str; 20] = [
    "Oslo",
    "Bergen",
    "Trondheim",
    "Stavanger",
    "Tromsø",
    "Kristiansand",
    "Bodø",
    "Ålesund",
    "Drammen",
    "Fredrikstad",
    "Lillehammer",
    "Hamar",
    "Molde",
    "Harstad",
    "Alta",
    "Karasjok",
    "Kautokeino",
    "Skien",
    "Haugesund",
    "Narvik",
];
const BACKGROUNDS: [&str; 10] = [
    "journalism",
    "engineering",
    "economics",
    "law",
    "design",
    "humanities",
    "production",
    "computer science",
    "social science",
    "marketing",
];
const CULTURES: [&str; 12] = [
    "Sami",
    "Kven",
    "Arabic",
    "Somali",
    "Polish",
    "Urdu",
    "Farsi",
    "Tigrinya",
    "Kurdish",
    "Lithuanian",
    "Tamil",
    "Spanish",
];
const INTERESTS: [&str; 30] = [
    "football",
    "skiing",
    "hiking",
    "running",
    "cycling",
    "climbing",
    "sailing",
    "fishing",
    "music",
    "film",
    "theatre",
    "literature",
    "photography",
    "art",
    "cooking",
    "travel",
    "gaming",
    "podcasts",
    "politics",
    "history",
    "science",
    "gardening",
    "yoga",
    "dance",
    "chess",
    "volunteering",
    "languages",
    "fashion",
    "crafts",
    "board games",
];
const COMPETENCES: [&str; 10] = [
    "digital",
    "social media",
    "young audiences",
    "multicultural insight",
    "data",
    "video",
    "podcasting",
    "gaming culture",
    "sustainability",
    "design thinking",
];

/// Cumulative Zipf-like weights `1 / (rank + 1)^s` over `n` ranks, normalised to end at 1.
fn zipf_cdf(n: usize, s: f64) -> Vec<f64> {
    let w: Vec<f64> = (0..n).map(|r| 1.0 / ((r + 1) as f64).powf(s)).collect();
    let t: f64 = w.iter().sum();
    let mut acc = 0.0;
    w.iter()
        .map(|x| {
            acc += x / t;
            acc
        })
        .collect()
}

/// A rank drawn from a cumulative distribution.
fn draw(rng: &mut SplitMix64, cdf: &[f64]) -> usize {
    let u = rng.next_f64();
    cdf.iter().position(|&c| u < c).unwrap_or(cdf.len() - 1)
}

fn pick_set(
    rng: &mut SplitMix64,
    vocab: &[&str],
    count: usize,
    cdf: &[f64],
    interner: &mut Interner,
) -> TextSet {
    let mut out = BTreeSet::new();
    let mut tries = 0;
    while out.len() < count.min(vocab.len()) && tries < 100 {
        let r = draw(rng, cdf);
        out.insert(vocab[r]);
        tries += 1;
    }
    interner.set(out)
}

/// A synthetic cohort of `n_mentees` mentees and `n_mentors` mentors, the same for the same seed.
///
/// Distributions (chosen to look like a large reverse-mentoring programme):
/// - 12 departments (skewed: the biggest has ~5x the smallest), 20 locations (Zipf; 3% unknown),
///   10 professional backgrounds (half follow the department);
/// - cultural competences from 12 (55% of mentors, 20% of mentees have 1-2);
/// - 2-5 interests from a vocabulary of 30 (long tail);
/// - mentors offer 1-4 of 10 competences, mentees need 1-3 of them (digital ones most common);
/// - mentor capacity 1 (75%), 2 (20%) or 3 (5%).
///
/// Ids are `E0..` for mentees and `M0..` for mentors.
pub fn synthetic_cohort(n_mentees: usize, n_mentors: usize, seed: u64) -> Cohort {
    let mut rng = SplitMix64::new(seed);
    let dept_cdf = zipf_cdf(DEPARTMENTS.len(), 0.6);
    let loc_cdf = zipf_cdf(LOCATIONS.len(), 0.9);
    let cult_cdf = zipf_cdf(CULTURES.len(), 0.8);
    let int_cdf = zipf_cdf(INTERESTS.len(), 0.7);
    let offer_cdf = zipf_cdf(COMPETENCES.len(), 0.6);
    let need_cdf = zipf_cdf(COMPETENCES.len(), 0.5);
    // Every participant's values are shared with everyone else's (as a reader interns them).
    let mut interner = Interner::new();
    let common = |rng: &mut SplitMix64, young: bool, interner: &mut Interner| {
        let d = draw(rng, &dept_cdf);
        let location = (!rng.chance(0.03)).then(|| interner.text(LOCATIONS[draw(rng, &loc_cdf)]));
        let background = if rng.chance(0.5) {
            BACKGROUNDS[d % BACKGROUNDS.len()]
        } else {
            BACKGROUNDS[rng.below(BACKGROUNDS.len())]
        };
        let cult_p = if young { 0.55 } else { 0.2 };
        let cultural = if rng.chance(cult_p) {
            let c = 1 + rng.below(2);
            pick_set(rng, &CULTURES, c, &cult_cdf, interner)
        } else {
            TextSet::new()
        };
        let n_int = 2 + rng.below(4);
        let interests = pick_set(rng, &INTERESTS, n_int, &int_cdf, interner);
        (
            interner.text(DEPARTMENTS[d]),
            location,
            interner.text(background),
            cultural,
            interests,
        )
    };
    let mut mentors = Vec::with_capacity(n_mentors);
    for j in 0..n_mentors {
        let (dept, loc, bg, cult, int) = common(&mut rng, true, &mut interner);
        let mut m = Mentor::new(format!("M{j}"));
        m.profile.department = Some(dept);
        m.profile.location = loc;
        m.profile.background = Some(bg);
        m.profile.cultural_competence = cult;
        m.profile.interests = int;
        let n_off = 1 + rng.below(4);
        m.offers = pick_set(&mut rng, &COMPETENCES, n_off, &offer_cdf, &mut interner);
        let u = rng.next_f64();
        m.capacity = if u < 0.75 {
            1
        } else if u < 0.95 {
            2
        } else {
            3
        };
        mentors.push(m);
    }
    let mut mentees = Vec::with_capacity(n_mentees);
    for i in 0..n_mentees {
        let (dept, loc, bg, cult, int) = common(&mut rng, false, &mut interner);
        let mut e = Mentee::new(format!("E{i}"));
        e.profile.department = Some(dept);
        e.profile.location = loc;
        e.profile.background = Some(bg);
        e.profile.cultural_competence = cult;
        e.profile.interests = int;
        let n_need = 1 + rng.below(3);
        e.needs = pick_set(&mut rng, &COMPETENCES, n_need, &need_cdf, &mut interner);
        mentees.push(e);
    }
    Cohort { mentors, mentees }
}
