//! Recursive-descent parser. Precedence, loosest first: `if`, `=>` and `<=>`, `or`, `and`,
//! `not`, comparisons and `in`, `+ -`, `* /`, unary `-` and `sum` (and `max{…}`, `min{…}`,
//! `count{…}`), `^`, primaries.
//!
//! Every construct that makes the parser recurse goes through `nested`, which counts levels and
//! fails past `ParseLimits::max_depth`: deep input is an error, never a stack overflow.
//! Chains of one level are collected and built by `chain::build` (balanced when long).

pub mod set_def;

use super::ast::*;
use super::chain::{self, binary};
use super::lexer::{tokenize, Tok, Token};
use super::{ParseError, ParseLimits};

pub struct Parser {
    toks: Vec<Token>,
    pos: usize,
    /// Levels of nesting entered so far, at most `max_depth`.
    depth: usize,
    max_depth: usize,
}

const KEYWORDS: &[&str] = &["sum", "in", "if", "then", "else", "and", "or", "not", "inf", "mod"];

impl Parser {
    pub fn new(src: &str, limits: &ParseLimits) -> Result<Self, ParseError> {
        if src.len() > limits.max_len {
            let cut = (0..=limits.max_len).rev().find(|&i| src.is_char_boundary(i)).unwrap_or(0);
            return Err(ParseError::new(
                format!("expression is {} bytes long, over the limit of {} bytes", src.len(), limits.max_len),
                Span::new(cut, src.len()),
            )
            .help("split it into computed parameters or several constraints, or raise the limit with `--max expression_bytes=N`"));
        }
        Ok(Parser { toks: tokenize(src)?, pos: 0, depth: 0, max_depth: limits.max_depth })
    }

    /// Runs `inner` one nesting level deeper, failing if that passes the limit.
    fn nested<T>(&mut self, inner: impl FnOnce(&mut Self) -> Result<T, ParseError>) -> Result<T, ParseError> {
        if self.depth >= self.max_depth {
            return Err(super::too_deep(self.max_depth, self.span()));
        }
        self.depth += 1;
        let out = inner(self);
        self.depth -= 1;
        out
    }

    /// The token at `pos + k`, or the final `Eof` past the end.
    fn token_at(&self, k: usize) -> &Token {
        const EOF: &Token = &Token { tok: Tok::Eof, span: Span { start: 0, end: 0 } };
        self.toks.get(self.pos.saturating_add(k)).or(self.toks.last()).unwrap_or(EOF)
    }
    fn peek(&self) -> &Tok {
        &self.token_at(0).tok
    }
    fn peek_at(&self, k: usize) -> &Tok {
        &self.token_at(k).tok
    }
    fn span(&self) -> Span {
        self.token_at(0).span
    }
    fn prev_span(&self) -> Span {
        self.toks.get(self.pos.wrapping_sub(1)).map_or_else(|| self.span(), |t| t.span)
    }
    fn bump(&mut self) -> Token {
        let t = self.token_at(0).clone();
        if self.pos + 1 < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }
    fn eat(&mut self, tok: &Tok) -> bool {
        if self.peek() == tok {
            self.bump();
            true
        } else {
            false
        }
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.bump();
            true
        } else {
            false
        }
    }
    fn expect(&mut self, tok: Tok, context: &str) -> Result<Span, ParseError> {
        if self.peek() == &tok {
            Ok(self.bump().span)
        } else {
            Err(self.unexpected(&format!("expected {} {context}", tok.describe())))
        }
    }
    fn expect_kw(&mut self, kw: &str, context: &str) -> Result<(), ParseError> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("expected `{kw}` {context}")))
        }
    }
    fn unexpected(&self, what: &str) -> ParseError {
        ParseError::new(format!("{what}, found {}", self.peek().describe()), self.span())
    }

    pub fn finish(&mut self) -> Result<(), ParseError> {
        if self.peek() == &Tok::Eof {
            Ok(())
        } else {
            let mut err = self.unexpected("expected the end of the expression");
            if matches!(self.peek(), Tok::Le | Tok::Ge | Tok::EqEq | Tok::Lt | Tok::Gt) {
                err = err.help("a relation has at most two comparisons: `lo <= expr <= hi`");
            } else if matches!(self.peek(), Tok::Ident(_) | Tok::Num(_) | Tok::LParen) {
                err = err.help("is an operator such as `*` or `+` missing before it?");
            }
            Err(err)
        }
    }

    /// A constraint: `expr op expr` or `expr op expr op expr`.
    pub fn relation(&mut self) -> Result<Relation, ParseError> {
        let mut parts = vec![self.additive()?];
        let mut ops = Vec::new();
        while let Some(op) = self.rel_op() {
            if ops.len() == 2 {
                return Err(self
                    .unexpected("expected the end of the constraint")
                    .help("a relation has at most two comparisons: `lo <= expr <= hi`"));
            }
            let span = self.bump().span;
            ops.push((op, span));
            parts.push(self.additive()?);
        }
        if ops.is_empty() {
            return Err(self
                .unexpected("expected a comparison `<=`, `>=` or `==`")
                .help("a constraint relates two sides, e.g. `2*x + y <= 10`"));
        }
        Ok(Relation { parts, ops })
    }

    fn rel_op(&self) -> Option<RelOp> {
        Some(match self.peek() {
            Tok::Le => RelOp::Le,
            Tok::Ge => RelOp::Ge,
            Tok::EqEq => RelOp::Eq,
            Tok::Lt => RelOp::Lt,
            Tok::Gt => RelOp::Gt,
            _ => return None,
        })
    }

    /// Full expression, including `if … then … else …`.
    pub fn expr(&mut self) -> Result<Expr, ParseError> {
        if self.is_kw("if") {
            return self.nested(|p| {
                let start = p.bump().span;
                let cond = p.expr()?;
                p.expect_kw("then", "after the condition of `if`")?;
                let then = p.expr()?;
                p.expect_kw("else", "in `if … then … else …` (the else branch is required)")?;
                let otherwise = p.expr()?;
                let span = start.to(otherwise.span);
                Ok(Expr {
                    kind: ExprKind::If { cond: Box::new(cond), then: Box::new(then), otherwise: Box::new(otherwise) },
                    span,
                })
            });
        }
        // `p => q`, `p <=> q`: not associative, so `p => q => r` must be parenthesized. Parsed
        // here rather than in a level of its own: every nesting level passes through `expr`,
        // and one more frame per level would cost stack on the deepest trees accepted.
        let lhs = self.or()?;
        let op = match self.peek() {
            Tok::Implies => BinOp::Implies,
            Tok::Iff => BinOp::Iff,
            _ => return Ok(lhs),
        };
        self.bump();
        let rhs = self.or()?;
        if matches!(self.peek(), Tok::Implies | Tok::Iff) {
            return Err(self.chained_implication());
        }
        Ok(binary(lhs, op, rhs))
    }

    /// Kept out of `expr`, which every nesting level passes through: building the message
    /// there would enlarge each level's stack frame.
    #[cold]
    #[inline(never)]
    fn chained_implication(&self) -> ParseError {
        self.unexpected("expected the end of the implication")
            .help("parenthesize chained implications: `(p => q) => r` or `p => (q => r)`")
    }

    fn or(&mut self) -> Result<Expr, ParseError> {
        let first = self.and()?;
        let mut rest = Vec::new();
        while self.eat_kw("or") {
            rest.push((BinOp::Or, self.and()?));
        }
        Ok(chain::build(first, rest))
    }

    fn and(&mut self) -> Result<Expr, ParseError> {
        let first = self.not()?;
        let mut rest = Vec::new();
        while self.eat_kw("and") {
            rest.push((BinOp::And, self.not()?));
        }
        Ok(chain::build(first, rest))
    }

    fn not(&mut self) -> Result<Expr, ParseError> {
        if self.is_kw("not") {
            return self.nested(|p| {
                let start = p.bump().span;
                let arg = p.not()?;
                let span = start.to(arg.span);
                Ok(Expr { kind: ExprKind::Not(Box::new(arg)), span })
            });
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, ParseError> {
        let lhs = self.additive()?;
        let op = match self.peek() {
            Tok::EqEq => BinOp::Eq,
            Tok::Ne => BinOp::Ne,
            Tok::Lt => BinOp::Lt,
            Tok::Le => BinOp::Le,
            Tok::Gt => BinOp::Gt,
            Tok::Ge => BinOp::Ge,
            Tok::Ident(s) if s == "in" => return self.membership(lhs),
            _ => return Ok(lhs),
        };
        self.bump();
        let rhs = self.additive()?;
        Ok(binary(lhs, op, rhs))
    }

    /// `lhs in Set`. Out of line (as is `mod` below): every nesting level passes through
    /// `comparison` and `term`, and the deepest trees accepted must parse on a small stack.
    #[inline(never)]
    fn membership(&mut self, lhs: Expr) -> Result<Expr, ParseError> {
        self.bump();
        let set = self.set_expr()?;
        let span = lhs.span.to(set.span);
        let items = match lhs.kind {
            ExprKind::Call { func, args } if func.is_empty() => args,
            kind => vec![Expr { kind, span: lhs.span }],
        };
        Ok(Expr { kind: ExprKind::In { items, set }, span })
    }

    fn additive(&mut self) -> Result<Expr, ParseError> {
        let first = self.term()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Plus => BinOp::Add,
                Tok::Minus => BinOp::Sub,
                _ => return Ok(chain::build(first, rest)),
            };
            self.bump();
            rest.push((op, self.term()?));
        }
    }

    fn term(&mut self) -> Result<Expr, ParseError> {
        let mut first = self.unary()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Star => BinOp::Mul,
                Tok::Slash => BinOp::Div,
                Tok::Ident(s) if s == "mod" => BinOp::Mod,
                _ => return Ok(chain::build(first, rest)),
            };
            self.bump();
            let operand = self.unary()?;
            if op == BinOp::Mod {
                first = modulo(first, &mut rest, operand);
            } else {
                rest.push((op, operand));
            }
        }
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        // A unary `+` changes nothing and makes no node: skipped without recursing.
        while self.eat(&Tok::Plus) {}
        match self.peek() {
            Tok::Minus => self.nested(|p| {
                let start = p.bump().span;
                let arg = p.unary()?;
                let span = start.to(arg.span);
                Ok(Expr { kind: ExprKind::Neg(Box::new(arg)), span })
            }),
            Tok::Ident(s) if s == "sum" && self.peek_at(1) == &Tok::LBrace => self.nested(Self::sum),
            Tok::Ident(s) if self.peek_at(1) == &Tok::LBrace => match ReduceOp::from_name(s) {
                Some(op) => self.nested(|p| p.reduce(op)),
                None => self.power(),
            },
            _ => self.power(),
        }
    }

    fn sum(&mut self) -> Result<Expr, ParseError> {
        let start = self.bump().span;
        self.bump();
        let over = self.indexing(&Tok::RBrace)?;
        self.expect(Tok::RBrace, "to close the index of `sum`")?;
        if matches!(self.peek(), Tok::Eof | Tok::Le | Tok::Ge | Tok::EqEq | Tok::Lt | Tok::Gt | Tok::Plus | Tok::RParen)
        {
            return Err(self
                .unexpected("expected the term to add up after `sum{…}`")
                .help("write the summed term after the braces: `sum{i in I} x[i]`"));
        }
        let body = self.term()?;
        let span = start.to(body.span);
        Ok(Expr { kind: ExprKind::Sum { over, body: Box::new(body) }, span })
    }

    /// `max{i in I} e`: indexed like a sum, its body the term after the braces.
    fn reduce(&mut self, op: ReduceOp) -> Result<Expr, ParseError> {
        let start = self.bump().span;
        self.bump();
        let over = self.indexing(&Tok::RBrace)?;
        self.expect(Tok::RBrace, &format!("to close the index of `{}`", op.name()))?;
        let body = self.term()?;
        let span = start.to(body.span);
        Ok(Expr { kind: ExprKind::Reduce(Box::new(Reduce { op, over, body })), span })
    }

    fn power(&mut self) -> Result<Expr, ParseError> {
        let base = self.primary()?;
        if self.eat(&Tok::Caret) {
            // Right-associative, and `2^-1` is allowed.
            let exp = self.nested(Self::unary)?;
            return Ok(binary(base, BinOp::Pow, exp));
        }
        Ok(base)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let Token { tok, span } = self.token_at(0).clone();
        match tok {
            Tok::Num(n) => {
                self.bump();
                Ok(Expr { kind: ExprKind::Num(n), span })
            }
            Tok::Str(s) => {
                self.bump();
                Ok(Expr { kind: ExprKind::Str(s), span })
            }
            Tok::LParen => self.nested(|p| {
                p.bump();
                let first = p.expr()?;
                if p.peek() == &Tok::Comma {
                    // A tuple, only meaningful before `in`: kept as an anonymous call.
                    let mut args = vec![first];
                    while p.eat(&Tok::Comma) {
                        args.push(p.expr()?);
                    }
                    let end = p.expect(Tok::RParen, "to close the tuple")?;
                    return Ok(Expr { kind: ExprKind::Call { func: String::new(), args }, span: span.to(end) });
                }
                let end = p.expect(Tok::RParen, "to close `(`")?;
                Ok(Expr { span: span.to(end), ..first })
            }),
            Tok::Ident(name) => {
                if name == "inf" {
                    self.bump();
                    return Ok(Expr { kind: ExprKind::Inf, span });
                }
                if KEYWORDS.contains(&name.as_str()) {
                    let mut err = self.unexpected("expected a value");
                    if name == "sum" {
                        err = err.help("write a sum as `sum{i in I} expr`");
                    }
                    return Err(err);
                }
                self.bump();
                match self.peek() {
                    Tok::LBracket => self.nested(|p| {
                        p.bump();
                        let args = p.list(&Tok::RBracket)?;
                        let end = p.expect(Tok::RBracket, "to close the index list")?;
                        Ok(Expr { kind: ExprKind::Index { name, name_span: span, args }, span: span.to(end) })
                    }),
                    Tok::LParen => self.nested(|p| {
                        p.bump();
                        let args = p.list(&Tok::RParen)?;
                        let end = p.expect(Tok::RParen, "to close the argument list")?;
                        Ok(Expr { kind: ExprKind::Call { func: name, args }, span: span.to(end) })
                    }),
                    _ => Ok(Expr { kind: ExprKind::Name(name), span }),
                }
            }
            _ => Err(self.unexpected("expected a value")),
        }
    }

    fn list(&mut self, close: &Tok) -> Result<Vec<Expr>, ParseError> {
        let mut args = Vec::new();
        if self.peek() == close {
            return Ok(args);
        }
        loop {
            args.push(self.expr()?);
            if !self.eat(&Tok::Comma) {
                return Ok(args);
            }
        }
    }

    /// `binding, binding: filter` up to (not including) `close`.
    pub fn indexing(&mut self, close: &Tok) -> Result<Indexing, ParseError> {
        let start = self.span();
        let mut bindings = vec![self.binding()?];
        while self.eat(&Tok::Comma) {
            bindings.push(self.binding()?);
        }
        let filter = if self.eat(&Tok::Colon) { Some(Box::new(self.expr()?)) } else { None };
        if self.peek() != close && self.peek() != &Tok::Eof {
            return Err(self.unexpected("expected `,`, `:` or the end of the index"));
        }
        Ok(Indexing { bindings, filter, span: start.to(self.prev_span()) })
    }

    /// `i in I`, `(i,j) in Arcs`, `t in 1..T`, or an anonymous `I`.
    pub fn binding(&mut self) -> Result<Binding, ParseError> {
        let mut names = Vec::new();
        if self.peek() == &Tok::LParen {
            self.bump();
            loop {
                names.push(self.name("an index name in the tuple")?);
                if !self.eat(&Tok::Comma) {
                    break;
                }
            }
            self.expect(Tok::RParen, "to close the tuple of index names")?;
            self.expect_kw("in", "after the tuple of index names")?;
        } else if matches!(self.peek(), Tok::Ident(_)) && matches!(self.peek_at(1), Tok::Ident(s) if s == "in") {
            names.push(self.name("an index name")?);
            self.bump();
        }
        let set = self.set_expr()?;
        Ok(Binding { names, set })
    }

    fn name(&mut self, what: &str) -> Result<(String, Span), ParseError> {
        match self.peek().clone() {
            Tok::Ident(s) if !KEYWORDS.contains(&s.as_str()) => Ok((s, self.bump().span)),
            _ => Err(self.unexpected(&format!("expected {what}"))),
        }
    }

    /// A set name or a range `a..b` of integers.
    fn set_expr(&mut self) -> Result<SetExpr, ParseError> {
        if let (Tok::Ident(name), false) = (self.peek().clone(), self.peek_at(1) == &Tok::DotDot) {
            if !KEYWORDS.contains(&name.as_str()) && !matches!(self.peek_at(1), Tok::LParen) {
                let span = self.bump().span;
                return Ok(SetExpr { kind: SetKind::Named(name), span });
            }
        }
        if self.peek() == &Tok::LBrace {
            // A set-builder is a set definition, not an index expression.
            return Err(self.unexpected("expected a set name or a range `a..b`").help(
                "declare the set under \"sets\" (e.g. \"Pairs\": \"{i in I, j in I: i != j}\") and iterate it by name",
            ));
        }
        let lo = self.additive()?;
        if !self.eat(&Tok::DotDot) {
            return Err(ParseError::new("expected a set name or a range `a..b`", lo.span)
                .help("index over a set (`i in I`) or an integer range (`t in 1..12`)"));
        }
        let hi = self.additive()?;
        let span = lo.span.to(hi.span);
        Ok(SetExpr { kind: SetKind::Range(Box::new(lo), Box::new(hi)), span })
    }
}

/// `chain mod operand`: `mod` does not regroup like `*` and `/`, so what precedes it is one
/// operand and a long chain is never rebalanced across it.
#[inline(never)]
fn modulo(first: Expr, rest: &mut Vec<(BinOp, Expr)>, operand: Expr) -> Expr {
    binary(chain::build(first, std::mem::take(rest)), BinOp::Mod, operand)
}
