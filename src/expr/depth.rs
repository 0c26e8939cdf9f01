//! Tree depth, measured without recursion so that it works on any tree, however it was built.

use super::ast::*;
use super::ParseError;

/// Nodes on the longest root-to-leaf path (a leaf has depth 1), counting expressions inside a
/// `sum`'s index (filter, range bounds) and a membership test's range as children.
pub fn depth(e: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(e, 1)];
    let mut kids = Vec::new();
    while let Some((node, level)) = stack.pop() {
        deepest = deepest.max(level);
        children(node, &mut kids);
        stack.extend(kids.drain(..).map(|k| (k, level + 1)));
    }
    deepest
}

/// Fails at the first node found deeper than `max_depth` below any of `roots`.
pub(crate) fn check<'a>(roots: impl IntoIterator<Item = &'a Expr>, max_depth: usize) -> Result<(), ParseError> {
    let mut stack: Vec<(&Expr, usize)> = roots.into_iter().map(|r| (r, 1)).collect();
    let mut kids = Vec::new();
    while let Some((node, level)) = stack.pop() {
        if level > max_depth {
            return Err(super::too_deep(max_depth, node.span));
        }
        children(node, &mut kids);
        stack.extend(kids.drain(..).map(|k| (k, level + 1)));
    }
    Ok(())
}

/// The expressions directly inside an index: range bounds and the filter.
pub(crate) fn indexing_roots(ix: &Indexing) -> Vec<&Expr> {
    let mut out = Vec::new();
    push_indexing(ix, &mut out);
    out
}

fn push_set<'a>(set: &'a SetExpr, out: &mut Vec<&'a Expr>) {
    if let SetKind::Range(lo, hi) = &set.kind {
        out.push(lo);
        out.push(hi);
    }
}

fn push_indexing<'a>(ix: &'a Indexing, out: &mut Vec<&'a Expr>) {
    for b in &ix.bindings {
        push_set(&b.set, out);
    }
    if let Some(f) = &ix.filter {
        out.push(f);
    }
}

/// The direct sub-expressions of `e` (operands, arguments, index filters and range bounds).
pub fn children<'a>(e: &'a Expr, out: &mut Vec<&'a Expr>) {
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Str(_) | ExprKind::Inf | ExprKind::Name(_) => {}
        ExprKind::Index { args, .. } | ExprKind::Call { args, .. } => out.extend(args),
        ExprKind::Neg(a) | ExprKind::Not(a) => out.push(a),
        ExprKind::Binary { lhs, rhs, .. } => {
            out.push(lhs);
            out.push(rhs);
        }
        ExprKind::Sum { over, body } => {
            push_indexing(over, out);
            out.push(body);
        }
        ExprKind::Reduce(r) => {
            push_indexing(&r.over, out);
            out.push(&r.body);
        }
        ExprKind::If { cond, then, otherwise } => {
            out.push(cond);
            out.push(then);
            out.push(otherwise);
        }
        ExprKind::In { items, set } => {
            out.extend(items);
            push_set(set, out);
        }
    }
}
