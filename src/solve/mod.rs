//! Solving with HiGHS: options, status mapping, and the solution read back by name.

mod cancel;
mod highs;
mod lexicographic;
pub mod verify;

use std::time::Instant;

use serde::Serialize;

pub use cancel::Cancel;
pub use highs::Highs;
use highs_sys::*;

use crate::compile::Compiled;
use crate::model::Model;
pub use lexicographic::LevelOutcome;
pub use verify::{verify, verify_outcome, Verification};

/// The relative and absolute MIP gap at which HiGHS may stop by default: an answer is
/// scored strictly (1e-6 relative), so HiGHS's own default of 1e-4 would pass off a merely
/// good incumbent as the optimum. Not 0: a proof of exactly zero gap can stall on floating
/// point noise in the bounds.
pub const EXACT_MIP_GAP: f64 = 1e-9;

#[derive(Debug, Clone)]
pub struct Options {
    /// Seconds for one solve (HiGHS's `time_limit`, also the IIS computation's).
    pub time_limit: Option<f64>,
    /// Relative MIP gap at which HiGHS stops (`mip_rel_gap`); the absolute gap stays exact.
    pub mip_gap: f64,
    pub threads: Option<u32>,
    pub seed: Option<i32>,
    pub verbose: bool,
    /// Stops a running solve from outside, or at its deadline.
    pub cancel: Cancel,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            time_limit: None,
            mip_gap: EXACT_MIP_GAP,
            threads: None,
            seed: None,
            verbose: false,
            cancel: Cancel::default(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Optimal,
    Infeasible,
    Unbounded,
    InfeasibleOrUnbounded,
    TimeLimit,
    IterationLimit,
    /// HiGHS stopped for another reason (interrupt, memory, unknown).
    Stopped,
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Optimal => "optimal",
            Status::Infeasible => "infeasible",
            Status::Unbounded => "unbounded",
            Status::InfeasibleOrUnbounded => "infeasible-or-unbounded",
            Status::TimeLimit => "time-limit",
            Status::IterationLimit => "iteration-limit",
            Status::Stopped => "stopped",
            Status::Error => "error",
        }
    }
}

/// What HiGHS returned, with the point when there is one.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub status: Status,
    /// HiGHS's objective value (including the constant term), when a point exists.
    pub objective: Option<f64>,
    /// Relative MIP gap of the returned point (MIPs).
    pub mip_gap: Option<f64>,
    #[serde(skip)]
    pub x: Option<Vec<f64>>,
    /// Duals and activities: LPs only.
    #[serde(skip)]
    pub col_dual: Option<Vec<f64>>,
    #[serde(skip)]
    pub row_activity: Option<Vec<f64>>,
    #[serde(skip)]
    pub row_dual: Option<Vec<f64>>,
    pub message: Option<String>,
    pub seconds: f64,
    /// For an unbounded model: the columns of the direction along which it improves.
    #[serde(skip)]
    pub unbounded_columns: Vec<usize>,
    /// A lexicographic objective's levels in priority order (empty for a single objective);
    /// `objective` is then the first level's value at the point.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<LevelOutcome>,
}

fn configure(h: &mut Highs, o: &Options) -> Result<(), String> {
    if let Some(t) = o.cancel.limit_seconds(o.time_limit) {
        h.set_double("time_limit", t)?;
        h.set_double("iis_time_limit", t)?;
    }
    h.set_double("mip_rel_gap", o.mip_gap)?;
    h.set_double("mip_abs_gap", EXACT_MIP_GAP.min(o.mip_gap))?;
    h.set_interrupt(o.cancel.clone())?;
    if let Some(t) = o.threads {
        h.set_int("threads", t as i32)?;
    }
    if let Some(s) = o.seed {
        h.set_int("random_seed", s)?;
    }
    Ok(())
}

impl Outcome {
    /// A status without a point; the solution fields are filled in when HiGHS has one.
    fn bare(status: Status, message: Option<String>) -> Outcome {
        Outcome {
            status,
            objective: None,
            mip_gap: None,
            x: None,
            col_dual: None,
            row_activity: None,
            row_dual: None,
            message,
            seconds: 0.0,
            unbounded_columns: Vec::new(),
            levels: Vec::new(),
        }
    }
}

/// Why a solve that never started stopped: the deadline, or a raised token.
fn cancelled(cancel: &Cancel) -> Outcome {
    if cancel.is_raised() {
        Outcome::bare(Status::Stopped, Some("cancelled before HiGHS started".into()))
    } else {
        Outcome::bare(Status::TimeLimit, Some("the deadline passed before HiGHS started".into()))
    }
}

pub fn solve(c: &Compiled, o: &Options) -> Outcome {
    if !c.levels.is_empty() {
        return lexicographic::solve(c, o);
    }
    let start = Instant::now();
    if o.cancel.is_cancelled() {
        return cancelled(&o.cancel);
    }
    let mut h = Highs::new(o.verbose);
    if let Err(e) = configure(&mut h, o).and_then(|_| h.pass(c)).and_then(|_| h.run()) {
        return Outcome { seconds: start.elapsed().as_secs_f64(), ..Outcome::bare(Status::Error, Some(e)) };
    }
    finish(&mut h, c, start)
}

/// The outcome of the run `h` just made of `c`: status, and the point when there is one.
fn finish(h: &mut Highs, c: &Compiled, start: Instant) -> Outcome {
    let mut status = h.model_status();
    if status == MODEL_STATUS_UNBOUNDED_OR_INFEASIBLE {
        // Presolve often cannot tell which; the simplex without presolve can.
        let settled = h.set_string("presolve", "off").and_then(|_| h.run());
        if settled.is_ok() {
            status = h.model_status();
        }
    }
    let mapped = match status {
        MODEL_STATUS_OPTIMAL => Status::Optimal,
        MODEL_STATUS_INFEASIBLE => Status::Infeasible,
        MODEL_STATUS_UNBOUNDED => Status::Unbounded,
        MODEL_STATUS_UNBOUNDED_OR_INFEASIBLE => Status::InfeasibleOrUnbounded,
        MODEL_STATUS_REACHED_TIME_LIMIT => Status::TimeLimit,
        MODEL_STATUS_REACHED_ITERATION_LIMIT => Status::IterationLimit,
        MODEL_STATUS_MODEL_EMPTY => Status::Optimal,
        MODEL_STATUS_LOAD_ERROR
        | MODEL_STATUS_MODEL_ERROR
        | MODEL_STATUS_PRESOLVE_ERROR
        | MODEL_STATUS_SOLVE_ERROR
        | MODEL_STATUS_POSTSOLVE_ERROR => Status::Error,
        _ => Status::Stopped,
    };
    // A point exists when HiGHS says its primal solution is feasible (incumbents at limits).
    // An unbounded model's point is only a witness of feasibility, not an answer.
    let stopped_early = matches!(mapped, Status::TimeLimit | Status::IterationLimit | Status::Stopped);
    let has_point = mapped == Status::Optimal
        || (stopped_early && h.info_int("primal_solution_status") == Some(SOLUTION_STATUS_FEASIBLE));
    let message = match status {
        _ if mapped == Status::Error => Some(format!("HiGHS model status {status}")),
        MODEL_STATUS_REACHED_INTERRUPT => Some("cancelled while HiGHS was solving".to_string()),
        _ => None,
    };
    let mut out = Outcome::bare(mapped, message);
    if has_point {
        let (x, xd, r, rd) = h.solution(c.num_cols(), c.num_rows());
        out.objective = Some(h.objective_value());
        out.x = Some(x);
        out.row_activity = Some(r);
        if c.is_mip() {
            out.mip_gap = h.info_double("mip_gap");
        } else if mapped == Status::Optimal {
            out.col_dual = Some(xd);
            out.row_dual = Some(rd);
        }
    }
    if mapped == Status::Unbounded {
        if let Some(ray) = h.primal_ray(c.num_cols()) {
            out.unbounded_columns = ray.iter().enumerate().filter(|(_, v)| v.abs() > 1e-9).map(|(k, _)| k).collect();
        }
    }
    out.seconds = start.elapsed().as_secs_f64();
    out
}

/// How hard HiGHS looks for an irreducible infeasible subsystem.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IisSearch {
    /// HiGHS's default: only conflicts visible without solving (a row against bounds).
    Light,
    /// Solves the LP (of a MIP: its relaxation) and reduces the conflict to an irreducible one.
    Irreducible,
}

/// Rows of an irreducible infeasible subsystem of an infeasible model (empty when HiGHS
/// finds none, or runs out of time or is cancelled: `o`'s time limit and token apply).
///
/// The repair loop uses [`IisSearch::Light`]: its recorded replays were made with it, and a
/// stronger search changes the repair prompts (a change for the accuracy work to measure).
pub fn conflicting_rows(c: &Compiled, o: &Options, search: IisSearch) -> Vec<usize> {
    if o.cancel.is_cancelled() {
        return Vec::new();
    }
    let mut h = Highs::new(false);
    let strategy = match search {
        IisSearch::Light => None,
        // kIisStrategyFromLp + kIisStrategyIrreducible.
        IisSearch::Irreducible => Some(2 + 4),
    };
    let configured = configure(&mut h, o)
        .and_then(|_| strategy.map_or(Ok(()), |s| h.set_int("iis_strategy", s)))
        .and_then(|_| h.pass(c));
    if configured.is_err() {
        return Vec::new();
    }
    h.iis_rows(c.num_cols(), c.num_rows()).unwrap_or_default()
}

/// The declared variables' columns by name with their values, skipping (near-)zeros; the
/// auxiliary columns of reformulations are not part of the answer.
pub fn nonzero_columns(model: &Model, x: &[f64]) -> Vec<(String, f64)> {
    x.iter()
        .take(model.num_cols)
        .enumerate()
        .filter(|(_, v)| v.abs() > 1e-9)
        .map(|(c, &v)| (model.col_name(c), clean(v)))
        .collect()
}

/// Rounds away solver noise (`29.999999999` → `30`) for display, never for verification. Up to
/// and including 1e-9 relative: a lexicographic level is held within exactly that of its optimum.
pub fn clean(v: f64) -> f64 {
    let r = v.round();
    if (v - r).abs() <= 1e-9 * r.abs().max(1.0) {
        r + 0.0
    } else {
        v
    }
}

/// HiGHS's relative MIP gap for people, as a percentage down to 0.01 % and in scientific
/// notation below (where the strict 1e-6 scoring rule still cares).
pub fn gap_text(g: f64) -> String {
    if g >= 1e-4 {
        format!("MIP gap {:.3} %", g * 100.0)
    } else {
        format!("MIP gap {g:.1e}")
    }
}

/// A number for people: solver noise removed, at most 10 significant digits.
pub fn pretty(v: f64) -> String {
    let c = clean(v);
    if !c.is_finite() {
        return if c > 0.0 {
            "inf".into()
        } else if c < 0.0 {
            "-inf".into()
        } else {
            "NaN".into()
        };
    }
    if c.fract() == 0.0 && c.abs() < 1e15 {
        return format!("{}", c as i64);
    }
    let magnitude = if c == 0.0 { 0 } else { c.abs().log10().floor() as i32 + 1 };
    let decimals = (10 - magnitude).clamp(0, 12) as usize;
    let text = format!("{c:.decimals$}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".into()
    } else {
        text.into()
    }
}
