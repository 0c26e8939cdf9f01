//! Turning IR into linear (and, in the objective, quadratic) terms.

use crate::expr::Span;
use crate::model::eval::{Env, Eval, EvalResult};
use crate::model::infinite::{has_vars, Misuse};
use crate::model::ir::*;

use super::Hessian;

/// Terms of one row or of the objective: `Σ coef·x[col] + Σ q·x[i]·x[j] + constant`.
#[derive(Debug, Default)]
pub struct Sink {
    pub terms: Vec<(u32, f64)>,
    pub quad: Vec<(u32, u32, f64)>,
    pub constant: f64,
}

impl Sink {
    pub fn clear(&mut self) {
        self.terms.clear();
        self.quad.clear();
        self.constant = 0.0;
    }
}

impl Sink {
    /// Appends the row's terms, repeated columns merged and zeros dropped; returns how many.
    pub fn flush_row(&mut self, index: &mut Vec<i32>, value: &mut Vec<f64>) -> usize {
        let terms = &mut self.terms;
        // Rows built by one sum over a set come out in increasing column order, so the
        // sequential check is almost always enough; otherwise sort and merge (rows are short).
        if !terms.windows(2).all(|w| w[0].0 < w[1].0) {
            terms.sort_unstable_by_key(|t| t.0);
            let mut w = 0;
            for r in 0..terms.len() {
                if w > 0 && terms[w - 1].0 == terms[r].0 {
                    terms[w - 1].1 += terms[r].1;
                } else {
                    terms[w] = terms[r];
                    w += 1;
                }
            }
            terms.truncate(w);
        }
        let start = index.len();
        for &(col, coef) in terms.iter() {
            // Terms that cancelled out (x - x) are not structural non-zeros.
            if coef != 0.0 {
                index.push(col as i32);
                value.push(coef);
            }
        }
        index.len() - start
    }
}

/// Turns IR into terms.
pub struct Emitter;

impl Emitter {
    /// Adds `scale · n` to the sink.
    pub fn emit(ev: &Eval, n: &Num, scale: f64, env: &mut Env, sink: &mut Sink) -> EvalResult<()> {
        match n {
            Num::Var { id, index } => {
                let col = ev.col(*id, index, env)?;
                sink.terms.push((col as u32, scale));
            }
            Num::Neg(a) => Self::emit(ev, a, -scale, env, sink)?,
            Num::Add(a, b) => {
                Self::emit(ev, a, scale, env, sink)?;
                Self::emit(ev, b, scale, env, sink)?;
            }
            Num::Sub(a, b) => {
                Self::emit(ev, a, scale, env, sink)?;
                Self::emit(ev, b, -scale, env, sink)?;
            }
            Num::Mul(data, b) => {
                let k = ev.num(data, env, None)?;
                if k != 0.0 {
                    if !k.is_finite() && has_vars(b) {
                        return Err(ev.misuse(Misuse::Coefficient, &[data], env, Span::default()));
                    }
                    Self::emit(ev, b, scale * k, env, sink)?;
                }
            }
            Num::Div(a, data, span) => {
                let d = ev.num(data, env, None)?;
                if d == 0.0 {
                    return Err(division_by_zero(*span));
                }
                if !d.is_finite() && has_vars(a) {
                    return Err(ev.misuse(Misuse::Coefficient, &[data], env, *span));
                }
                Self::emit(ev, a, scale / d, env, sink)?;
            }
            Num::If(c, a, b) => {
                let branch = if ev.cond(c, env)? { a } else { b };
                Self::emit(ev, branch, scale, env, sink)?;
            }
            Num::Sum { id, over, body, .. } => {
                ev.for_each(over, env, &mut |env| {
                    ev.sums_hit[*id].set(true);
                    Self::emit(ev, body, scale, env, sink)
                })?;
            }
            Num::Quad(a, b) => Self::product(ev, a, b, scale, env, sink)?,
            Num::Square(a) => Self::product(ev, a, a, scale, env, sink)?,
            data => sink.constant += scale * ev.num(data, env, None)?,
        }
        Ok(())
    }

    /// `scale · a · b` for two linear expressions.
    fn product(ev: &Eval, a: &Num, b: &Num, scale: f64, env: &mut Env, sink: &mut Sink) -> EvalResult<()> {
        let mut la = Sink::default();
        let mut lb = Sink::default();
        Self::emit(ev, a, 1.0, env, &mut la)?;
        Self::emit(ev, b, 1.0, env, &mut lb)?;
        sink.constant += scale * la.constant * lb.constant;
        for &(c, v) in &la.terms {
            sink.terms.push((c, scale * v * lb.constant));
        }
        for &(c, v) in &lb.terms {
            sink.terms.push((c, scale * v * la.constant));
        }
        for &(i, u) in &la.terms {
            for &(j, v) in &lb.terms {
                sink.quad.push((i, j, scale * u * v));
            }
        }
        Ok(())
    }
}

fn division_by_zero(span: Span) -> Box<crate::model::eval::EvalError> {
    let mut e = crate::model::eval::EvalError::new(crate::model::Code::Arithmetic, "division by zero".into(), span);
    e.help = Some("the divisor evaluates to 0 for this index; guard it with a filter or `if`".into());
    e
}

/// `Σ q·x[i]·x[j]` → lower triangle of Q with `objective = ½ x'Qx`, column-wise.
pub fn hessian(num_cols: usize, quad: Vec<(u32, u32, f64)>) -> Hessian {
    // x_i·x_j (i ≠ j) contributes q to Q[i][j] and Q[j][i]; x_i² contributes 2q to Q[i][i].
    let mut entries: Vec<(u32, u32, f64)> = quad
        .into_iter()
        .map(|(i, j, q)| {
            let (r, c) = if i >= j { (i, j) } else { (j, i) };
            (c, r, if i == j { 2.0 * q } else { q })
        })
        .collect();
    entries.sort_unstable_by_key(|&(c, r, _)| (c, r));
    let mut h = Hessian::default();
    let mut next_col = 0u32;
    for (c, r, q) in entries {
        while next_col <= c {
            h.start.push(h.index.len() as i32);
            next_col += 1;
        }
        let col_start = *h.start.last().expect("pushed") as usize;
        if h.index.len() > col_start && *h.index.last().expect("nonempty") == r as i32 {
            *h.value.last_mut().expect("nonempty") += q;
        } else {
            h.index.push(r as i32);
            h.value.push(q);
        }
    }
    while (next_col as usize) < num_cols {
        h.start.push(h.index.len() as i32);
        next_col += 1;
    }
    h
}

/// Visits every `sum` node of an expression tree.
pub fn each_sum(n: &Num, f: &mut dyn FnMut(usize, Span)) {
    match n {
        Num::Sum { id, body, span, .. } => {
            f(*id, *span);
            each_sum(body, f);
        }
        Num::Neg(a) | Num::Square(a) => each_sum(a, f),
        Num::Add(a, b)
        | Num::Sub(a, b)
        | Num::Mul(a, b)
        | Num::Quad(a, b)
        | Num::Div(a, b, _)
        | Num::Pow(a, b, _)
        | Num::Mod(a, b, _)
        | Num::If(_, a, b) => {
            each_sum(a, f);
            each_sum(b, f);
        }
        Num::Func(_, args, _) => args.iter().for_each(|a| each_sum(a, f)),
        _ => {}
    }
}
