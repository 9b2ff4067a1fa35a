//! The CSV layer: bytes to rows of UTF-8 cells, numbered as a spreadsheet shows them.
//!
//! Everything above this layer works on rows of strings, so the same checks apply to a CSV file
//! and to records handed over by another program (the Python binding's DataFrame rows).

use std::io::{self, Cursor, Read};

use crate::error::{Error, InputError, Location, Result};

const BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// One row of a table: its number as a spreadsheet shows it (header = row 1) and its cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawRow {
    /// 1-based row number.
    pub row: usize,
    /// The cells, untrimmed.
    pub cells: Vec<String>,
}

type Source<R> = io::Chain<Cursor<Vec<u8>>, R>;

/// Drops a UTF-8 byte order mark at the start of `reader`, if there is one.
fn strip_bom<R: Read>(mut reader: R) -> io::Result<Source<R>> {
    let mut buf = [0u8; 3];
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    let start = if n == 3 && buf == BOM { 3 } else { 0 };
    Ok(Cursor::new(buf[start..n].to_vec()).chain(reader))
}

/// Rows of a comma-separated file, read lazily.
///
/// Quoted cells may hold commas, `;` and line breaks; lines may end in LF or CRLF; a leading
/// UTF-8 BOM is ignored; blank lines are skipped and not counted. A row's number is its record
/// number (a quoted cell with line breaks stays in one row, as in a spreadsheet). Rows may have
/// different lengths: the caller checks them.
pub(crate) struct CsvRows<R: Read> {
    source: String,
    reader: csv::Reader<Source<R>>,
    record: csv::ByteRecord,
    /// Records read so far.
    records: usize,
    /// Column names for error messages, once the caller knows them.
    headers: Vec<String>,
    done: bool,
}

impl<R: Read> std::fmt::Debug for CsvRows<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvRows")
            .field("source", &self.source)
            .field("records", &self.records)
            .finish_non_exhaustive()
    }
}

impl<R: Read> CsvRows<R> {
    /// Starts reading `reader`; `source` names it in error messages.
    pub(crate) fn new(reader: R, source: &str) -> Result<Self> {
        let inner = strip_bom(reader).map_err(|e| io_error(source, e))?;
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(b',')
            .quote(b'"')
            .double_quote(true)
            .from_reader(inner);
        Ok(CsvRows {
            source: source.to_string(),
            reader,
            record: csv::ByteRecord::new(),
            records: 0,
            headers: Vec::new(),
            done: false,
        })
    }

    /// Names the columns (trimmed header cells) so that later errors can say which field is bad.
    pub(crate) fn set_headers(&mut self, headers: &[String]) {
        self.headers = headers.iter().map(|h| h.trim().to_string()).collect();
    }

    fn column_name(&self, index: usize) -> String {
        match self.headers.get(index) {
            Some(h) if !h.is_empty() => h.clone(),
            _ => format!("column {}", index.saturating_add(1)),
        }
    }

    fn next_row(&mut self) -> Result<Option<RawRow>> {
        let more = self
            .reader
            .read_byte_record(&mut self.record)
            .map_err(|e| {
                let text = e.to_string();
                match e.into_kind() {
                    csv::ErrorKind::Io(io) => io_error(&self.source, io),
                    _ => Error::Input(InputError::new(Location::source(&self.source), text)),
                }
            })?;
        if !more {
            return Ok(None);
        }
        self.records = self.records.saturating_add(1);
        // A record is one spreadsheet row, even when a quoted cell holds line breaks.
        let row = self.records;
        let mut cells = Vec::with_capacity(self.record.len());
        for (i, field) in self.record.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => cells.push(s.to_string()),
                Err(_) => {
                    return Err(Error::input(
                        Location::source(&self.source)
                            .row(row)
                            .field(self.column_name(i)),
                        "the text is not valid UTF-8",
                        "save the file with UTF-8 encoding, e.g. in Excel as 'CSV UTF-8 (comma delimited)'",
                    ))
                }
            }
        }
        Ok(Some(RawRow { row, cells }))
    }
}

impl<R: Read> Iterator for CsvRows<R> {
    type Item = Result<RawRow>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.next_row() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// Rejects a row with fewer cells than the header, or more that are not empty (a comma
/// outside quotes); `hint` says how to fix it for this kind of file.
pub(crate) fn check_width(loc: &Location, cells: &[String], n: usize, hint: &str) -> Result<()> {
    if cells.len() < n || cells[n..].iter().any(|c| !c.trim().is_empty()) {
        return Err(Error::input(
            loc.clone(),
            format!("this row has {} cells, the header has {n}", cells.len()),
            hint,
        ));
    }
    Ok(())
}

pub(crate) fn io_error(source: &str, e: io::Error) -> Error {
    Error::Io {
        path: source.to_string(),
        source: e,
    }
}

/// Opens a file for reading, naming it in the error.
pub(crate) fn open(path: &std::path::Path) -> Result<std::fs::File> {
    std::fs::File::open(path).map_err(|e| io_error(&path.display().to_string(), e))
}

/// The error for a file (or table) without even a header row.
pub(crate) fn empty_file(source: &str, hint: impl Into<String>) -> Error {
    Error::input(Location::source(source), "the file is empty", hint)
}

/// The hint for a table without a header row.
pub(crate) fn header_hint(example: &str) -> String {
    format!("the first row must name the columns, e.g. {example}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &[u8]) -> Vec<RawRow> {
        CsvRows::new(text, "t.csv")
            .and_then(|r| r.collect::<Result<Vec<_>>>())
            .unwrap_or_default()
    }

    #[test]
    fn bom_crlf_quotes_and_row_numbers() {
        let r = rows(b"\xEF\xBB\xBFa,b\r\n\"x\r\ny\",2\r\n\r\n3,\"q,\"\"r\"\r\n");
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].cells, vec!["a", "b"]);
        assert_eq!(r[1].row, 2);
        assert_eq!(r[1].cells, vec!["x\r\ny", "2"]);
        // The record after a multi-line cell is row 3; blank lines are not counted.
        assert_eq!(r[2].row, 3);
        assert_eq!(r[2].cells, vec!["3", "q,\"r"]);
    }

    #[test]
    fn short_inputs() {
        assert!(rows(b"").is_empty());
        assert!(rows(b"\xEF\xBB\xBF").is_empty());
        // Half a BOM is not text.
        assert!(CsvRows::new(&b"\xEF\xBB"[..], "t.csv")
            .map(|r| r.collect::<Result<Vec<_>>>().is_err())
            .unwrap_or(false));
        assert_eq!(rows(b"a")[0].cells, vec!["a"]);
    }

    #[test]
    fn cr_only_line_ends_still_count_rows() {
        let r = rows(b"a\rb\rc");
        assert_eq!(r.iter().map(|r| r.row).collect::<Vec<_>>(), vec![1, 2, 3]);
    }
}
