//! `optform solve` and `optform formulate`: the LLM pipeline from the command line.

use std::path::Path;

use super::{exit, report, FormulateArgs, LlmArgs, SolveArgs};
use crate::pipeline::evaluate::Verdict;
use crate::pipeline::{output, solve_problem, Options, Run};
use crate::solve::Status;

pub(super) fn client(a: &LlmArgs) -> Result<crate::llm::Client, String> {
    use crate::llm::config;
    let file = config::read_file_config(&a.config)?;
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

fn read_problem(path: &std::path::Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
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

/// Reads the problem, connects, and runs the pipeline; on failure prints why and returns the
/// exit code.
fn run_pipeline(problem: &Path, llm: &LlmArgs, opts: &Options) -> Result<Run, i32> {
    let (problem, client) = read_problem(problem).and_then(|p| Ok((p, client(llm)?))).map_err(|e| {
        eprintln!("error: {e}");
        exit::USAGE
    })?;
    runtime().block_on(solve_problem(&client, &problem, opts)).map_err(|e| {
        eprintln!("error: {e}");
        exit::LLM_ERROR
    })
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
    };
    let run = match run_pipeline(&a.problem, &a.llm, &opts) {
        Ok(run) => run,
        Err(code) => return code,
    };
    if let Some(dir) = &a.out {
        if let Err(e) = output::write_dir(&run, dir) {
            eprintln!("error: cannot write {}: {e}", dir.display());
        }
    }
    if a.json {
        report::out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&output::summary_json(&run, true)).expect("serializable")
        ));
    } else {
        report::out(&output::summary_text(&run));
    }
    match run.answer.status {
        Some(Status::Optimal) => exit::OK,
        Some(Status::Infeasible) => exit::INFEASIBLE,
        Some(_) => exit::UNBOUNDED,
        None => exit::MODEL_ERROR,
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
        ..Default::default()
    };
    let run = match run_pipeline(&a.problem, &a.llm, &opts) {
        Ok(run) => run,
        Err(code) => return code,
    };
    let checked = run.samples.first().filter(|s| matches!(s.verdict, Verdict::Checked));
    let Some(f) = checked.and_then(|s| s.formulation.as_ref()) else {
        eprintln!("error: no formulation passed the checks after {} round(s)", run.transcript.len());
        return exit::MODEL_ERROR;
    };
    let text = serde_json::to_string_pretty(f).expect("serializable") + "\n";
    match &a.output {
        Some(p) => {
            if let Err(e) = std::fs::write(p, text) {
                eprintln!("error: cannot write {}: {e}", p.display());
                return exit::USAGE;
            }
        }
        None if report::out(&text) => {}
        None => return exit::IO_ERROR,
    }
    exit::OK
}
