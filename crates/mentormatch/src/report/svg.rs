//! Charts as inline SVG: no script, no external resource, readable offline and printable.
//!
//! Every chart carries `role="img"`, a `<title>` for screen readers and per-bar `<title>`s
//! (shown as tooltips); every text in it is escaped with [`super::escape`].

use super::table::CriterionStats;
use std::fmt::Write as _;

use super::escape;

/// Colours for criteria, in order (Tableau 10: distinguishable, also in greyscale print).
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#bab0ac",
];

/// The colour of criterion `c`.
pub fn colour(c: usize) -> &'static str {
    PALETTE[c % PALETTE.len()]
}

fn open(s: &mut String, id: &str, width: f64, height: f64, title: &str) {
    let _ = write!(
        s,
        "<svg id=\"{id}\" class=\"chart\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" \
         aria-labelledby=\"{id}-title\"><title id=\"{id}-title\">{}</title>",
        escape(title)
    );
}

/// Distribution of pair scores: ten bins of 10 points (the last includes 100).
pub fn score_histogram(scores: &[f64]) -> String {
    let mut bins = [0usize; 10];
    for &x in scores {
        let b = if x.is_finite() {
            ((x / 10.0).floor().max(0.0) as usize).min(9)
        } else {
            0
        };
        bins[b] += 1;
    }
    let top = bins.iter().copied().max().unwrap_or(0).max(1);
    let (w, h, left, bottom, plot_h) = (640.0, 240.0, 40.0, 40.0, 180.0);
    let bar_w = (w - left - 20.0) / 10.0;
    let mut s = String::new();
    open(
        &mut s,
        "chart-scores",
        w,
        h,
        "Distribution of pair scores (number of pairs per 10 points)",
    );
    let base = h - bottom;
    let _ = write!(
        s,
        "<line x1=\"{left}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"#333\"/>",
        w - 20.0
    );
    for (k, &count) in bins.iter().enumerate() {
        let bh = plot_h * count as f64 / top as f64;
        let x = left + k as f64 * bar_w;
        let hi = if k == 9 { 100 } else { 10 * k + 9 };
        let _ = write!(
            s,
            "<rect class=\"bin\" data-count=\"{count}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#4e79a7\"><title>{}-{hi}: {count} pair{}</title></rect>",
            x + 2.0,
            base - bh,
            bar_w - 4.0,
            10 * k,
            if count == 1 { "" } else { "s" }
        );
        if count > 0 {
            let _ = write!(
                s,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\">{count}</text>",
                x + bar_w / 2.0,
                base - bh - 4.0
            );
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">{}</text>",
            x + bar_w / 2.0,
            base + 16.0,
            10 * k
        );
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\">match score</text></svg>",
        left + 5.0 * bar_w,
        h - 6.0
    );
    s
}

/// How often each criterion was met: one 100% bar per criterion, split into met fully, partly,
/// not met and unknown.
pub fn criteria_met(tallies: &[CriterionStats]) -> String {
    let parts = [
        ("met fully", "#59a14f"),
        ("partly", "#edc948"),
        ("not met", "#e15759"),
        ("unknown", "#bab0ac"),
    ];
    let (w, left, bar_w, row_h) = (640.0, 220.0, 400.0, 26.0);
    let h = 40.0 + row_h * tallies.len() as f64;
    let mut s = String::new();
    open(
        &mut s,
        "chart-criteria",
        w,
        h,
        "How often each criterion was met, as a share of the pairs",
    );
    for (k, (name, col)) in parts.iter().enumerate() {
        let x = left + k as f64 * 100.0;
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{col}\"/><text x=\"{}\" y=\"16\" font-size=\"12\">{name}</text>",
            x + 16.0
        );
    }
    for (r, t) in tallies.iter().enumerate() {
        let y = 30.0 + r as f64 * row_h;
        let total = (t.full + t.partly + t.not_met + t.unknown).max(1) as f64;
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"12\">{}</text>",
            left - 8.0,
            y + 14.0,
            escape(&t.label)
        );
        let mut x = left;
        for ((name, col), n) in parts.iter().zip([t.full, t.partly, t.not_met, t.unknown]) {
            let bw = bar_w * n as f64 / total;
            if n > 0 {
                let _ = write!(
                    s,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bw:.1}\" height=\"18\" fill=\"{col}\"><title>{}: {name} in {n} of {} pairs</title></rect>",
                    escape(&t.label),
                    total as usize
                );
            }
            x += bw;
        }
    }
    s.push_str("</svg>");
    s
}

/// One pair's bar: its label and the points each criterion contributed.
#[derive(Debug, Clone, PartialEq)]
pub struct PairBar {
    /// E.g. `L01 - M03`.
    pub label: String,
    /// Points per criterion, in criterion order; they sum to the score.
    pub points: Vec<f64>,
}

/// Each pair's score as a bar of 0..100 split by criterion, with a legend.
pub fn pair_bars(criteria: &[String], bars: &[PairBar]) -> String {
    let (w, left, bar_w, row_h) = (640.0, 160.0, 440.0, 16.0);
    let legend_rows = criteria.len().div_ceil(2);
    let top = 10.0 + 18.0 * legend_rows as f64;
    let h = top + row_h * bars.len() as f64 + 24.0;
    let mut s = String::new();
    open(
        &mut s,
        "chart-pairs",
        w,
        h,
        "Each pair's score (0 to 100) split by criterion",
    );
    for (c, label) in criteria.iter().enumerate() {
        let (x, y) = (10.0 + (c % 2) as f64 * 315.0, 6.0 + (c / 2) as f64 * 18.0);
        let _ = write!(
            s,
            "<rect x=\"{x}\" y=\"{y}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>",
            colour(c),
            x + 16.0,
            y + 10.0,
            escape(label)
        );
    }
    for (r, b) in bars.iter().enumerate() {
        let y = top + r as f64 * row_h;
        let score: f64 = b.points.iter().sum();
        let _ = write!(
            s,
            "<g class=\"pair-bar\"><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\">{}</text>",
            left - 6.0,
            y + 11.0,
            escape(&b.label)
        );
        let mut x = left;
        for (c, &p) in b.points.iter().enumerate() {
            let bw = bar_w * p.max(0.0) / 100.0;
            if bw > 0.0 {
                let name = criteria.get(c).map_or("", String::as_str);
                let _ = write!(
                    s,
                    "<rect x=\"{x:.2}\" y=\"{:.1}\" width=\"{bw:.2}\" height=\"12\" fill=\"{}\"><title>{}: {} {p:.1} points</title></rect>",
                    y + 1.0,
                    colour(c),
                    escape(&b.label),
                    escape(name)
                );
            }
            x += bw;
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{score:.1}</text></g>",
            x + 4.0,
            y + 11.0
        );
    }
    let axis = top + row_h * bars.len() as f64 + 4.0;
    for t in [0, 25, 50, 75, 100] {
        let x = left + bar_w * f64::from(t) / 100.0;
        let _ = write!(
            s,
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"10\">{t}</text>",
            axis + 12.0
        );
    }
    s.push_str("</svg>");
    s
}

/// A cohort goal with its reached value and bound, in one unit (pairs or a share).
#[derive(Debug, Clone, PartialEq)]
pub struct GoalBar {
    /// The goal in words.
    pub label: String,
    /// The value reached.
    pub value: f64,
    /// The bound.
    pub limit: f64,
    /// Whether the bound is a minimum.
    pub is_lower: bool,
    /// Whether it holds.
    pub satisfied: bool,
}

/// Goals against their bounds: the value as a bar, the bound as a dark line with its number.
pub fn goals(goals: &[GoalBar]) -> String {
    let (w, left, bar_w, row_h) = (640.0, 260.0, 320.0, 34.0);
    let h = 16.0 + row_h * goals.len() as f64;
    let mut s = String::new();
    open(
        &mut s,
        "chart-goals",
        w,
        h,
        "Cohort goals: value reached (bar) against the bound (line)",
    );
    for (r, g) in goals.iter().enumerate() {
        let y = 8.0 + r as f64 * row_h;
        let top = g.value.max(g.limit).max(1e-9) * 1.25;
        let vx = bar_w * g.value / top;
        let lx = left + bar_w * g.limit / top;
        let col = if g.satisfied { "#59a14f" } else { "#e15759" };
        let kind = if g.is_lower { "min" } else { "max" };
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\">{}</text>\
             <rect x=\"{left}\" y=\"{y:.1}\" width=\"{vx:.1}\" height=\"18\" fill=\"{col}\"><title>{}: {} (bound {kind} {})</title></rect>\
             <line x1=\"{lx:.1}\" y1=\"{:.1}\" x2=\"{lx:.1}\" y2=\"{:.1}\" stroke=\"#222\" stroke-width=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\">{} ({kind} {})</text>",
            left - 8.0,
            y + 13.0,
            escape(&g.label),
            escape(&g.label),
            num(g.value),
            num(g.limit),
            y - 3.0,
            y + 21.0,
            left + bar_w + 8.0,
            y + 13.0,
            num(g.value),
            num(g.limit)
        );
    }
    s.push_str("</svg>");
    s
}

/// A count without decimals, a share with up to three.
fn num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.3}")
    }
}
