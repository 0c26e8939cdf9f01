//! Logical constraints as linear rows. A proposition is put in negation normal form (a tree of
//! `all`/`any` over relations, binary literals and data conditions), then required to hold
//! under an *activation*: a linear expression of binaries that is 1 where the proposition must
//! hold and at most 0 where it may fail. A relation under activation `a` becomes
//! `f <= M·(1 - a)` with `M` the largest value `f` can take (from bounds); a disjunction gets
//! one indicator binary per alternative that is not already a binary literal.

use super::builder::Role;
use super::emit::{Dir, Emitter, Sink};
use crate::expr::Span;
use crate::model::eval::{negate, Env, EvalError, EvalResult};
use crate::model::ir::*;
use crate::model::resolve::has_reform;
use crate::model::Code;

/// A proposition, or its negation, in negation normal form.
enum Goal<'p> {
    One(&'p Prop, bool),
    All(Vec<Goal<'p>>),
    Any(Vec<Goal<'p>>),
}

/// `a and b` (`all`) or `a or b`, flattening nested goals of the same kind.
fn both<'p>(a: Goal<'p>, b: Goal<'p>, all: bool) -> Goal<'p> {
    let mut items = Vec::new();
    for g in [a, b] {
        match g {
            Goal::All(v) if all => items.extend(v),
            Goal::Any(v) if !all => items.extend(v),
            g => items.push(g),
        }
    }
    if all {
        Goal::All(items)
    } else {
        Goal::Any(items)
    }
}

/// `p` (negated when `neg`) with negations pushed down to relations and literals.
fn goal(p: &Prop, neg: bool) -> Goal<'_> {
    match p {
        Prop::Not(a) => goal(a, !neg),
        Prop::And(a, b) => both(goal(a, neg), goal(b, neg), !neg),
        Prop::Or(a, b) => both(goal(a, neg), goal(b, neg), neg),
        // a => b is (not a) or b; its negation a and (not b).
        Prop::Implies(a, b) => both(goal(a, !neg), goal(b, neg), neg),
        // a <=> b is (a and b) or (not a and not b); its negation (a and not b) or (not a and b).
        Prop::Iff(a, b) => {
            both(both(goal(a, false), goal(b, neg), true), both(goal(a, true), goal(b, !neg), true), false)
        }
        _ => Goal::One(p, neg),
    }
}

/// The constant activation 1: the proposition must hold.
pub fn always() -> Sink {
    Sink { constant: 1.0, ..Default::default() }
}

/// What a relation or literal amounts to in one instance.
pub(super) enum Class {
    /// Holds (or fails) whatever the variables' values: a condition on data, or a relation
    /// that its bounds decide.
    Fixed(bool),
    /// Holds exactly when a binary expression (`y` or `1 - y`) is 1.
    Literal(Sink),
    /// A relation that needs rows.
    Relation,
}

impl Emitter<'_, '_> {
    /// Classifies `p` (negated when `neg`): a relation on one binary variable, such as
    /// `open[f] == 0`, is a literal (`1 - open[f]`), so it needs no indicator of its own.
    pub(super) fn classify(&mut self, p: &Prop, neg: bool, env: &mut Env) -> EvalResult<Class> {
        match p {
            Prop::Data(c) => Ok(Class::Fixed(self.ev.cond(c, env)? != neg)),
            Prop::Lit(n, _) => {
                let y = self.linear(n, Dir::Both, env)?;
                Ok(Class::Literal(if neg { y.negated().plus(1.0) } else { y }))
            }
            Prop::Rel { lhs, op, rhs, .. } if !has_reform(lhs) && !has_reform(rhs) => {
                let op = if neg { negate(*op) } else { *op };
                let f = self.difference(lhs, rhs, Dir::Both, env)?;
                let holds = |v: f64| compare(op, v);
                Ok(match f.terms.as_slice() {
                    [] => Class::Fixed(holds(f.constant)),
                    &[(y, k)] if self.b.is_binary(y) => match (holds(f.constant), holds(f.constant + k)) {
                        (a, b) if a == b => Class::Fixed(a),
                        (false, true) => Class::Literal(Sink { terms: vec![(y, 1.0)], ..Default::default() }),
                        _ => Class::Literal(Sink { terms: vec![(y, -1.0)], quad: Vec::new(), constant: 1.0 }),
                    },
                    _ => Class::Relation,
                })
            }
            _ => Ok(Class::Relation),
        }
    }

    /// Requires `p` (or its negation) to hold wherever `act` is 1.
    pub fn require_prop(&mut self, p: &Prop, negated: bool, act: &Sink, env: &mut Env, span: Span) -> EvalResult<()> {
        self.require(&goal(p, negated), act, env, span)
    }

    fn require(&mut self, g: &Goal, act: &Sink, env: &mut Env, span: Span) -> EvalResult<()> {
        if act.is_constant() && act.constant <= 0.0 {
            return Ok(());
        }
        match g {
            Goal::All(items) => items.iter().try_for_each(|g| self.require(g, act, env, span)),
            Goal::Any(items) => self.any(items, act, env, span),
            Goal::One(p, neg) => match self.classify(p, *neg, env)? {
                Class::Fixed(true) => Ok(()),
                Class::Fixed(false) => {
                    // Fails whatever the variables: only a switched-off activation satisfies it.
                    let row = act.terms.iter().copied();
                    self.b.row(row, f64::NEG_INFINITY, -act.constant, Role::Logic, f64::NAN);
                    Ok(())
                }
                Class::Literal(lit) => {
                    self.at_least(&lit, act);
                    Ok(())
                }
                Class::Relation => {
                    let Prop::Rel { lhs, op, rhs, span } = p else { unreachable!("only relations need rows") };
                    let op = if *neg { negate(*op) } else { *op };
                    self.relation(lhs, op, rhs, act, env, *span)
                }
            },
        }
    }

    /// `Σ lits >= act`.
    fn at_least(&mut self, lits: &Sink, act: &Sink) {
        let row = lits.terms.iter().copied().chain(act.terms.iter().map(|&(c, k)| (c, -k)));
        self.b.row(row, act.constant - lits.constant, f64::INFINITY, Role::Logic, f64::NAN);
    }

    /// At least one item holds where `act` is 1.
    fn any(&mut self, items: &[Goal], act: &Sink, env: &mut Env, span: Span) -> EvalResult<()> {
        let mut lits = Sink::default();
        let mut complex = Vec::new();
        for g in items {
            let Goal::One(p, neg) = g else {
                complex.push(g);
                continue;
            };
            match self.classify(p, *neg, env)? {
                Class::Fixed(true) => return Ok(()), // an alternative that always holds
                Class::Fixed(false) => {}
                Class::Literal(l) => {
                    lits.terms.extend(l.terms);
                    lits.constant += l.constant;
                }
                Class::Relation => complex.push(g),
            }
        }
        match complex.as_slice() {
            [] => {
                self.at_least(&lits, act);
                Ok(())
            }
            // One alternative besides literals: it must hold when no literal does.
            [only] => {
                let rest = Sink {
                    terms: act.terms.iter().copied().chain(lits.terms.iter().map(|&(c, k)| (c, -k))).collect(),
                    quad: Vec::new(),
                    constant: act.constant - lits.constant,
                };
                self.require(only, &rest, env, span)
            }
            many => {
                let mut chosen = lits;
                for g in many {
                    let d = self.b.binary(Role::Indicator);
                    chosen.terms.push((d, 1.0));
                    let on = Sink { terms: vec![(d, 1.0)], ..Default::default() };
                    self.require(g, &on, env, span)?;
                }
                self.at_least(&chosen, act);
                Ok(())
            }
        }
    }

    /// `lhs - rhs` as one linear expression.
    fn difference(&mut self, lhs: &Num, rhs: &Num, dir: Dir, env: &mut Env) -> EvalResult<Sink> {
        let mut f = Sink::default();
        self.emit(lhs, 1.0, dir, env, &mut f)?;
        self.emit(rhs, -1.0, dir, env, &mut f)?;
        super::emit::merge_terms(&mut f.terms);
        Ok(f)
    }

    /// `lhs op rhs` where `act` is 1, relaxed by a big-M where it is 0.
    #[allow(clippy::too_many_arguments)]
    fn relation(&mut self, lhs: &Num, op: CmpOp, rhs: &Num, act: &Sink, env: &mut Env, span: Span) -> EvalResult<()> {
        let dir = match op {
            CmpOp::Le | CmpOp::Lt => Dir::Up,
            CmpOp::Ge | CmpOp::Gt => Dir::Down,
            CmpOp::Eq | CmpOp::Ne => Dir::Both,
        };
        let f = self.difference(lhs, rhs, dir, env)?;
        match op {
            CmpOp::Le => self.at_most_zero(&f, act, span),
            CmpOp::Ge => self.at_most_zero(&f.negated(), act, span),
            CmpOp::Eq => {
                self.at_most_zero(&f, act, span)?;
                self.at_most_zero(&f.negated(), act, span)
            }
            CmpOp::Lt => self.at_most_zero(&self.strict(&f, span)?, act, span),
            CmpOp::Gt => {
                let g = self.strict(&f.negated(), span)?;
                self.at_most_zero(&g, act, span)
            }
            CmpOp::Ne => {
                // f < 0 or f > 0: one binary picks the side.
                let below = self.strict(&f, span)?;
                let above = self.strict(&f.negated(), span)?;
                let d = self.b.binary(Role::Indicator);
                let mut first = act.clone_sink();
                first.terms.push((d, -1.0));
                self.at_most_zero(&below, &first, span)?;
                self.at_most_zero(&above, &Sink { terms: vec![(d, 1.0)], ..Default::default() }, span)
            }
        }
    }

    /// `f < 0` as `f' <= 0`: exact for an integer-valued `f` (`f <= ceil(-c) - 1` on its
    /// terms); a continuous one has no exact form, and the error says what to write.
    fn strict(&self, f: &Sink, span: Span) -> EvalResult<Sink> {
        let integral = f.terms.iter().all(|&(c, k)| self.b.is_integer(c) && k.fract() == 0.0);
        if !integral {
            let mut e = EvalError::new(
                Code::StrictInequality,
                "a strict inequality on a continuous expression cannot be enforced exactly".into(),
                span,
            );
            e.help = Some("a solver cannot tell `x < 5` from `x <= 5` on continuous values. Write conditions so that what must be enforced is not strict: `x > 0 => y == 1` needs only `x <= 0` when y is 0, and `count{i in I} (x[i] > 0)` counts the non-zero ones; where a strict bound must hold, give the margin (`x >= 5.01`)".into());
            return Err(e);
        }
        // Σ terms < -c  ⇔  Σ terms <= ceil(-c) - 1.
        let mut g = f.clone_sink();
        g.constant = 1.0 - (-f.constant).ceil();
        Ok(g)
    }

    /// `f <= 0` where `act` is 1: `f <= M·(1 - act)` with `M` the largest value of `f`.
    fn at_most_zero(&mut self, f: &Sink, act: &Sink, span: Span) -> EvalResult<()> {
        let terms = f.terms.iter().copied();
        if act.is_constant() && act.constant >= 1.0 {
            self.b.row(terms, f64::NEG_INFINITY, -f.constant, Role::Logic, f64::NAN);
            return Ok(());
        }
        let (_, m) = self.finite_range(f, (false, true), "a relation that a logical condition can switch off", span)?;
        if m <= 0.0 {
            return Ok(()); // holds for every value the variables can take
        }
        // f + M·act_terms <= M·(1 - act_const)
        let row = terms.chain(act.terms.iter().map(|&(c, k)| (c, m * k)));
        self.b.row(row, f64::NEG_INFINITY, m * (1.0 - act.constant) - f.constant, Role::Logic, m);
        Ok(())
    }
}

/// Whether `v op 0` holds.
fn compare(op: CmpOp, v: f64) -> bool {
    match op {
        CmpOp::Le => v <= 0.0,
        CmpOp::Lt => v < 0.0,
        CmpOp::Ge => v >= 0.0,
        CmpOp::Gt => v > 0.0,
        CmpOp::Eq => v == 0.0,
        CmpOp::Ne => v != 0.0,
    }
}
