//! What `optform solve` leaves behind: the answer on stdout (text or JSON), and with
//! `--out DIR` the formulation, the solution, the full transcript and a report.

use std::fmt::Write as _;
use std::path::Path;

use serde_json::{json, Value};

use super::evaluate::Verdict;
use super::Run;
use crate::solve::clean;

/// The winning (or last) formulation, pretty-printed.
pub fn formulation(run: &Run) -> Option<&Value> {
    let pick = run.answer.sample.or_else(|| run.samples.last().map(|s| s.index))?;
    run.samples.iter().find(|s| s.index == pick)?.formulation.as_ref()
}

/// The answer as JSON. `wall_clock` adds the run's total seconds, which differ between a
/// recording and its replay; files written to `--out` leave it out so that replays compare
/// byte for byte.
pub fn summary_json(run: &Run, wall_clock: bool) -> Value {
    let a = &run.answer;
    let mut v = json!({
        "status": a.status.map_or("no-formulation", |s| s.as_str()),
        "objective": a.objective.map(clean),
        "variables": a.variables.iter().map(|(n, v)| (n.clone(), json!(clean(*v)))).collect::<serde_json::Map<_, _>>(),
        "agreement": format!("{}/{}", a.agreement.0, a.agreement.1),
        "model": run.model,
        "samples": run.samples.iter().map(|s| json!({
            "sample": s.index, "rounds": s.rounds, "outcome": s.verdict.class(),
            "objective": match &s.verdict { Verdict::Solved { objective, .. } => Some(clean(*objective)), _ => None },
        })).collect::<Vec<_>>(),
        "repairs": run.transcript.len().saturating_sub(run.samples.len()),
        "tokens": { "prompt": run.usage.prompt_tokens, "completion": run.usage.completion_tokens },
        "llm_seconds": run.llm_seconds,
        "cost_usd": run.cost,
        "formulation": formulation(run),
    });
    if wall_clock {
        v["seconds"] = json!(run.seconds);
    }
    v
}

pub fn summary_text(run: &Run) -> String {
    let a = &run.answer;
    let mut s = String::new();
    match (a.status, a.objective) {
        (Some(status), Some(obj)) => {
            let _ = writeln!(s, "{} (verified), objective = {}", status.as_str(), crate::solve::pretty(obj));
        }
        (Some(status), None) => {
            let _ = writeln!(s, "{}", status.as_str());
        }
        (None, _) => s.push_str("no usable formulation after all repair rounds\n"),
    }
    if a.agreement.1 > 1 {
        let _ = writeln!(s, "agreement: {}/{} samples", a.agreement.0, a.agreement.1);
    }
    if !a.variables.is_empty() {
        let width = a.variables.iter().map(|v| v.0.len()).max().unwrap_or(0);
        for (n, v) in &a.variables {
            let _ = writeln!(s, "  {n:<width$} = {}", crate::solve::pretty(*v));
        }
    }
    let repairs = run.transcript.len().saturating_sub(run.samples.len());
    let _ = write!(
        s,
        "{} LLM call{} ({repairs} repair{}), {} prompt + {} completion tokens, {:.1} s waiting for the LLM",
        run.transcript.len(),
        if run.transcript.len() == 1 { "" } else { "s" },
        if repairs == 1 { "" } else { "s" },
        run.usage.prompt_tokens,
        run.usage.completion_tokens,
        run.llm_seconds
    );
    if let Some(c) = run.cost {
        let _ = write!(s, ", ${c:.4}");
    }
    s.push('\n');
    s
}

fn report_md(run: &Run) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# optform solve\n\n## Problem\n\n{}\n\n## Answer\n", run.problem.trim());
    let _ = writeln!(s, "{}", summary_text(run).trim_end().replace('\n', "  \n"));
    if let Some(f) = formulation(run) {
        let rendered = render_markdown(f).unwrap_or_else(|e| format!("(the formulation could not be rendered: {e})"));
        // The rendered document's headings go two levels down, under "Formulation".
        let nested = format!("\n{rendered}").replace("\n## ", "\n#### ").replace("\n# ", "\n### ");
        let _ = writeln!(s, "\n## Formulation\n{nested}");
    }
    let _ = writeln!(
        s,
        "\n## Rounds\n\n| sample | round | outcome | tokens | seconds | error |\n|---:|---:|---|---:|---:|---|"
    );
    for r in &run.transcript {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {:.1} | {} |",
            r.sample + 1,
            r.round,
            r.outcome,
            r.usage.completion_tokens,
            r.latency_ms as f64 / 1000.0,
            r.error.as_deref().unwrap_or("").replace('|', "\\|").replace('\n', " ")
        );
    }
    s
}

fn render_markdown(f: &Value) -> Result<String, String> {
    let text = f.to_string();
    let source = crate::check::Source::Text { text: &text, origin: "formulation" };
    let c = crate::check::check(source, &Default::default()).map_err(|d| d.to_string())?;
    crate::render::render(&c.formulation, &c.model, &c.compiled, crate::render::Format::Markdown, None)
        .map_err(|e| e.to_string())
}

/// Writes `model.json`, `solution.json`, `transcript.jsonl` and `report.md` into `dir`.
pub fn write_dir(run: &Run, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    if let Some(f) = formulation(run) {
        std::fs::write(dir.join("model.json"), serde_json::to_string_pretty(f).expect("serializable") + "\n")?;
    }
    std::fs::write(
        dir.join("solution.json"),
        serde_json::to_string_pretty(&summary_json(run, false)).expect("serializable") + "\n",
    )?;
    let mut lines = String::new();
    for r in &run.transcript {
        lines.push_str(&serde_json::to_string(r).expect("serializable"));
        lines.push('\n');
    }
    std::fs::write(dir.join("transcript.jsonl"), lines)?;
    std::fs::write(dir.join("report.md"), report_md(run))
}
