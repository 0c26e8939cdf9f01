//! Exact linear reformulations of `abs`, `max`/`min`, products with binaries, `count` and
//! `pwl`. Where the node sits on its convex side (`abs(e) <= c`, minimising a max) the LP form
//! needs no binaries; elsewhere binaries with big-Ms derived from bounds make it exact. Every
//! M comes from interval arithmetic over column bounds, never a magic number: a missing bound
//! is an error that names the variable.

use super::builder::Role;
use super::emit::{Dir, Emitter, Sink};
use super::logic::Class;
use crate::expr::Span;
use crate::model::eval::{Env, EvalError, EvalResult};
use crate::model::ir::*;
use crate::model::Code;

impl Emitter<'_, '_> {
    /// The interval a linear expression ranges over, from its columns' bounds.
    pub fn range(&self, s: &Sink) -> (f64, f64) {
        s.terms.iter().fold((s.constant, s.constant), |(lo, hi), &(col, k)| {
            let (l, h) = self.b.bounds(col);
            let (a, b) = (k * l, k * h);
            // 0·inf is NaN; a zero coefficient adds nothing.
            if k == 0.0 {
                (lo, hi)
            } else {
                (lo + a.min(b), hi + a.max(b))
            }
        })
    }

    /// `range(s)` where the sides `need` (lower, upper) must be finite: a big-M is derived from
    /// them. Otherwise an error naming a variable whose bound is missing.
    pub fn finite_range(&self, s: &Sink, need: (bool, bool), what: &str, span: Span) -> EvalResult<(f64, f64)> {
        let (lo, hi) = self.range(s);
        if (!need.0 || lo.is_finite()) && (!need.1 || hi.is_finite()) {
            return Ok((lo, hi));
        }
        // The column whose bound makes the needed side infinite.
        let culprit = s.terms.iter().find_map(|&(col, k)| {
            let (l, h) = self.b.bounds(col);
            let lower_side = if k > 0.0 { l } else { h };
            let upper_side = if k > 0.0 { h } else { l };
            if need.0 && !lower_side.is_finite() {
                return Some((col, if k > 0.0 { "lower" } else { "upper" }));
            }
            if need.1 && !upper_side.is_finite() {
                return Some((col, if k > 0.0 { "upper" } else { "lower" }));
            }
            None
        });
        let (message, help) = match culprit {
            Some((col, side)) => {
                let name = self.column_name(col);
                (
                    format!("{what} needs a finite {side} bound on `{name}`, which has none"),
                    format!(
                        "give the variable `{}` {} \"{side}\" bound (the {} value it can meaningfully take); optform derives the big-M from it",
                        name.split('[').next().unwrap_or(&name),
                        if side == "upper" { "an" } else { "a" },
                        if side == "upper" { "largest" } else { "smallest" }
                    ),
                )
            }
            None => (format!("{what} needs finite bounds"), "bound the variables it uses".to_string()),
        };
        let mut e = EvalError::new(Code::MissingBound, message, span);
        e.help = Some(help);
        Err(e)
    }

    /// A declared column's name (`x[a]`), or what an auxiliary one stands for.
    pub fn column_name(&self, col: u32) -> String {
        let c = col as usize;
        if c < self.b.aux.first_col {
            crate::model::column_name(self.ev.vars, self.ev.sets, self.ev.names, c)
        } else {
            format!("an auxiliary {}", self.b.aux.cols[c - self.b.aux.first_col].role.name())
        }
    }

    pub(super) fn abs(
        &mut self,
        a: &Num,
        scale: f64,
        dir: Dir,
        env: &mut Env,
        sink: &mut Sink,
        span: Span,
    ) -> EvalResult<()> {
        // |e| = max(e, -e): convex, so the same as a max of two terms.
        let convex = dir.convex_side(scale);
        let e = self.linear(a, Dir::Both, env)?;
        let minus = e.negated();
        self.max_into(vec![e, minus], convex, scale, sink, span, "`abs`")
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn extreme(
        &mut self,
        max: bool,
        terms: &Terms<Num>,
        scale: f64,
        dir: Dir,
        env: &mut Env,
        sink: &mut Sink,
        span: Span,
    ) -> EvalResult<()> {
        // max is convex, min concave: on its exact side each term is only bounded one way.
        let exact_side = if max { dir.convex_side(scale) } else { dir.concave_side(scale) };
        let inner = match (exact_side, max) {
            (false, _) => Dir::Both,
            (true, true) => Dir::Up,
            (true, false) => Dir::Down,
        };
        let mut items = Vec::new();
        let ev = self.ev;
        ev.each_term(terms, env, &mut |t, env| {
            items.push(self.linear(t, inner, env)?);
            Ok(())
        })?;
        if items.is_empty() {
            let what = if max { "max" } else { "min" };
            return Err(EvalError::new(
                Code::Arithmetic,
                format!("`{what}` over no terms: its index set is empty or its filter excludes everything"),
                span,
            ));
        }
        let what = if max { "`max`" } else { "`min`" };
        if max {
            self.max_into(items, exact_side, scale, sink, span, what)
        } else {
            // min(e) = -max(-e).
            let items = items.iter().map(Sink::negated).collect();
            self.max_into(items, exact_side, -scale, sink, span, what)
        }
    }

    /// Adds `scale · max(items)` to the sink through a column `t`: `t >= item` for each item,
    /// and, unless `relaxed_is_exact`, binaries choosing the item that `t` equals.
    fn max_into(
        &mut self,
        items: Vec<Sink>,
        relaxed_is_exact: bool,
        scale: f64,
        sink: &mut Sink,
        span: Span,
        what: &str,
    ) -> EvalResult<()> {
        if items.iter().all(Sink::is_constant) {
            sink.constant += scale * items.iter().map(|s| s.constant).fold(f64::NEG_INFINITY, f64::max);
            return Ok(());
        }
        let ranges: Vec<(f64, f64)> = if relaxed_is_exact {
            items.iter().map(|s| self.range(s)).collect()
        } else {
            let mut r = Vec::with_capacity(items.len());
            for s in &items {
                r.push(self.finite_range(s, (true, true), what, span)?);
            }
            r
        };
        let lo = ranges.iter().map(|r| r.0).fold(f64::NEG_INFINITY, f64::max);
        let hi = ranges.iter().map(|r| r.1).fold(f64::NEG_INFINITY, f64::max);
        let t = self.b.column(lo, hi, false, Role::Extreme);
        for s in &items {
            if !s.is_constant() {
                // t - item >= item's constant.
                let row = s.terms.iter().map(|&(c, k)| (c, -k)).chain([(t, 1.0)]);
                self.b.row(row, s.constant, f64::INFINITY, Role::Bound, f64::NAN);
            }
        }
        if !relaxed_is_exact {
            // t <= item_i + M_i (1 - d_i), with exactly one d_i = 1: t equals the chosen item.
            let choices: Vec<u32> = match items.len() {
                1 => Vec::new(),
                2 => {
                    let d = self.b.binary(Role::Choice);
                    vec![d, d]
                }
                n => (0..n).map(|_| self.b.binary(Role::Choice)).collect(),
            };
            for (k, s) in items.iter().enumerate() {
                let m = hi - ranges[k].0;
                let item = s.terms.iter().map(|&(c, w)| (c, -w));
                match (items.len(), k) {
                    (1, _) => self.b.row(item.chain([(t, 1.0)]), f64::NEG_INFINITY, s.constant, Role::Choice, f64::NAN),
                    // Two items share one binary d: item 0 is chosen when d = 1, item 1 when d = 0.
                    (2, 1) => self.b.row(
                        item.chain([(t, 1.0), (choices[k], -m)]),
                        f64::NEG_INFINITY,
                        s.constant,
                        Role::Choice,
                        m,
                    ),
                    _ => self.b.row(
                        item.chain([(t, 1.0), (choices[k], m)]),
                        f64::NEG_INFINITY,
                        s.constant + m,
                        Role::Choice,
                        m,
                    ),
                }
            }
            if items.len() > 2 {
                self.b.row(choices.iter().map(|&d| (d, 1.0)), 1.0, 1.0, Role::Choice, f64::NAN);
            }
        }
        sink.terms.push((t, scale));
        Ok(())
    }

    /// `scale · a · b` with `a` a product of binaries (as emitted: `k·y + c`) and `b` linear:
    /// `z = y·b` by the four exact rows of a binary times a bounded expression.
    pub(super) fn binary_product(
        &mut self,
        a: &Num,
        b: &Num,
        scale: f64,
        env: &mut Env,
        sink: &mut Sink,
        span: Span,
    ) -> EvalResult<()> {
        let la = self.linear(a, Dir::Both, env)?;
        let lb = self.linear(b, Dir::Both, env)?;
        let (bin, e) = if self.single_binary(&la) {
            (la, lb)
        } else if self.single_binary(&lb) {
            (lb, la)
        } else {
            return Err(EvalError::new(
                Code::NonLinear,
                "this product has no binary variable on either side once instantiated".into(),
                span,
            ));
        };
        let (y, k, c) = (bin.terms[0].0, bin.terms[0].1, bin.constant);
        // (k·y + c)·e = k·(y·e) + c·e
        for &(col, w) in &e.terms {
            sink.terms.push((col, scale * c * w));
        }
        sink.constant += scale * c * e.constant;
        if e.is_constant() {
            sink.terms.push((y, scale * k * e.constant));
            return Ok(());
        }
        let (lo, hi) = self.finite_range(&e, (true, true), "a product with a binary variable", span)?;
        let binary_valued =
            e.terms.len() == 1 && e.terms[0].1 == 1.0 && e.constant == 0.0 && self.b.is_binary(e.terms[0].0);
        let z = self.b.column(lo.min(0.0), hi.max(0.0), binary_valued, Role::Product);
        let minus_e = || e.terms.iter().map(|&(col, w)| (col, -w));
        // z <= hi·y, z >= lo·y: z is 0 when y is (a zero side is z's own bound already).
        if hi != 0.0 {
            self.b.row([(z, 1.0), (y, -hi)], f64::NEG_INFINITY, 0.0, Role::Product, hi);
        }
        if lo != 0.0 {
            self.b.row([(z, 1.0), (y, -lo)], 0.0, f64::INFINITY, Role::Product, -lo);
        }
        // z <= e - lo·(1-y), z >= e - hi·(1-y): z is e when y is 1.
        self.b.row(minus_e().chain([(z, 1.0), (y, -lo)]), f64::NEG_INFINITY, e.constant - lo, Role::Product, -lo);
        self.b.row(minus_e().chain([(z, 1.0), (y, -hi)]), e.constant - hi, f64::INFINITY, Role::Product, hi);
        sink.terms.push((z, scale * k));
        Ok(())
    }

    /// `k·y + c` with `y` a binary column.
    fn single_binary(&self, s: &Sink) -> bool {
        s.terms.len() == 1 && self.b.is_binary(s.terms[0].0)
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn count(
        &mut self,
        terms: &Terms<Prop>,
        scale: f64,
        dir: Dir,
        env: &mut Env,
        sink: &mut Sink,
        span: Span,
    ) -> EvalResult<()> {
        // Held from above (count <= k), each indicator must be 1 when its proposition holds;
        // from below (count >= k), its proposition must hold when it is 1; both for `==`.
        let (if_holds, only_if) = match dir {
            Dir::Both => (true, true),
            d => (d.convex_side(scale), d.concave_side(scale)),
        };
        let ev = self.ev;
        ev.each_term(terms, env, &mut |p, env| {
            match self.classify(p, false, env)? {
                Class::Fixed(holds) => sink.constant += if holds { scale } else { 0.0 },
                // A binary (or a relation on one, `y[j] == 1`) counts as itself.
                Class::Literal(l) => {
                    sink.constant += scale * l.constant;
                    sink.terms.extend(l.terms.iter().map(|&(c, k)| (c, scale * k)));
                }
                Class::Relation => {
                    let d = self.b.binary(Role::Indicator);
                    let on = Sink { terms: vec![(d, 1.0)], ..Default::default() };
                    let off = Sink { terms: vec![(d, -1.0)], quad: Vec::new(), constant: 1.0 };
                    if if_holds {
                        // d = 0 => not p
                        self.require_prop(p, true, &off, env, span)?;
                    }
                    if only_if {
                        // d = 1 => p
                        self.require_prop(p, false, &on, env, span)?;
                    }
                    sink.terms.push((d, scale));
                }
            }
            Ok(())
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn pwl(
        &mut self,
        x: &Num,
        points: &[(Num, Num)],
        scale: f64,
        dir: Dir,
        env: &mut Env,
        sink: &mut Sink,
        span: Span,
    ) -> EvalResult<()> {
        let pieces = self.ev.pieces(points, env, span)?;
        let xs = self.linear(x, Dir::Both, env)?;
        let (first, last) = (pieces.points[0].0, pieces.points[pieces.segments()].0);
        let vlo = pieces.points.iter().map(|p| p.1).fold(f64::INFINITY, f64::min);
        let vhi = pieces.points.iter().map(|p| p.1).fold(f64::NEG_INFINITY, f64::max);
        if xs.is_constant() {
            let v = pieces.at(xs.constant).ok_or_else(|| {
                EvalError::new(
                    Code::Arithmetic,
                    format!("`pwl` at {}, outside its breakpoints [{first}, {last}]", xs.constant),
                    span,
                )
            })?;
            sink.constant += scale * v;
            return Ok(());
        }
        let x_terms = || xs.terms.clone().into_iter();
        let t = self.b.column(vlo, vhi, false, Role::Piecewise);
        // x stays within the breakpoints.
        self.b.row(x_terms(), first - xs.constant, last - xs.constant, Role::Piecewise, f64::NAN);
        let up = pieces.convex() && dir.convex_side(scale);
        let down = pieces.concave() && dir.concave_side(scale);
        if up || down {
            // Each piece's line bounds t; on the exact side the nearest line is attained.
            for k in 0..pieces.segments() {
                let (b0, v0) = pieces.points[k];
                let s = pieces.slope(k);
                // t - s·x  (>= or <=)  v0 - s·b0 + s·const
                let row = x_terms().map(|(c, w)| (c, -s * w)).chain([(t, 1.0)]);
                let rhs = v0 - s * b0 + s * xs.constant;
                if up {
                    self.b.row(row, rhs, f64::INFINITY, Role::Piecewise, f64::NAN);
                } else {
                    self.b.row(row, f64::NEG_INFINITY, rhs, Role::Piecewise, f64::NAN);
                }
            }
        } else {
            // Convex combination of two neighbouring points: weights λ, one segment chosen.
            let n = pieces.points.len();
            let lambda: Vec<u32> = (0..n).map(|_| self.b.column(0.0, 1.0, false, Role::Piecewise)).collect();
            let seg: Vec<u32> = (0..n - 1).map(|_| self.b.binary(Role::Piecewise)).collect();
            self.b.row(lambda.iter().map(|&l| (l, 1.0)), 1.0, 1.0, Role::Piecewise, f64::NAN);
            self.b.row(seg.iter().map(|&z| (z, 1.0)), 1.0, 1.0, Role::Piecewise, f64::NAN);
            let xrow = x_terms().chain(lambda.iter().zip(&pieces.points).map(|(&l, p)| (l, -p.0)));
            self.b.row(xrow, -xs.constant, -xs.constant, Role::Piecewise, f64::NAN);
            let trow = lambda.iter().zip(&pieces.points).map(|(&l, p)| (l, -p.1)).chain([(t, 1.0)]);
            self.b.row(trow, 0.0, 0.0, Role::Piecewise, f64::NAN);
            for (k, &l) in lambda.iter().enumerate() {
                // λ_k <= z_{k-1} + z_k: only the chosen segment's two ends carry weight.
                let near = [k.checked_sub(1), (k < n - 1).then_some(k)];
                let row = near.into_iter().flatten().map(|j| (seg[j], -1.0)).chain([(l, 1.0)]);
                self.b.row(row, f64::NEG_INFINITY, 0.0, Role::Piecewise, f64::NAN);
            }
        }
        sink.terms.push((t, scale));
        Ok(())
    }
}
