//! `optform bench`: the solve pipeline over benchmark datasets with bounded concurrency,
//! resumable results, strict scoring and reports; `optform score` merges runs and gates CI.

pub mod dataset;
pub mod html;
pub mod metrics;
pub mod score;
pub mod split;

use std::collections::{BTreeMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::llm::Client;
use crate::pipeline::{evaluate::Verdict, solve_problem, Options, Run};
use dataset::{Dataset, Expected, Item};
use metrics::ResultLine;
use score::{correct, paper_compatible, Predicted, Rule};
pub use split::Split;

#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub limit: Option<usize>,
    pub sample: Option<usize>,
    pub seed: u64,
    /// Only the dev or the test items ([`split`]).
    pub split: Option<Split>,
    /// `(k, n)`: run the k-th (1-based) of n deterministic slices.
    pub shard: Option<(usize, usize)>,
    pub concurrency: usize,
    pub pipeline: Options,
    /// Per problem, whole loop included.
    pub timeout: Duration,
    pub rtol: Option<f64>,
    pub atol: Option<f64>,
    pub run_dir: PathBuf,
    pub resume: bool,
    /// With `resume`: keep `llm-error` and `timeout` lines rather than run those problems again.
    pub keep_failures: bool,
    /// With `resume`: continue even if the run directory was made by a different run.
    pub force: bool,
    pub quiet: bool,
}

/// Classes of a line that says nothing about the formulation, only that the run was cut
/// short: `--resume` runs those problems again.
pub const RETRIED_CLASSES: [&str; 2] = ["llm-error", "timeout"];

/// The problems a run covers, in dataset order: `--split` keeps the dev or test items,
/// `--sample` draws a seeded subset of those, `--limit` takes the first, `--shard` a
/// deterministic slice of what remains.
pub fn select<'d>(d: &'d Dataset, o: &BenchOptions) -> Vec<&'d Item> {
    let mut idx: Vec<usize> = match o.split {
        // A dataset without a test split is all dev.
        Some(s) => split::positions(&d.name, d.items.len(), s).unwrap_or_else(|| {
            if s == Split::Dev {
                (0..d.items.len()).collect()
            } else {
                Vec::new()
            }
        }),
        None => (0..d.items.len()).collect(),
    };
    if let Some(n) = o.sample {
        idx = split::shuffled(idx, o.seed);
        idx.truncate(n);
        idx.sort_unstable();
    }
    if let Some(n) = o.limit {
        idx.truncate(n);
    }
    if let Some((k, n)) = o.shard {
        idx = idx.into_iter().enumerate().filter(|(p, _)| p % n == k - 1).map(|(_, i)| i).collect();
    }
    idx.into_iter().map(|i| &d.items[i]).collect()
}

/// Reads `results.jsonl`, cutting off a line left half-written by an interruption. A problem
/// run again by `--resume` has several lines: the last one wins, in its place.
pub fn read_results(path: &Path) -> Vec<ResultLine> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<ResultLine> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let mut last = std::collections::HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        last.insert((l.dataset.as_str(), l.id.as_str()), i);
    }
    let keep: HashSet<usize> = last.into_values().collect();
    lines.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, l)| l).collect()
}

fn truncate_partial_line(path: &Path) -> std::io::Result<()> {
    let Ok(bytes) = std::fs::read(path) else { return Ok(()) };
    let keep = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    if keep < bytes.len() {
        std::fs::OpenOptions::new().write(true).open(path)?.set_len(keep as u64)?;
    }
    Ok(())
}

/// SHA-256 of the prompt templates as the engine renders them, written into every report.
pub fn prompts_sha256(engine: &crate::pipeline::Engine) -> String {
    let mut h = Sha256::new();
    for m in crate::pipeline::prompt::opening("", engine.examples) {
        h.update(m.content.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

fn predicted(status: Option<&str>, objective: Option<f64>) -> Predicted {
    let status = status
        .and_then(|s| ["optimal", "infeasible", "unbounded", "infeasible-or-unbounded"].into_iter().find(|k| *k == s));
    Predicted { status, objective, timed_out: false }
}

/// Whether a continuous formulation's answer looks like the LP relaxation of the integer
/// problem the label describes: the same formulation with integer variables reaches the label.
fn relaxation_looking(
    formulation: Option<&Value>,
    expected: Expected,
    rule: Rule,
    opts: &crate::model::Options,
) -> bool {
    let (Some(f), Expected::Objective(_)) = (formulation, expected) else { return false };
    let text = f.to_string();
    let Ok(checked) = crate::check::check(crate::check::Source::Text { text: &text, origin: "formulation" }, opts)
    else {
        return false;
    };
    let mut c = checked.compiled;
    if c.is_mip() || c.hessian.is_some() {
        return false;
    }
    c.integrality.fill(crate::compile::INTEGER);
    let out = crate::solve::solve(&c, &crate::solve::Options { time_limit: Some(10.0), ..Default::default() });
    out.status == crate::solve::Status::Optimal && correct(rule, expected, &predicted(Some("optimal"), out.objective))
}

/// A problem that ended without an answer: its class and what happened, in words.
struct Failure {
    class: &'static str,
    message: String,
}

/// Scores one finished (or failed) problem.
fn line(
    dataset: &str,
    item: &Item,
    rule: Rule,
    run: Result<Run, Failure>,
    seconds: f64,
    check: &crate::model::Options,
) -> ResultLine {
    let mut l = ResultLine {
        dataset: dataset.into(),
        id: item.id.clone(),
        expected: item.expected,
        status: None,
        objective: None,
        correct: false,
        paper_correct: false,
        class: String::new(),
        rounds: 0,
        correct_without_repair: false,
        agreement: (0, 0),
        samples_correct: Vec::new(),
        prompt_tokens: 0,
        completion_tokens: 0,
        llm_seconds: 0.0,
        seconds,
        cost: None,
        rule,
        error: None,
        // Kept even when the run fails, so both scores count every problem.
        dataset_label: item.dataset_label,
        correct_by_dataset_label: item.dataset_label.map(|_| false),
    };
    let run = match run {
        Ok(run) => run,
        Err(Failure { class, message }) => {
            l.class = class.into();
            l.error = Some(message);
            return l;
        }
    };
    let a = &run.answer;
    l.status = a.status.map(|s| s.as_str().to_string());
    l.objective = a.objective;
    let p = predicted(l.status.as_deref(), a.objective);
    l.correct = correct(rule, item.expected, &p);
    if let Some(own) = item.dataset_label {
        l.correct_by_dataset_label = Some(correct(rule, own, &p));
    }
    let winner = a.sample.and_then(|i| run.samples.iter().find(|s| s.index == i));
    l.rounds = winner.map_or(run.transcript.len() as u32, |s| s.rounds);
    let relaxation =
        !l.correct && relaxation_looking(winner.and_then(|s| s.formulation.as_ref()), item.expected, rule, check);
    l.paper_correct = !relaxation && paper_compatible(item.expected, &p);
    let first = run.transcript.first();
    l.correct_without_repair = first.is_some_and(|r| {
        let status = match r.outcome {
            "solved" => Some("optimal"),
            other => Some(other),
        };
        correct(rule, item.expected, &predicted(status, r.objective))
    });
    l.agreement = a.agreement;
    l.samples_correct = run
        .samples
        .iter()
        .map(|s| match &s.verdict {
            Verdict::Solved { objective, .. } => {
                correct(rule, item.expected, &predicted(Some("optimal"), Some(*objective)))
            }
            Verdict::Terminal { status, .. } => correct(rule, item.expected, &predicted(Some(status.as_str()), None)),
            Verdict::Failed { .. } | Verdict::Checked => false,
        })
        .collect();
    l.class = if l.correct {
        "solved".into()
    } else if relaxation {
        "relaxation".into()
    } else {
        match (a.status, winner.or(run.samples.last()).map(|s| s.verdict.class())) {
            (Some(crate::solve::Status::Optimal), _) => "wrong-objective".into(),
            (Some(_), _) => "solver-status".into(),
            (None, Some("invalid-json" | "truncated")) => "no-json".into(),
            (None, Some("check")) => "check".into(),
            (None, _) => "solver-status".into(),
        }
    };
    l.error = match l.class.as_str() {
        "solved" => None,
        "relaxation" => Some("a continuous formulation: with integer variables it reaches the label".into()),
        "wrong-objective" => {
            a.objective.map(|v| format!("verified optimum {}, the label is {}", crate::solve::pretty(v), item.expected))
        }
        _ => run.transcript.last().and_then(|r| r.error.clone()),
    };
    l.prompt_tokens = run.usage.prompt_tokens;
    l.completion_tokens = run.usage.completion_tokens;
    l.llm_seconds = run.llm_seconds;
    l.cost = run.cost;
    l
}

/// `problems/<dataset>/<id>` in the run directory. Ids come from dataset files: anything but
/// letters, digits, `.`, `-` and `_` becomes `_`, so no id can name a path outside the run.
pub fn problem_dir(run_dir: &Path, dataset: &str, id: &str) -> PathBuf {
    let safe = |s: &str| {
        let t: String =
            s.chars().map(|c| if c.is_ascii_alphanumeric() || "._-".contains(c) { c } else { '_' }).collect();
        if t.is_empty() || t.chars().all(|c| c == '.') {
            format!("_{t}")
        } else {
            t
        }
    };
    run_dir.join("problems").join(safe(dataset)).join(safe(id))
}

/// What makes two runs comparable: the problems selected, the model, the prompts and the
/// sampling. A run directory records it in `run.json`.
fn fingerprint(client: &Client, datasets: &[Dataset], o: &BenchOptions) -> Value {
    let selection: BTreeMap<&str, Vec<&str>> =
        datasets.iter().map(|d| (d.name.as_str(), select(d, o).iter().map(|i| i.id.as_str()).collect())).collect();
    let mut h = Sha256::new();
    h.update(serde_json::to_string(&selection).unwrap_or_default().as_bytes());
    serde_json::json!({
        "selection_sha256": h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>(),
        "problems": selection.values().map(Vec::len).sum::<usize>(),
        // Not the endpoint's address: the same model may be served from elsewhere on resume.
        "model": client.endpoint().model,
        "prompts_sha256": prompts_sha256(&o.pipeline.engine),
        "engine": o.pipeline.engine,
        "samples": o.pipeline.samples,
        "temperature": o.pipeline.temperature,
        "max_repairs": o.pipeline.max_repairs,
    })
}

/// Writes `run.json` for a new run; for a resumed one, refuses a different fingerprint unless
/// `force`: lines of two different runs would be scored as one.
fn check_fingerprint(dir: &Path, now: &Value, force: bool) -> std::io::Result<()> {
    let path = dir.join("run.json");
    let before: Option<Value> = std::fs::read_to_string(&path).ok().and_then(|t| serde_json::from_str(&t).ok());
    if let Some(before) = before.filter(|b| b != now && !force) {
        let differs: Vec<String> = now
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(k, v)| before.get(k.as_str()) != Some(v))
            .map(|(k, v)| format!("{k}: {} → {v}", before.get(k.as_str()).unwrap_or(&Value::Null)))
            .collect();
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "{} was made by a different run ({}); choose another --run-dir, or pass --force to mix them",
                dir.display(),
                differs.join("; ")
            ),
        ));
    }
    let text = serde_json::to_string_pretty(now).map_err(std::io::Error::other)? + "\n";
    std::fs::write(&path, text)
        .map_err(|e| std::io::Error::new(e.kind(), format!("cannot write {}: {e}", path.display())))
}

/// Runs every selected problem of every dataset, appending to `results.jsonl` as each finishes.
pub async fn run(client: Arc<Client>, datasets: &[Dataset], o: &BenchOptions) -> std::io::Result<Vec<ResultLine>> {
    std::fs::create_dir_all(&o.run_dir)?;
    let path = o.run_dir.join("results.jsonl");
    if !o.resume && path.exists() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            format!("{} exists: pass --resume to continue it, or choose another --run-dir", path.display()),
        ));
    }
    check_fingerprint(&o.run_dir, &fingerprint(&client, datasets, o), o.force)?;
    truncate_partial_line(&path)?;
    let done: HashSet<(String, String)> = read_results(&path)
        .into_iter()
        .filter(|l| o.keep_failures || !RETRIED_CLASSES.contains(&l.class.as_str()))
        .map(|l| (l.dataset, l.id))
        .collect();
    let file = Arc::new(Mutex::new(std::fs::OpenOptions::new().create(true).append(true).open(&path)?));
    let mut jobs = Vec::new();
    for d in datasets {
        let rule = Rule { rtol: o.rtol.unwrap_or(1e-6), atol: o.atol.unwrap_or(Rule::for_dataset(&d.name).atol) };
        for item in select(d, o) {
            if !done.contains(&(d.name.clone(), item.id.clone())) {
                jobs.push((d.name.clone(), item.clone(), rule));
            }
        }
    }
    let bar = indicatif::ProgressBar::new(jobs.len() as u64);
    if o.quiet {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} · {msg} · elapsed {elapsed} · ETA {eta}")
            .expect("a valid template"),
    );
    let tally = Arc::new(Mutex::new((0usize, 0usize, 0usize))); // (correct, finished, failed)
    let permits = Arc::new(tokio::sync::Semaphore::new(o.concurrency.max(1)));
    let mut set = tokio::task::JoinSet::new();
    for (name, item, rule) in jobs {
        let (client, permits, file, bar, tally, results_path) =
            (client.clone(), permits.clone(), file.clone(), bar.clone(), tally.clone(), path.clone());
        let run_dir = o.run_dir.clone();
        let (mut opts, timeout) = (Options { progress: false, ..o.pipeline.clone() }, o.timeout);
        set.spawn(async move {
            // Closed only if the run is dropped, and then nothing is left to do.
            let Ok(_permit) = permits.acquire_owned().await else { return Ok(()) };
            let start = Instant::now();
            // The problem's own token (a fresh flag: raising it must not stop the other
            // problems): its deadline, or the flag raised on timeout, stops the HiGHS solve
            // still running in a blocking thread, which the runtime would otherwise wait for
            // before the process can exit.
            let deadline = start.checked_add(timeout).into_iter().chain(opts.solver.cancel.deadline()).min();
            let cancel = deadline.map_or_else(crate::solve::Cancel::default, crate::solve::Cancel::with_deadline);
            opts.solver.cancel = cancel.clone();
            let timed_out = || Failure {
                class: "timeout",
                message: format!("no answer within --problem-timeout {}s", timeout.as_secs_f64()),
            };
            let run = match tokio::time::timeout(timeout, solve_problem(&client, &item.question, &opts)).await {
                Ok(Ok(run)) if run.interrupted.is_some() => Err(timed_out()),
                Ok(Ok(run)) => Ok(run),
                Ok(Err(e)) => Err(Failure {
                    class: if matches!(e, crate::llm::LlmError::Timeout { .. }) { "timeout" } else { "llm-error" },
                    message: e.to_string(),
                }),
                Err(_) => {
                    cancel.cancel();
                    Err(timed_out())
                }
            };
            let (id, dataset) = (item.id.clone(), name.clone());
            let check = opts.check.clone();
            let (result, written) = tokio::task::spawn_blocking(move || {
                // The formulation, answer, transcript and report of each problem, as `solve --out`.
                let dir = problem_dir(&run_dir, &name, &item.id);
                let written = run.as_ref().map_or(Ok(()), |r| crate::pipeline::output::write_dir(r, &dir));
                (line(&name, &item, rule, run, start.elapsed().as_secs_f64(), &check), written)
            })
            .await
            .map_err(|e| std::io::Error::other(format!("scoring {dataset}/{id} failed: {e}")))?;
            written.map_err(|e| std::io::Error::other(e.to_string()))?;
            let text = serde_json::to_string(&result).map_err(std::io::Error::other)? + "\n";
            {
                let mut f = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
                f.write_all(text.as_bytes()).and_then(|_| f.flush()).map_err(|e| {
                    std::io::Error::new(e.kind(), format!("cannot write {}: {e}", results_path.display()))
                })?;
            }
            let mut t = tally.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            t.0 += usize::from(result.correct);
            t.1 += 1;
            t.2 += usize::from(matches!(result.class.as_str(), "llm-error" | "timeout"));
            bar.set_message(format!("accuracy {:.1} % · failures {}", 100.0 * t.0 as f64 / t.1 as f64, t.2));
            bar.inc(1);
            Ok::<(), std::io::Error>(())
        });
    }
    let mut failure = None;
    while let Some(r) = set.join_next().await {
        let r = r.map_err(|e| std::io::Error::other(format!("a bench task failed: {e}"))).and_then(|r| r);
        if let Err(e) = r {
            failure.get_or_insert(e);
        }
    }
    bar.finish_and_clear();
    match failure {
        Some(e) => Err(e),
        None => Ok(read_results(&path)),
    }
}

/// The header of a run's report.
pub fn header(client: &Client, datasets: &[Dataset], o: &BenchOptions) -> metrics::Header {
    metrics::Header {
        optform_version: env!("CARGO_PKG_VERSION").into(),
        model: client.endpoint().model.clone(),
        base_url: client.endpoint().base_url.clone(),
        prompts_sha256: prompts_sha256(&o.pipeline.engine),
        engine: serde_json::to_string(&o.pipeline.engine).unwrap_or_default(),
        datasets: datasets.iter().map(|d| (d.name.clone(), d.sha256.clone())).collect(),
        rules: datasets
            .iter()
            .map(|d| {
                (
                    d.name.clone(),
                    Rule { rtol: o.rtol.unwrap_or(1e-6), atol: o.atol.unwrap_or(Rule::for_dataset(&d.name).atol) },
                )
            })
            .collect::<BTreeMap<_, _>>(),
        samples: o.pipeline.samples,
        max_repairs: o.pipeline.max_repairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> BenchOptions {
        BenchOptions {
            limit: None,
            sample: None,
            seed: 1,
            split: None,
            shard: None,
            concurrency: 1,
            pipeline: Options::default(),
            timeout: Duration::from_secs(1),
            rtol: None,
            atol: None,
            run_dir: PathBuf::new(),
            resume: false,
            keep_failures: false,
            force: false,
            quiet: true,
        }
    }

    #[test]
    fn problem_dirs_stay_inside_the_run_whatever_the_id() {
        let run = Path::new("run");
        assert_eq!(problem_dir(run, "nl4opt", "nl4opt-1"), Path::new("run/problems/nl4opt/nl4opt-1"));
        for (id, dir) in [("../../etc/passwd", ".._.._etc_passwd"), ("..", "_.."), ("", "_"), ("a b/c", "a_b_c")] {
            assert_eq!(problem_dir(run, "d", id), Path::new("run/problems/d").join(dir), "{id}");
        }
    }

    #[test]
    fn samples_are_seeded_and_shards_partition() {
        let d = dataset::find("nl4opt", None).unwrap();
        let a: Vec<&str> =
            select(&d, &BenchOptions { sample: Some(20), seed: 7, ..opts() }).iter().map(|i| i.id.as_str()).collect();
        let b: Vec<&str> =
            select(&d, &BenchOptions { sample: Some(20), seed: 7, ..opts() }).iter().map(|i| i.id.as_str()).collect();
        let c: Vec<&str> =
            select(&d, &BenchOptions { sample: Some(20), seed: 8, ..opts() }).iter().map(|i| i.id.as_str()).collect();
        assert_eq!((a.len(), a == b, a == c), (20, true, false));
        let mut all: Vec<&str> = Vec::new();
        for k in 1..=3 {
            all.extend(
                select(&d, &BenchOptions { sample: Some(20), seed: 7, shard: Some((k, 3)), ..opts() })
                    .iter()
                    .map(|i| i.id.as_str()),
            );
        }
        all.sort_unstable();
        let mut sorted = a.clone();
        sorted.sort_unstable();
        assert_eq!(all, sorted, "the shards cover the sample exactly once");
    }
}
