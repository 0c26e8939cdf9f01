//! The expression language: lexing, parsing and printing, with byte spans for error carets.
//!
//! Expressions come from an LLM, so parsing is bounded whatever the input: the source length is
//! capped before lexing, nesting is capped while parsing (no stack overflow), long chains of one
//! operator are built balanced, and the finished tree's depth is checked. Every parsed tree
//! satisfies `depth(tree) <= limits.max_depth`, which later recursive passes rely on.

pub mod ast;
pub mod builtin;
mod chain;
mod depth;
mod lexer;
mod parser;
pub(crate) mod print;

pub use ast::*;
pub use builtin::Builtin;
pub use depth::{children, depth};
pub use parser::set_def::{looks_like_set_term, SetOp, SetTerm, SetTermKind};

/// A syntax error at a span of the expression's source.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

impl ParseError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        ParseError { message: message.into(), span, help: None }
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Bounds on what one expression may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseLimits {
    /// Deepest nesting (parentheses, unary `-`, `not`, `sum`, `if`, calls, index lists, `^`)
    /// and deepest tree (`depth`) accepted.
    pub max_depth: usize,
    /// Longest source accepted, in bytes.
    pub max_len: usize,
}

impl Default for ParseLimits {
    fn default() -> Self {
        ParseLimits { max_depth: 64, max_len: 100_000 }
    }
}

/// Parses an arithmetic or logical expression (objective, bound, computed parameter, filter).
pub fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    parse_expr_with(src, &ParseLimits::default())
}

/// Parses a constraint: `lhs <= rhs`, `lhs == rhs`, `lo <= mid <= hi`.
pub fn parse_relation(src: &str) -> Result<Relation, ParseError> {
    parse_relation_with(src, &ParseLimits::default())
}

/// Parses a `forall` or `over` index: `i in I, (j,k) in Arcs: i != j`.
pub fn parse_indexing(src: &str) -> Result<Indexing, ParseError> {
    parse_indexing_with(src, &ParseLimits::default())
}

/// `parse_expr` within `limits`; the tree returned is at most `limits.max_depth` deep.
pub fn parse_expr_with(src: &str, limits: &ParseLimits) -> Result<Expr, ParseError> {
    let mut p = parser::Parser::new(src, limits)?;
    let e = p.expr()?;
    p.finish()?;
    depth::check([&e], limits.max_depth)?;
    Ok(e)
}

/// `parse_relation` within `limits`; every side is at most `limits.max_depth` deep.
pub fn parse_relation_with(src: &str, limits: &ParseLimits) -> Result<Relation, ParseError> {
    let mut p = parser::Parser::new(src, limits)?;
    let r = p.relation()?;
    p.finish()?;
    depth::check(&r.parts, limits.max_depth)?;
    Ok(r)
}

/// Parses a constraint: a relation (`parse_relation_with`), or a proposition joining
/// relations with `=>`, `<=>`, `or`, `and`, `not` (`y[f] == 0 => ship[f,c] <= 0`). A proposition
/// comes back as a `Relation` with one part and no operators: "this must hold".
pub fn parse_constraint_with(src: &str, limits: &ParseLimits) -> Result<Relation, ParseError> {
    let relation_error = match parse_relation_with(src, limits) {
        Ok(r) => return Ok(r),
        Err(e) => e,
    };
    match parse_expr_with(src, limits) {
        Ok(e) if is_proposition(&e) => Ok(Relation { parts: vec![e], ops: Vec::new() }),
        // Text that reads as logic gets the logic parser's error, anything else the relation's.
        Err(e) if mentions_logic(src) => Err(e),
        _ => Err(relation_error),
    }
}

/// Whether `e`'s outermost construct is a logical connective or a comparison (a relation in
/// parentheses, `x != 3`).
pub fn is_proposition(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Not(_) => true,
        ExprKind::Binary { op, .. } => {
            op.is_comparison() || matches!(op, BinOp::And | BinOp::Or | BinOp::Implies | BinOp::Iff)
        }
        _ => false,
    }
}

fn mentions_logic(src: &str) -> bool {
    src.contains("=>")
        || src.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').any(|w| matches!(w, "and" | "or" | "not"))
}

/// `parse_indexing` within `limits`; filters and range bounds are at most `limits.max_depth` deep.
pub fn parse_indexing_with(src: &str, limits: &ParseLimits) -> Result<Indexing, ParseError> {
    let mut p = parser::Parser::new(src, limits)?;
    let ix = p.indexing(&lexer::Tok::Eof)?;
    p.finish()?;
    depth::check(depth::indexing_roots(&ix), limits.max_depth)?;
    Ok(ix)
}

/// Parses a set definition within `limits`: a set-builder `{i in N, j in N: i != j}`,
/// `{(j,i) : (i,j) in Arcs}`, or set algebra `A union B`, `A diff B`, `A inter B`.
pub fn parse_set_with(src: &str, limits: &ParseLimits) -> Result<SetTerm, ParseError> {
    let mut p = parser::Parser::new(src, limits)?;
    let t = p.set_term()?;
    p.finish()?;
    Ok(t)
}

/// The error for an expression that nests deeper than `max_depth`, pointing at `span`.
fn too_deep(max_depth: usize, span: Span) -> ParseError {
    ParseError::new(format!("expression nests deeper than {max_depth} levels"), span)
        .help("flatten it or split it into parameters (a computed parameter, or several constraints); or raise the limit with `--max depth=N`")
}

#[cfg(test)]
mod tests;
