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
            let (line, caret) = snippet(src, span);
            writeln!(f, "   |")?;
            writeln!(f, "   | {line}")?;
            writeln!(f, "   | {caret}")?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "   = help: {help}")?;
        }
        Ok(())
    }
}

/// Most characters of a source shown under a diagnostic: sources go into LLM repair prompts,
/// and an expression can be 100 KB long.
const SNIPPET_CHARS: usize = 120;
/// Characters shown before the caret when a source has to be shortened.
const SNIPPET_CHARS_BEFORE: usize = 40;

/// The part of `src` to show around `span`, and the caret line under it.
///
/// Any span renders: reversed ones are read as ordered, ones past the end point at the end,
/// ones inside a UTF-8 sequence widen to whole characters. The caret is placed by display
/// columns, so it stays under the right character after wide (CJK, emoji) or combining ones.
fn snippet(src: &str, span: Span) -> (String, String) {
    let start = floor_char_boundary(src, span.start.min(span.end));
    let end = ceil_char_boundary(src, span.start.max(span.end));
    let (shown_start, shown_end) = if src.chars().nth(SNIPPET_CHARS).is_none() {
        (0, src.len())
    } else {
        let from = chars_back(src, start, SNIPPET_CHARS_BEFORE);
        let to = chars_forward(src, from, SNIPPET_CHARS);
        if to == src.len() {
            (chars_back(src, src.len(), SNIPPET_CHARS), to)
        } else {
            (from, to)
        }
    };
    let lead = if shown_start > 0 { "…" } else { "" };
    let tail = if shown_end < src.len() { "…" } else { "" };
    let body: String = src[shown_start..shown_end].chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let pad = lead.chars().count() + columns(&src[shown_start..start]);
    let width = columns(&src[start..end.min(shown_end)]).max(1);
    (format!("{lead}{body}{tail}"), format!("{}{}", " ".repeat(pad), "^".repeat(width)))
}

/// The char boundary at or before byte `i` (`str::floor_char_boundary` is not stable).
fn floor_char_boundary(s: &str, i: usize) -> usize {
    (0..=i.min(s.len())).rev().find(|&b| s.is_char_boundary(b)).unwrap_or(0)
}

/// The char boundary at or after byte `i`, at most the end.
fn ceil_char_boundary(s: &str, i: usize) -> usize {
    (i.min(s.len())..s.len()).find(|&b| s.is_char_boundary(b)).unwrap_or(s.len())
}

/// The byte index `n` characters before boundary `i` (or 0).
fn chars_back(s: &str, i: usize, n: usize) -> usize {
    s[..i].char_indices().rev().take(n).last().map_or(i, |(b, _)| b)
}

/// The byte index `n` characters after boundary `i` (or the end).
fn chars_forward(s: &str, i: usize, n: usize) -> usize {
    s[i..].char_indices().nth(n).map_or(s.len(), |(b, _)| i + b)
}

/// Terminal columns of `s` as shown (control characters shown as one space).
fn columns(s: &str) -> usize {
    s.chars().map(char_columns).sum()
}

/// Terminal columns of one character: 0 for combining marks and zero-width characters, 2 for
/// East Asian wide characters and emoji, 1 otherwise. An approximation of Unicode's tables
/// covering the scripts and symbols that show up in names and element literals.
fn char_columns(c: char) -> usize {
    match u32::from(c) {
        0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x200B..=0x200F | 0x20D0..=0x20FF => 0,
        0xFE00..=0xFE0F | 0xFE20..=0xFE2F | 0xE0100..=0xE01EF => 0,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF => 2,
        0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 => 2,
        0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F680..=0x1F6FF | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD => 2,
        _ => 1,
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

/// Names longer than this get no suggestion: a typo hint is not worth comparing them.
const MAX_SUGGESTED_NAME_CHARS: usize = 64;

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo:
/// at most a third of the longer name's characters (at least 1) edits away, and fewer edits
/// than the name has characters. Case is ignored; the first of equally close ones wins.
///
/// Cheap on hostile input: a candidate whose length alone puts it too far (length difference
/// is a lower bound on edit distance) is skipped without reading it, and the distance is
/// computed only within the band of the best distance still useful, stopping early.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    if name.chars().nth(MAX_SUGGESTED_NAME_CHARS).is_some() {
        return None;
    }
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let n = name.len();
    if n == 0 {
        return None;
    }
    let allowed = |len: usize| (len.max(n) / 3).max(1);
    // Lowercasing never gives more characters than the name had bytes, nor fewer than a
    // quarter of them; the longest candidate still in reach is under twice the name's length.
    let shortest = n.saturating_sub(allowed(0));
    let longest = 2 * n + 2;
    let mut best: Option<(usize, &str)> = None;
    let mut cand: Vec<char> = Vec::new();
    let mut rows = (Vec::new(), Vec::new());
    for c in candidates {
        if c.len() < shortest || c.len() > 4 * longest {
            continue;
        }
        cand.clear();
        cand.extend(c.chars().flat_map(char::to_lowercase).take(longest + 1));
        if cand.len() > longest {
            continue;
        }
        // Only a strictly closer candidate replaces the best so far.
        let better = best.map_or(usize::MAX, |(d, _)| d.saturating_sub(1));
        let limit = allowed(cand.len()).min(n.saturating_sub(1)).min(better);
        if let Some(d) = edit_distance_within(&name, &cand, limit, &mut rows) {
            best = Some((d, c));
            if d == 0 {
                break;
            }
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Levenshtein distance between `a` and `b` if it is at most `limit`. Only the diagonal band
/// `|i - j| <= limit` is computed (cells outside it exceed the limit anyway), and it stops at
/// the first row whose every cell exceeds the limit. `rows` is scratch space reused across calls.
fn edit_distance_within(a: &[char], b: &[char], limit: usize, rows: &mut (Vec<usize>, Vec<usize>)) -> Option<usize> {
    if a.len().abs_diff(b.len()) > limit {
        return None;
    }
    let over = limit + 1;
    let (prev, cur) = rows;
    prev.clear();
    prev.extend((0..=b.len()).map(|j| j.min(over)));
    for (i, ca) in a.iter().enumerate() {
        let row = i + 1;
        cur.clear();
        cur.resize(b.len() + 1, over);
        cur[0] = row.min(over);
        let mut row_min = cur[0];
        let first = row.saturating_sub(limit).max(1);
        let last = (row + limit).min(b.len());
        for j in first..=last {
            let substitute = prev[j - 1] + usize::from(*ca != b[j - 1]);
            let value = substitute.min(prev[j] + 1).min(cur[j - 1] + 1).min(over);
            cur[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > limit {
            return None;
        }
        std::mem::swap(prev, cur);
    }
    prev.get(b.len()).copied().filter(|&d| d <= limit)
}
