//! The expression language: lexing, parsing and printing, with byte spans for error carets.

pub mod ast;
mod lexer;
mod parser;
pub(crate) mod print;

pub use ast::*;

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

/// Parses an arithmetic or logical expression (objective, bound, computed parameter, filter).
pub fn parse_expr(src: &str) -> Result<Expr, ParseError> {
    let mut p = parser::Parser::new(src)?;
    let e = p.expr()?;
    p.finish()?;
    Ok(e)
}

/// Parses a constraint: `lhs <= rhs`, `lhs == rhs`, `lo <= mid <= hi`.
pub fn parse_relation(src: &str) -> Result<Relation, ParseError> {
    let mut p = parser::Parser::new(src)?;
    let r = p.relation()?;
    p.finish()?;
    Ok(r)
}

/// Parses a `forall` or `over` index: `i in I, (j,k) in Arcs: i != j`.
pub fn parse_indexing(src: &str) -> Result<Indexing, ParseError> {
    let mut p = parser::Parser::new(src)?;
    let ix = p.indexing(&lexer::Tok::Eof)?;
    p.finish()?;
    Ok(ix)
}

#[cfg(test)]
mod tests;
