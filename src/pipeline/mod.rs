//! English in, verified optimum out: formulate with the LLM, run the deterministic core,
//! repair from the exact errors, and optionally vote over several samples.

pub mod evaluate;
pub mod output;
pub mod prompt;
mod vote;

use std::time::Instant;

use serde::Serialize;
use serde_json::Value;

use crate::llm::{Client, LlmError, Message, Sampling, Usage};
use crate::solve::Status;
use evaluate::{evaluate, Verdict};
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
}

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
        }
    }
}

/// How the repair loop checks an answer: as asked, except that a structural error ends the
/// check before the build stage, so a repair prompt quotes one stage's errors at a time.
pub fn check_options(opts: crate::model::Options) -> crate::model::Options {
    crate::model::Options { build_after_load_errors: false, ..opts }
}

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
}

/// Least sampling temperature of repair rounds.
pub const REPAIR_TEMPERATURE: f64 = 0.4;

fn progress(on: bool, line: String) {
    if on {
        eprintln!("{line}");
    }
}

/// One sample: formulate, then repair until a verified optimum or the rounds run out. An
/// infeasible or unbounded result is kept as the answer if no round does better.
async fn run_sample(
    client: &Client,
    problem: &str,
    opts: &Options,
    index: u32,
    transcript: &mut Vec<Round>,
) -> Result<Sample, LlmError> {
    let mut messages = prompt::opening(problem);
    let first = Sampling {
        temperature: opts.temperature,
        max_tokens: opts.max_tokens,
        seed: Some(opts.seed + u64::from(index)),
    };
    // At temperature 0 a model tends to repeat its broken answer word for word: repairs
    // sample a little more freely.
    let repairing = Sampling { temperature: opts.temperature.max(REPAIR_TEMPERATURE), ..first.clone() };
    let schema = crate::llm::schema::formulation_schema(client.endpoint().bounded_schema);
    let mut kept: Option<Sample> = None;
    let mut last: Option<Sample> = None;
    for round in 1..=opts.max_repairs + 1 {
        let tag = format!("[sample {}/{} · round {round}]", index + 1, opts.samples);
        progress(opts.progress, format!("{tag} asking {} …", client.endpoint().model));
        let sampling = if round == 1 { &first } else { &repairing };
        let c = client.chat(&messages, sampling, &schema).await?;
        let reply = c.content.clone();
        let truncated = c.truncated();
        let solve = !opts.check_only;
        let check = opts.check.clone();
        let ev = tokio::task::spawn_blocking(move || evaluate(&reply, truncated, solve, &check))
            .await
            .expect("evaluation does not panic");
        let error = match &ev.verdict {
            Verdict::Failed { summary, .. } => Some(summary.clone()),
            Verdict::Terminal { detail, .. } => Some(detail.clone()),
            Verdict::Solved { .. } | Verdict::Checked => None,
        };
        let source = if c.cached { "cache".to_string() } else { format!("{:.1} s", c.latency_ms as f64 / 1000.0) };
        progress(
            opts.progress,
            format!(
                "{tag} {} tokens ({source}) → {}",
                c.usage.completion_tokens,
                match &ev.verdict {
                    Verdict::Solved { objective, .. } =>
                        format!("verified optimum {}", crate::solve::clean(*objective)),
                    v => format!("{}: {}", v.class(), error.clone().unwrap_or_default()),
                }
            ),
        );
        transcript.push(Round {
            sample: index,
            round,
            messages: messages.clone(),
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
        });
        let sample = Sample { index, verdict: ev.verdict.clone(), formulation: ev.formulation, rounds: round };
        match &ev.verdict {
            Verdict::Solved { .. } | Verdict::Checked => return Ok(sample),
            Verdict::Terminal { .. } => kept = Some(sample.clone()),
            Verdict::Failed { .. } => {}
        }
        last = Some(sample);
        if round <= opts.max_repairs {
            messages.push(Message::assistant(c.content));
            messages.push(prompt::repair(&ev.verdict));
        }
    }
    Ok(kept.or(last).expect("at least one round ran"))
}

/// Runs `opts.samples` independent samples and votes.
pub async fn solve_problem(client: &Client, problem: &str, opts: &Options) -> Result<Run, LlmError> {
    let start = Instant::now();
    let mut transcript = Vec::new();
    let mut samples = Vec::new();
    for index in 0..opts.samples {
        samples.push(run_sample(client, problem, opts, index, &mut transcript).await?);
    }
    let usage = transcript.iter().fold(Usage::default(), |u, r| Usage {
        prompt_tokens: u.prompt_tokens + r.usage.prompt_tokens,
        completion_tokens: u.completion_tokens + r.usage.completion_tokens,
    });
    let cost = client
        .endpoint()
        .price
        .map(|p| (usage.prompt_tokens as f64 * p.input + usage.completion_tokens as f64 * p.output) / 1e6);
    Ok(Run {
        problem: problem.to_string(),
        model: client.endpoint().model.clone(),
        answer: vote(&samples),
        samples,
        llm_seconds: transcript.iter().map(|r| r.latency_ms as f64 / 1000.0).sum(),
        transcript,
        usage,
        seconds: start.elapsed().as_secs_f64(),
        cost,
    })
}

impl Run {
    /// The status of the answer, as `optform run` would report it.
    pub fn status(&self) -> Option<Status> {
        self.answer.status
    }
}
