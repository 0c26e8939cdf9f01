//! Resolving the constructs optform reformulates: `abs`, `max`/`min` and `count` of
//! expressions with variables, products with binary variables, `pwl`, and the propositions of
//! logical constraints. Each resolves to an IR node that compilation turns into auxiliary
//! columns and rows and that verification evaluates as written.

use super::{cmp_op, Resolver};
use crate::expr::{BinOp, Expr, ExprKind, Span};
use crate::model::diag::Code;
use crate::model::ir::*;

impl Resolver<'_, '_> {
    /// A reformulated node of `deg`, which must be linear inside.
    pub(super) fn reformulated(&mut self, n: Num, deg: Degree, span: Span) -> Option<(Num, Degree)> {
        if deg > 1 {
            self.error(
                Code::NonLinear,
                span,
                format!("`{}` takes linear expressions; this one is quadratic", self.text(span)),
                None,
            );
            return None;
        }
        Some((n, deg))
    }

    /// `max`/`min` of listed or indexed terms; data when no term has variables.
    pub(super) fn extreme(&mut self, max: bool, terms: Terms<Num>, deg: Degree, span: Span) -> Option<(Num, Degree)> {
        self.reformulated(Num::Extreme { max, terms, span }, deg, span)
    }

    /// `a * b` with both sides holding variables: exact when one side is a product of binary
    /// variables and the other is linear. `None` when neither side is binary.
    pub(super) fn binary_product(&mut self, l: Num, r: Num, deg: Degree, span: Span) -> Option<Option<(Num, Degree)>> {
        let (bin, other) = if self.binary_factor(&l) {
            (l, r)
        } else if self.binary_factor(&r) {
            (r, l)
        } else {
            return None;
        };
        if deg > 1 {
            self.error(
                Code::NonLinear,
                span,
                format!("`{}` multiplies a binary variable by a quadratic expression", self.text(span)),
                Some("a binary variable may multiply a linear expression (with finite bounds)".into()),
            );
            return Some(None);
        }
        Some(Some((Num::BinMul(Box::new(bin), Box::new(other), span), 1)))
    }

    /// Whether `n` is a product of binary variables and data: `y`, `3*y`, `y1*y2`.
    fn binary_factor(&self, n: &Num) -> bool {
        match n {
            Num::Var { id, .. } => self.world.var_binary[*id],
            Num::Mul(_, b) | Num::Div(b, _, _) | Num::Neg(b) => self.binary_factor(b),
            Num::BinMul(a, b, _) => self.binary_factor(a) && self.binary_factor(b),
            _ => false,
        }
    }

    /// `pwl(x, (b1,v1), (b2,v2), …)`: breakpoints and values are data.
    pub(super) fn pwl(&mut self, args: &[Expr], span: Span) -> Option<(Num, Degree)> {
        let help = "write `pwl(x, (0,0), (100,500), (200,800))`: the expression, then (breakpoint, value) pairs in increasing breakpoint order";
        let Some((first, pairs)) = args.split_first().filter(|(_, p)| p.len() >= 2) else {
            self.error(
                Code::Syntax,
                span,
                "`pwl` takes an expression and at least two (breakpoint, value) pairs",
                Some(help.into()),
            );
            return None;
        };
        let x = self.num(first);
        let mut points = Vec::with_capacity(pairs.len());
        let mut ok = true;
        for p in pairs {
            match &p.kind {
                ExprKind::Call { func, args } if func.is_empty() && args.len() == 2 => {
                    match (self.data(&args[0]), self.data(&args[1])) {
                        (Some(b), Some(v)) => points.push((b, v)),
                        _ => ok = false,
                    }
                }
                _ => {
                    self.error(Code::Syntax, p.span, "expected a (breakpoint, value) pair", Some(help.into()));
                    ok = false;
                }
            }
        }
        let (x, deg) = x?;
        if !ok {
            return None;
        }
        self.reformulated(Num::Pwl { x: Box::new(x), points, span }, deg, span)
    }

    /// A proposition: relations with variables joined by `and`, `or`, `not`, `=>`, `<=>`;
    /// binary variables; conditions on data.
    pub fn prop(&mut self, e: &Expr) -> Option<Prop> {
        match &e.kind {
            ExprKind::Binary { op: op @ (BinOp::And | BinOp::Or | BinOp::Implies | BinOp::Iff), lhs, rhs } => {
                let (l, r) = (self.prop(lhs), self.prop(rhs));
                let (l, r) = (Box::new(l?), Box::new(r?));
                Some(match op {
                    BinOp::And => Prop::And(l, r),
                    BinOp::Or => Prop::Or(l, r),
                    BinOp::Implies => Prop::Implies(l, r),
                    _ => Prop::Iff(l, r),
                })
            }
            ExprKind::Not(a) => Some(Prop::Not(Box::new(self.prop(a)?))),
            _ if !self.mentions_var(e) => self.cond(e).map(Prop::Data),
            ExprKind::Binary { op, lhs, rhs } if op.is_comparison() => {
                let (l, r) = (self.num(lhs), self.num(rhs));
                let ((l, dl), (r, dr)) = (l?, r?);
                if dl.max(dr) > 1 {
                    self.error(
                        Code::NonLinear,
                        e.span,
                        format!("`{}` is quadratic; relations in logic must be linear", self.text(e.span)),
                        None,
                    );
                    return None;
                }
                Some(Prop::Rel { lhs: l, op: cmp_op(*op), rhs: r, span: e.span })
            }
            _ => {
                let (n, _) = self.num(e)?;
                if matches!(n, Num::Var { .. }) && self.binary_factor(&n) {
                    return Some(Prop::Lit(n, e.span));
                }
                let t = self.text(e.span).to_string();
                self.error(
                    Code::WrongKind,
                    e.span,
                    format!("`{t}` is not a proposition: only a binary variable is true or false on its own"),
                    Some(format!("write a relation, e.g. `{t} >= 1` for \"is non-zero\"")),
                );
                None
            }
        }
    }

    /// Whether a declared variable is named anywhere in `e` (indices never shadow declared
    /// names: binding one is an error).
    fn mentions_var(&self, e: &Expr) -> bool {
        let mut stack = vec![e];
        while let Some(e) = stack.pop() {
            let name = match &e.kind {
                ExprKind::Name(n) | ExprKind::Index { name: n, .. } => Some(n),
                _ => None,
            };
            if name.is_some_and(|n| matches!(self.world.symbols.get(n), Some(super::Symbol::Var(_)))) {
                return true;
            }
            crate::expr::children(e, &mut stack);
        }
        false
    }
}
