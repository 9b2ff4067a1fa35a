//! Checks that every column the configuration names exists in the participant files.
//!
//! Without this, a typo such as `field = "hobbies"` for a column called `interests` scores every
//! pair as "unknown" and the match quietly ignores the criterion. A custom column that neither
//! file has is an input error naming the column and listing the columns there are; a column
//! one side lacks (which makes a two-sided criterion unknown for every pair) is a warning.
//! Standard fields (`department`, `background`...) may be absent: the README promises that an
//! absent standard column means unknown values, so those only warn when named explicitly.

use crate::config::Config;
use crate::error::{Error, Location, Result};
use crate::model::{Field, Side};

/// The columns (field keys after the `[columns]` mapping) of one participant file.
#[derive(Debug, Clone, Copy)]
pub struct FileFields<'a> {
    /// The file's name for messages, e.g. `mentors.csv`.
    pub source: &'a str,
    /// Its field keys, as [`crate::input::file_fields`] gives them.
    pub fields: &'a [String],
}

impl FileFields<'_> {
    fn has(&self, name: &str) -> bool {
        self.fields.iter().any(|f| f == name)
    }
    fn listing(&self) -> String {
        if self.fields.is_empty() {
            format!("{} has none", self.source)
        } else {
            format!("{} has {}", self.source, self.fields.join(", "))
        }
    }
    fn near(&self, name: &str) -> Option<&str> {
        let n = name.trim().to_lowercase();
        self.fields
            .iter()
            .find(|f| f.to_lowercase() == n)
            .map(String::as_str)
    }
}

/// One column reference in the configuration.
struct Ref {
    /// Where it is written, e.g. `criteria[2].field`.
    at: String,
    name: String,
    /// `None` for a criterion comparing the same column on both sides.
    side: Option<Side>,
}

fn refs(config: &Config) -> Vec<Ref> {
    let mut out = Vec::new();
    for (k, c) in config.criteria.iter().enumerate() {
        if c.kind == crate::criteria::CriterionKind::Preference {
            // Reads the `[preferences]` column, which either side may lack.
            continue;
        }
        let (e, m) = (c.mentee_field(), c.mentor_field());
        if e == m {
            out.push(Ref {
                at: format!("criteria[{k}].field"),
                name: e.name().to_string(),
                side: None,
            });
        } else {
            out.push(Ref {
                at: format!("criteria[{k}].field"),
                name: e.name().to_string(),
                side: Some(Side::Mentee),
            });
            out.push(Ref {
                at: format!("criteria[{k}].mentor_field"),
                name: m.name().to_string(),
                side: Some(Side::Mentor),
            });
        }
    }
    for (k, q) in config.goals.quota.iter().enumerate() {
        out.push(Ref {
            at: format!("quota[{k}].field"),
            name: q.field.trim().to_string(),
            side: Some(q.side),
        });
    }
    for (k, s) in config.goals.spread.iter().enumerate() {
        out.push(Ref {
            at: format!("spread[{k}].field"),
            name: s.field.trim().to_string(),
            side: Some(s.side),
        });
    }
    for (k, r) in config.rules.forbid_when.iter().enumerate() {
        out.push(Ref {
            at: format!("forbid_when[{k}].mentee"),
            name: r.mentee.trim().to_string(),
            side: Some(Side::Mentee),
        });
        out.push(Ref {
            at: format!("forbid_when[{k}].mentor"),
            name: r.mentor.trim().to_string(),
            side: Some(Side::Mentor),
        });
    }
    out
}

/// Checks every column the configuration names against the two files. Returns the warnings
/// (one line each); an unknown custom column is an [`Error::Input`] located in `config_source`.
pub fn check(
    config: &Config,
    config_source: &str,
    mentors: FileFields<'_>,
    mentees: FileFields<'_>,
) -> Result<Vec<String>> {
    let mut warnings = Vec::new();
    for r in refs(config) {
        let standard = !matches!(Field::parse(&r.name), Field::Custom(_));
        let loc = || Location::source(config_source).field(r.at.clone());
        let hint = |files: &[FileFields<'_>]| {
            let near = files.iter().find_map(|f| f.near(&r.name));
            match near {
                Some(n) => format!("did you mean '{n}'? Column names are case-sensitive"),
                None => "correct the name, or map it to your header in [columns], e.g. [columns] hobbies = \"Fritid\"".to_string(),
            }
        };
        match r.side {
            None => match (mentors.has(&r.name), mentees.has(&r.name)) {
                (true, true) => {}
                (false, false) if !standard => {
                    return Err(Error::input(
                        loc(),
                        format!(
                            "neither {} nor {} has a column '{}'; {}; {}",
                            mentors.source,
                            mentees.source,
                            r.name,
                            mentors.listing(),
                            mentees.listing()
                        ),
                        hint(&[mentors, mentees]),
                    ));
                }
                (false, false) => warnings.push(format!(
                    "{}: neither {} nor {} has a column '{}': every pair counts it as unknown",
                    loc(),
                    mentors.source,
                    mentees.source,
                    r.name
                )),
                (has_mentors, _) => {
                    let (with, without) = if has_mentors {
                        (mentors, mentees)
                    } else {
                        (mentees, mentors)
                    };
                    warnings.push(format!(
                        "{}: only {} has a column '{}' ({} lacks it): every pair counts it as unknown",
                        loc(),
                        with.source,
                        r.name,
                        without.source
                    ));
                }
            },
            Some(side) => {
                let (own, other) = match side {
                    Side::Mentor => (mentors, mentees),
                    Side::Mentee => (mentees, mentors),
                };
                if own.has(&r.name) {
                    continue;
                }
                if standard {
                    warnings.push(format!(
                        "{}: {} has no column '{}': its value is unknown for every {}",
                        loc(),
                        own.source,
                        r.name,
                        side.as_str()
                    ));
                    continue;
                }
                let elsewhere = if other.has(&r.name) {
                    format!(" (only {} has it)", other.source)
                } else {
                    String::new()
                };
                return Err(Error::input(
                    loc(),
                    format!(
                        "{} has no column '{}'{elsewhere}; {}",
                        own.source,
                        r.name,
                        own.listing()
                    ),
                    hint(&[own]),
                ));
            }
        }
    }
    Ok(warnings)
}
