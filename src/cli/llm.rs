//! `optform solve` and `optform formulate`: the LLM pipeline from the command line.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{exit, report, FormulateArgs, LlmArgs, SolveArgs};
use crate::pipeline::evaluate::Verdict;
use crate::pipeline::output::{OutDir, WriteError};
use crate::pipeline::{output, run_problem, Interruption, OnRound, Options, Round, Run};
use crate::solve::{self, Status};

pub(super) fn client(a: &LlmArgs) -> Result<crate::llm::Client, String> {
    use crate::llm::config;
    let file = match &a.config {
        // An explicit file that is missing is a mistake, not "no settings".
        Some(path) if !path.exists() => return Err(format!("--config {}: no such file", path.display())),
        Some(path) => config::read_file_config(path)?,
        None => config::read_file_config(Path::new("optform.toml"))?,
    };
    let flags = config::Overrides {
        base_url: a.base_url.clone(),
        model: a.model.clone(),
        timeout_seconds: a.timeout,
        max_retries: a.retries,
        structured: a.structured,
        bounded_schema: a.bounded_schema,
    };
    let mut endpoint = config::resolve(&flags, &|k| std::env::var(k).ok(), &file);
    endpoint.max_response_bytes = a.input.options(crate::model::DataAccess::Denied)?.limits.response_bytes;
    let cache = match &a.cache {
        Some(dir) => Some(crate::llm::Cache::new(dir).map_err(|e| format!("cannot use cache {}: {e}", dir.display()))?),
        None => None,
    };
    Ok(crate::llm::Client::new(endpoint, cache, a.offline))
}

/// A problem text larger than this is refused: it would not fit any model's context anyway.
const PROBLEM_BYTES: u64 = 16 << 20;

/// The problem text, from a file or, for `-`, from stdin.
fn read_problem(path: &std::path::Path) -> Result<String, String> {
    let text = if path.as_os_str() == "-" {
        use std::io::Read as _;
        let mut text = String::new();
        std::io::stdin()
            .take(PROBLEM_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read the problem from stdin: {e}"))?;
        if text.len() as u64 > PROBLEM_BYTES {
            return Err(format!("the problem on stdin is larger than {PROBLEM_BYTES} bytes"));
        }
        text
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?
    };
    if text.trim().is_empty() {
        return Err(format!("{} is empty", path.display()));
    }
    Ok(text)
}

pub(super) fn runtime() -> tokio::runtime::Runtime {
    // Formulations are checked and solved on the runtime's blocking threads: they get the
    // stack that the expression depth limit is sized for, like the CLI's own thread.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(crate::check::STACK_BYTES)
        .build()
        .expect("a tokio runtime starts")
}

/// What the LLM's formulations may read: no data file unless `--data-dir` names a folder.
pub(super) fn check_options(a: &LlmArgs) -> Result<crate::model::Options, i32> {
    let opts = a.input.options(crate::model::DataAccess::Denied).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    Ok(crate::pipeline::check_options(opts))
}

/// Reads the problem, connects, and runs the pipeline, telling `on_round` of every round; on
/// a failure before the first request prints why and returns the exit code. An endpoint
/// failure later on is in `Run::interrupted`, with everything before it.
fn run_pipeline(problem: &Path, llm: &LlmArgs, opts: &Options, on_round: &mut OnRound<'_>) -> Result<Run, i32> {
    let (problem, client) = read_problem(problem).and_then(|p| Ok((p, client(llm)?))).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    Ok(runtime().block_on(run_problem(&client, &problem, opts, on_round)))
}

/// The pipeline's solver settings from the flags; the deadline counts from now.
fn solver(time_limit: f64, mip_gap: f64, deadline: Option<f64>) -> solve::Options {
    let cancel = match deadline.and_then(|d| Instant::now().checked_add(Duration::try_from_secs_f64(d).ok()?)) {
        Some(at) => solve::Cancel::with_deadline(at),
        None => solve::Cancel::default(),
    };
    solve::Options { time_limit: Some(time_limit), mip_gap, cancel, ..Default::default() }
}

pub(super) fn solve(a: SolveArgs) -> i32 {
    let check = match check_options(&a.llm) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let opts = Options {
        max_repairs: a.max_repairs,
        samples: a.samples.max(1),
        temperature: a.temperature,
        max_tokens: a.llm.max_tokens,
        seed: a.seed,
        progress: !a.quiet,
        check_only: false,
        check,
        solver: solver(a.time_limit, a.mip_gap, a.deadline),
        engine: a.llm.engine.engine(),
    };
    // Refuse an unwritable --out before spending anything on the LLM.
    let out = match a.out.as_deref().map(OutDir::start).transpose() {
        Ok(out) => out,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::IO_ERROR;
        }
    };
    let mut write_error: Option<WriteError> = None;
    let mut on_round = |round: &Round, formulation: Option<&Value>| {
        if let (Some(out), None) = (&out, &write_error) {
            write_error = out.round(round, formulation).err();
        }
    };
    let run = match run_pipeline(&a.problem, &a.llm, &opts, &mut on_round) {
        Ok(run) => run,
        Err(code) => return code,
    };
    if let (Some(out), None) = (&out, &write_error) {
        write_error = out.finish(&run).err();
    }
    if let Some(Interruption::Llm(e)) = &run.interrupted {
        eprintln!("error: {e}");
    }
    if a.json {
        report::out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&output::summary_json(&run, true)).unwrap_or_default()
        ));
    } else {
        report::out(&output::summary_text(&run));
    }
    if let Some(e) = write_error {
        eprintln!("error: {e}");
        return exit::IO_ERROR;
    }
    match (&run.interrupted, run.answer.status) {
        (Some(Interruption::Llm(_)), _) => exit::LLM_ERROR,
        (Some(Interruption::Deadline), _) => exit::LIMIT,
        (None, Some(Status::Optimal)) => exit::OK,
        (None, Some(Status::Infeasible)) => exit::INFEASIBLE,
        (None, Some(_)) => exit::UNBOUNDED,
        (None, None) => exit::MODEL_ERROR,
    }
}

pub(super) fn formulate(a: FormulateArgs) -> i32 {
    let check = match check_options(&a.llm) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let opts = Options {
        max_repairs: a.max_repairs,
        max_tokens: a.llm.max_tokens,
        progress: !a.quiet,
        check_only: true,
        check,
        solver: solver(a.time_limit, solve::EXACT_MIP_GAP, a.deadline),
        engine: a.llm.engine.engine(),
        ..Default::default()
    };
    let run = match run_pipeline(&a.problem, &a.llm, &opts, &mut |_, _| {}) {
        Ok(run) => run,
        Err(code) => return code,
    };
    let checked = run.samples.first().filter(|s| matches!(s.verdict, Verdict::Checked));
    let Some(f) = checked.and_then(|s| s.formulation.as_ref()) else {
        return match &run.interrupted {
            Some(Interruption::Llm(e)) => {
                eprintln!("error: {e}");
                exit::LLM_ERROR
            }
            Some(Interruption::Deadline) => {
                eprintln!("error: the deadline passed before a formulation passed the checks");
                exit::LIMIT
            }
            None => {
                eprintln!("error: no formulation passed the checks after {} round(s)", run.transcript.len());
                exit::MODEL_ERROR
            }
        };
    };
    let text = serde_json::to_string_pretty(f).unwrap_or_default() + "\n";
    match &a.output {
        Some(p) => {
            if let Err(e) = std::fs::write(p, text) {
                eprintln!("error: cannot write {}: {e}", p.display());
                return exit::IO_ERROR;
            }
        }
        None if report::out(&text) => {}
        None => return exit::IO_ERROR,
    }
    exit::OK
}

/// `--time-limit` and `--deadline`: seconds, finite and not negative (0 stops at once).
pub(super) fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds (e.g. 60 or 0.5)")),
    }
}

/// `--mip-gap`'s default, as `--help` shows it: `solve::EXACT_MIP_GAP`.
pub(super) const EXACT_GAP_FLAG: &str = "1e-9";

/// `--mip-gap`: a relative gap in [0, 1].
pub(super) fn parse_gap(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a relative gap between 0 and 1 (e.g. 1e-4)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_defaults_and_limits_parse_as_documented() {
        assert_eq!(parse_gap(EXACT_GAP_FLAG), Ok(solve::EXACT_MIP_GAP));
        assert!(parse_gap("1.5").is_err() && parse_gap("-0.1").is_err() && parse_gap("NaN").is_err());
        assert_eq!(parse_seconds("0.5"), Ok(0.5));
        assert!(parse_seconds("-1").is_err() && parse_seconds("inf").is_err());
    }
}
