//! Chains of one precedence level: `a + b - c`, `x*y/z`, `p and q`, `p or q`.
//!
//! Short chains nest to the left, as written. Long ones are built balanced, so that a chain
//! of n operands is ceil(log2 n) deep instead of n - 1: an LLM can write a sum of thousands of
//! terms, and every later pass over the tree recurses.

use super::ast::*;

/// Chains of at most this many operands stay left-deep. The printer relies on the same number
/// to print balanced trees in a form that parses back to them.
pub(crate) const LEFT_DEEP_MAX_OPERANDS: usize = 16;

pub(crate) fn binary(lhs: Expr, op: BinOp, rhs: Expr) -> Expr {
    let span = lhs.span.to(rhs.span);
    Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span }
}

/// Whether `op` chains with other operators of its level into one left-associative sequence.
pub(crate) fn is_chain_op(op: BinOp) -> bool {
    matches!(op, BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::And | BinOp::Or)
}

/// `first op1 e1 op2 e2 …` with the value of the left-to-right reading.
pub(crate) fn build(first: Expr, rest: Vec<(BinOp, Expr)>) -> Expr {
    if rest.len() < LEFT_DEEP_MAX_OPERANDS {
        return rest.into_iter().fold(first, |lhs, (op, rhs)| binary(lhs, op, rhs));
    }
    let lead = rest.first().map_or(BinOp::Add, |(op, _)| positive(*op));
    balanced((lead, first), rest)
}

/// The operator of a level that keeps its right operand's sign: `+` for `-`, `*` for `/`.
pub(crate) fn positive(op: BinOp) -> BinOp {
    match op {
        BinOp::Sub => BinOp::Add,
        BinOp::Div => BinOp::Mul,
        other => other,
    }
}

pub(crate) fn inverse(op: BinOp) -> BinOp {
    match op {
        BinOp::Add => BinOp::Sub,
        BinOp::Mul => BinOp::Div,
        other => other,
    }
}

/// Operands in the left half when a balanced chain of `operands` is split (the printer checks
/// trees against the same split).
pub(crate) fn left_half(operands: usize) -> usize {
    operands / 2
}

/// A balanced tree over `lead, rest…`, each operand with the operator written before it, whose
/// value is that of the sequence read as if `lead` were written with the positive operator.
///
/// Splitting `s0 t0 s1 t1 …` into halves L and R starting with signs `sL` and `sR`:
/// `sL·(L + R) = L' + (sL·sR)·R'` where L' and R' are the halves normalised to a positive lead;
/// so `a + b - c - d` becomes `(a + b) - (c + d)`, and `a * b / c * d` becomes `(a*b) / (c/d)`.
fn balanced(lead: (BinOp, Expr), mut rest: Vec<(BinOp, Expr)>) -> Expr {
    let left_len = left_half(rest.len() + 1);
    let mut right = rest.split_off(left_len.saturating_sub(1)).into_iter();
    let Some(right_lead) = right.next() else { return lead.1 };
    let op = if lead.0 == right_lead.0 { positive(lead.0) } else { inverse(positive(lead.0)) };
    let lhs = balanced(lead, rest);
    let rhs = balanced(right_lead, right.collect());
    binary(lhs, op, rhs)
}
