//! Criteria: what makes a pair good, each weighted, some of them hard rules.

use serde::{Deserialize, Serialize};

use crate::error::{InputError, Location};
use crate::model::Field;

/// How a criterion compares a mentee with a mentor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum CriterionKind {
    /// Single-valued field: 1 when the two values differ, 0 when equal (case-insensitive).
    Differ,
    /// Set field: common ground. `min(|A ∩ B|, saturate) / saturate`, or `|A ∩ B| / |A ∪ B|`
    /// with `measure = "jaccard"`.
    Share,
    /// Set field: what the mentor brings that the mentee lacks, `min(|M \ E|, saturate) / saturate`.
    Complement,
    /// Mentee `needs` against mentor `offers`: the share of the needs covered, `|N ∩ O| / |N|`.
    Cover,
    /// Numeric field: a gap between mentee and mentor mapped to 0..1 over `scale`, see [`Prefer`].
    Numeric,
    /// Ranked preferences (the `[preferences]` column): a first choice is worth 1, falling in
    /// equal steps to `last_value` at the last listed rank; an unlisted partner is worth
    /// `unlisted_value`; someone who gave no list is unknown (`missing`). `side` says whose
    /// lists count (`both`: the mean of the two sides' values). See [`crate::preferences`].
    Preference,
}

/// Overlap measure for [`CriterionKind::Share`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ShareMeasure {
    /// Number of shared values, saturating at `saturate` (default 2): people with many interests
    /// are not penalised, as they would be by Jaccard.
    #[default]
    Count,
    /// Intersection over union.
    Jaccard,
}

/// Which numeric gap a [`CriterionKind::Numeric`] criterion rewards. `gap = mentee - mentor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Prefer {
    /// Mentee higher (reverse mentoring: the leader is older or more senior): `clamp(gap / scale)`.
    MenteeHigher,
    /// Mentor higher (classic mentoring): `clamp(-gap / scale)`.
    MentorHigher,
    /// Values close together: `1 - clamp(|gap| / scale)`.
    #[default]
    Close,
    /// Values far apart, either way: `clamp(|gap| / scale)`.
    Apart,
}

/// One criterion of the match score.
///
/// Each criterion evaluates a pair to a value in 0..1, or to *missing* when a value it needs is
/// unknown; a missing value counts as [`Criterion::missing`] (default 0.5: neither reward nor
/// penalty) and never makes a pair forbidden. The match score is the weighted mean of the values,
/// times 100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// How to compare.
    pub kind: CriterionKind,
    /// The field compared; for `cover` the mentee's field (default `needs`). For `preference`
    /// it may be left out: the `[preferences]` column is read.
    #[serde(default)]
    pub field: String,
    /// The mentor's field when it differs from `field` (for `cover`, default `offers`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mentor_field: Option<String>,
    /// Relative weight, >= 0.
    #[serde(default = "one")]
    pub weight: f64,
    /// A hard rule: a pair whose value is 0 (e.g. same department) is never made.
    #[serde(default)]
    pub required: bool,
    /// A label for reports and column names; defaults to `kind_field`, e.g. `differ_department`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// `share`, `complement`: how many values count as full marks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saturate: Option<u32>,
    /// `share`: the overlap measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<ShareMeasure>,
    /// `numeric`: which gap is good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefer: Option<Prefer>,
    /// `numeric`: the gap that earns full marks (or, for `close`, none); default 10.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    /// The value used when the criterion cannot be evaluated for a pair; default 0.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing: Option<f64>,
    /// `preference`: whose lists count, `"mentee"`, `"mentor"` or `"both"` (default `"both"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side: Option<crate::preferences::PreferenceSide>,
    /// `preference`: the value of the last listed rank (the first is 1); default 0.5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_value: Option<f64>,
    /// `preference`: the value of a partner left off a list; default 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unlisted_value: Option<f64>,
}

fn one() -> f64 {
    1.0
}

impl Criterion {
    /// A criterion of `kind` on `field` with weight 1.
    pub fn new(kind: CriterionKind, field: impl Into<String>) -> Self {
        Criterion {
            kind,
            field: field.into(),
            mentor_field: None,
            weight: 1.0,
            required: false,
            label: None,
            saturate: None,
            measure: None,
            prefer: None,
            scale: None,
            missing: None,
            side: None,
            last_value: None,
            unlisted_value: None,
        }
    }
    /// Sets the weight.
    #[must_use]
    pub fn weight(mut self, weight: f64) -> Self {
        self.weight = weight;
        self
    }
    /// Makes the criterion a hard rule.
    #[must_use]
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The label used in reports and as a column name.
    pub fn label(&self) -> String {
        if let Some(l) = &self.label {
            return l.clone();
        }
        let kind = match self.kind {
            CriterionKind::Differ => "differ",
            CriterionKind::Share => "share",
            CriterionKind::Complement => "complement",
            CriterionKind::Cover => "cover",
            CriterionKind::Numeric => "numeric",
            CriterionKind::Preference => {
                return format!("preference_{}", self.side.unwrap_or_default().as_str());
            }
        };
        format!("{kind}_{}", self.field)
    }

    /// The mentee-side field.
    pub fn mentee_field(&self) -> Field {
        Field::parse(&self.field)
    }

    /// The mentor-side field.
    pub fn mentor_field(&self) -> Field {
        match (&self.mentor_field, self.kind) {
            (Some(f), _) => Field::parse(f),
            (None, CriterionKind::Cover) if self.field == "needs" => Field::Offers,
            (None, _) => Field::parse(&self.field),
        }
    }

    /// Saturation count in effect.
    pub fn saturate_or_default(&self) -> u32 {
        self.saturate.unwrap_or(match self.kind {
            CriterionKind::Share => 2,
            _ => 1,
        })
    }

    /// Value used for a pair the criterion cannot evaluate.
    pub fn missing_or_default(&self) -> f64 {
        self.missing.unwrap_or(0.5)
    }

    /// `preference`: value of the last listed rank in effect.
    pub fn last_value_or_default(&self) -> f64 {
        self.last_value.unwrap_or(0.5)
    }

    /// `preference`: value of an unlisted partner in effect.
    pub fn unlisted_value_or_default(&self) -> f64 {
        self.unlisted_value.unwrap_or(0.0)
    }

    /// Scale in effect for `numeric`.
    pub fn scale_or_default(&self) -> f64 {
        self.scale.unwrap_or(10.0)
    }

    /// Checks the parameters; `location` says where the criterion was written (e.g. the config file).
    pub fn validate(&self, location: &Location) -> Result<(), InputError> {
        let bad = |msg: String, hint: &str| Err(InputError::new(location.clone(), msg).hint(hint));
        if !self.weight.is_finite() || self.weight < 0.0 {
            return bad(
                format!(
                    "criterion '{}': weight {} is not a number >= 0",
                    self.label(),
                    self.weight
                ),
                "use a weight such as 1 or 2.5; 0 keeps a required criterion as a pure rule",
            );
        }
        if self.field.trim().is_empty() && self.kind != CriterionKind::Preference {
            return bad(
                "criterion has an empty field".into(),
                "name a column, e.g. field = \"department\"",
            );
        }
        if let Some(s) = self.saturate {
            if s == 0 {
                return bad(
                    format!("criterion '{}': saturate must be at least 1", self.label()),
                    "use saturate = 1 or more",
                );
            }
        }
        if let Some(m) = self.missing {
            if !(0.0..=1.0).contains(&m) {
                return bad(
                    format!(
                        "criterion '{}': missing = {m} is outside 0..1",
                        self.label()
                    ),
                    "0.5 is neutral; 0 penalises unknown values",
                );
            }
        }
        if let Some(s) = self.scale {
            if !s.is_finite() || s <= 0.0 {
                return bad(
                    format!("criterion '{}': scale must be a number > 0", self.label()),
                    "e.g. scale = 10",
                );
            }
        }
        let wrong_param = |p: &str| {
            bad(
                format!(
                    "criterion '{}': '{p}' does not apply to kind {:?}",
                    self.label(),
                    self.kind
                ),
                "remove it or change the kind",
            )
        };
        if self.measure.is_some() && self.kind != CriterionKind::Share {
            return wrong_param("measure");
        }
        if (self.prefer.is_some() || self.scale.is_some()) && self.kind != CriterionKind::Numeric {
            return wrong_param(if self.prefer.is_some() {
                "prefer"
            } else {
                "scale"
            });
        }
        if self.saturate.is_some()
            && !matches!(self.kind, CriterionKind::Share | CriterionKind::Complement)
        {
            return wrong_param("saturate");
        }
        if self.kind != CriterionKind::Preference {
            for (p, set) in [
                ("side", self.side.is_some()),
                ("last_value", self.last_value.is_some()),
                ("unlisted_value", self.unlisted_value.is_some()),
            ] {
                if set {
                    return wrong_param(p);
                }
            }
        } else {
            if self.mentor_field.is_some() {
                return wrong_param("mentor_field");
            }
            for (p, v) in [
                ("last_value", self.last_value),
                ("unlisted_value", self.unlisted_value),
            ] {
                if v.is_some_and(|v| !(0.0..=1.0).contains(&v)) {
                    return bad(
                        format!(
                            "criterion '{}': {p} = {} is outside 0..1",
                            self.label(),
                            v.unwrap_or_default()
                        ),
                        "a value between 0 and 1, e.g. last_value = 0.5, unlisted_value = 0",
                    );
                }
            }
        }
        Ok(())
    }
}

/// The reverse-mentoring preset of the brief, used when a configuration lists no criteria:
/// different department (required, as in Microsoft's programme), different location, different
/// professional background, complementary cultural competence, shared interests, and needs
/// covered by what the mentor offers (double weight: it is why the programme exists).
pub fn default_criteria() -> Vec<Criterion> {
    vec![
        Criterion::new(CriterionKind::Differ, "department").required(),
        Criterion::new(CriterionKind::Differ, "location"),
        Criterion::new(CriterionKind::Differ, "background"),
        Criterion::new(CriterionKind::Complement, "cultural_competence"),
        Criterion::new(CriterionKind::Share, "interests"),
        Criterion::new(CriterionKind::Cover, "needs").weight(2.0),
    ]
}
