//! Turning IR into linear (and, in the objective, quadratic) terms.

use crate::expr::Span;
use crate::model::eval::{Env, Eval, EvalResult};
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

/// Row builder: a sink plus per-column stamps that merge repeated columns in O(1).
pub struct Emitter {
    pub sink: Sink,
    /// `stamp[col] == row_serial` when `col` is already in the current row, at `slot[col]`.
    stamp: Vec<u32>,
    slot: Vec<u32>,
    serial: u32,
}

impl Emitter {
    pub fn new(num_cols: usize) -> Emitter {
        Emitter { sink: Sink::default(), stamp: vec![0; num_cols], slot: vec![0; num_cols], serial: 0 }
    }

    /// Appends the current row's merged, non-zero terms; returns how many.
    pub fn flush_row(&mut self, index: &mut Vec<i32>, value: &mut Vec<f64>) -> usize {
        self.serial = self.serial.wrapping_add(1);
        if self.serial == 0 {
            self.stamp.fill(0);
            self.serial = 1;
        }
        let start = index.len();
        for &(col, coef) in &self.sink.terms {
            let c = col as usize;
            if self.stamp[c] == self.serial {
                value[self.slot[c] as usize] += coef;
            } else {
                self.stamp[c] = self.serial;
                self.slot[c] = index.len() as u32;
                index.push(col as i32);
                value.push(coef);
            }
        }
        // Terms that cancelled out (x - x) are not structural non-zeros.
        if value[start..].contains(&0.0) {
            let mut w = start;
            for r in start..index.len() {
                if value[r] != 0.0 {
                    index[w] = index[r];
                    value[w] = value[r];
                    w += 1;
                }
            }
            index.truncate(w);
            value.truncate(w);
        }
        index.len() - start
    }

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
                    Self::emit(ev, b, scale * k, env, sink)?;
                }
            }
            Num::Div(a, data, span) => {
                let d = ev.num(data, env, None)?;
                if d == 0.0 {
                    return Err(division_by_zero(*span));
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
        | Num::If(_, a, b) => {
            each_sum(a, f);
            each_sum(b, f);
        }
        Num::Func(_, args, _) => args.iter().for_each(|a| each_sum(a, f)),
        _ => {}
    }
}
