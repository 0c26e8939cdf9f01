//! Set definitions written as text: set-builder terms and set algebra.
//!
//! ```text
//! set      := inter (("union" | "diff") inter)*      left to right
//! inter    := atom ("inter" atom)*                   binds tighter, as in AMPL
//! atom     := NAME | "(" set ")" | "{" [head ":"] indexing "}"
//! head     := NAME | "(" NAME ("," NAME)* ")"
//! ```
//!
//! `{i in N, j in N: i != j}` is the tuples of the bound indices that pass the filter;
//! `{(j,i) : (i,j) in Arcs}` writes each passing binding as the head's tuple. The indexing is
//! the one `sum` and `forall` use.

use std::fmt::{self, Display, Formatter};

use super::super::ast::{Indexing, Span};
use super::super::lexer::Tok;
use super::super::ParseError;
use super::Parser;

/// A set written as a set-builder term or as set algebra over other sets.
#[derive(Debug, Clone, PartialEq)]
pub struct SetTerm {
    pub kind: SetTermKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetTermKind {
    /// A declared set.
    Named(String),
    /// `{head : indexing}`; without a head, the tuple of every index the indexing binds.
    Builder {
        head: Option<Vec<(String, Span)>>,
        over: Indexing,
    },
    Op {
        op: SetOp,
        lhs: Box<SetTerm>,
        rhs: Box<SetTerm>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetOp {
    /// Elements of the left, then those of the right not already in it.
    Union,
    /// Elements of the left that are not in the right.
    Diff,
    /// Elements of the left that are also in the right.
    Inter,
}

impl SetOp {
    pub fn word(self) -> &'static str {
        match self {
            SetOp::Union => "union",
            SetOp::Diff => "diff",
            SetOp::Inter => "inter",
        }
    }

    fn of(tok: &Tok) -> Option<SetOp> {
        match tok {
            Tok::Ident(w) if w == "union" => Some(SetOp::Union),
            Tok::Ident(w) if w == "diff" => Some(SetOp::Diff),
            Tok::Ident(w) if w == "inter" => Some(SetOp::Inter),
            _ => None,
        }
    }
}

/// Whether `src` reads as a set definition (a set-builder or set algebra) rather than a range.
pub fn looks_like_set_term(src: &str) -> bool {
    src.contains('{')
        || src
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .any(|w| SetOp::of(&Tok::Ident(w.to_string())).is_some())
}

impl Parser {
    /// A whole set definition; trees deeper than the parser's depth limit are errors.
    pub fn set_term(&mut self) -> Result<SetTerm, ParseError> {
        let (term, _) = self.set_chain(false)?;
        Ok(term)
    }

    /// `inter`-level chain when `tight`, else the `union`/`diff` level; returns the tree and
    /// its depth, so that a long chain stops at the depth limit instead of growing unbounded.
    fn set_chain(&mut self, tight: bool) -> Result<(SetTerm, usize), ParseError> {
        let mut lhs = if tight { self.set_atom()? } else { self.set_chain(true)? };
        loop {
            let op = match SetOp::of(self.peek()) {
                Some(SetOp::Inter) if tight => SetOp::Inter,
                Some(op @ (SetOp::Union | SetOp::Diff)) if !tight => op,
                _ => return Ok(lhs),
            };
            let op_span = self.bump().span;
            let rhs = if tight { self.set_atom()? } else { self.set_chain(true)? };
            let depth = 1 + lhs.1.max(rhs.1);
            if depth > self.max_depth {
                return Err(super::super::too_deep(self.max_depth, op_span));
            }
            let span = lhs.0.span.to(rhs.0.span);
            lhs = (SetTerm { kind: SetTermKind::Op { op, lhs: Box::new(lhs.0), rhs: Box::new(rhs.0) }, span }, depth);
        }
    }

    fn set_atom(&mut self) -> Result<(SetTerm, usize), ParseError> {
        let start = self.span();
        match self.peek().clone() {
            Tok::LBrace => self.nested(|p| {
                p.bump();
                let head = p.set_head()?;
                let over = p.indexing(&Tok::RBrace)?;
                let end = p.expect(Tok::RBrace, "to close the set-builder `{…}`")?;
                super::super::depth::check(super::super::depth::indexing_roots(&over), p.max_depth)?;
                Ok((SetTerm { kind: SetTermKind::Builder { head, over }, span: start.to(end) }, 1))
            }),
            Tok::LParen => self.nested(|p| {
                p.bump();
                let (inner, depth) = p.set_chain(false)?;
                let end = p.expect(Tok::RParen, "to close `(`")?;
                Ok((SetTerm { span: start.to(end), ..inner }, depth))
            }),
            Tok::Ident(_) => {
                let (name, span) = self.name("a set name")?;
                Ok((SetTerm { kind: SetTermKind::Named(name), span }, 1))
            }
            _ => Err(self
                .unexpected("expected a set: a set name or a set-builder `{…}`")
                .help("e.g. \"{i in N, j in N: i != j}\", \"A union B\", \"{(j,i) : (i,j) in Arcs}\"")),
        }
    }

    /// The head of `{(j,i) : (i,j) in Arcs}` or `{i : (i,j) in Arcs}`, if there is one: names
    /// followed by `:` (an indexing always starts with a binding, never with `names :`).
    fn set_head(&mut self) -> Result<Option<Vec<(String, Span)>>, ParseError> {
        let is_head = match self.peek() {
            Tok::Ident(_) => self.peek_at(1) == &Tok::Colon,
            Tok::LParen => {
                let mut k = 1;
                while matches!(self.peek_at(k), Tok::Ident(_) | Tok::Comma) {
                    k += 1;
                }
                self.peek_at(k) == &Tok::RParen && self.peek_at(k + 1) == &Tok::Colon
            }
            _ => false,
        };
        if !is_head {
            return Ok(None);
        }
        let mut names = Vec::new();
        if self.peek() == &Tok::LParen {
            self.bump();
            loop {
                names.push(self.name("an index name in the head")?);
                if !self.eat(&Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::RParen, "to close the head")?;
        } else {
            names.push(self.name("an index name")?);
        }
        self.expect(Tok::Colon, "after the head of the set-builder")?;
        Ok(Some(names))
    }
}

impl Display for SetTerm {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        match &self.kind {
            SetTermKind::Named(n) => f.write_str(n),
            SetTermKind::Builder { head, over } => {
                f.write_str("{")?;
                if let Some(head) = head {
                    let names: Vec<&str> = head.iter().map(|(n, _)| n.as_str()).collect();
                    match names.as_slice() {
                        [one] => write!(f, "{one} : ")?,
                        many => write!(f, "({}) : ", many.join(","))?,
                    }
                }
                write!(f, "{over}}}")
            }
            SetTermKind::Op { op, lhs, rhs } => {
                // Parenthesise what would otherwise regroup: a chain is read left to right,
                // and `inter` binds tighter than `union` and `diff`.
                let level = |t: &SetTerm| match &t.kind {
                    SetTermKind::Op { op: SetOp::Inter, .. } => 1,
                    SetTermKind::Op { .. } => 0,
                    _ => 2,
                };
                let mine = if *op == SetOp::Inter { 1 } else { 0 };
                let wrap = |t: &SetTerm, min: u8| if level(t) < min { format!("({t})") } else { t.to_string() };
                write!(f, "{} {} {}", wrap(lhs, mine), op.word(), wrap(rhs, mine + 1))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::{parse_set_with, ParseLimits};
    use super::*;

    fn parse(src: &str) -> Result<SetTerm, ParseError> {
        parse_set_with(src, &ParseLimits::default())
    }

    #[test]
    fn a_builder_without_a_head_binds_every_index() {
        let t = parse("{i in N, j in N: i != j}").unwrap();
        let SetTermKind::Builder { head: None, over } = &t.kind else { panic!("{t:?}") };
        assert_eq!(over.bindings.len(), 2);
        assert!(over.filter.is_some());
        assert_eq!(t.to_string(), "{i in N, j in N: i != j}");
    }

    #[test]
    fn a_head_reorders_or_projects_the_tuple() {
        let t = parse("{(j,i) : (i,j) in Arcs}").unwrap();
        let SetTermKind::Builder { head: Some(head), over } = &t.kind else { panic!("{t:?}") };
        assert_eq!(head.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), ["j", "i"]);
        assert_eq!(over.bindings[0].names.len(), 2);
        let t = parse("{i : (i,j) in Arcs: j != 's'}").unwrap();
        assert_eq!(t.to_string(), "{i : (i,j) in Arcs: j != 's'}");
    }

    #[test]
    fn inter_binds_tighter_than_union_and_diff_which_read_left_to_right() {
        let t = parse("A union B inter C").unwrap();
        let SetTermKind::Op { op: SetOp::Union, rhs, .. } = &t.kind else { panic!("{t:?}") };
        assert!(matches!(rhs.kind, SetTermKind::Op { op: SetOp::Inter, .. }));
        let t = parse("A diff B union C").unwrap();
        let SetTermKind::Op { op: SetOp::Union, lhs, .. } = &t.kind else { panic!("{t:?}") };
        assert!(matches!(lhs.kind, SetTermKind::Op { op: SetOp::Diff, .. }));
        for src in ["A diff (B union C)", "(A union B) inter C", "Arcs union {(j,i) : (i,j) in Arcs}"] {
            assert_eq!(parse(src).unwrap().to_string(), src);
            assert_eq!(parse(&parse(src).unwrap().to_string()).unwrap(), parse(src).unwrap(), "{src}");
        }
    }

    #[test]
    fn set_definitions_are_told_apart_from_ranges() {
        assert!(looks_like_set_term("{t in 1..T: t mod 2 == 0}"));
        assert!(looks_like_set_term("A union B"));
        assert!(looks_like_set_term("Inner diff Outer"));
        assert!(!looks_like_set_term("1..N"));
        assert!(!looks_like_set_term("unions..12"));
    }

    #[test]
    fn unfinished_definitions_are_errors_at_the_place() {
        let e = parse("{i in N: i != 'a'").unwrap_err();
        assert!(e.message.contains("expected `}` to close the set-builder"), "{e:?}");
        let e = parse("A union").unwrap_err();
        assert!(e.message.starts_with("expected a set"), "{e:?}");
        assert_eq!(e.span.start, 7);
        let e = parse("A union B C").unwrap_err();
        assert!(e.message.contains("expected the end"), "{e:?}");
    }

    #[test]
    fn a_long_chain_stops_at_the_depth_limit() {
        let limits = ParseLimits { max_depth: 8, ..ParseLimits::default() };
        let chain = ["A"; 9].join(" union ");
        assert!(parse_set_with(&chain, &limits).unwrap_err().message.contains("nests deeper than 8"));
        assert!(parse_set_with(&["A"; 8].join(" union "), &limits).is_ok());
    }
}
