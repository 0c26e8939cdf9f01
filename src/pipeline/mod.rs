//! English in, verified optimum out: formulate with the LLM, run the deterministic core,
//! repair from the exact errors, and optionally vote over several samples.

pub mod direction;
pub mod engine;
pub mod evaluate;
pub mod grounding;
pub mod library;
pub mod output;
pub mod prompt;
pub mod slips;
mod vote;

use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::llm::{Client, LlmError, Message, Sampling, Usage};
use crate::solve::{self, Status};
pub use engine::{Engine, RepairMode};
use evaluate::{evaluate, Evaluated, Verdict};
pub use vote::{vote, Answer};

#[derive(Debug, Clone)]
pub struct Options {
    pub max_repairs: u32,
    pub samples: u32,
    pub temperature: f64,
    pub max_tokens: u32,
    /// Seed of the first sample (sample `k` uses `seed + k`), for servers that honour it.
    pub seed: u64,
    /// Progress lines on stderr.
    pub progress: bool,
    /// Stop once a formulation passes the checks (`optform formulate`): no solving.
    pub check_only: bool,
    /// What the LLM's formulations may read (by default no data file) and their size limits.
    pub check: crate::model::Options,
    /// HiGHS settings of every solve; its token also ends the whole loop (`--deadline`).
    pub solver: solve::Options,
    /// Which accuracy components run.
    pub engine: Engine,
}

/// Seconds one HiGHS call of the pipeline may take: a formulation that needs longer is sent
/// back for repair rather than holding the loop.
pub const DEFAULT_TIME_LIMIT: f64 = 60.0;

impl Default for Options {
    fn default() -> Self {
        Options {
            max_repairs: 3,
            samples: 1,
            temperature: 0.0,
            max_tokens: 4096,
            seed: 1,
            progress: false,
            check_only: false,
            check: check_options(crate::model::Options::default()),
            solver: solve::Options { time_limit: Some(DEFAULT_TIME_LIMIT), ..Default::default() },
            engine: Engine::default(),
        }
    }
}

/// How the repair loop checks an answer: as asked, except that a structural error ends the
/// check before the build stage, so a repair prompt quotes one stage's errors at a time.
pub fn check_options(opts: crate::model::Options) -> crate::model::Options {
    crate::model::Options { build_after_load_errors: false, ..opts }
}

/// Why a run ended before every sample had its rounds. What it had by then is still in the
/// `Run`.
#[derive(Debug, Clone, PartialEq)]
pub enum Interruption {
    /// The LLM endpoint failed.
    Llm(LlmError),
    /// The deadline passed, or the token was raised.
    Deadline,
}

impl std::fmt::Display for Interruption {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Interruption::Llm(e) => write!(f, "{e}"),
            Interruption::Deadline => f.write_str("the deadline passed; this is the best answer so far"),
        }
    }
}

/// Told about every round as soon as it ends (`--out` writes as the run goes).
pub type OnRound<'a> = dyn FnMut(&Round, Option<&Value>) + Send + 'a;

/// One request/response of the conversation, as written to `transcript.jsonl`.
#[derive(Debug, Clone, Serialize)]
pub struct Round {
    pub sample: u32,
    pub round: u32,
    pub messages: Vec<Message>,
    pub response: String,
    pub finish_reason: String,
    pub usage: Usage,
    pub latency_ms: u64,
    pub cached: bool,
    pub attempts: u32,
    /// `solved`, `infeasible`, `unbounded`, or the failure class (`check`, `invalid-json`, …).
    pub outcome: &'static str,
    /// The verified optimum this round reached, if it did.
    pub objective: Option<f64>,
    pub error: Option<String>,
    /// Slips fixed in the answer before it was checked.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fixes: Vec<String>,
    /// Numbers of the text and the formulation that do not match (a solved round only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grounding: Option<grounding::Grounding>,
    /// Why this round was asked: `formulate`, `repair`, or `grounding`.
    pub purpose: &'static str,
}

/// Where one sample ended.
#[derive(Debug, Clone, Serialize)]
pub struct Sample {
    pub index: u32,
    pub verdict: Verdict,
    pub formulation: Option<Value>,
    pub rounds: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Run {
    pub problem: String,
    pub model: String,
    pub answer: Answer,
    pub samples: Vec<Sample>,
    #[serde(skip)]
    pub transcript: Vec<Round>,
    pub usage: Usage,
    pub llm_seconds: f64,
    pub seconds: f64,
    /// US dollars, when the endpoint's model has a price.
    pub cost: Option<f64>,
    /// Set when the run stopped early (endpoint failure, deadline).
    #[serde(skip)]
    pub interrupted: Option<Interruption>,
}

/// Least sampling temperature of repair rounds.
pub const REPAIR_TEMPERATURE: f64 = 0.4;

fn progress(on: bool, line: String) {
    if on {
        eprintln!("{line}");
    }
}

/// A reply taken through the core off the async threads: HiGHS blocks.
async fn evaluate_blocking(reply: String, truncated: bool, opts: &Options) -> Evaluated {
    let (solve, check, solver) = (!opts.check_only, opts.check.clone(), opts.solver.clone());
    let slip_fixes = opts.engine.slip_fixes;
    tokio::task::spawn_blocking(move || evaluate(&reply, truncated, solve, slip_fixes, &check, &solver))
        .await
        .unwrap_or_else(|e| Evaluated {
            formulation: None,
            verdict: Verdict::Failed {
                class: "internal",
                summary: "optform failed while evaluating this answer".into(),
                details: e.to_string(),
            },
            fixes: Vec::new(),
        })
}

/// Asks the model, giving up when the deadline passes.
async fn ask(
    client: &Client,
    messages: &[Message],
    sampling: &Sampling,
    schema: &Value,
    cancel: &solve::Cancel,
) -> Result<crate::llm::Completion, Interruption> {
    let chat = client.chat(messages, sampling, schema);
    let answer = match cancel.remaining() {
        Some(left) => tokio::time::timeout(left, chat).await.map_err(|_| Interruption::Deadline)?,
        None => chat.await,
    };
    answer.map_err(Interruption::Llm)
}

/// One request of a sample and its evaluation, reported and recorded.
struct Asked {
    content: String,
    ev: Evaluated,
    grounding: Option<grounding::Grounding>,
}

/// What every round of one sample shares.
struct SampleCtx<'a, 'b> {
    client: &'a Client,
    problem: &'a str,
    opts: &'a Options,
    index: u32,
    schema: Value,
    transcript: &'a mut Vec<Round>,
    on_round: &'a mut OnRound<'b>,
}

impl SampleCtx<'_, '_> {
    /// Asks, evaluates, reports and records one round.
    async fn round(
        &mut self,
        round: u32,
        purpose: &'static str,
        messages: &[Message],
        sampling: &Sampling,
    ) -> Result<Asked, Interruption> {
        let opts = self.opts;
        let tag = format!("[sample {}/{} · round {round}]", self.index.saturating_add(1), opts.samples);
        progress(opts.progress, format!("{tag} asking {} ({purpose}) …", self.client.endpoint().model));
        let c = ask(self.client, messages, sampling, &self.schema, &opts.solver.cancel).await?;
        let mut ev = evaluate_blocking(c.content.clone(), c.truncated(), opts).await;
        if opts.engine.requirement_fix {
            ev = requirements_as_minimums(self.problem, opts, ev).await;
        }
        let grounding = match (&ev.verdict, &ev.formulation) {
            (Verdict::Solved { variables, .. }, Some(f)) => {
                Some(grounding::Grounding { trivial: variables.is_empty(), ..grounding::ground(self.problem, f) })
            }
            _ => None,
        };
        let error = match &ev.verdict {
            Verdict::Failed { summary, .. } => Some(summary.clone()),
            Verdict::Terminal { detail, .. } => Some(detail.clone()),
            Verdict::Solved { .. } | Verdict::Checked => None,
        };
        let source = if c.cached { "cache".to_string() } else { format!("{:.1} s", c.latency_ms as f64 / 1000.0) };
        let fixed = if ev.fixes.is_empty() { String::new() } else { format!(" ({} slip(s) fixed)", ev.fixes.len()) };
        progress(
            opts.progress,
            format!(
                "{tag} {} tokens ({source}){fixed} → {}",
                c.usage.completion_tokens,
                match &ev.verdict {
                    Verdict::Solved { objective, .. } =>
                        format!("verified optimum {}", crate::solve::clean(*objective)),
                    v => format!("{}: {}", v.class(), error.clone().unwrap_or_default()),
                }
            ),
        );
        let record = Round {
            sample: self.index,
            round,
            messages: messages.to_vec(),
            response: c.content.clone(),
            finish_reason: c.finish_reason.clone(),
            usage: c.usage,
            latency_ms: c.latency_ms,
            cached: c.cached,
            attempts: c.attempts,
            outcome: ev.verdict.class(),
            objective: match &ev.verdict {
                Verdict::Solved { objective, .. } => Some(*objective),
                _ => None,
            },
            error,
            fixes: ev.fixes.clone(),
            grounding: grounding.clone(),
            purpose,
        };
        (self.on_round)(&record, ev.formulation.as_ref());
        self.transcript.push(record);
        Ok(Asked { content: c.content, ev, grounding })
    }
}

/// A solved formulation whose optimum is all zeros, with its requirements written as
/// limits turned round ([`direction`]): kept when that solves to a non-trivial optimum.
async fn requirements_as_minimums(problem: &str, opts: &Options, ev: Evaluated) -> Evaluated {
    let (Verdict::Solved { variables, .. }, Some(f)) = (&ev.verdict, &ev.formulation) else { return ev };
    if !variables.is_empty() {
        return ev;
    }
    let Some((candidate, changes)) = direction::requirements_as_minimums(problem, f) else { return ev };
    let turned = evaluate_blocking(candidate.to_string(), false, opts).await;
    match &turned.verdict {
        Verdict::Solved { variables, .. } if !variables.is_empty() => {
            Evaluated { fixes: ev.fixes.into_iter().chain(turned.fixes).chain(changes).collect(), ..turned }
        }
        _ => ev,
    }
}

/// One sample: formulate, then repair until a verified optimum or the rounds run out. An
/// infeasible or unbounded result is kept as the answer if no round does better. Returns the
/// sample (none when no round finished) and why it stopped early, if it did.
async fn run_sample(
    client: &Client,
    problem: &str,
    opts: &Options,
    index: u32,
    transcript: &mut Vec<Round>,
    on_round: &mut OnRound<'_>,
) -> (Option<Sample>, Option<Interruption>) {
    let engine = &opts.engine;
    let mut messages = prompt::opening(problem, engine.examples);
    let seed = opts.seed.wrapping_add(u64::from(index));
    let first = Sampling { temperature: opts.temperature, max_tokens: opts.max_tokens, seed: Some(seed) };
    // At temperature 0 a model tends to repeat its broken answer word for word: repairs
    // sample a little more freely.
    let repairing = Sampling { temperature: opts.temperature.max(REPAIR_TEMPERATURE), ..first.clone() };
    let schema = crate::llm::schema::formulation_schema(client.endpoint().bounded_schema);
    let mut ctx = SampleCtx { client, problem, opts, index, schema, transcript, on_round };
    let cancel = &opts.solver.cancel;
    let mut kept: Option<Sample> = None;
    let mut last: Option<Sample> = None;
    let rounds = opts.max_repairs.saturating_add(1);
    for round in 1..=rounds {
        if cancel.is_cancelled() {
            return (kept.or(last), Some(Interruption::Deadline));
        }
        let sampling = match (round, engine.repair) {
            (1, _) => first.clone(),
            (_, RepairMode::Continue) => repairing.clone(),
            // A fresh request differs from the last only by its hint: a new seed as well.
            (_, RepairMode::Fresh) => {
                Sampling { seed: Some(seed.wrapping_add(1000 * u64::from(round))), ..repairing.clone() }
            }
        };
        let purpose = if round == 1 { "formulate" } else { "repair" };
        let asked = match ctx.round(round, purpose, &messages, &sampling).await {
            Ok(a) => a,
            Err(stop) => return (kept.or(last), Some(stop)),
        };
        let sample = Sample {
            index,
            verdict: asked.ev.verdict.clone(),
            formulation: asked.ev.formulation.clone(),
            rounds: round,
        };
        match &asked.ev.verdict {
            Verdict::Solved { .. } => {
                let grounding = asked.grounding.unwrap_or_default();
                if !engine.grounding_round || grounding.is_clean() || cancel.is_cancelled() {
                    return (Some(sample), None);
                }
                return ground_once(&mut ctx, messages, asked.content, grounding, sample, &repairing, round + 1).await;
            }
            Verdict::Checked => return (Some(sample), None),
            Verdict::Terminal { .. } => kept = Some(sample.clone()),
            Verdict::Failed { .. } => {}
        }
        last = Some(sample);
        // A solve the deadline cut short is no failure of the formulation.
        if cancel.is_cancelled() {
            return (kept.or(last), Some(Interruption::Deadline));
        }
        if round < rounds {
            match engine.repair {
                RepairMode::Continue => {
                    messages.push(Message::assistant(asked.content));
                    messages.push(prompt::repair(&asked.ev.verdict));
                }
                RepairMode::Fresh => {
                    messages =
                        prompt::opening_with_hint(problem, engine.examples, Some(&prompt::hint(&asked.ev.verdict)));
                }
            }
        }
    }
    (kept.or(last), None)
}

/// The targeted round after a solved formulation whose numbers do not match the text: the
/// mismatches go back to the model once, and its new answer replaces the solved one only if
/// it solves too and leaves fewer mismatches.
async fn ground_once(
    ctx: &mut SampleCtx<'_, '_>,
    mut messages: Vec<Message>,
    answer: String,
    grounding: grounding::Grounding,
    solved: Sample,
    sampling: &Sampling,
    round: u32,
) -> (Option<Sample>, Option<Interruption>) {
    messages.push(Message::assistant(answer));
    messages.push(prompt::grounding(&grounding.lines()));
    match ctx.round(round, "grounding", &messages, sampling).await {
        Ok(Asked { ev, grounding: Some(better), .. })
            if matches!(ev.verdict, Verdict::Solved { .. }) && better.issues() < grounding.issues() =>
        {
            (
                Some(Sample { index: solved.index, verdict: ev.verdict, formulation: ev.formulation, rounds: round }),
                None,
            )
        }
        Ok(_) => (Some(solved), None),
        // The solved answer stands; the failure still ends the run.
        Err(stop) => (Some(solved), Some(stop)),
    }
}

/// Runs `opts.samples` independent samples and votes. An endpoint failure or the deadline
/// ends the run early: what it had by then is voted on and `interrupted` says why.
/// `on_round` hears of every round as it ends.
pub async fn run_problem(client: &Client, problem: &str, opts: &Options, on_round: &mut OnRound<'_>) -> Run {
    let start = Instant::now();
    let mut transcript = Vec::new();
    let mut samples = Vec::new();
    let mut interrupted = None;
    for index in 0..opts.samples {
        let (sample, stop) = run_sample(client, problem, opts, index, &mut transcript, on_round).await;
        samples.extend(sample);
        if stop.is_some() {
            interrupted = stop;
            break;
        }
    }
    let usage = transcript.iter().fold(Usage::default(), |u, r| Usage {
        prompt_tokens: u.prompt_tokens.saturating_add(r.usage.prompt_tokens),
        completion_tokens: u.completion_tokens.saturating_add(r.usage.completion_tokens),
    });
    let cost = client
        .endpoint()
        .price
        .map(|p| (usage.prompt_tokens as f64 * p.input + usage.completion_tokens as f64 * p.output) / 1e6);
    Run {
        problem: problem.to_string(),
        model: client.endpoint().model.clone(),
        answer: vote(&samples),
        samples,
        llm_seconds: transcript.iter().map(|r| r.latency_ms as f64 / 1000.0).sum(),
        transcript,
        usage,
        seconds: start.elapsed().as_secs_f64(),
        cost,
        interrupted,
    }
}

/// `run_problem` without observing rounds, failing on an endpoint error (what bench and the
/// library's callers want). A run cut short by the deadline is `Ok` with `interrupted` set.
pub async fn solve_problem(client: &Client, problem: &str, opts: &Options) -> Result<Run, LlmError> {
    let run = run_problem(client, problem, opts, &mut |_, _| {}).await;
    match run.interrupted {
        Some(Interruption::Llm(e)) => Err(e),
        _ => Ok(run),
    }
}

impl Run {
    /// The status of the answer, as `optform run` would report it.
    pub fn status(&self) -> Option<Status> {
        self.answer.status
    }
}
