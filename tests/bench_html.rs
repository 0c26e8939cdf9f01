//! `report.html` of a bench run, from the recorded NL4Opt sample (`tests/bench-cache`, the
//! run `.ci/run` gates on) replayed offline: self-contained, and loaded in a real headless
//! browser (Debian's `chromium`) with no console error and the numbers of `metrics.json`.
//!
//! The browser is external: without it the browser check prints SKIPPED, unless
//! OPTFORM_REQUIRE_EXTERNAL=1 (as in `.ci/run`). OPTFORM_CHROMIUM names another binary.

#[path = "common/tools.rs"]
mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Replays the recorded bench run into a fresh directory; the run directory.
fn replayed_run(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-html").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let o = Command::new(env!("CARGO_BIN_EXE_optform"))
        .args(["bench", "nl4opt", "--sample", "20", "--seed", "1", "--cache", "tests/bench-cache", "--offline"])
        .args(["--quiet", "-o"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    dir
}

/// Every `data-metric` cell of a page: (dataset, metric, data-value, visible text).
fn metric_cells(html: &str) -> Vec<(String, String, String, String)> {
    let attr = |tag: &str, name: &str| -> String {
        let key = format!("{name}=\"");
        tag.find(&key).map(|p| tag[p + key.len()..].split('"').next().unwrap_or("").to_string()).unwrap_or_default()
    };
    html.split("<td ")
        .skip(1)
        .filter(|td| td.contains("data-metric="))
        .map(|td| {
            let (tag, rest) = td.split_once('>').unwrap();
            let text = rest.split("</td>").next().unwrap().to_string();
            (attr(tag, "data-dataset"), attr(tag, "data-metric"), attr(tag, "data-value"), text)
        })
        .collect()
}

/// The value of `metrics.json` a cell shows: `accuracy`, `failures.check`, `accuracy_by_repairs.2`.
fn metric_value(metrics: &Value, dataset: &str, metric: &str) -> Value {
    let mut v = &metrics["datasets"][dataset];
    for part in metric.split('.') {
        v = match part.parse::<usize>() {
            Ok(k) => &v[k],
            Err(_) => &v[part],
        };
    }
    v.clone()
}

/// The page's numbers equal `metrics.json`'s, and every metric of the run is on the page.
fn assert_numbers_match(html: &str, metrics: &Value) {
    let cells = metric_cells(html);
    let d = &metrics["datasets"]["nl4opt"];
    let expected = 10 + d["accuracy_by_repairs"].as_array().unwrap().len() + d["failures"].as_object().unwrap().len();
    assert_eq!(cells.len(), expected, "one cell per metric");
    for (dataset, metric, value, text) in &cells {
        let want = metric_value(metrics, dataset, metric);
        let want = want.as_f64().unwrap_or_else(|| panic!("{dataset} {metric} is a number in metrics.json"));
        assert_eq!(value.parse::<f64>().ok(), Some(want), "{dataset} {metric}");
        let shown = match metric.as_str() {
            "average_rounds" => format!("{want:.2}"),
            "correct" => format!("{want}/{}", metrics["datasets"][dataset]["labelled"]),
            m if m.contains("tokens") || m == "problems" || m.starts_with("failures.") => format!("{want}"),
            _ => format!("{:.1} %", 100.0 * want),
        };
        assert_eq!(text, &shown, "{dataset} {metric} as shown");
    }
}

#[test]
fn the_html_report_is_self_contained_and_shows_the_metrics() {
    let run = replayed_run("static");
    let html = std::fs::read_to_string(run.join("report.html")).unwrap();
    let metrics: Value = serde_json::from_str(&std::fs::read_to_string(run.join("metrics.json")).unwrap()).unwrap();
    assert!(html.contains("content=\"default-src 'none'; style-src 'unsafe-inline'\""), "a CSP that loads nothing");
    for reference in ["src=", "href=", "<script", "<link", "url("] {
        assert!(!html.contains(reference), "nothing is loaded: {reference}");
    }
    assert_numbers_match(&html, &metrics);
    assert!(html.contains("<svg") && html.matches("<polyline").count() == 1, "one line per dataset");
    assert_eq!(html.matches("<details class=\"problem\"").count(), 20, "a drill-down per problem");
    // The drill-down carries each problem's formulation and transcript.
    let model = std::fs::read_to_string(run.join("problems/nl4opt/nl4opt-1/model.json")).unwrap();
    let first_line = model.lines().nth(1).unwrap().trim().replace('"', "&quot;");
    assert!(html.contains(&first_line), "{first_line}");
    assert!(html.contains("transcript (1 LLM calls)") || html.contains("transcript (2 LLM calls)"));
}

fn chromium() -> String {
    std::env::var("OPTFORM_CHROMIUM").unwrap_or_else(|_| "chromium".into())
}

/// Chromium's serialized DOM of a page and its log (console messages are `:CONSOLE` lines).
fn headless(page: &Path, profile: &Path) -> (String, String) {
    let mut child = Command::new(chromium())
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--enable-logging=stderr", "--v=0"])
        // Any network request fails: the page must need none.
        .arg("--host-resolver-rules=MAP * ~NOTFOUND")
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish loading the page in 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let o = child.wait_with_output().unwrap();
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn a_headless_browser_loads_the_report_without_errors_and_shows_the_metrics() {
    let found = Command::new(chromium()).arg("--version").output().is_ok_and(|o| o.status.success());
    if !tools::external("chromium", found) {
        return;
    }
    let run = replayed_run("browser");
    let page = run.join("report.html").canonicalize().unwrap();
    let (dom, log) = headless(&page, &run.join("chromium-profile"));
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    assert!(dom.contains("<h1>optform bench report</h1>"), "the page loaded: {}", &dom[..dom.len().min(500)]);
    let metrics: Value = serde_json::from_str(&std::fs::read_to_string(run.join("metrics.json")).unwrap()).unwrap();
    assert_numbers_match(&dom, &metrics);
    assert_eq!(dom.matches("<details class=\"problem\"").count(), 20);
}
