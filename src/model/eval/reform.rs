//! Evaluating the reformulated constructs as written: `max`/`min`, `count`, `pwl` and
//! propositions. Verification calls these at the solver's point, so it judges the model the
//! user wrote, not the rows optform generated for it.

use super::{Env, Eval, EvalError, EvalResult, Help};
use crate::expr::Span;
use crate::model::ir::*;
use crate::model::Code;

/// A relation counts as holding (in `count`, and for verification) when it is violated by at
/// most this much, relative to `max(1, |smaller side|)`: the solver's feasibility tolerance.
pub const HOLDS_TOLERANCE: f64 = 1e-6;

/// The breakpoints and values of a `pwl`, checked: at least two, finite, breakpoints strictly
/// increasing.
#[derive(Debug, Clone)]
pub struct Pieces {
    pub points: Vec<(f64, f64)>,
}

impl Pieces {
    pub fn slope(&self, k: usize) -> f64 {
        let ((b0, v0), (b1, v1)) = (self.points[k], self.points[k + 1]);
        (v1 - v0) / (b1 - b0)
    }
    pub fn segments(&self) -> usize {
        self.points.len() - 1
    }
    /// Slopes never decrease: the function is convex.
    pub fn convex(&self) -> bool {
        (1..self.segments()).all(|k| self.slope(k) >= self.slope(k - 1))
    }
    /// Slopes never increase: the function is concave.
    pub fn concave(&self) -> bool {
        (1..self.segments()).all(|k| self.slope(k) <= self.slope(k - 1))
    }
    /// The value at `x`, or `None` outside the breakpoints.
    pub fn at(&self, x: f64) -> Option<f64> {
        let (first, last) = (self.points[0].0, self.points[self.segments()].0);
        let tol = HOLDS_TOLERANCE * x.abs().max(1.0);
        if x < first - tol || x > last + tol {
            return None;
        }
        let k = self.points.partition_point(|&(b, _)| b <= x).clamp(1, self.segments());
        let (b0, v0) = self.points[k - 1];
        Some(v0 + self.slope(k - 1) * (x - b0))
    }
}

impl Eval<'_> {
    /// Runs `f` on every term: the listed ones, or the body once per index combination.
    pub fn each_term<T>(
        &self,
        terms: &Terms<T>,
        env: &mut Env,
        f: &mut dyn FnMut(&T, &mut Env) -> EvalResult<()>,
    ) -> EvalResult<()> {
        match terms {
            Terms::List(items) => items.iter().try_for_each(|t| f(t, env)),
            Terms::Over { over, body } => self.for_each(over, env, &mut |env| f(body, env)),
        }
    }

    pub(super) fn extreme(&self, max: bool, terms: &Terms<Num>, env: &mut Env, x: Option<&[f64]>) -> EvalResult<f64> {
        let mut best: Option<f64> = None;
        self.each_term(terms, env, &mut |t, env| {
            let v = self.num(t, env, x)?;
            best = Some(match best {
                None => v,
                Some(b) if max => b.max(v),
                Some(b) => b.min(v),
            });
            Ok(())
        })?;
        best.ok_or_else(|| {
            EvalError::new(
                Code::Arithmetic,
                format!(
                    "`{}` over no terms: its index set is empty or its filter excludes everything",
                    if max { "max" } else { "min" }
                ),
                Span::default(),
            )
        })
    }

    pub(super) fn count(&self, terms: &Terms<Prop>, env: &mut Env, x: Option<&[f64]>) -> EvalResult<f64> {
        let mut n = 0.0;
        self.each_term(terms, env, &mut |p, env| {
            if self.violation(p, false, env, x)? <= HOLDS_TOLERANCE {
                n += 1.0;
            }
            Ok(())
        })?;
        Ok(n)
    }

    /// The checked points of a `pwl` in this instance.
    pub fn pieces(&self, points: &[(Num, Num)], env: &mut Env, span: Span) -> EvalResult<Pieces> {
        let mut out = Vec::with_capacity(points.len());
        for (b, v) in points {
            let (b, v) = (self.num(b, env, None)?, self.num(v, env, None)?);
            if !b.is_finite() || !v.is_finite() {
                return Err(EvalError::new(Code::InvalidValue, "a `pwl` point is not a finite number".into(), span));
            }
            if out.last().is_some_and(|&(prev, _)| b <= prev) {
                return Err(EvalError::new(
                    Code::InvalidValue,
                    format!(
                        "`pwl` breakpoints must increase strictly; {b} follows {}",
                        out.last().map_or(0.0, |p: &(f64, f64)| p.0)
                    ),
                    span,
                )
                .help("list the (breakpoint, value) pairs from the smallest breakpoint to the largest"));
            }
            out.push((b, v));
        }
        Ok(Pieces { points: out })
    }

    pub(super) fn pwl(&self, at: f64, points: &[(Num, Num)], env: &mut Env, span: Span) -> EvalResult<f64> {
        let pieces = self.pieces(points, env, span)?;
        pieces.at(at).ok_or_else(|| {
            let (lo, hi) = (pieces.points[0].0, pieces.points[pieces.segments()].0);
            EvalError::new(Code::Arithmetic, format!("`pwl` at {at}, outside its breakpoints [{lo}, {hi}]"), span)
                .help("add breakpoints that cover every value the expression can take")
        })
    }

    /// How far `p` (or its negation) is from holding at the point: 0 when it holds. Relations
    /// are measured like constraints (relative to `max(1, |smaller side|)`); a strict relation
    /// or `!=` that fails counts 1.
    pub fn violation(&self, p: &Prop, negated: bool, env: &mut Env, x: Option<&[f64]>) -> EvalResult<f64> {
        Ok(match p {
            Prop::Rel { lhs, op, rhs, .. } => {
                let (a, b) = (self.num(lhs, env, x)?, self.num(rhs, env, x)?);
                relation_violation(if negated { negate(*op) } else { *op }, a, b)
            }
            Prop::Lit(n, _) => {
                let v = self.num(n, env, x)?;
                if negated {
                    v.abs()
                } else {
                    (1.0 - v).abs()
                }
            }
            Prop::Data(c) => {
                if self.cond(c, env)? != negated {
                    0.0
                } else {
                    1.0
                }
            }
            Prop::Not(a) => self.violation(a, !negated, env, x)?,
            Prop::And(a, b) | Prop::Or(a, b) => {
                let (va, vb) = (self.violation(a, negated, env, x)?, self.violation(b, negated, env, x)?);
                // De Morgan: a negated `and` is an `or` of negations, and the other way round.
                if matches!(p, Prop::And(..)) != negated {
                    va.max(vb)
                } else {
                    va.min(vb)
                }
            }
            Prop::Implies(a, b) => {
                let (na, vb) = (self.violation(a, true, env, x)?, self.violation(b, negated, env, x)?);
                if negated {
                    // not (a => b) is a and not b.
                    self.violation(a, false, env, x)?.max(vb)
                } else {
                    na.min(vb)
                }
            }
            Prop::Iff(a, b) => {
                let (ya, yb) = (self.violation(a, false, env, x)?, self.violation(b, false, env, x)?);
                let (na, nb) = (self.violation(a, true, env, x)?, self.violation(b, true, env, x)?);
                if negated {
                    ya.max(nb).min(na.max(yb))
                } else {
                    ya.max(yb).min(na.max(nb))
                }
            }
        })
    }
}

/// The relation that holds exactly when `op` does not.
pub fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
    }
}

fn relation_violation(op: CmpOp, a: f64, b: f64) -> f64 {
    let scale = a.abs().min(b.abs()).max(1.0);
    let strict_fails = |holds: bool| if holds { 0.0 } else { 1.0 };
    match op {
        CmpOp::Le => (a - b).max(0.0) / scale,
        CmpOp::Ge => (b - a).max(0.0) / scale,
        CmpOp::Eq => (a - b).abs() / scale,
        CmpOp::Lt => strict_fails(a < b),
        CmpOp::Gt => strict_fails(a > b),
        CmpOp::Ne => strict_fails(a != b),
    }
}
