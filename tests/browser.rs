//! The HTML report in a real browser: headless Chromium loads it, and the test checks the DOM
//! it built (every hostile input shown as text, never run; every chart and pair there) and
//! takes a screenshot (kept in the target directory, to look at).
//!
//! `make test` installs Chromium (`.ci/install-deps`). When Chromium truly cannot run here
//! (not installed, or it fails to start), the test says so on stderr and skips: it never
//! passes silently without a browser.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{root, tmp};

/// Says why the test is skipped, past libtest's output capture (which only sees `eprintln!`).
fn skip(reason: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "\nbrowser test SKIPPED: Chromium cannot run here: {reason} (install it with `bash .ci/install-deps`, or set MENTORMATCH_CHROMIUM to its path)"
    );
}

/// Runs a command, killing it after `limit` (a browser that hangs must not hang the suite).
fn run_with_limit(cmd: &mut Command, limit: Duration) -> Result<Output, String> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(_) => return child.wait_with_output().map_err(|e| e.to_string()),
            None if start.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("no answer within {} s", limit.as_secs()));
            }
            None => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

/// The Chromium binary, if one runs: `MENTORMATCH_CHROMIUM`, else `chromium`, else
/// `chromium-browser`.
fn chromium() -> Result<String, String> {
    let candidates: Vec<String> = match std::env::var("MENTORMATCH_CHROMIUM") {
        Ok(p) => vec![p],
        Err(_) => vec!["chromium".into(), "chromium-browser".into()],
    };
    let mut why = Vec::new();
    for c in candidates {
        match run_with_limit(Command::new(&c).arg("--version"), Duration::from_secs(60)) {
            Ok(o) if o.status.success() => return Ok(c),
            Ok(o) => why.push(format!(
                "`{c} --version` failed: {}",
                String::from_utf8_lossy(&o.stderr).trim()
            )),
            Err(e) => why.push(format!("`{c}`: {e}")),
        }
    }
    Err(why.join("; "))
}

fn headless(browser: &str, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

const SCRIPT_NAME: &str = "<script>document.title='pwned'</script>";
const IMG_DEPARTMENT: &str = "<img src=x onerror=alert(1)>";
const ATTR_ID: &str = "x\"><b id=\"pwn\">";

fn hostile_cohort() -> (PathBuf, PathBuf, PathBuf) {
    let mentors = tmp("mentors.csv");
    let mut m = csv::Writer::from_path(&mentors).unwrap();
    m.write_record([
        "id",
        "name",
        "department",
        "location",
        "interests",
        "offers",
        "capacity",
    ])
    .unwrap();
    m.write_record([
        "M1",
        SCRIPT_NAME,
        IMG_DEPARTMENT,
        "Trondheim",
        "sport",
        "digital",
        "1",
    ])
    .unwrap();
    m.write_record([
        "M2",
        "Jonas & Co",
        "Teknologi",
        "Bergen",
        "film",
        "digital",
        "2",
    ])
    .unwrap();
    m.write_record(["M3", "Unni", "Drama", "Tromsø", "reise", "podkast", "1"])
        .unwrap();
    m.write_record(["M4", "Idle", "Nyheter", "Oslo", "", "", "1"])
        .unwrap();
    m.flush().unwrap();
    let mentees = tmp("mentees.csv");
    let mut e = csv::Writer::from_path(&mentees).unwrap();
    e.write_record(["id", "name", "department", "location", "interests", "needs"])
        .unwrap();
    e.write_record([
        ATTR_ID,
        "</style><h1>styled</h1>",
        "Nyheter",
        "Oslo",
        "sport",
        "digital",
    ])
    .unwrap();
    e.write_record(["L2", "Per", "Sport", "Bodø", "film", "digital"])
        .unwrap();
    e.write_record(["L3", "Tiril", "Marked", "Oslo", "reise", "podkast"])
        .unwrap();
    e.flush().unwrap();
    let config = tmp("config.toml");
    std::fs::write(
        &config,
        "[[quota]]\nside = \"mentor\"\nfield = \"location\"\nvalues = [\"Tromsø\"]\nmin = 1\n",
    )
    .unwrap();
    (mentors, mentees, config)
}

#[test]
fn html_report_renders_in_chromium_with_every_input_shown_as_text() {
    let (mentors, mentees, config) = hostile_cohort();
    let report = tmp("report.html");
    let o = Command::new(env!("CARGO_BIN_EXE_mentormatch"))
        .current_dir(root())
        .args(["match", "--mentors"])
        .arg(&mentors)
        .arg("--mentees")
        .arg(&mentees)
        .arg("--config")
        .arg(&config)
        .arg("--report")
        .arg(&report)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = std::fs::read_to_string(&report).unwrap();

    // Self-contained: no script, nothing fetched from anywhere. Input text is escaped, so
    // every raw `<` in the file opens one of the report's own tags: check each tag.
    for tag in html.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap().to_lowercase();
        let name = tag.split([' ', '/']).next().unwrap_or("");
        assert!(
            !["script", "img", "link", "iframe", "object", "embed", "image", "use", "a"]
                .contains(&name),
            "the report has a <{name}> element"
        );
        for banned in [" src=", " href=", "xlink:", "url(", " on"] {
            assert!(!tag.contains(banned), "tag <{tag}> contains {banned:?}");
        }
    }
    let style = html
        .split("<style>")
        .nth(1)
        .unwrap()
        .split("</style>")
        .next()
        .unwrap();
    assert!(!style.contains("url(") && !style.contains("@import"));
    let lower = html.to_lowercase();
    assert_eq!(
        lower.matches("http").count(),
        lower
            .matches("xmlns=\"http://www.w3.org/2000/svg\"")
            .count(),
        "the only URL is the SVG namespace"
    );

    let browser = match chromium() {
        Ok(b) => b,
        Err(reason) => return skip(&reason),
    };
    let profile = tmp("profile");
    let url = format!("file://{}", report.display());
    let dump = match run_with_limit(
        headless(&browser, &profile).args(["--dump-dom", &url]),
        Duration::from_secs(120),
    ) {
        Ok(o) if o.status.success() && !o.stdout.is_empty() => {
            String::from_utf8_lossy(&o.stdout).into_owned()
        }
        Ok(o) => {
            return skip(&format!(
                "headless --dump-dom failed ({}): {}",
                o.status,
                String::from_utf8_lossy(&o.stderr).trim()
            ))
        }
        Err(e) => return skip(&e),
    };

    // The page's own title: the participant's script never ran.
    assert!(
        dump.contains("<title>Mentoring match report</title>"),
        "{dump}"
    );
    assert!(!dump.contains("pwned</title>"));
    // Hostile texts are there as text, and created no elements.
    assert!(dump.contains("&lt;script&gt;document.title='pwned'&lt;/script&gt;"));
    assert!(dump.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(dump.contains("&lt;/style&gt;&lt;h1&gt;styled&lt;/h1&gt;"));
    assert!(dump.contains("Jonas &amp; Co"));
    assert!(!dump.contains("<script"), "a script element exists");
    assert!(!dump.contains("<img"), "an img element exists");
    // The id that tries to close an attribute created no <b> element (in text nodes the
    // serialiser writes `<` as `&lt;`, so a raw `<b` is an element).
    assert!(
        !dump.contains("<b ") && !dump.contains("<b>"),
        "an attribute broke out"
    );
    assert!(
        dump.contains("data-mentee=\"x&quot;"),
        "the id is kept inside its attribute"
    );
    assert_eq!(dump.matches("<h1").count(), 1, "one heading only");

    // Every chart (scores, criteria, pairs, goals) and every pair and left-out mentor.
    for id in [
        "chart-scores",
        "chart-criteria",
        "chart-pairs",
        "chart-goals",
    ] {
        assert!(dump.contains(&format!("<svg id=\"{id}\"")), "{id} missing");
    }
    assert_eq!(dump.matches("<tr class=\"pair\"").count(), 3);
    assert_eq!(dump.matches("<g class=\"pair-bar\"").count(), 3);
    // M4 (Nyheter) is not selected, with a reason naming its best fit and the numbers.
    assert!(
        dump.contains("<td>M4</td><td>Idle</td><td>best fit "),
        "{dump}"
    );
    assert!(dump.contains(" below the pair made ("), "{dump}");
    assert!(dump.contains("<section id=\"goals\">"));

    // A screenshot to look at: target/browser-report.png.
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-report.png");
    let _ = std::fs::remove_file(&shot);
    let o = run_with_limit(
        headless(&browser, &profile)
            .arg("--window-size=1100,2600")
            .arg(format!("--screenshot={}", shot.display()))
            .arg(&url),
        Duration::from_secs(120),
    )
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let png = std::fs::read(&shot).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 20_000,
        "a blank page would be tiny: {} bytes",
        png.len()
    );
}
