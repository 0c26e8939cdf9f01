//! Prints trees back as source text with the fewest parentheses that keep their meaning.
//! `parse(print(e)) == e` for every tree (a property test checks it).

use std::fmt::{self, Display, Formatter, Write};

use super::ast::*;
use super::chain::{is_chain_op, LEFT_DEEP_MAX_OPERANDS};

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
        ExprKind::Neg(_) | ExprKind::Sum { .. } => PREC_UNARY,
        ExprKind::Num(n) if *n < 0.0 => PREC_UNARY,
        _ => PREC_ATOM,
    }
}

/// Whether the printed form of `e` ends with a `sum` whose body would swallow what follows.
pub(crate) fn ends_in_sum(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Sum { .. } => true,
        ExprKind::Neg(a) => ends_in_sum(a),
        ExprKind::Binary { op: BinOp::Mul | BinOp::Div | BinOp::Pow, rhs, .. } => ends_in_sum(rhs),
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

/// A number as source text: integers without a fraction, others in the shortest form that
/// reads back to the same value.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
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
                // Left-associative operators need the right operand to bind tighter;
                // `^` is right-associative, so the left one must.
                let (lmin, rmin) = match op {
                    BinOp::Pow => (PREC_ATOM, PREC_UNARY),
                    _ if op.is_comparison() => (p + 1, p + 1),
                    _ => (p, p + 1),
                };
                // `sum{…} body` takes the product after it, so a left operand of `*`
                // or `/` that ends in a sum must be closed off.
                let lmin = if matches!(op, BinOp::Mul | BinOp::Div) && ends_in_sum(lhs) || spine_too_long(self) {
                    PREC_ATOM
                } else {
                    lmin
                };
                child(f, lhs, lmin)?;
                match op {
                    BinOp::Mul | BinOp::Div | BinOp::Pow => f.write_str(op.symbol())?,
                    _ => write!(f, " {} ", op.symbol())?,
                }
                child(f, rhs, rmin)
            }
            ExprKind::Sum { over, body } => {
                write!(f, "sum{{{over}}} ")?;
                child(f, body, BinOp::Mul.precedence())
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
