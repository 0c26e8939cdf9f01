//! Infinite data (`"cap": "inf"`) means something as a variable's bound or as a whole side of a
//! constraint (`x <= cap[a]` is then no limit), and nothing anywhere else. Where a non-finite
//! number turns up in a place that has no use for it — a variable's coefficient, a side that
//! no point satisfies, `inf - inf` or `0*inf` — these build the error, naming the data entry
//! that holds the infinity. They run on error paths only, never per term.

use super::eval::{Env, Eval, EvalError};
use super::ir::*;
use super::resolve::prop_has_vars;
use super::Code;
use crate::expr::Span;

/// What a non-finite number was found to be.
pub enum Misuse<'a> {
    /// A variable's coefficient is ±inf (or NaN).
    Coefficient,
    /// `what` ("a side of this constraint", "the objective") evaluates to NaN.
    NotANumber(&'a str),
    /// `what` ("the constraint's lower side is inf") makes the instance infeasible by itself.
    Impossible(String),
    /// `what` ("the objective's constant") is infinite.
    Infinite(&'a str),
}

/// What is wrong with a constraint's limits `lo <= expr <= hi`, if anything: a NaN, or an
/// infinite limit on the side that excludes every point (`x >= inf`).
pub fn row_misuse(lo: f64, hi: f64) -> Option<Misuse<'static>> {
    if lo.is_nan() || hi.is_nan() {
        Some(Misuse::NotANumber("a side of this constraint"))
    } else if lo == f64::INFINITY {
        Some(Misuse::Impossible("the lower limit of this constraint is inf".into()))
    } else if hi == f64::NEG_INFINITY {
        Some(Misuse::Impossible("the upper limit of this constraint is -inf".into()))
    } else {
        None
    }
}

/// What is wrong with a bound `v` of the column `name()`, if anything: a NaN, `lower = inf`
/// or `upper = -inf`.
pub fn bound_misuse(v: f64, lower: bool, name: impl FnOnce() -> String) -> Option<Misuse<'static>> {
    let side = if lower { "lower" } else { "upper" };
    if v.is_nan() {
        Some(Misuse::NotANumber(if lower { "a lower bound" } else { "an upper bound" }))
    } else if (lower && v == f64::INFINITY) || (!lower && v == f64::NEG_INFINITY) {
        Some(Misuse::Impossible(format!("the {side} bound of `{}` is {v}", name())))
    } else {
        None
    }
}

/// Whether `n` involves a variable.
pub fn has_vars(n: &Num) -> bool {
    n.any(&mut |n| match n {
        Num::Var { .. } | Num::BinMul(..) => true,
        Num::Count { terms: Terms::List(items), .. } => items.iter().any(prop_has_vars),
        Num::Count { terms: Terms::Over { body, .. }, .. } => prop_has_vars(body),
        _ => false,
    })
}

impl Eval<'_> {
    /// The error for `misuse` found while evaluating `roots` at `env`; the caret goes under the
    /// infinite entry, or under `fallback` when there is none.
    pub fn misuse(&self, misuse: Misuse, roots: &[&Num], env: &mut Env, fallback: Span) -> Box<EvalError> {
        let entry = roots.iter().find_map(|r| self.infinite_entry(r, env));
        let (shown, span) = match &entry {
            Some((shown, span)) => (Some(shown.as_str()), *span),
            None => (None, fallback),
        };
        let (message, help) = match (misuse, shown) {
            (Misuse::Coefficient, Some(e)) => (
                format!("{e}, so the coefficient of a variable here is infinite"),
                "infinite data may be a variable's bound or a constraint's side, never a coefficient; give a finite value, or leave this index out with a filter or `if`",
            ),
            (Misuse::Coefficient, None) => (
                "the coefficient of a variable here is not finite".into(),
                "check the data it is computed from (a division by a tiny number, an overflow)",
            ),
            (Misuse::NotANumber(what), Some(e)) => (
                format!("{what} is not a number: {e}, and arithmetic on it here (inf - inf, 0*inf) has no value"),
                "infinite data may be a bound or a whole side of a constraint; keep it out of sums and products, or leave this index out with a filter or `if`",
            ),
            (Misuse::NotANumber(what), None) => (
                format!("{what} is not a number (NaN)"),
                "check for inf - inf, 0*inf, or sqrt/log of a negative number",
            ),
            (Misuse::Impossible(what), Some(e)) => (
                format!("{what} ({e}), so no point satisfies it"),
                "inf leaves a constraint or bound open only on the side it limits (`x <= cap[a]` with cap = inf is no limit); give a finite value, or leave this index out with a filter",
            ),
            (Misuse::Impossible(what), None) => (
                format!("{what}, so no point satisfies it"),
                "an infinite value only leaves a constraint or bound open on the side it limits",
            ),
            (Misuse::Infinite(what), Some(e)) => (
                format!("{what} is infinite: {e}"),
                "infinite data may be a bound or a constraint's side, not part of the objective",
            ),
            (Misuse::Infinite(what), None) => (format!("{what} is infinite"), "check the data it is computed from"),
        };
        let mut e = EvalError::new(Code::Arithmetic, message, span);
        e.help = Some(help.into());
        e
    }

    /// The first parameter entry `n` reads that holds ±inf, as "`cap[a]` is inf", with the
    /// span of the access.
    pub fn infinite_entry(&self, n: &Num, env: &mut Env) -> Option<(String, Span)> {
        match n {
            Num::Param { id, index } => {
                let v = self.param(*id, index, env).ok()?;
                if !v.is_infinite() {
                    return None;
                }
                let p = &self.params[*id];
                let shown = if p.dims.is_empty() {
                    p.name.clone()
                } else {
                    format!("{}[{}]", p.name, self.show_index(index, &p.dims, env))
                };
                Some((format!("`{shown}` is {}", if v > 0.0 { "inf" } else { "-inf" }), index.span))
            }
            Num::Neg(a) | Num::Square(a) => self.infinite_entry(a, env),
            Num::Add(a, b)
            | Num::Sub(a, b)
            | Num::Mul(a, b)
            | Num::Quad(a, b)
            | Num::Div(a, b, _)
            | Num::Pow(a, b, _)
            | Num::Mod(a, b, _)
            | Num::If(_, a, b) => self.infinite_entry(a, env).or_else(|| self.infinite_entry(b, env)),
            Num::Func(_, args, _) | Num::Extreme { terms: Terms::List(args), .. } => {
                args.iter().find_map(|a| self.infinite_entry(a, env))
            }
            Num::Abs(a, _) | Num::Pwl { x: a, .. } => self.infinite_entry(a, env),
            Num::BinMul(a, b, _) => self.infinite_entry(a, env).or_else(|| self.infinite_entry(b, env)),
            // Indexed folds and counts are not searched: their terms come with their own errors.
            Num::Extreme { .. } | Num::Count { .. } => None,
            Num::Sum { over, body, .. } => {
                let mut found = None;
                // Stops the loop at the first entry found; the error carries nothing else.
                let _ = self.for_each(over, env, &mut |env| match self.infinite_entry(body, env) {
                    Some(f) => {
                        found = Some(f);
                        Err(EvalError::new(Code::Arithmetic, String::new(), Span::default()))
                    }
                    None => Ok(()),
                });
                found
            }
            Num::Const(_) | Num::Var { .. } | Num::Elem(..) | Num::Card(_) | Num::Ord { .. } => None,
        }
    }
}
