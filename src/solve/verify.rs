//! Independent verification: every constraint of the formulation re-evaluated at the returned
//! point through the IR (not the matrix HiGHS saw), every bound and integrality checked, and
//! the objective recomputed. A verified optimum is what optform reports as the answer. A
//! lexicographic objective has every level recomputed, and each level held for the next
//! checked against the bound it was held to.

use std::cell::Cell;

use serde::Serialize;

use crate::compile::{Compiled, CONTINUOUS, SEMI_CONTINUOUS, SEMI_INTEGER};
use crate::expr::RelOp;
use crate::model::eval::{Env, Eval, EvalResult};
use crate::model::{Model, Objective, Sense};
use crate::solve::Outcome;

#[derive(Debug, Clone, Serialize)]
pub struct Verification {
    /// Feasibility tolerance, relative to `max(1, |right-hand side|)`.
    pub tolerance: f64,
    pub max_constraint_violation: f64,
    pub worst_constraint: Option<String>,
    pub max_bound_violation: f64,
    pub worst_bound: Option<String>,
    pub max_integrality_error: f64,
    pub worst_integrality: Option<String>,
    /// Objective recomputed from the formulation at the point.
    pub objective: f64,
    /// |recomputed − solver's| relative to max(1, |solver's|).
    pub objective_mismatch: f64,
    /// A lexicographic objective's levels, in priority order (empty for a single objective).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<LevelCheck>,
    pub ok: bool,
}

/// One level of a lexicographic objective at the point.
#[derive(Debug, Clone, Serialize)]
pub struct LevelCheck {
    pub name: String,
    /// Recomputed from the formulation.
    pub value: f64,
    /// The bound the level was held to for the levels after it, if it was.
    pub bound: Option<f64>,
    /// How far the value is past that bound, relative to max(1, |bound|), or how far it is
    /// from the solver's value of the level, whichever is larger.
    pub violation: f64,
}

fn worse(slot: &mut (f64, Option<String>), v: f64, name: impl FnOnce() -> String) {
    if v > slot.0 {
        *slot = (v, Some(name()));
    }
}

/// How far a constraint's relation is from holding, relative to `max(1, |smaller side|)`.
fn relation_violation(ev: &Eval, con: &crate::model::Constraint, env: &mut Env, x: &[f64]) -> EvalResult<f64> {
    let mut vals = [0.0; 3];
    for (k, p) in con.parts.iter().enumerate() {
        vals[k] = ev.num(p, env, Some(x))?;
    }
    let pairs: &[(f64, f64)] = &[(vals[0], vals[1]), (vals[1], vals[2])];
    let mut viol: f64 = 0.0;
    for (k, op) in con.ops.iter().enumerate() {
        let (a, b) = pairs[k];
        let scale = a.abs().min(b.abs()).max(1.0);
        let v = match op {
            RelOp::Le | RelOp::Lt => (a - b).max(0.0),
            RelOp::Ge | RelOp::Gt => (b - a).max(0.0),
            RelOp::Eq => (a - b).abs(),
        };
        viol = viol.max(v / scale);
    }
    Ok(viol)
}

pub fn verify(model: &Model, c: &Compiled, x: &[f64], solver_objective: f64, tolerance: f64) -> Verification {
    let mut cons = (0.0, None);
    let mut bounds = (0.0, None);
    let mut ints = (0.0, None);
    for (col, &v) in x.iter().enumerate() {
        let (lo, hi) = (c.col_lower[col], c.col_upper[col]);
        // A semi-variable may be off (0) whatever its bounds; on, it is checked as any other
        // (and a semi-integer one for integrality below).
        let semi = matches!(c.integrality[col], SEMI_CONTINUOUS | SEMI_INTEGER);
        let semi_off = semi && v.abs() <= tolerance;
        let viol = if semi_off {
            0.0
        } else if v < lo {
            (lo - v) / lo.abs().max(1.0)
        } else if v > hi {
            (v - hi) / hi.abs().max(1.0)
        } else {
            0.0
        };
        worse(&mut bounds, viol, || c.col_name(model, col));
        if c.integrality[col] != CONTINUOUS && c.integrality[col] != SEMI_CONTINUOUS {
            worse(&mut ints, (v - v.round()).abs(), || c.col_name(model, col));
        }
    }
    let hits: Vec<Cell<bool>> = (0..model.num_sums).map(|_| Cell::new(false)).collect();
    for con in &model.constraints {
        let ev = Eval {
            names: &model.names,
            sets: &model.sets,
            params: &model.params,
            vars: &model.vars,
            slots: &con.slots,
            sums_hit: &hits,
        };
        let mut env = Env::new(con.slots.len());
        let arity: usize = con.forall.as_ref().map_or(0, |f| f.ir.bindings.iter().map(|b| b.arity).sum());
        let mut check = |env: &mut Env| {
            // A logical constraint is judged as written, not by the rows that encode it.
            let viol = match &con.logic {
                Some(p) => ev.violation(p, false, env, Some(x))?,
                None => relation_violation(&ev, con, env, x)?,
            };
            worse(&mut cons, viol, || {
                let keys = model.names.show_tuple(&env.atoms[..arity]);
                if keys.is_empty() {
                    con.name.clone()
                } else {
                    format!("{}[{keys}]", con.name)
                }
            });
            Ok(())
        };
        let res = match &con.forall {
            Some(fa) => ev.for_each(&fa.ir, &mut env, &mut check),
            None => check(&mut env),
        };
        if res.is_err() {
            // Compilation already evaluated the same expressions successfully.
            worse(&mut cons, f64::INFINITY, || format!("{} (could not be evaluated)", con.name));
        }
    }
    let recomputed = objective_value(model, &model.objective, x, &hits);
    let mismatch = (recomputed - solver_objective).abs() / solver_objective.abs().max(1.0);
    let ok = cons.0 <= tolerance && bounds.0 <= tolerance && ints.0 <= tolerance.max(1e-6) && mismatch <= tolerance;
    Verification {
        tolerance,
        max_constraint_violation: cons.0,
        worst_constraint: cons.1,
        max_bound_violation: bounds.0,
        worst_bound: bounds.1,
        max_integrality_error: ints.0,
        worst_integrality: ints.1,
        objective: recomputed,
        objective_mismatch: mismatch,
        levels: Vec::new(),
        ok,
    }
}

/// An objective (level) recomputed from the formulation at `x` (NaN if it cannot be).
fn objective_value(model: &Model, obj: &Objective, x: &[f64], hits: &[Cell<bool>]) -> f64 {
    let ev = Eval {
        names: &model.names,
        sets: &model.sets,
        params: &model.params,
        vars: &model.vars,
        slots: &obj.slots,
        sums_hit: hits,
    };
    ev.num(&obj.expr.ir, &mut Env::new(obj.slots.len()), Some(x)).unwrap_or(f64::NAN)
}

/// Verifies a solve's point, when it has one: [`verify`], and for a lexicographic objective
/// every level recomputed and each held level within the bound it was held to.
pub fn verify_outcome(model: &Model, c: &Compiled, out: &Outcome, tolerance: f64) -> Option<Verification> {
    let (x, objective) = (out.x.as_ref()?, out.objective?);
    let mut v = verify(model, c, x, objective, tolerance);
    let hits: Vec<Cell<bool>> = (0..model.num_sums).map(|_| Cell::new(false)).collect();
    v.levels = model
        .objectives()
        .zip(&out.levels)
        .map(|(obj, level)| {
            let value = objective_value(model, obj, x, &hits);
            let reported = level.value.unwrap_or(f64::NAN);
            let mismatch = (value - reported).abs() / reported.abs().max(1.0);
            let past = match (level.bound, obj.sense) {
                (Some(b), Sense::Minimize) => (value - b).max(0.0) / b.abs().max(1.0),
                (Some(b), Sense::Maximize) => (b - value).max(0.0) / b.abs().max(1.0),
                (None, _) => 0.0,
            };
            // NaN (a level that cannot be evaluated) must fail, and `max` would drop it.
            let violation = if mismatch.is_nan() || past.is_nan() { f64::INFINITY } else { mismatch.max(past) };
            LevelCheck { name: obj.name.clone(), value, bound: level.bound, violation }
        })
        .collect();
    v.ok &= v.levels.iter().all(|l| l.violation <= tolerance);
    Some(v)
}
