//! `report.html`, beside `report.md`: one self-contained page per bench run, to open in a
//! browser from the run directory or an artefact store. It holds the per-dataset table,
//! accuracy after each repair round as an inline SVG chart, the failure taxonomy, and a
//! drill-down per problem (`<details>`) with its formulation and transcript.
//!
//! The page has no script and loads nothing: its Content-Security-Policy allows only inline
//! styles, so even a string that escaped escaping could not run or fetch anything. Everything
//! from a run (ids, LLM replies, formulations, error messages) is HTML-escaped: LLM text is
//! hostile. Formulations are shown as escaped, pretty-printed JSON rather than typeset math:
//! KaTeX would need ~270 kB of script plus fonts inlined into every report, and a script.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde_json::Value;

use super::metrics::{DatasetMetrics, Header, ResultLine};

/// Text for an HTML element or a quoted attribute.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn pct(v: f64) -> String {
    format!("{:.1} %", 100.0 * v)
}

/// A table cell carrying the exact value of `metrics.json` (`data-value`) beside its text, so
/// that a test can compare the page with the metrics.
fn cell(dataset: &str, metric: &str, value: impl std::fmt::Display, text: &str) -> String {
    format!(
        "<td class=\"num\" data-dataset=\"{}\" data-metric=\"{metric}\" data-value=\"{value}\">{}</td>",
        escape(dataset),
        escape(text)
    )
}

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums}pre{background:#f6f6f6;padding:.6em;overflow:auto;max-height:30em;white-space:pre-wrap;word-break:break-word}
details{margin:.3em 0;border:1px solid #ddd;padding:.3em .6em}summary{cursor:pointer}.bad{color:#a00}.good{color:#070}
code{background:#f3f3f3;padding:0 .2em}svg text{font:12px system-ui,sans-serif}";

/// Accuracy (0–1) after 0, 1, 2, … repairs per dataset, as a line chart.
fn chart(m: &BTreeMap<String, DatasetMetrics>) -> String {
    const COLOURS: [&str; 6] = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"];
    let rounds = m.values().map(|d| d.accuracy_by_repairs.len()).max().unwrap_or(1).max(1);
    let (w, h, left, top, bottom) = (560.0, 260.0, 50.0, 15.0, 40.0);
    let right = 150.0;
    let plot_w = w - left - right;
    let plot_h = h - top - bottom;
    let x = |r: usize| left + if rounds == 1 { plot_w / 2.0 } else { plot_w * r as f64 / (rounds - 1) as f64 };
    let y = |a: f64| top + plot_h * (1.0 - a.clamp(0.0, 1.0));
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"accuracy after each repair round\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">"
    );
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            s,
            "<line x1=\"{left}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{:.0} %</text>",
            left + plot_w,
            left - 6.0,
            y(tick) + 4.0,
            100.0 * tick,
            y = y(tick)
        );
    }
    for r in 0..rounds {
        let _ = write!(s, "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{r}</text>", x(r), top + plot_h + 16.0);
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">repair rounds</text>",
        left + plot_w / 2.0,
        h - 6.0
    );
    for (k, (name, d)) in m.iter().enumerate() {
        let colour = COLOURS[k % COLOURS.len()];
        let points: Vec<String> =
            d.accuracy_by_repairs.iter().enumerate().map(|(r, a)| format!("{:.1},{:.1}", x(r), y(*a))).collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" ")
        );
        for (r, a) in d.accuracy_by_repairs.iter().enumerate() {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{}: {} after {r} repairs</title></circle>",
                x(r),
                y(*a),
                escape(name),
                pct(*a)
            );
        }
        let ly = top + 14.0 * k as f64 + 6.0;
        let _ = write!(
            s,
            "<rect x=\"{}\" y=\"{:.1}\" width=\"12\" height=\"3\" fill=\"{colour}\"/><text x=\"{}\" y=\"{:.1}\">{}</text>",
            left + plot_w + 12.0,
            ly,
            left + plot_w + 28.0,
            ly + 4.0,
            escape(name)
        );
    }
    s.push_str("</svg>");
    s
}

fn results_table(m: &BTreeMap<String, DatasetMetrics>) -> String {
    let mut s = String::from(
        "<table id=\"results\"><tr><th>dataset</th><th>problems</th><th>correct</th><th>accuracy (SA)</th><th>without repair</th><th>execution rate (ER)</th><th>avg rounds (AST)</th><th>paper-compatible ±5 %</th><th>pass@1</th><th>prompt tokens</th><th>completion tokens</th></tr>\n",
    );
    for (name, d) in m {
        let _ = writeln!(
            s,
            "<tr><th scope=\"row\">{}</th>{}{}{}{}{}{}{}{}{}{}</tr>",
            escape(name),
            cell(name, "problems", d.problems, &d.problems.to_string()),
            cell(name, "correct", d.correct, &format!("{}/{}", d.correct, d.labelled)),
            cell(name, "accuracy", d.accuracy, &pct(d.accuracy)),
            cell(name, "accuracy_without_repair", d.accuracy_without_repair, &pct(d.accuracy_without_repair)),
            cell(name, "execution_rate", d.execution_rate, &pct(d.execution_rate)),
            cell(name, "average_rounds", d.average_rounds, &format!("{:.2}", d.average_rounds)),
            cell(name, "paper_compatible_accuracy", d.paper_compatible_accuracy, &pct(d.paper_compatible_accuracy)),
            cell(name, "pass_at_1", d.pass_at_1, &pct(d.pass_at_1)),
            cell(name, "prompt_tokens", d.prompt_tokens, &d.prompt_tokens.to_string()),
            cell(name, "completion_tokens", d.completion_tokens, &d.completion_tokens.to_string()),
        );
    }
    s.push_str("</table>\n");
    s
}

fn repairs_table(m: &BTreeMap<String, DatasetMetrics>) -> String {
    let rounds = m.values().map(|d| d.accuracy_by_repairs.len()).max().unwrap_or(1);
    let mut s = String::from("<table id=\"repairs\"><tr><th>dataset</th>");
    for r in 0..rounds {
        let _ = write!(s, "<th>{r} repairs</th>");
    }
    s.push_str("</tr>\n");
    for (name, d) in m {
        let _ = write!(s, "<tr><th scope=\"row\">{}</th>", escape(name));
        for (r, a) in d.accuracy_by_repairs.iter().enumerate() {
            s += &cell(name, &format!("accuracy_by_repairs.{r}"), a, &pct(*a));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
    s
}

fn failures_table(m: &BTreeMap<String, DatasetMetrics>) -> String {
    let mut s = String::from("<table id=\"failures\"><tr><th>dataset</th><th>class</th><th>count</th></tr>\n");
    for (name, d) in m {
        for (class, n) in &d.failures {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td>{}</tr>",
                escape(name),
                escape(class),
                cell(name, &format!("failures.{}", escape(class)), n, &n.to_string())
            );
        }
    }
    if m.values().all(|d| d.failures.is_empty()) {
        s.push_str("<tr><td colspan=\"3\">no failures</td></tr>\n");
    }
    s.push_str("</table>\n");
    s
}

/// One round of a problem's transcript: what optform asked (repairs), what the LLM replied.
fn round_html(r: &Value) -> String {
    let field = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
    let num = |k: &str| r.get(k).and_then(Value::as_u64).unwrap_or(0);
    let tokens = r.pointer("/usage/completion_tokens").and_then(Value::as_u64).unwrap_or(0);
    let mut s = format!(
        "<li>sample {} round {}: <b>{}</b>, {tokens} completion tokens, {:.1} s",
        num("sample") + 1,
        num("round"),
        escape(field("outcome")),
        num("latency_ms") as f64 / 1000.0
    );
    if let Some(e) = r.get("error").and_then(Value::as_str) {
        let _ = write!(s, "<pre class=\"bad\">{}</pre>", escape(e));
    }
    // The first round's prompt is the problem (shown above); a later one is the repair request.
    let asked = r.get("messages").and_then(Value::as_array).and_then(|m| m.last()).and_then(|m| m.get("content"));
    if let (Some(asked), true) = (asked.and_then(Value::as_str), num("round") > 1) {
        let _ = write!(s, "<details><summary>repair request</summary><pre>{}</pre></details>", escape(asked));
    }
    let _ = write!(s, "<details><summary>reply</summary><pre>{}</pre></details></li>", escape(field("response")));
    s
}

/// The drill-down of one problem, from the files bench keeps in `problems/<dataset>/<id>/`.
fn problem_html(l: &ResultLine, dir: &Path) -> String {
    let predicted = match (l.status.as_deref(), l.objective) {
        (_, Some(v)) => crate::solve::pretty(v),
        (Some(s), None) => s.to_string(),
        (None, None) => "no answer".into(),
    };
    let mark = if l.correct { "<span class=\"good\">✓</span>" } else { "<span class=\"bad\">✗</span>" };
    let mut s = format!(
        "<details class=\"problem\" data-dataset=\"{}\" data-id=\"{}\" data-correct=\"{}\"><summary>{mark} {} / {} · {} · expected {} · predicted {} · {} round{}</summary>",
        escape(&l.dataset),
        escape(&l.id),
        l.correct,
        escape(&l.dataset),
        escape(&l.id),
        escape(&l.class),
        escape(&l.expected.to_string()),
        escape(&predicted),
        l.rounds,
        if l.rounds == 1 { "" } else { "s" }
    );
    if let Some(e) = &l.error {
        let _ = write!(s, "<p>why: </p><pre class=\"bad\">{}</pre>", escape(e));
    }
    let rounds: Vec<Value> = std::fs::read_to_string(dir.join("transcript.jsonl"))
        .unwrap_or_default()
        .lines()
        .filter_map(|t| serde_json::from_str(t).ok())
        .collect();
    let problem =
        rounds.first().and_then(|r| r.get("messages")?.as_array()?.last()?.get("content")?.as_str().map(String::from));
    if let Some(p) = problem {
        let _ = write!(s, "<details><summary>problem</summary><pre>{}</pre></details>", escape(&p));
    }
    match std::fs::read_to_string(dir.join("model.json")) {
        Ok(model) => {
            let _ = write!(
                s,
                "<details><summary>formulation (model.json)</summary><pre>{}</pre></details>",
                escape(&model)
            );
        }
        Err(_) => s.push_str("<p>no formulation</p>"),
    }
    if !rounds.is_empty() {
        let _ = write!(s, "<details><summary>transcript ({} LLM calls)</summary><ol>", rounds.len());
        for r in &rounds {
            s += &round_html(r);
        }
        s.push_str("</ol></details>");
    }
    s.push_str("</details>\n");
    s
}

pub fn report(header: &Header, m: &BTreeMap<String, DatasetMetrics>, lines: &[ResultLine], run_dir: &Path) -> String {
    let mut s = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>optform bench report</title>\n<style>",
    );
    s.push_str(STYLE);
    s.push_str("</style></head><body>\n<h1>optform bench report</h1>\n<ul>");
    let _ = write!(
        s,
        "<li>optform {} · model <code>{}</code> at <code>{}</code></li><li>prompts sha256 <code>{}</code></li><li>samples per problem: {} · repair rounds: up to {}</li>",
        escape(&header.optform_version),
        escape(&header.model),
        escape(&header.base_url),
        escape(&header.prompts_sha256),
        header.samples,
        header.max_repairs
    );
    for (name, sha) in &header.datasets {
        let rule = header.rules.get(name).map(super::score::Rule::describe).unwrap_or_default();
        let _ =
            write!(s, "<li><code>{}</code> sha256 <code>{}</code>: {}</li>", escape(name), escape(sha), escape(&rule));
    }
    s.push_str("</ul>\n<h2>Results</h2>\n");
    s += &results_table(m);
    s.push_str("<p>\"paper-compatible\" is the looser rule some papers report (both values rounded to 2 decimals, within 5 %); it is shown for comparison only and never replaces the strict accuracy.</p>\n");
    s.push_str("<h2>Accuracy after each repair round</h2>\n");
    s += &chart(m);
    s += &repairs_table(m);
    s.push_str("<h2>Failures</h2>\n");
    s += &failures_table(m);
    let _ = writeln!(s, "<h2>Problems ({})</h2>", lines.len());
    // Failures first: they are what a reader opens the drill-down for.
    let mut ordered: Vec<&ResultLine> = lines.iter().collect();
    ordered.sort_by_key(|l| (l.correct, l.dataset.clone(), l.id.clone()));
    for l in ordered {
        s += &problem_html(l, &super::problem_dir(run_dir, &l.dataset, &l.id));
    }
    s.push_str("</body></html>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup_and_no_attribute_break() {
        let hostile = r#"</pre><script>alert('x')</script><img src=x onerror="y"> & done"#;
        let e = escape(hostile);
        assert!(!e.contains('<') && !e.contains('>') && !e.contains('"') && !e.contains('\''), "{e}");
        assert_eq!(
            e.replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&"),
            hostile
        );
    }

    #[test]
    fn hostile_ids_replies_formulations_and_errors_are_text_in_the_page() {
        let run = std::env::temp_dir().join(format!("optform-html-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&run);
        let evil = "</pre></details><script>alert(1)</script><img src=x onerror=alert(2)>";
        let line: ResultLine = serde_json::from_value(serde_json::json!({
            "dataset": format!("d{evil}"), "id": format!("i\"{evil}"), "expected": {"kind": "infeasible"},
            "status": evil, "objective": null, "correct": false, "paper_correct": false, "class": "check",
            "rounds": 2, "correct_without_repair": false, "agreement": [0, 1], "samples_correct": [false],
            "prompt_tokens": 1, "completion_tokens": 1, "llm_seconds": 0.0, "seconds": 0.0, "cost": null,
            "rule": {"rtol": 1e-6, "atol": 0.0}, "error": evil,
        }))
        .unwrap();
        let dir = super::super::problem_dir(&run, &line.dataset, &line.id);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("model.json"), format!("{{\"name\": \"{evil}\"}}")).unwrap();
        let round = serde_json::json!({"sample": 0, "round": 2, "outcome": evil, "response": evil, "error": evil,
            "messages": [{"role": "user", "content": evil}], "usage": {"completion_tokens": 3}, "latency_ms": 10});
        std::fs::write(dir.join("transcript.jsonl"), format!("{round}\n{round}\n")).unwrap();
        let lines = vec![line];
        let m = super::super::metrics::metrics(&lines, 1);
        let header = Header {
            optform_version: "0".into(),
            model: evil.into(),
            base_url: evil.into(),
            prompts_sha256: evil.into(),
            datasets: BTreeMap::new(),
            rules: BTreeMap::new(),
            samples: 1,
            max_repairs: 1,
            engine: evil.into(),
        };
        let page = report(&header, &m, &lines, &run);
        let _ = std::fs::remove_dir_all(&run);
        assert!(!page.contains("<script") && !page.contains("<img"), "no markup from the run");
        assert!(page.matches("&lt;script&gt;alert(1)").count() >= 8, "each hostile string is shown as text");
        assert_eq!(page.matches("<details").count(), page.matches("</details>").count());
    }
}
