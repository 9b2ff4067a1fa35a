//! Typed errors. Every error a user can cause names where it came from and how to fix it.

use std::fmt;

use crate::diagnosis::Infeasibility;

/// Where a piece of bad input was found: file (or table), row and field, as far as known.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Location {
    /// A file path or a table name such as `mentors`.
    pub source: Option<String>,
    /// 1-based line or record number as the user sees it (the header is row 1 in a CSV file).
    pub row: Option<usize>,
    /// Column header or configuration key.
    pub field: Option<String>,
}

impl Location {
    /// A location in a named source.
    pub fn source(source: impl Into<String>) -> Self {
        Location {
            source: Some(source.into()),
            ..Location::default()
        }
    }
    /// This location at a row.
    #[must_use]
    pub fn row(mut self, row: usize) -> Self {
        self.row = Some(row);
        self
    }
    /// This location at a field.
    #[must_use]
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(s) = &self.source {
            parts.push(s.clone());
        }
        if let Some(r) = self.row {
            parts.push(format!("row {r}"));
        }
        if let Some(k) = &self.field {
            parts.push(format!("field '{k}'"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// Bad input: a participant table, a configuration or a matrix that cannot be used as it is.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct InputError {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub hint: Option<String>,
}

impl InputError {
    /// An input error at `location`.
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        InputError {
            location,
            message: message.into(),
            hint: None,
        }
    }
    /// Adds a hint on how to fix the input.
    #[must_use]
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location.to_string();
        if loc.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{loc}: {}", self.message)?;
        }
        if let Some(h) = &self.hint {
            write!(f, " ({h})")?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Everything that can go wrong in mentormatch.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input cannot be used as it is; the message says where and how to fix it.
    #[error("{0}")]
    Input(#[from] InputError),
    /// No matching satisfies the hard rules; the diagnosis says why.
    #[error("no matching satisfies the hard rules: {0}")]
    Infeasible(Box<Infeasibility>),
    /// A solver backend failed for a reason that is not the input's fault.
    #[error("solver error: {0}")]
    Solver(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Shorthand for an [`InputError`] with a hint.
    pub fn input(location: Location, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Input(InputError::new(location, message).hint(hint))
    }
}

/// Result alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
