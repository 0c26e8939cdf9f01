//! Translating the expression tree into another modelling language. One traversal handles
//! scoping and parentheses; each target (AMPL, Pyomo, LaTeX) supplies the spelling.

use std::collections::HashMap;

use crate::expr::print::{ends_in_sum, precedence, PREC_ATOM, PREC_IF, PREC_NOT, PREC_UNARY};
use crate::expr::{BinOp, Binding, Builtin, Expr, ExprKind, Indexing, ReduceOp, RelOp, Relation, SetExpr, SetKind};

use super::Unsupported;

/// What a declared name is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Set,
    Param,
    Var,
}

/// Facts a target needs about sets.
#[derive(Debug, Clone, Default)]
pub struct SetFacts {
    /// Elements are integers.
    pub integer: bool,
    /// Integers with no gaps (`prev(t)` is then `t-1`).
    pub contiguous: bool,
}

/// The declared names and, while translating, the indices in scope with the set each iterates.
pub struct Scope<'a> {
    pub kinds: &'a HashMap<String, Kind>,
    pub sets: &'a HashMap<String, SetFacts>,
    dummies: Vec<(String, Option<String>)>,
}

impl<'a> Scope<'a> {
    pub fn new(kinds: &'a HashMap<String, Kind>, sets: &'a HashMap<String, SetFacts>) -> Self {
        Scope { kinds, sets, dummies: Vec::new() }
    }

    pub fn is_dummy(&self, name: &str) -> bool {
        self.dummies.iter().any(|(n, _)| n == name)
    }

    /// The named set an index iterates (`None` for ranges and unknown names).
    pub fn set_of(&self, dummy: &str) -> Option<&str> {
        self.dummies.iter().rev().find(|(n, _)| n == dummy).and_then(|(_, s)| s.as_deref())
    }

    pub fn facts(&self, set: &str) -> SetFacts {
        self.sets.get(set).cloned().unwrap_or_default()
    }

    pub fn push(&mut self, b: &Binding) {
        let set = match &b.set.kind {
            SetKind::Named(n) => Some(n.clone()),
            SetKind::Range(..) => None,
        };
        for (n, _) in &b.names {
            self.dummies.push((n.clone(), set.clone()));
        }
    }

    pub fn mark(&self) -> usize {
        self.dummies.len()
    }

    pub fn pop_to(&mut self, mark: usize) {
        self.dummies.truncate(mark);
    }
}

pub type Out = Result<String, Unsupported>;

/// The spelling of one target language.
pub trait Target {
    /// A number; infinite data (`"cap": "inf"`) as the target writes infinity.
    fn number(&self, v: f64) -> String {
        match v {
            f64::INFINITY => self.infinity(),
            f64::NEG_INFINITY => self.neg(self.infinity()),
            v => crate::expr::print::format_number(v),
        }
    }
    /// An element string as a literal; the text is escaped, whatever it holds.
    fn string(&self, s: &str) -> String;
    /// A declared name as the target's declarations and data spell it (documents keep the
    /// name as written: their templates escape it).
    fn ident(&self, name: &str) -> String {
        name.to_string()
    }
    /// An index name as the target binds it (templates write these as parameters).
    fn dummy(&self, name: &str) -> String {
        name.to_string()
    }
    fn infinity(&self) -> String;
    /// A bare name: index, scalar parameter or variable, or a set.
    fn name(&self, scope: &Scope, name: &str) -> String;
    fn index(&self, scope: &Scope, name: &str, args: Vec<String>) -> String;
    /// Functions, including the set functions that need the raw arguments.
    fn call(&self, scope: &mut Scope, func: Builtin, args: &[Expr]) -> Out;
    /// A tuple of values, `(b, v)` (the points of a `pwl`).
    fn tuple(&self, items: Vec<String>) -> String {
        format!("({})", items.join(", "))
    }
    /// `t-1` / `t+1` on an index.
    fn shift(&self, scope: &Scope, dummy: &str, by: i64) -> Out;
    fn binary(&self, op: BinOp, lhs: String, rhs: String) -> String;
    /// A constraint's relation (strict ones are written non-strict, as they are solved).
    fn relop(&self, op: RelOp) -> &'static str;
    fn neg(&self, a: String) -> String {
        format!("-{a}")
    }
    fn not(&self, a: String) -> String;
    fn paren(&self, a: String) -> String {
        format!("({a})")
    }
    fn sum(&self, over: String, body: String) -> String;
    /// `max{…} e`, `min{…} e`, `count{…} p`; only some targets can write these.
    fn reduce(&self, op: ReduceOp, _over: String, _body: String) -> Out {
        Err(Unsupported::new(format!("`{}{{…}}`", op.name())))
    }
    fn cond(&self, c: String, then: String, otherwise: String) -> String;
    fn member(&self, items: Vec<String>, set: String) -> String;
    fn set(&self, scope: &Scope, name: &str) -> String;
    fn range(&self, lo: String, hi: String) -> String;
    /// One binding: `i in I`, `(i,j) in Arcs`.
    fn binding(&self, names: &[String], set: String) -> String;
    fn indexing(&self, bindings: Vec<String>, filter: Option<String>) -> String;
    /// Whether `/` and `^` write their operands in braces (LaTeX), so they need no parentheses.
    fn braces(&self) -> bool {
        false
    }
}

fn child(t: &dyn Target, scope: &mut Scope, e: &Expr, min: u8) -> Out {
    let s = tr(t, scope, e)?;
    Ok(if precedence(e) < min { t.paren(s) } else { s })
}

fn list(t: &dyn Target, scope: &mut Scope, items: &[Expr]) -> Result<Vec<String>, Unsupported> {
    items.iter().map(|a| tr(t, scope, a)).collect()
}

/// `t-1` where `t` is an index: the one construct whose meaning depends on the set.
fn as_shift<'e>(scope: &Scope, e: &'e Expr) -> Option<(&'e str, i64)> {
    let ExprKind::Binary { op: op @ (BinOp::Add | BinOp::Sub), lhs, rhs } = &e.kind else { return None };
    match (&lhs.kind, &rhs.kind) {
        (ExprKind::Name(n), ExprKind::Num(k)) if scope.is_dummy(n) && k.fract() == 0.0 => {
            Some((n, if *op == BinOp::Add { *k as i64 } else { -(*k as i64) }))
        }
        _ => None,
    }
}

/// `a` for one item, `(a,b)` for several: how every target writes an element or a tuple.
pub fn one_or_tuple(items: &[String], sep: &str) -> String {
    match items {
        [one] => one.clone(),
        many => format!("({})", many.join(sep)),
    }
}

/// Translates an expression.
pub fn tr(t: &dyn Target, scope: &mut Scope, e: &Expr) -> Out {
    Ok(match &e.kind {
        ExprKind::Num(n) => t.number(*n),
        ExprKind::Str(s) => t.string(s),
        ExprKind::Inf => t.infinity(),
        ExprKind::Name(n) => t.name(scope, n),
        ExprKind::Index { name, args, .. } => {
            let mut out = Vec::new();
            for a in args {
                out.push(match as_shift(scope, a) {
                    Some((d, by)) => t.shift(scope, d, by)?,
                    None => tr(t, scope, a)?,
                });
            }
            t.index(scope, name, out)
        }
        ExprKind::Call { func, args } => match Builtin::from_name(func) {
            Some(f) => t.call(scope, f, args)?,
            None if func.is_empty() => t.tuple(list(t, scope, args)?),
            None => return Err(Unsupported::new(format!("the function name `{}`", func.escape_debug()))),
        },
        ExprKind::Neg(a) => t.neg(child(t, scope, a, PREC_UNARY)?),
        ExprKind::Not(a) => t.not(child(t, scope, a, PREC_NOT)?),
        ExprKind::Binary { op, lhs, rhs } => {
            let p = op.precedence();
            let (mut lmin, rmin) = match op {
                BinOp::Pow => (PREC_ATOM, PREC_UNARY),
                _ if op.is_comparison() => (p + 1, p + 1),
                _ => (p, p + 1),
            };
            if matches!(op, BinOp::Mul | BinOp::Div | BinOp::Mod) && ends_in_sum(lhs) {
                lmin = PREC_ATOM;
            }
            let braced = t.braces() && matches!(op, BinOp::Div | BinOp::Pow);
            let (l, r) = if braced {
                let l = if *op == BinOp::Pow { child(t, scope, lhs, PREC_ATOM)? } else { tr(t, scope, lhs)? };
                (l, tr(t, scope, rhs)?)
            } else {
                (child(t, scope, lhs, lmin)?, child(t, scope, rhs, rmin)?)
            };
            t.binary(*op, l, r)
        }
        ExprKind::Sum { over, body } => {
            let mark = scope.mark();
            let ix = indexing(t, scope, over)?;
            let body = child(t, scope, body, BinOp::Mul.precedence());
            scope.pop_to(mark);
            t.sum(ix, body?)
        }
        ExprKind::Reduce(r) => {
            let mark = scope.mark();
            let ix = indexing(t, scope, &r.over)?;
            let body = child(t, scope, &r.body, BinOp::Mul.precedence());
            scope.pop_to(mark);
            t.reduce(r.op, ix, body?)?
        }
        ExprKind::If { cond, then, otherwise } => {
            let c = tr(t, scope, cond)?;
            let a = child(t, scope, then, PREC_IF + 1)?;
            let b = child(t, scope, otherwise, PREC_IF + 1)?;
            t.cond(c, a, b)
        }
        ExprKind::In { items, set } => {
            let items = list(t, scope, items)?;
            let set = set_expr(t, scope, set)?;
            t.member(items, set)
        }
    })
}

fn set_expr(t: &dyn Target, scope: &mut Scope, s: &SetExpr) -> Out {
    Ok(match &s.kind {
        SetKind::Named(n) => t.set(scope, n),
        SetKind::Range(lo, hi) => {
            let lo = tr(t, scope, lo)?;
            let hi = tr(t, scope, hi)?;
            t.range(lo, hi)
        }
    })
}

/// Translates an index and brings its names into scope (the caller pops them).
pub fn indexing(t: &dyn Target, scope: &mut Scope, ix: &Indexing) -> Out {
    let mut bindings = Vec::new();
    for b in &ix.bindings {
        let set = set_expr(t, scope, &b.set)?;
        let names: Vec<String> = b.names.iter().map(|(n, _)| n.clone()).collect();
        bindings.push(t.binding(&names, set));
        scope.push(b);
    }
    let filter = match &ix.filter {
        Some(f) => Some(tr(t, scope, f)?),
        None => None,
    };
    Ok(t.indexing(bindings, filter))
}

/// A constraint's sides, translated; the relation symbols are the target's business.
pub fn relation(t: &dyn Target, scope: &mut Scope, r: &Relation) -> Result<Vec<String>, Unsupported> {
    r.parts.iter().map(|p| tr(t, scope, p)).collect()
}
