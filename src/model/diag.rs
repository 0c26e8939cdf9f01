//! Diagnostics: typed errors and warnings that name the element, quote the expression with a
//! caret under the position, and say what would fix it. Rendered once, for people and LLMs alike.

use std::fmt::{self, Display, Formatter};

use serde::Serialize;

use crate::expr::{ParseError, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// What kind of problem a diagnostic reports; stable names for machines (the LLM repair
/// loop and transcripts classify failures by them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    InvalidJson,
    Io,
    UnknownKey,
    InvalidValue,
    Syntax,
    UnknownName,
    DuplicateName,
    WrongKind,
    IndexCount,
    NotInSet,
    MissingData,
    DataFile,
    NonLinear,
    NonConvex,
    Unsupported,
    StrictInequality,
    EmptySum,
    UnusedVariable,
    EmptyConstraint,
    Arithmetic,
    /// A size or work limit was reached (`--max NAME=VALUE` raises it).
    Limit,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    /// Where in the formulation: `constraints.capacity.expression`.
    pub path: String,
    pub message: String,
    /// The expression the span points into.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "span_pair")]
    pub span: Option<Span>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

fn span_pair<S: serde::Serializer>(span: &Option<Span>, s: S) -> Result<S::Ok, S::Error> {
    match span {
        Some(sp) => [sp.start, sp.end].serialize(s),
        None => s.serialize_none(),
    }
}

impl Diagnostic {
    pub fn error(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            path: path.into(),
            message: message.into(),
            source: None,
            span: None,
            help: None,
        }
    }
    pub fn warning(code: Code, path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Self::error(code, path, message) }
    }
    pub fn at(mut self, source: &str, span: Span) -> Self {
        self.source = Some(source.to_string());
        self.span = Some(span);
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn help_opt(mut self, help: Option<String>) -> Self {
        self.help = help.or(self.help);
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn from_parse(path: &str, source: &str, err: ParseError) -> Self {
        Diagnostic::error(Code::Syntax, path, err.message).at(source, err.span).help_opt(err.help)
    }
}

impl Display for Diagnostic {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        writeln!(f, "  --> {}", self.path)?;
        if let (Some(src), Some(span)) = (&self.source, self.span) {
            // Expressions are one line in JSON; a hand-written newline is shown as a space
            // so that the caret stays under the right character.
            let line: String = src.chars().map(|c| if c == '\n' { ' ' } else { c }).collect();
            let pad = src[..span.start.min(src.len())].chars().count();
            let width = src[span.start.min(src.len())..span.end.min(src.len())].chars().count().max(1);
            writeln!(f, "   |")?;
            writeln!(f, "   | {line}")?;
            writeln!(f, "   | {}{}", " ".repeat(pad), "^".repeat(width))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "   = help: {help}")?;
        }
        Ok(())
    }
}

/// Collected diagnostics of one run over a formulation.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }
    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
}

impl Display for Diagnostics {
    fn fmt(&self, f: &mut Formatter) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        let (e, w) = (self.error_count(), self.warning_count());
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(f, "{e} error{}, {w} warning{}", plural(e), plural(w))
    }
}

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let lower = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&lower, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1) && *d < name.len())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("did you mean `{c}`?"))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
