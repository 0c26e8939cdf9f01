//! Turning IR into linear (and, in the objective, quadratic) terms.

use crate::expr::Span;
use crate::model::eval::{Env, Eval, EvalResult};
use crate::model::infinite::{has_vars, Misuse};
use crate::model::ir::*;

use super::builder::Builder;
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

    /// Appends the row's terms, repeated columns merged and zeros dropped; returns how many.
    pub fn flush_row(&mut self, index: &mut Vec<i32>, value: &mut Vec<f64>) -> usize {
        merge_repeated(&mut self.terms);
        let start = index.len();
        for &(col, coef) in self.terms.iter() {
            // Terms that cancelled out (x - x) are not structural non-zeros.
            if coef != 0.0 {
                index.push(col as i32);
                value.push(coef);
            }
        }
        index.len() - start
    }

    /// Whether the expression has no variables.
    pub fn is_constant(&self) -> bool {
        self.terms.is_empty()
    }

    /// `-self` (linear part only: activations and relations have no quadratic terms).
    pub fn negated(&self) -> Sink {
        Sink { terms: self.terms.iter().map(|&(c, k)| (c, -k)).collect(), quad: Vec::new(), constant: -self.constant }
    }

    /// A copy of the linear part.
    pub fn clone_sink(&self) -> Sink {
        Sink { terms: self.terms.clone(), quad: Vec::new(), constant: self.constant }
    }

    /// `self + k`.
    pub fn plus(mut self, k: f64) -> Sink {
        self.constant += k;
        self
    }
}

/// Sorts terms by column, merging repeated columns and dropping zeros.
pub fn merge_terms(terms: &mut Vec<(u32, f64)>) {
    merge_repeated(terms);
    terms.retain(|t| t.1 != 0.0);
}

/// Sorts terms by column and merges repeated columns (the declared rows' hot path, which
/// drops zeros as it copies).
fn merge_repeated(terms: &mut Vec<(u32, f64)>) {
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
}

/// Which way the value of the expression being emitted is held: bounded above (a `<=` row, a
/// minimised objective), below, or both (`==`, ranges, inside products). A convex function
/// such as `abs` or `max` held from above has an exact LP form; elsewhere it needs binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Up,
    Down,
    Both,
}

impl Dir {
    /// Whether `scale · f`, for a convex `f`, is held from above (so `t >= f` is exact).
    pub fn convex_side(self, scale: f64) -> bool {
        matches!((self, scale > 0.0), (Dir::Up, true) | (Dir::Down, false))
    }
    /// Whether `scale · f`, for a concave `f`, is held from below (so `t <= f` is exact).
    pub fn concave_side(self, scale: f64) -> bool {
        matches!((self, scale > 0.0), (Dir::Down, true) | (Dir::Up, false))
    }
}

/// Turns IR into terms, adding auxiliary columns and rows where a node needs them.
pub struct Emitter<'a, 'm> {
    pub ev: &'a Eval<'m>,
    pub b: &'a mut Builder,
}

impl Emitter<'_, '_> {
    /// Adds `scale · n` to the sink; `dir` says how the enclosing row holds it.
    pub fn emit(&mut self, n: &Num, scale: f64, dir: Dir, env: &mut Env, sink: &mut Sink) -> EvalResult<()> {
        let ev = self.ev;
        match n {
            Num::Var { id, index } => {
                let col = ev.col(*id, index, env)?;
                sink.terms.push((col as u32, scale));
            }
            Num::Neg(a) => self.emit(a, -scale, dir, env, sink)?,
            Num::Add(a, b) => {
                self.emit(a, scale, dir, env, sink)?;
                self.emit(b, scale, dir, env, sink)?;
            }
            Num::Sub(a, b) => {
                self.emit(a, scale, dir, env, sink)?;
                self.emit(b, -scale, dir, env, sink)?;
            }
            Num::Mul(data, b) => {
                let k = ev.num(data, env, None)?;
                if k != 0.0 {
                    if !k.is_finite() && has_vars(b) {
                        return Err(ev.misuse(Misuse::Coefficient, &[data], env, Span::default()));
                    }
                    self.emit(b, scale * k, dir, env, sink)?;
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
                self.emit(a, scale / d, dir, env, sink)?;
            }
            Num::If(c, a, b) => {
                let branch = if ev.cond(c, env)? { a } else { b };
                self.emit(branch, scale, dir, env, sink)?;
            }
            Num::Sum { id, over, body, .. } => {
                ev.for_each(over, env, &mut |env| {
                    ev.sums_hit[*id].set(true);
                    self.emit(body, scale, dir, env, sink)
                })?;
            }
            Num::Quad(a, b) => self.product(a, b, scale, env, sink)?,
            Num::Square(a) => self.product(a, a, scale, env, sink)?,
            Num::Abs(a, span) => self.abs(a, scale, dir, env, sink, *span)?,
            Num::Extreme { max, terms, span } => self.extreme(*max, terms, scale, dir, env, sink, *span)?,
            Num::Count { terms, span } => self.count(terms, scale, dir, env, sink, *span)?,
            Num::BinMul(a, b, span) => self.binary_product(a, b, scale, env, sink, *span)?,
            Num::Pwl { x, points, span } => self.pwl(x, points, scale, dir, env, sink, *span)?,
            data => sink.constant += scale * ev.num(data, env, None)?,
        }
        Ok(())
    }

    /// `n` as a linear expression of its own (repeated columns merged).
    pub fn linear(&mut self, n: &Num, dir: Dir, env: &mut Env) -> EvalResult<Sink> {
        let mut s = Sink::default();
        self.emit(n, 1.0, dir, env, &mut s)?;
        merge_terms(&mut s.terms);
        Ok(s)
    }

    /// `scale · a · b` for two linear expressions.
    fn product(&mut self, a: &Num, b: &Num, scale: f64, env: &mut Env, sink: &mut Sink) -> EvalResult<()> {
        let la = self.linear(a, Dir::Both, env)?;
        let lb = self.linear(b, Dir::Both, env)?;
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

pub(super) fn division_by_zero(span: Span) -> Box<crate::model::eval::EvalError> {
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
    if let Num::Sum { id, span, .. } = n {
        f(*id, *span);
    }
    n.each_child(&mut |c| each_sum(c, f));
}
