//! What `optform solve` leaves behind: the answer on stdout (text or JSON), and with
//! `--out DIR` the formulation, the solution, the full transcript and a report.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use super::evaluate::Verdict;
use super::{Interruption, Round, Run};
use crate::solve::clean;

/// The files `--out` holds; an earlier run's copies are removed when a new run starts.
pub const FILES: [&str; 4] = ["model.json", "solution.json", "transcript.jsonl", "report.md"];

/// The winning (or last) formulation, pretty-printed.
pub fn formulation(run: &Run) -> Option<&Value> {
    let pick = run.answer.sample.or_else(|| run.samples.last().map(|s| s.index))?;
    run.samples.iter().find(|s| s.index == pick)?.formulation.as_ref()
}

/// The answer's numbers against the problem text's, when there is an answer.
pub fn grounding(run: &Run) -> Option<super::grounding::Grounding> {
    let trivial = run.answer.status == Some(crate::solve::Status::Optimal) && run.answer.variables.is_empty();
    formulation(run).map(|f| super::grounding::Grounding { trivial, ..super::grounding::ground(&run.problem, f) })
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
        "mip_gap": a.mip_gap,
        "agreement": format!("{}/{}", a.agreement.0, a.agreement.1),
        "interrupted": run.interrupted.as_ref().map(|i| match i {
            Interruption::Llm(e) => json!({ "reason": "llm-error", "detail": e.to_string() }),
            Interruption::Deadline => json!({ "reason": "deadline" }),
        }),
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
        "grounding": grounding(run),
        "slip_fixes": run.transcript.iter().flat_map(|r| r.fixes.iter()).collect::<Vec<_>>(),
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
            let _ = write!(s, "{} (verified), objective = {}", status.as_str(), crate::solve::pretty(obj));
            if let Some(g) = a.mip_gap.filter(|g| *g != 0.0) {
                let _ = write!(s, "   ({})", crate::solve::gap_text(g));
            }
            s.push('\n');
        }
        (Some(status), None) => {
            let _ = writeln!(s, "{}", status.as_str());
        }
        (None, _) if run.interrupted.is_some() => s.push_str("no usable formulation yet\n"),
        (None, _) => s.push_str("no usable formulation after all repair rounds\n"),
    }
    match &run.interrupted {
        Some(Interruption::Llm(e)) => {
            let _ = writeln!(s, "stopped early: the LLM endpoint failed: {e}");
        }
        Some(Interruption::Deadline) => {
            s.push_str("stopped early: the deadline passed; this is the best answer so far\n")
        }
        None => {}
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
    use crate::render::escape::md_text;
    let mut s = String::new();
    let _ = writeln!(s, "# optform solve\n\n## Problem\n\n{}\n\n## Answer\n", run.problem.trim());
    // The summary and the round errors quote what the LLM wrote (element names, messages):
    // escaped, so a reply can form no HTML, link or math in the report.
    let summary: Vec<String> = summary_text(run).trim_end().lines().map(md_text).collect();
    let _ = writeln!(s, "{}", summary.join("  \n"));
    if let Some(f) = formulation(run) {
        let rendered = render_markdown(f).unwrap_or_else(|e| format!("(the formulation could not be rendered: {e})"));
        // The rendered document's headings go two levels down, under "Formulation".
        let nested = format!("\n{rendered}").replace("\n## ", "\n#### ").replace("\n# ", "\n### ");
        let _ = writeln!(s, "\n## Formulation\n{nested}");
    }
    if let Some(g) = grounding(run) {
        let _ = writeln!(s, "\n## Number grounding\n");
        if g.is_clean() {
            let _ = writeln!(
                s,
                "Every quantity of the problem text is used, and every number of the formulation is in the text."
            );
        }
        for line in g.lines() {
            let _ = writeln!(s, "- {}", md_text(&line));
        }
    }
    let fixes: Vec<&String> = run.transcript.iter().flat_map(|r| r.fixes.iter()).collect();
    if !fixes.is_empty() {
        let _ = writeln!(s, "\n## Slips fixed before checking\n");
        for f in fixes {
            let _ = writeln!(s, "- {}", md_text(f));
        }
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
            md_text(r.error.as_deref().unwrap_or(""))
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

/// A file of `--out` that could not be written, named.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "cannot write {}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for WriteError {}

fn pretty_json(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("\"unserializable: {e}\"")) + "\n"
}

fn transcript_line(r: &Round) -> String {
    serde_json::to_string(r).unwrap_or_else(|e| json!({ "unserializable": e.to_string() }).to_string()) + "\n"
}

/// `--out DIR`, written as the run goes: every round's transcript line and the latest
/// formulation as soon as the round ends, the answer and the report at the end. Nothing is
/// lost when the endpoint fails half-way, and nothing stale from an earlier run remains.
pub struct OutDir {
    dir: PathBuf,
}

impl OutDir {
    /// Creates `dir` and removes the files of `FILES` an earlier run left there (other files
    /// are kept); fails before any LLM call when `dir` cannot be written.
    pub fn start(dir: &Path) -> Result<OutDir, WriteError> {
        let at = |path: PathBuf| move |source| WriteError { path, source };
        std::fs::create_dir_all(dir).map_err(at(dir.to_path_buf()))?;
        for name in FILES {
            let path = dir.join(name);
            match std::fs::remove_file(&path) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(WriteError { path, source: e }),
                _ => {}
            }
        }
        let transcript = dir.join("transcript.jsonl");
        std::fs::write(&transcript, "").map_err(at(transcript))?;
        Ok(OutDir { dir: dir.to_path_buf() })
    }

    fn write(&self, name: &str, text: &str) -> Result<(), WriteError> {
        let path = self.dir.join(name);
        std::fs::write(&path, text).map_err(|source| WriteError { path, source })
    }

    /// One finished round: its transcript line, and its formulation as `model.json`.
    pub fn round(&self, round: &Round, formulation: Option<&Value>) -> Result<(), WriteError> {
        let path = self.dir.join("transcript.jsonl");
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .and_then(|mut f| f.write_all(transcript_line(round).as_bytes()))
            .map_err(|source| WriteError { path, source })?;
        match formulation {
            Some(f) => self.write("model.json", &pretty_json(f)),
            None => Ok(()),
        }
    }

    /// The end of the run: the winning formulation, the answer, the whole transcript again
    /// (so that a replay compares byte for byte) and the report.
    pub fn finish(&self, run: &Run) -> Result<(), WriteError> {
        if let Some(f) = formulation(run) {
            self.write("model.json", &pretty_json(f))?;
        }
        self.write("solution.json", &pretty_json(&summary_json(run, false)))?;
        self.write("transcript.jsonl", &run.transcript.iter().map(transcript_line).collect::<String>())?;
        self.write("report.md", &report_md(run))
    }
}

/// Writes `model.json`, `solution.json`, `transcript.jsonl` and `report.md` into `dir` at once.
pub fn write_dir(run: &Run, dir: &Path) -> Result<(), WriteError> {
    OutDir::start(dir)?.finish(run)
}
