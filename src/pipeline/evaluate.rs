//! What the model answered, taken through the deterministic core: extract the JSON, check,
//! compile, solve, verify. Every failure becomes a message precise enough to repair from.

use serde::Serialize;
use serde_json::Value;

use crate::check::{check, Checked, Source};
use crate::compile::Compiled;
use crate::model::{Diagnostics, Model, Options as CheckOptions};
use crate::solve::{self, verify_outcome, Status};

/// The outcome of one candidate formulation.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Verdict {
    /// A verified optimum; `mip_gap` is HiGHS's relative gap for a MIP (0 when proven).
    Solved { objective: f64, variables: Vec<(String, f64)>, mip_gap: Option<f64> },
    /// Infeasible or unbounded: possibly the true answer, possibly a modelling error.
    Terminal { status: Status, detail: String },
    /// Not usable; `class` names the failure for transcripts and statistics.
    Failed { class: &'static str, summary: String, details: String },
    /// Passed the checks and compiled; not solved (`optform formulate`).
    Checked,
}

impl Verdict {
    pub fn class(&self) -> &'static str {
        match self {
            Verdict::Solved { .. } => "solved",
            Verdict::Terminal { status: Status::Infeasible, .. } => "infeasible",
            Verdict::Terminal { .. } => "unbounded",
            Verdict::Failed { class, .. } => class,
            Verdict::Checked => "checked",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Evaluated {
    /// The formulation as JSON, when the answer held one (with its slips fixed).
    pub formulation: Option<Value>,
    pub verdict: Verdict,
    /// The slips fixed before checking, as warnings.
    pub fixes: Vec<String>,
}

fn failed(class: &'static str, summary: impl Into<String>, details: impl Into<String>) -> Verdict {
    Verdict::Failed { class, summary: summary.into(), details: details.into() }
}

/// The JSON object in a reply: bare, or inside a ```json fence, or between the first `{`
/// and the last `}`.
pub fn extract_json(reply: &str) -> Result<Value, String> {
    // Strict: a key given twice is an error to repair, not a silent choice of one of them.
    crate::model::parse_json(json_text(reply)?).map_err(json_error)
}

/// [`extract_json`] that keeps a constraint name given twice as two constraints (a slip fix).
fn extract_json_renaming(reply: &str) -> Result<(Value, Vec<String>), String> {
    crate::model::parse_renaming_duplicate_constraints(json_text(reply)?).map_err(json_error)
}

fn json_text(reply: &str) -> Result<&str, String> {
    let text = reply.trim();
    let fenced = text.split("```").nth(1).map(|block| block.trim_start_matches("json").trim());
    match fenced {
        Some(block) if block.starts_with('{') => Ok(block),
        _ => match (text.find('{'), text.rfind('}')) {
            (Some(a), Some(b)) if a < b => Ok(&text[a..=b]),
            _ => Err("the answer contains no JSON object".into()),
        },
    }
}

fn json_error(e: serde_json::Error) -> String {
    let text = e.to_string();
    // serde_json appends the position to its message; a duplicate key (a data error of
    // ours) says it once, up front, like a syntax error.
    let text = match e.classify() {
        serde_json::error::Category::Data => text.split(" at line ").next().unwrap_or(&text).to_string(),
        _ => text,
    };
    format!("invalid JSON at line {}, column {}: {text}", e.line(), e.column())
}

/// Longest single diagnostic quoted back to the model, in characters.
const MAX_DIAGNOSTIC_CHARS: usize = 2000;

/// The check errors as a repair message: at most `max_quoted` of them, each at most
/// [`MAX_DIAGNOSTIC_CHARS`] long, so one broken answer cannot blow up the next prompt.
fn check_failure(diags: &Diagnostics, max_quoted: usize) -> Verdict {
    let errors: Vec<&crate::model::Diagnostic> = diags.0.iter().filter(|d| d.is_error()).collect();
    let first = errors.first().map(|d| clip(&d.message, 200)).unwrap_or_default();
    let n = errors.len();
    let mut quoted: Vec<String> =
        errors.iter().take(max_quoted).map(|d| clip(&d.to_string(), MAX_DIAGNOSTIC_CHARS)).collect();
    if n > max_quoted {
        quoted.push(format!("… and {} more error(s): fix these first.", n - max_quoted));
    }
    failed(
        "check",
        format!("{n} error{} in the formulation (first: {first})", if n == 1 { "" } else { "s" }),
        quoted.join("\n"),
    )
}

/// `text` cut to at most `max` characters, marked when cut.
fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Evaluates one reply. `truncated`: the server stopped at `max_tokens`; `solve`: go on to
/// solve and verify after the checks. `check`: which data files the formulation may read
/// (none, unless the user named a folder) and the size limits; `solver`: HiGHS settings, time
/// limit and token. `slip_fixes`: fix unambiguous mechanical slips first
/// ([`super::slips`]), recording each.
pub fn evaluate(
    reply: &str,
    truncated: bool,
    solve: bool,
    slip_fixes: bool,
    check: &CheckOptions,
    solver: &solve::Options,
) -> Evaluated {
    if truncated {
        return Evaluated {
            fixes: Vec::new(),
            formulation: None,
            verdict: failed(
                "truncated",
                "your answer was cut off at the token limit",
                "Write a shorter formulation: use sets and indexed parameters instead of repeating terms, and leave out descriptions.",
            ),
        };
    }
    let parsed = if slip_fixes { extract_json_renaming(reply) } else { extract_json(reply).map(|v| (v, Vec::new())) };
    let (json, renamed) = match parsed {
        Ok(v) => v,
        Err(e) => {
            let verdict =
                failed("invalid-json", e.clone(), format!("{e}. Answer with one JSON object and nothing else."));
            return Evaluated { formulation: None, verdict, fixes: Vec::new() };
        }
    };
    let (json, fixes) = if slip_fixes { super::slips::fix(&json) } else { (json, Vec::new()) };
    let verdict = solve_formulation(json.to_string(), solve, check, solver);
    let fixes = renamed.into_iter().chain(fixes.iter().map(ToString::to_string)).collect();
    Evaluated { formulation: Some(json), verdict, fixes }
}

fn solve_formulation(text: String, solve: bool, check_opts: &CheckOptions, opts: &solve::Options) -> Verdict {
    let Checked { model, compiled, .. } = match check(Source::Text { text: &text, origin: "formulation" }, check_opts) {
        Ok(c) => c,
        Err(diags) => return check_failure(&diags, check_opts.limits.repair_diagnostics),
    };
    if !solve {
        return Verdict::Checked;
    }
    let out = solve::solve(&compiled, opts);
    match (out.status, &out.x, out.objective) {
        (Status::Optimal, Some(x), Some(obj)) => {
            let v = verify_outcome(&model, &compiled, &out, 1e-6).expect("an optimum has a point");
            if v.ok {
                Verdict::Solved { objective: obj, variables: solve::nonzero_columns(&model, x), mip_gap: out.mip_gap }
            } else {
                failed(
                    "not-verified",
                    "the solver's point violates the formulation",
                    format!(
                        "Largest violation {:.3e} at {}; check that constraints and bounds say what the problem says.",
                        v.max_constraint_violation,
                        v.worst_constraint.unwrap_or_default()
                    ),
                )
            }
        }
        (Status::Infeasible, ..) => {
            Verdict::Terminal { status: Status::Infeasible, detail: infeasible_detail(&model, &compiled, opts) }
        }
        (Status::Unbounded | Status::InfeasibleOrUnbounded, ..) => {
            Verdict::Terminal { status: out.status, detail: unbounded_detail(&model, &compiled, &out.unbounded_columns) }
        }
        (Status::TimeLimit | Status::Stopped, ..) if opts.cancel.is_cancelled() => failed(
            "solver",
            "HiGHS was stopped: the time allowed for the whole run is over",
            out.message.unwrap_or_default(),
        ),
        (Status::TimeLimit, ..) => failed(
            "solver",
            format!(
                "HiGHS did not finish within the time limit of {} s{}",
                opts.time_limit.map_or("?".into(), solve::pretty),
                out.mip_gap.map(|g| format!(" (MIP gap still {:.2e})", g)).unwrap_or_default()
            ),
            "The formulation is too hard to solve in time: use fewer integer variables, tighter bounds, or continuous variables where the problem allows fractions.",
        ),
        (status, ..) => {
            failed("solver", format!("HiGHS stopped with status {}", status.as_str()), out.message.unwrap_or_default())
        }
    }
}

fn infeasible_detail(model: &Model, compiled: &crate::compile::Compiled, opts: &solve::Options) -> String {
    let rows = solve::conflicting_rows(compiled, opts, solve::IisSearch::Light);
    if rows.is_empty() {
        "No values satisfy all constraints and bounds together. Check the direction of each inequality and the data."
            .into()
    } else {
        let names: Vec<String> = rows.iter().take(12).map(|&r| compiled.row_name(model, r)).collect();
        format!(
            "No values satisfy all constraints and bounds together. These constraints conflict (an irreducible infeasible set): {}. Check their direction (<= or >=) and data.",
            names.join(", ")
        )
    }
}

fn unbounded_detail(model: &Model, compiled: &Compiled, columns: &[usize]) -> String {
    if columns.is_empty() {
        "The objective can improve without limit: a constraint is probably missing or has the wrong direction.".into()
    } else {
        let names: Vec<String> = columns.iter().take(12).map(|&c| compiled.col_name(model, c)).collect();
        format!(
            "The objective can improve without limit along these variables: {}. A constraint limiting them is probably missing or has the wrong direction.",
            names.join(", ")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_found_bare_fenced_or_embedded() {
        assert!(extract_json(r#"{"a": 1}"#).is_ok());
        assert!(extract_json("Here you go:\n```json\n{\"a\": 1}\n```\nDone.").is_ok());
        assert!(extract_json("The model is {\"a\": 1} as requested").is_ok());
        let e = extract_json("{\"a\": 1,}").unwrap_err();
        assert!(e.starts_with("invalid JSON at line 1"), "{e}");
        assert_eq!(extract_json("no json here").unwrap_err(), "the answer contains no JSON object");
    }

    #[test]
    fn verdicts_classify_each_failure() {
        let o = solve::Options::default();
        let c = CheckOptions::default();
        let ok = r#"{"name":"t","variables":{"x":{}},"objective":{"sense":"max","expression":"x"},"constraints":{"c":"x <= 4"}}"#;
        assert!(
            matches!(evaluate(ok, false, true, false, &c, &o).verdict, Verdict::Solved { objective, .. } if objective == 4.0)
        );
        assert_eq!(evaluate(ok, true, true, false, &c, &o).verdict.class(), "truncated");
        assert_eq!(evaluate(ok, false, false, false, &c, &o).verdict.class(), "checked");
        assert_eq!(evaluate("{oops", false, true, false, &c, &o).verdict.class(), "invalid-json");
        let bad = ok.replace("x <= 4", "y <= 4");
        let Verdict::Failed { class, details, .. } = evaluate(&bad, false, true, false, &c, &o).verdict else {
            panic!()
        };
        assert_eq!(class, "check");
        assert!(details.contains("unknown name `y`") && details.contains("^"), "{details}");
        let unb = ok.replace("x <= 4", "x >= 4");
        let Verdict::Terminal { detail, .. } = evaluate(&unb, false, true, false, &c, &o).verdict else { panic!() };
        assert!(detail.contains("along these variables: x"), "{detail}");
        let inf = ok.replace("x <= 4", "x <= -4");
        let Verdict::Terminal { detail, .. } = evaluate(&inf, false, true, false, &c, &o).verdict else { panic!() };
        assert!(detail.contains("These constraints conflict (an irreducible infeasible set): c."), "{detail}");
    }
}
