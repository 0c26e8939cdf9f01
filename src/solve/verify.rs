//! Independent verification: every constraint of the formulation re-evaluated at the returned
//! point through the IR (not the matrix HiGHS saw), every bound and integrality checked, and
//! the objective recomputed. A verified optimum is what optform reports as the answer.

use std::cell::Cell;

use serde::Serialize;

use crate::compile::{Compiled, CONTINUOUS, SEMI_CONTINUOUS, SEMI_INTEGER};
use crate::expr::RelOp;
use crate::model::eval::{Env, Eval};
use crate::model::Model;

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
    pub ok: bool,
}

fn worse(slot: &mut (f64, Option<String>), v: f64, name: impl FnOnce() -> String) {
    if v > slot.0 {
        *slot = (v, Some(name()));
    }
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
        worse(&mut bounds, viol, || model.col_name(col));
        if c.integrality[col] != CONTINUOUS && c.integrality[col] != SEMI_CONTINUOUS {
            worse(&mut ints, (v - v.round()).abs(), || model.col_name(col));
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
    let obj = &model.objective;
    let ev = Eval {
        names: &model.names,
        sets: &model.sets,
        params: &model.params,
        vars: &model.vars,
        slots: &obj.slots,
        sums_hit: &hits,
    };
    let recomputed = ev.num(&obj.expr.ir, &mut Env::new(obj.slots.len()), Some(x)).unwrap_or(f64::NAN);
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
        ok,
    }
}
