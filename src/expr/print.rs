//! Prints trees back as source text with the fewest parentheses that keep their meaning.
//! `parse(print(e)) == e` for every tree (a property test checks it).

use std::fmt::{self, Display, Formatter, Write};

use super::ast::*;
use super::chain::{inverse, is_chain_op, left_half, positive, LEFT_DEEP_MAX_OPERANDS};

/// Precedence levels of constructs that are not binary operators.
pub(crate) const PREC_IF: u8 = 0;
pub(crate) const PREC_NOT: u8 = 3;
pub(crate) const PREC_UNARY: u8 = 7;
pub(crate) const PREC_ATOM: u8 = 9;

/// Binding strength of an expression's outermost construct (higher binds tighter).
pub(crate) fn precedence(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::If { .. } => PREC_IF,
        ExprKind::Not(_) => PREC_NOT,
        ExprKind::In { .. } => 4,
        ExprKind::Binary { op, .. } => op.precedence(),
        ExprKind::Neg(_) | ExprKind::Sum { .. } | ExprKind::Reduce(_) => PREC_UNARY,
        ExprKind::Num(n) if *n < 0.0 => PREC_UNARY,
        _ => PREC_ATOM,
    }
}

/// Whether the printed form of `e` ends with a `sum` whose body would swallow what follows.
pub(crate) fn ends_in_sum(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Sum { .. } | ExprKind::Reduce(_) => true,
        ExprKind::Neg(a) => ends_in_sum(a),
        ExprKind::Binary { op: BinOp::Mul | BinOp::Div | BinOp::Mod | BinOp::Pow, rhs, .. } => ends_in_sum(rhs),
        _ => false,
    }
}

/// Whether `e`'s left spine of one chain level, printed without parentheses, would be read
/// back as a chain longer than the parser keeps left-deep (and so be rebuilt balanced).
/// Such a tree's left operand is printed in parentheses to keep its shape; balanced trees have
/// short spines, so this only happens for long left-deep chains built by hand.
fn spine_too_long(e: &Expr) -> bool {
    let ExprKind::Binary { op, .. } = &e.kind else { return false };
    let level = op.precedence();
    let mut operands = 1;
    let mut cur = e;
    while let ExprKind::Binary { op, lhs, .. } = &cur.kind {
        if !is_chain_op(*op) || op.precedence() != level || operands > LEFT_DEEP_MAX_OPERANDS {
            break;
        }
        operands += 1;
        cur = lhs;
    }
    operands > LEFT_DEEP_MAX_OPERANDS
}

/// The operands of the chain `e` heads, each with the operator written before it, when `e` is
/// exactly the balanced tree the parser builds from them: such a chain is printed flat, as it
/// was written, and reads back as the same tree.
fn balanced_chain(e: &Expr) -> Option<Vec<(BinOp, &Expr)>> {
    let ExprKind::Binary { op, .. } = &e.kind else { return None };
    if !is_chain_op(*op) {
        return None;
    }
    let mut items = Vec::new();
    flatten(e, op.precedence(), false, &mut items);
    if items.len() <= LEFT_DEEP_MAX_OPERANDS || !is_balanced(e, &items) {
        return None;
    }
    let lead = positive(*op);
    Some(items.into_iter().map(|(negated, x)| (if negated { inverse(lead) } else { lead }, x)).collect())
}

/// Operands of the chain at `level` under `e`, each with whether it is subtracted (divided).
fn flatten<'a>(e: &'a Expr, level: u8, negated: bool, out: &mut Vec<(bool, &'a Expr)>) {
    match &e.kind {
        ExprKind::Binary { op, lhs, rhs } if is_chain_op(*op) && op.precedence() == level => {
            flatten(lhs, level, negated, out);
            flatten(rhs, level, negated != matches!(op, BinOp::Sub | BinOp::Div), out);
        }
        _ => out.push((negated, e)),
    }
}

/// Whether `e` has the shape `chain::balanced` gives `items` (the same split, the same operators).
fn is_balanced(e: &Expr, items: &[(bool, &Expr)]) -> bool {
    let (left, right) = items.split_at(left_half(items.len()));
    match (left.first(), right.first(), &e.kind) {
        (None, Some((_, only)), _) if right.len() == 1 => std::ptr::eq(e, *only),
        (Some((lead, _)), Some((right_lead, _)), ExprKind::Binary { op, lhs, rhs }) => {
            let expected = if lead == right_lead { positive(*op) } else { inverse(positive(*op)) };
            *op == expected && is_balanced(lhs, left) && is_balanced(rhs, right)
        }
        _ => false,
    }
}

fn write_op(f: &mut Formatter, op: BinOp) -> fmt::Result {
    match op {
        BinOp::Mul | BinOp::Div | BinOp::Pow => f.write_str(op.symbol()),
        _ => write!(f, " {} ", op.symbol()),
    }
}

/// A number as source text: integers without a fraction, others in the shortest form that
/// reads back to the same value.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        // The float's shortest text that reads back to the same value, with an exponent when
        // that is shorter (`1e-7`, where Display writes `0.0000001`): a number, not a structure.
        format!("{n:?}")
    }
}

fn write_num(f: &mut Formatter, n: f64) -> fmt::Result {
    f.write_str(&format_number(n))
}

/// Writes `e`, in parentheses when it binds looser than `min`.
fn child(f: &mut Formatter, e: &Expr, min: u8) -> fmt::Result {
    if precedence(e) < min {
        write!(f, "({e})")
    } else {
        write!(f, "{e}")
    }
}

fn write_list(f: &mut Formatter, items: &[Expr]) -> fmt::Result {
    for (k, a) in items.iter().enumerate() {
        if k > 0 {
            f.write_str(",")?;
        }
        write!(f, "{a}")?;
    }
    Ok(())
}

impl Display for Expr {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match &self.kind {
            ExprKind::Num(n) => write_num(f, *n),
            ExprKind::Str(s) => {
                let q = if s.contains('\'') { '"' } else { '\'' };
                write!(f, "{q}{s}{q}")
            }
            ExprKind::Inf => f.write_str("inf"),
            ExprKind::Name(n) => f.write_str(n),
            ExprKind::Index { name, args, .. } => {
                write!(f, "{name}[")?;
                write_list(f, args)?;
                f.write_str("]")
            }
            ExprKind::Call { func, args } => {
                write!(f, "{func}(")?;
                write_list(f, args)?;
                f.write_str(")")
            }
            ExprKind::Neg(a) => {
                f.write_str("-")?;
                child(f, a, PREC_UNARY)
            }
            ExprKind::Not(a) => {
                f.write_str("not ")?;
                child(f, a, PREC_NOT)
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let p = op.precedence();
                if let Some(items) = balanced_chain(self) {
                    for (k, (item_op, x)) in items.iter().enumerate() {
                        if k > 0 {
                            write_op(f, *item_op)?;
                        }
                        // Each operand is read as one, except that a `sum` would take the
                        // product that follows it.
                        let next_multiplies =
                            items.get(k + 1).is_some_and(|(o, _)| matches!(o, BinOp::Mul | BinOp::Div));
                        let min = match k {
                            _ if next_multiplies && ends_in_sum(x) => PREC_ATOM,
                            0 => p,
                            _ => p + 1,
                        };
                        child(f, x, min)?;
                    }
                    return Ok(());
                }
                // Left-associative operators need the right operand to bind tighter;
                // `^` is right-associative, so the left one must.
                let (lmin, rmin) = match op {
                    BinOp::Pow => (PREC_ATOM, PREC_UNARY),
                    _ if op.is_comparison() || matches!(op, BinOp::Implies | BinOp::Iff) => (p + 1, p + 1),
                    _ => (p, p + 1),
                };
                // `sum{…} body` takes the product after it, so a left operand of `*`,
                // `/` or `mod` that ends in a sum must be closed off.
                // A left operand printed as a long flat chain would run into this one.
                let lhs_prints_flat = is_chain_op(*op) && precedence(lhs) == p && balanced_chain(lhs).is_some();
                let lmin = if matches!(op, BinOp::Mul | BinOp::Div | BinOp::Mod) && ends_in_sum(lhs)
                    || spine_too_long(self)
                    || lhs_prints_flat
                {
                    PREC_ATOM
                } else {
                    lmin
                };
                child(f, lhs, lmin)?;
                write_op(f, *op)?;
                child(f, rhs, rmin)
            }
            ExprKind::Sum { over, body } => {
                write!(f, "sum{{{over}}} ")?;
                child(f, body, BinOp::Mul.precedence())
            }
            ExprKind::Reduce(r) => {
                write!(f, "{}{{{}}} ", r.op.name(), r.over)?;
                child(f, &r.body, BinOp::Mul.precedence())
            }
            ExprKind::If { cond, then, otherwise } => {
                write!(f, "if {cond} then {then} else {otherwise}")
            }
            ExprKind::In { items, set } => {
                if items.len() == 1 {
                    child(f, &items[0], 5)?;
                } else {
                    f.write_str("(")?;
                    write_list(f, items)?;
                    f.write_str(")")?;
                }
                write!(f, " in {set}")
            }
        }
    }
}

impl Display for SetExpr {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match &self.kind {
            SetKind::Named(n) => f.write_str(n),
            SetKind::Range(lo, hi) => {
                child(f, lo, 5)?;
                f.write_str("..")?;
                child(f, hi, 5)
            }
        }
    }
}

impl Display for Binding {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match self.names.len() {
            0 => {}
            1 => write!(f, "{} in ", self.names[0].0)?,
            _ => {
                f.write_char('(')?;
                for (k, (n, _)) in self.names.iter().enumerate() {
                    if k > 0 {
                        f.write_char(',')?;
                    }
                    f.write_str(n)?;
                }
                f.write_str(") in ")?;
            }
        }
        write!(f, "{}", self.set)
    }
}

impl Display for Indexing {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        for (k, b) in self.bindings.iter().enumerate() {
            if k > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{b}")?;
        }
        if let Some(filter) = &self.filter {
            write!(f, ": {filter}")?;
        }
        Ok(())
    }
}

impl Display for Relation {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        write!(f, "{}", self.parts[0])?;
        for ((op, _), part) in self.ops.iter().zip(&self.parts[1..]) {
            write!(f, " {} {part}", op.symbol())?;
        }
        Ok(())
    }
}
