//! Reports for a programme's leadership, built from a compiled problem and its result.
//!
//! - [`reasons`]: concrete reasons why a mentee went without a mentor or a mentor was not
//!   selected, with the numbers (not "the chosen mentors fit better").
//! - `svg`: the charts, as inline SVG.
//! - [`table`]: the pair table and the criterion statistics, the same for the CLI, Python and
//!   the reports.
//! - [`mod@html`]: the self-contained HTML report ([`html()`] builds it).

pub mod html;
pub mod reasons;
pub mod stability;
pub(crate) mod svg;
pub mod table;

pub use html::html;

/// Escapes text for HTML and SVG (element content and quoted attribute values alike), so that
/// a participant named `<script>` is shown, never run.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters other than tab and line breaks are not allowed in HTML text.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_neutralises_markup_and_quotes() {
        assert_eq!(
            super::escape("<script>alert('x')</script> & \"y\"\u{0}"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;\u{FFFD}"
        );
    }
}
