//! Tokens of the expression language, each with the byte span it came from.

use super::ast::Span;
use super::ParseError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Num(f64),
    Ident(String),
    Str(String),
    Plus,
    Minus,
    Star,
    Slash,
    Caret,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Colon,
    DotDot,
    Le,
    Ge,
    Lt,
    Gt,
    EqEq,
    Ne,
    Eof,
}

impl Tok {
    /// How the token reads in an error message.
    pub fn describe(&self) -> String {
        match self {
            Tok::Num(n) => format!("number `{n}`"),
            Tok::Ident(s) => format!("`{}`", shortened(s)),
            Tok::Str(s) => format!("'{}'", shortened(s)),
            Tok::Eof => "end of expression".to_string(),
            other => format!("`{}`", other.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Caret => "^",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::LBrace => "{",
            Tok::RBrace => "}",
            Tok::Comma => ",",
            Tok::Colon => ":",
            Tok::DotDot => "..",
            Tok::Le => "<=",
            Tok::Ge => ">=",
            Tok::Lt => "<",
            Tok::Gt => ">",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            _ => "",
        }
    }
}

/// `s`, or its first characters and `…` when it is too long to quote in a message whole.
fn shortened(s: &str) -> String {
    const MAX_CHARS: usize = 40;
    match s.char_indices().nth(MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

#[derive(Debug, Clone)]
pub struct Token {
    pub tok: Tok,
    pub span: Span,
}

pub fn tokenize(src: &str) -> Result<Vec<Token>, ParseError> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let start = i;
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let two = if i + 1 < bytes.len() { &bytes[i..i + 2] } else { &bytes[i..i + 1] };
        let (tok, len) = match two {
            b"<=" => (Tok::Le, 2),
            b">=" => (Tok::Ge, 2),
            b"==" => (Tok::EqEq, 2),
            b"!=" | b"<>" => (Tok::Ne, 2),
            b"**" => (Tok::Caret, 2),
            b".." => (Tok::DotDot, 2),
            b"&&" => (Tok::Ident("and".into()), 2),
            b"||" => (Tok::Ident("or".into()), 2),
            _ => match c {
                b'+' => (Tok::Plus, 1),
                b'-' => (Tok::Minus, 1),
                b'*' => (Tok::Star, 1),
                b'/' => (Tok::Slash, 1),
                b'^' => (Tok::Caret, 1),
                b'(' => (Tok::LParen, 1),
                b')' => (Tok::RParen, 1),
                b'[' => (Tok::LBracket, 1),
                b']' => (Tok::RBracket, 1),
                b'{' => (Tok::LBrace, 1),
                b'}' => (Tok::RBrace, 1),
                b',' => (Tok::Comma, 1),
                b':' => (Tok::Colon, 1),
                b'<' => (Tok::Lt, 1),
                b'>' => (Tok::Gt, 1),
                // A single `=` is what people and LLMs often write for equality.
                b'=' => (Tok::EqEq, 1),
                b'!' => (Tok::Ident("not".into()), 1),
                b'\'' | b'"' => {
                    let end = src[i + 1..].find(c as char).ok_or_else(|| {
                        ParseError::new("unterminated element literal", Span::new(start, bytes.len()))
                            .help(format!("close it with {}", c as char))
                    })?;
                    let text = src[i + 1..i + 1 + end].to_string();
                    (Tok::Str(text), end + 2)
                }
                b'0'..=b'9' => lex_number(src, i)?,
                b'.' if i + 1 < bytes.len() && bytes[i + 1].is_ascii_digit() => lex_number(src, i)?,
                c if c.is_ascii_alphabetic() || c == b'_' => {
                    let mut j = i;
                    while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                        j += 1;
                    }
                    (Tok::Ident(src[i..j].to_string()), j - i)
                }
                _ => {
                    let ch = src[i..].chars().next().unwrap_or('?');
                    return Err(ParseError::new(
                        format!("unexpected character `{ch}`"),
                        Span::new(start, start + ch.len_utf8()),
                    ));
                }
            },
        };
        i += len;
        out.push(Token { tok, span: Span::new(start, i) });
    }
    out.push(Token { tok: Tok::Eof, span: Span::new(bytes.len(), bytes.len()) });
    Ok(out)
}

fn lex_number(src: &str, start: usize) -> Result<(Tok, usize), ParseError> {
    let bytes = src.as_bytes();
    let mut j = start;
    while j < bytes.len() && bytes[j].is_ascii_digit() {
        j += 1;
    }
    // `1..12` is a range, not the number `1.` followed by `.12`.
    if j < bytes.len() && bytes[j] == b'.' && !(j + 1 < bytes.len() && bytes[j + 1] == b'.') {
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
    }
    if j < bytes.len() && (bytes[j] == b'e' || bytes[j] == b'E') {
        let mut k = j + 1;
        if k < bytes.len() && (bytes[k] == b'+' || bytes[k] == b'-') {
            k += 1;
        }
        if k < bytes.len() && bytes[k].is_ascii_digit() {
            while k < bytes.len() && bytes[k].is_ascii_digit() {
                k += 1;
            }
            j = k;
        }
    }
    let text = &src[start..j];
    let span = Span::new(start, j);
    let value: f64 =
        text.parse().map_err(|_| ParseError::new(format!("invalid number `{}`", shortened(text)), span))?;
    if !value.is_finite() {
        return Err(ParseError::new(format!("number `{}` is too large", shortened(text)), span)
            .help("write `inf` for an infinite bound, or rescale the data"));
    }
    Ok((Tok::Num(value), j - start))
}
