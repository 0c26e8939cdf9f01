//! A lexicographic objective: its levels optimised one after another in one HiGHS instance.
//! Level k is solved; a row then holds its cost within its tolerance of that optimum; the
//! objective switches to level k+1 and HiGHS runs again. An LP re-solves from the last basis
//! and a MIP starts from the last point, which every fixing row admits.

use std::time::Instant;

use serde::Serialize;

use super::{cancelled, configure, finish, Highs, Options, Outcome, Status};
use crate::compile::{Compiled, LevelCost};
use crate::model::Sense;

/// One level of a lexicographic solve.
#[derive(Debug, Clone, Serialize)]
pub struct LevelOutcome {
    pub name: String,
    pub sense: Sense,
    /// The level's value at the reported point.
    pub value: Option<f64>,
    /// Its optimum with the levels before it held, when its solve reached one.
    pub optimum: Option<f64>,
    /// What it was held to for the levels after it: an upper bound when minimising, a lower
    /// bound when maximising. `None` for the last level, and for levels never fixed.
    pub bound: Option<f64>,
}

/// How far a level may move from its optimum `z` once fixed: its own tolerance, absolute or
/// relative (the looser), and never less than `1e-9·max(1, |z|)`. HiGHS's `z` is exact only to
/// its own tolerances (1e-7 on rows, the MIP gap), so a row at exactly `z` can cut off, by
/// round-off alone, every point the next solve finds and make it infeasible; 1e-9 relative is
/// far below what verification (1e-6) or any scoring can notice.
pub fn slack(level: &LevelCost, z: f64) -> f64 {
    level.tolerance.max(level.relative_tolerance * z.abs()).max(1e-9 * z.abs().max(1.0))
}

/// The bound that holds `level` near its optimum `z`.
fn bound(level: &LevelCost, z: f64) -> f64 {
    match level.sense {
        Sense::Minimize => z + slack(level, z),
        Sense::Maximize => z - slack(level, z),
    }
}

pub(super) fn solve(c: &Compiled, o: &Options) -> Outcome {
    let start = Instant::now();
    // The time limit covers the whole sequence: one deadline, each solve gets what is left.
    let o = Options { cancel: o.cancel.within(o.time_limit), time_limit: None, ..o.clone() };
    let mut levels: Vec<LevelOutcome> = c
        .levels
        .iter()
        .map(|l| LevelOutcome { name: l.name.clone(), sense: l.sense, value: None, optimum: None, bound: None })
        .collect();
    if o.cancel.is_cancelled() {
        return conclude(c, cancelled(&o.cancel), levels, start);
    }
    let mut h = Highs::new(o.verbose);
    if let Err(e) = configure(&mut h, &o).and_then(|_| h.pass(c)).and_then(|_| h.run()) {
        return conclude(c, Outcome::bare(Status::Error, Some(e)), levels, start);
    }
    let mut out = finish(&mut h, c, start);
    let mut gap: Option<f64> = None;
    for k in 0..c.levels.len() {
        if k > 0 {
            let previous = out;
            out = next_level(&mut h, c, &o, k, &previous, start);
            if out.status != Status::Optimal {
                return conclude(c, failed_level(c, k, out, previous), levels, start);
            }
        } else if out.status != Status::Optimal {
            // The first level fails as a single objective would.
            return conclude(c, out, levels, start);
        }
        gap = match (gap, out.mip_gap) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let z = out.objective.expect("an optimum has a value");
        levels[k].optimum = Some(z);
        if k + 1 < c.levels.len() {
            levels[k].bound = Some(bound(&c.levels[k], z));
        }
    }
    out.mip_gap = gap;
    conclude(c, out, levels, start)
}

/// Holds level `k - 1` at its optimum (the previous outcome's objective), switches the
/// objective to level `k` and solves again.
fn next_level(h: &mut Highs, c: &Compiled, o: &Options, k: usize, previous: &Outcome, start: Instant) -> Outcome {
    let (held, next) = (&c.levels[k - 1], &c.levels[k]);
    let z = previous.objective.expect("an optimum has a value");
    let b = bound(held, z) - held.offset;
    let (lower, upper) = match held.sense {
        Sense::Minimize => (f64::NEG_INFINITY, b),
        Sense::Maximize => (b, f64::INFINITY),
    };
    let mut step = h
        .add_row(lower, upper, &held.cost)
        .and_then(|_| h.change_objective(next.sense, next.offset, &switch(held, next)));
    if let (true, Some(x)) = (c.is_mip(), &previous.x) {
        step = step.and_then(|_| h.set_start(x));
    }
    if o.cancel.is_cancelled() {
        return cancelled(&o.cancel);
    }
    if let Some(t) = o.cancel.limit_seconds(None) {
        step = step.and_then(|_| h.set_double("time_limit", t));
    }
    match step.and_then(|_| h.run()) {
        Ok(()) => finish(h, c, start),
        Err(e) => Outcome::bare(Status::Error, Some(e)),
    }
}

/// The cost changes from level `from` to level `to`, in increasing column order as HiGHS
/// wants a set: `to`'s coefficients, and 0 where only `from` had one.
fn switch(from: &LevelCost, to: &LevelCost) -> Vec<(usize, f64)> {
    let mut out = Vec::with_capacity(from.cost.len() + to.cost.len());
    let (mut a, mut b) = (from.cost.iter().peekable(), to.cost.iter().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (Some(&&(ca, _)), Some(&&(cb, v))) if cb <= ca => {
                out.push((cb, v));
                b.next();
                if ca == cb {
                    a.next();
                }
            }
            (Some(&&(ca, _)), _) => {
                out.push((ca, 0.0));
                a.next();
            }
            (None, Some(&&(cb, v))) => {
                out.push((cb, v));
                b.next();
            }
            (None, None) => return out,
        }
    }
}

/// A later level that did not reach an optimum: the outcome names it. A limit keeps the best
/// point there is (the level's incumbent, else the previous level's optimum, which satisfies
/// every row so far).
fn failed_level(c: &Compiled, k: usize, mut out: Outcome, previous: Outcome) -> Outcome {
    let level = &c.levels[k];
    let which = format!("objective level {} `{}`", k + 1, level.name);
    let detail = out.message.take().map(|m| format!(" ({m})")).unwrap_or_default();
    let (status, why) = match out.status {
        // The previous level's point is feasible, so "infeasible or unbounded" is unbounded.
        Status::Unbounded | Status::InfeasibleOrUnbounded => {
            (Status::Unbounded, "is unbounded with the levels before it held at their optima".to_string())
        }
        Status::Infeasible => (
            Status::Error,
            format!(
                "found no point although the optimum of level `{}` is one: numerical trouble; give that level a small \"tolerance\"",
                c.levels[k - 1].name
            ),
        ),
        Status::TimeLimit => (Status::TimeLimit, "was not solved within the time limit".into()),
        Status::IterationLimit => (Status::IterationLimit, "reached HiGHS's iteration limit".into()),
        Status::Stopped => (Status::Stopped, "was stopped".into()),
        Status::Optimal | Status::Error => (Status::Error, "could not be solved".into()),
    };
    out.status = status;
    out.message = Some(format!("{which} {why}{detail}"));
    let stopped = matches!(status, Status::TimeLimit | Status::IterationLimit | Status::Stopped);
    if stopped && out.x.is_none() {
        out.x = previous.x;
        out.row_activity = previous.row_activity;
        out.mip_gap = previous.mip_gap;
    }
    out
}

/// Every level's value at the outcome's point; `objective` becomes the first level's. Duals
/// are dropped: they belong to the last solve's objective and fixing rows, not to the model.
fn conclude(c: &Compiled, mut out: Outcome, mut levels: Vec<LevelOutcome>, start: Instant) -> Outcome {
    if let Some(x) = &out.x {
        for (l, cost) in levels.iter_mut().zip(&c.levels) {
            l.value = Some(cost.value(x));
        }
        out.objective = levels.first().and_then(|l| l.value);
    }
    out.col_dual = None;
    out.row_dual = None;
    out.levels = levels;
    out.seconds = start.elapsed().as_secs_f64();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn level(sense: Sense, cost: &[(usize, f64)], tolerance: f64, relative_tolerance: f64) -> LevelCost {
        LevelCost { name: "l".into(), sense, cost: cost.to_vec(), offset: 0.0, tolerance, relative_tolerance }
    }

    #[test]
    fn switching_levels_zeroes_old_costs_in_increasing_column_order() {
        let from = level(Sense::Minimize, &[(0, 1.0), (2, 2.0), (5, 3.0)], 0.0, 0.0);
        let to = level(Sense::Maximize, &[(1, 4.0), (2, 5.0), (7, 6.0)], 0.0, 0.0);
        assert_eq!(switch(&from, &to), vec![(0, 0.0), (1, 4.0), (2, 5.0), (5, 0.0), (7, 6.0)]);
    }

    #[test]
    fn slack_is_the_looser_tolerance_and_never_below_round_off() {
        assert_eq!(slack(&level(Sense::Minimize, &[], 5.0, 0.0), 100.0), 5.0);
        assert_eq!(slack(&level(Sense::Minimize, &[], 5.0, 0.1), 100.0), 10.0);
        assert_eq!(slack(&level(Sense::Minimize, &[], 0.0, 0.0), 0.0), 1e-9);
        assert_eq!(slack(&level(Sense::Minimize, &[], 0.0, 0.0), -1e6), 1e-3);
        assert_eq!(bound(&level(Sense::Maximize, &[], 2.0, 0.0), 10.0), 8.0);
        assert_eq!(bound(&level(Sense::Minimize, &[], 2.0, 0.0), 10.0), 12.0);
    }
}
