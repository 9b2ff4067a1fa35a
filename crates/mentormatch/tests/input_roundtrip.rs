//! Property tests: participants and matrices written with the `csv` crate read back identically,
//! whatever the header case and spacing, BOM and line endings.

use std::collections::BTreeMap;

use mentormatch::config::Columns;
use mentormatch::input::{matrix_from_reader, mentees_from_reader, mentors_from_reader};
use mentormatch::{Mentee, Mentor, Profile, Text, TextSet};
use proptest::prelude::*;

/// Text that survives trimming: no outer spaces, not empty; commas, quotes, `;`, line breaks
/// and non-ASCII letters inside.
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9æøåÆØÅáčđŋšŧž€😀 ,;\"'\n\r\t-]{1,12}"
        .prop_map(|s| s.trim().to_string())
        .prop_filter("not empty after trimming", |s| !s.is_empty())
}

/// A list item: like [`text`] but without `;`, the list separator.
fn item() -> impl Strategy<Value = String> {
    "[a-zA-Zæøåá0-9 ,\"'\n-]{1,8}"
        .prop_map(|s| s.trim().to_string())
        .prop_filter("not empty after trimming", |s| !s.is_empty())
}

fn items() -> impl Strategy<Value = TextSet> {
    prop::collection::btree_set(item(), 0..4).prop_map(|s| s.into_iter().collect())
}

#[derive(Debug, Clone)]
struct Person {
    profile: Profile,
    list: TextSet,
    capacity: u32,
    /// Write a capacity of 1 as an empty cell.
    empty_capacity: bool,
    /// Separator written between list items.
    separator: &'static str,
}

fn person() -> impl Strategy<Value = Person> {
    (
        (
            text(),
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(text()),
            prop::option::of(text()),
        ),
        (items(), items(), items()),
        (
            prop::option::of(text()),
            prop_oneof![0u32..4, any::<u32>()],
            any::<bool>(),
            prop_oneof![Just(";"), Just("; "), Just(" ; ")],
        ),
    )
        .prop_map(
            |((id, name, department, location, background), (cc, interests, list), extra)| {
                let (note, capacity, empty_capacity, separator) = extra;
                let mut map = BTreeMap::new();
                if let Some(n) = note {
                    map.insert(Text::from("Notat"), Text::from(n));
                }
                Person {
                    profile: Profile {
                        id,
                        name,
                        department: department.map(Text::from),
                        location: location.map(Text::from),
                        background: background.map(Text::from),
                        cultural_competence: cc,
                        interests,
                        extra: map,
                    },
                    list,
                    capacity,
                    empty_capacity: empty_capacity && capacity == 1,
                    separator,
                }
            },
        )
}

/// Up to 10 people with distinct ids.
fn people() -> impl Strategy<Value = Vec<Person>> {
    prop::collection::vec(person(), 0..10).prop_map(|mut v| {
        for (i, p) in v.iter_mut().enumerate() {
            p.profile.id = format!("{}#{i}", p.profile.id);
        }
        v
    })
}

/// How the file is written.
#[derive(Debug, Clone)]
struct Format {
    bom: bool,
    crlf: bool,
    /// For each header: upper-case it, and the spaces around it.
    header_style: Vec<(u8, usize, usize)>,
    /// Column order.
    order: Vec<usize>,
}

fn format(columns: usize) -> impl Strategy<Value = Format> {
    (
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec((0u8..3, 0usize..3, 0usize..3), columns),
        Just((0..columns).collect::<Vec<_>>()).prop_shuffle(),
    )
        .prop_map(|(bom, crlf, header_style, order)| Format {
            bom,
            crlf,
            header_style,
            order,
        })
}

fn styled(header: &str, (case, before, after): (u8, usize, usize)) -> String {
    let h = match case {
        0 => header.to_string(),
        1 => header.to_uppercase(),
        _ => header
            .chars()
            .enumerate()
            .map(|(i, c)| {
                if i % 2 == 0 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect(),
    };
    format!("{}{h}{}", " ".repeat(before), " ".repeat(after))
}

const MENTOR_HEADERS: [&str; 10] = [
    "id",
    "name",
    "department",
    "location",
    "background",
    "cultural_competence",
    "interests",
    "offers",
    "capacity",
    "Notat",
];

const MENTEE_HEADERS: [&str; 9] = [
    "id",
    "name",
    "department",
    "location",
    "background",
    "cultural_competence",
    "interests",
    "needs",
    "Notat",
];

fn cells(p: &Person, mentor: bool) -> Vec<String> {
    let o = |v: &Option<Text>| v.as_deref().unwrap_or_default().to_string();
    let s = |v: &TextSet| {
        v.iter()
            .map(Text::as_str)
            .collect::<Vec<_>>()
            .join(p.separator)
    };
    let mut c = vec![
        p.profile.id.clone(),
        p.profile.name.clone().unwrap_or_default(),
        o(&p.profile.department),
        o(&p.profile.location),
        o(&p.profile.background),
        s(&p.profile.cultural_competence),
        s(&p.profile.interests),
        s(&p.list),
    ];
    if mentor {
        c.push(if p.empty_capacity {
            String::new()
        } else {
            p.capacity.to_string()
        });
    }
    c.push(
        p.profile
            .extra
            .get("Notat")
            .map_or_else(String::new, |t| t.to_string()),
    );
    c
}

/// Writes the table; returns the bytes and the key the `Notat` column is kept under.
fn write(headers: &[&str], rows: Vec<Vec<String>>, f: &Format) -> (Vec<u8>, String) {
    let terminator = if f.crlf {
        csv::Terminator::CRLF
    } else {
        csv::Terminator::Any(b'\n')
    };
    let mut w = csv::WriterBuilder::new()
        .terminator(terminator)
        .from_writer(Vec::new());
    let written: Vec<String> = headers
        .iter()
        .zip(&f.header_style)
        .map(|(h, s)| styled(h, *s))
        .collect();
    let pick = |row: &[String]| f.order.iter().map(|&i| row[i].clone()).collect::<Vec<_>>();
    w.write_record(pick(&written)).expect("write");
    for r in rows {
        w.write_record(pick(&r)).expect("write");
    }
    let mut bytes = if f.bom {
        vec![0xEF, 0xBB, 0xBF]
    } else {
        Vec::new()
    };
    bytes.extend(w.into_inner().expect("flush"));
    let notat = written
        .last()
        .map(|h| h.trim().to_string())
        .unwrap_or_default();
    (bytes, notat)
}

fn rekey(mut p: Profile, notat: &str) -> Profile {
    if let Some(v) = p.extra.remove("Notat") {
        p.extra.insert(notat.into(), v);
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn mentors_round_trip(people in people(), f in format(MENTOR_HEADERS.len())) {
        let rows = people.iter().map(|p| cells(p, true)).collect();
        let (bytes, notat) = write(&MENTOR_HEADERS, rows, &f);
        let read = mentors_from_reader(&bytes[..], "mentors.csv", &Columns::default());
        let expected: Vec<Mentor> = people
            .iter()
            .map(|p| Mentor {
                profile: rekey(p.profile.clone(), &notat),
                offers: p.list.clone(),
                capacity: p.capacity,
            })
            .collect();
        prop_assert_eq!(read.map_err(|e| e.to_string()), Ok(expected));
    }

    #[test]
    fn mentees_round_trip(people in people(), f in format(MENTEE_HEADERS.len())) {
        let rows = people.iter().map(|p| cells(p, false)).collect();
        let (bytes, notat) = write(&MENTEE_HEADERS, rows, &f);
        let read = mentees_from_reader(&bytes[..], "mentees.csv", &Columns::default());
        let expected: Vec<Mentee> = people
            .iter()
            .map(|p| Mentee {
                profile: rekey(p.profile.clone(), &notat),
                needs: p.list.clone(),
            })
            .collect();
        prop_assert_eq!(read.map_err(|e| e.to_string()), Ok(expected));
    }

    /// Arbitrary bytes never panic the readers.
    #[test]
    fn arbitrary_bytes_do_not_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        let _ = mentors_from_reader(&bytes[..], "m.csv", &Columns::default());
        let _ = mentees_from_reader(&bytes[..], "e.csv", &Columns::default());
        let _ = matrix_from_reader(&bytes[..], "x.csv");
        let _ = mentormatch::input::history_from_reader(&bytes[..], "h.csv");
    }

    /// Text made of CSV's special characters never panics either.
    #[test]
    fn csv_like_text_does_not_panic(text in "[a-c0-9,;\"\r\n \u{feff}.+-]{0,80}") {
        let _ = mentors_from_reader(text.as_bytes(), "m.csv", &Columns::default());
        let _ = matrix_from_reader(text.as_bytes(), "x.csv");
        let _ = mentormatch::input::history_from_reader(text.as_bytes(), "h.csv");
    }
}

/// A matrix cell: a finite number (any bit pattern) or a forbidden pair.
fn cell() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>().prop_filter("finite", |v| v.is_finite()),
        1 => Just(f64::INFINITY),
        1 => (-1000i32..1000).prop_map(|v| f64::from(v) / 8.0),
    ]
}

fn matrix() -> impl Strategy<Value = (usize, Vec<f64>)> {
    (1usize..6, 1usize..6).prop_flat_map(|(rows, cols)| {
        (
            Just(cols),
            prop::collection::vec(cell(), rows * cols..=rows * cols),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn matrix_round_trip(
        (cols, data) in matrix(),
        styles in prop::collection::vec((0u8..4, any::<bool>(), 0usize..2), 25),
        bom in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        let terminator = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
        let mut w = csv::WriterBuilder::new().terminator(terminator).from_writer(Vec::new());
        for row in data.chunks(cols) {
            let record: Vec<String> = row
                .iter()
                .zip(&styles)
                .map(|(&v, &(forbidden, exp, pad))| {
                    let s = if v == f64::INFINITY {
                        ["", "-", "inf", "+inf"][usize::from(forbidden)].to_string()
                    } else if exp {
                        format!("{v:e}")
                    } else {
                        format!("{v}")
                    };
                    format!("{}{s}{}", " ".repeat(pad), " ".repeat(pad))
                })
                .collect();
            w.write_record(&record).expect("write");
        }
        let mut bytes = if bom { vec![0xEF, 0xBB, 0xBF] } else { Vec::new() };
        bytes.extend(w.into_inner().expect("flush"));
        let m = matrix_from_reader(&bytes[..], "m.csv").map_err(|e| e.to_string());
        prop_assert!(m.is_ok(), "{:?}", m);
        let m = m.unwrap_or_else(|_| unreachable!());
        prop_assert_eq!((m.rows, m.cols), (data.len() / cols, cols));
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&m.data), bits(&data));
    }
}
