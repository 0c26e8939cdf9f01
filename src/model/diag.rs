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
    /// A reformulation (big-M) needs a finite bound that the model does not give.
    MissingBound,
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
const SNIPPET_CHARS: usize = 1000;
/// Characters shown before the caret when a source has to be shortened.
const SNIPPET_CHARS_BEFORE: usize = 300;

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

thread_local! {
    /// Suggestions this thread may still compute. A check shows at most 100 diagnostics, so
    /// the thousandth unknown name of a generated file need not cost a scan of every name.
    static SUGGESTIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(usize::MAX) };
}

/// Runs `f` with at most `limit` "did you mean" suggestions computed in it.
pub fn with_suggestion_budget<T>(limit: usize, f: impl FnOnce() -> T) -> T {
    let before = SUGGESTIONS.with(|s| s.replace(limit));
    let out = f();
    SUGGESTIONS.with(|s| s.set(before));
    out
}

/// Whether a suggestion would still be computed: callers whose candidate list is costly to
/// build ask first.
pub fn may_suggest() -> bool {
    SUGGESTIONS.with(|s| s.get() > 0)
}

fn take_suggestion() -> bool {
    SUGGESTIONS.with(|s| match s.get().checked_sub(1) {
        Some(left) => {
            s.set(left);
            true
        }
        None => false,
    })
}

/// The closest candidate to a misspelt name, if one is close enough to be a likely typo:
/// at most a third of the longer name's characters (at least 1) edits away, and fewer edits
/// than the name has characters. Case is ignored; the first of equally close ones wins.
///
/// Cheap on hostile input: a candidate whose length alone puts it too far (length difference
/// is a lower bound on edit distance) is skipped without reading it, and the distance is
/// computed only within the band of the best distance still useful, stopping early.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    if name.chars().nth(MAX_SUGGESTED_NAME_CHARS).is_some() || !take_suggestion() {
        return None;
    }
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let pattern = Pattern::new(&name)?;
    let n = name.len();
    let allowed = |len: usize| (len.max(n) / 3).max(1);
    // Lowercasing never gives more characters than the name had bytes, nor fewer than a
    // quarter of them; the longest candidate still in reach is under twice the name's length.
    let shortest = n.saturating_sub(allowed(0));
    let longest = 2 * n + 2;
    let mut supply = [0u8; 128];
    for &c in &name {
        supply[bag_slot(c)] += 1;
    }
    let mut best: Option<(usize, &str)> = None;
    let mut cand: Vec<char> = Vec::new();
    for c in candidates {
        if c.len() < shortest || c.len() > 4 * longest {
            continue;
        }
        // Only a strictly closer candidate replaces the best so far.
        let better = best.map_or(usize::MAX, |(d, _)| d.saturating_sub(1));
        let limit = |len: usize| allowed(len).min(n - 1).min(better);
        cand.clear();
        if c.is_ascii() {
            // Most candidates stop here, on their exact length or on their letters, without
            // being decoded or copied.
            let len = c.len();
            let lowered = || c.bytes().map(|b| char::from(b.to_ascii_lowercase()));
            if len.abs_diff(n) > limit(len) || !bag_within(&supply, n, lowered(), len, limit(len)) {
                continue;
            }
            cand.extend(lowered());
        } else {
            cand.extend(c.chars().flat_map(char::to_lowercase).take(longest + 1));
            let len = cand.len();
            if len > longest || !bag_within(&supply, n, cand.iter().copied(), len, limit(len)) {
                continue;
            }
        }
        if let Some(d) = pattern.distance_within(&cand, limit(cand.len())) {
            best = Some((d, c));
            if d == 0 {
                break;
            }
        }
    }
    best.map(|(_, c)| format!("did you mean `{c}`?"))
}

/// Where a character is counted for `bag_within`: non-ASCII characters share one slot, which
/// only weakens the bound.
fn bag_slot(c: char) -> usize {
    if c.is_ascii() {
        usize::from(c as u8)
    } else {
        0
    }
}

/// Whether a candidate of `len` characters may be within `limit` edits of a name of `n`
/// characters with `supply` of each (by `bag_slot`), judging by letters alone: every character
/// one of them has beyond what the other has costs at least one edit (the bag distance, a lower
/// bound on edit distance, computed in one pass that stops once it is past `limit`).
fn bag_within(supply: &[u8; 128], n: usize, candidate: impl Iterator<Item = char>, len: usize, limit: usize) -> bool {
    let mut left = *supply;
    let mut surplus = 0;
    for c in candidate {
        let slot = &mut left[bag_slot(c)];
        let matched = u8::from(*slot > 0);
        *slot -= matched;
        surplus += usize::from(1 - matched);
        if surplus > limit {
            return false;
        }
    }
    let unmatched_in_name = n.saturating_sub(len.saturating_sub(surplus));
    unmatched_in_name <= limit
}

/// A name prepared for bit-parallel edit distance (Myers 1999, in Hyyrö's formulation): one bit
/// per character of the name, so a whole column of the distance table is updated in a few word
/// operations per character of the candidate.
struct Pattern {
    len: usize,
    /// For each ASCII character, the positions in the name where it occurs.
    ascii: [u64; 128],
    other: Vec<(char, u64)>,
}

impl Pattern {
    /// `None` for an empty name or one longer than a word holds.
    fn new(name: &[char]) -> Option<Pattern> {
        if name.is_empty() || name.len() > 64 {
            return None;
        }
        let mut p = Pattern { len: name.len(), ascii: [0; 128], other: Vec::new() };
        for (i, &c) in name.iter().enumerate() {
            let bit = 1u64 << i;
            match p.ascii.get_mut(c as usize) {
                Some(mask) => *mask |= bit,
                None => match p.other.iter_mut().find(|(o, _)| *o == c) {
                    Some((_, mask)) => *mask |= bit,
                    None => p.other.push((c, bit)),
                },
            }
        }
        Some(p)
    }

    fn positions(&self, c: char) -> u64 {
        match self.ascii.get(c as usize) {
            Some(mask) => *mask,
            None => self.other.iter().find(|(o, _)| *o == c).map_or(0, |(_, mask)| *mask),
        }
    }

    /// Levenshtein distance from the name to `text` if it is at most `limit`; stops as soon as
    /// the rest of `text` could no longer bring it back within the limit.
    fn distance_within(&self, text: &[char], limit: usize) -> Option<usize> {
        if self.len.abs_diff(text.len()) > limit {
            return None;
        }
        let last = 1u64 << (self.len - 1);
        // Vertical deltas of the current column: +1 (`plus`) or -1 (`minus`) per name position.
        let (mut plus, mut minus) = (!0u64, 0u64);
        let mut score = self.len;
        for (j, &c) in text.iter().enumerate() {
            let eq = self.positions(c);
            let xv = eq | minus;
            let xh = ((eq & plus).wrapping_add(plus) ^ plus) | eq;
            let mut hp = minus | !(xh | plus);
            let mut hm = plus & xh;
            if hp & last != 0 {
                score += 1;
            } else if hm & last != 0 {
                score -= 1;
            }
            // Each character of the text can lower the final distance by one at most.
            if score > limit + (text.len() - j - 1) {
                return None;
            }
            // The first row of the table grows by one per column: shift in a +1.
            hp = (hp << 1) | 1;
            hm <<= 1;
            plus = hm | !(xv | hp);
            minus = hp & xv;
        }
        (score <= limit).then_some(score)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rendered(source: &str, start: usize, end: usize) -> (String, String) {
        let d = Diagnostic::error(Code::Syntax, "objective.expression", "broken").at(source, Span::new(start, end));
        let text = d.to_string();
        let lines: Vec<&str> = text.lines().collect();
        let body = lines.iter().position(|l| l.starts_with("   | ")).expect("a source line");
        let strip = |l: &str| l.strip_prefix("   | ").unwrap_or("").to_string();
        (strip(lines[body]), strip(lines[body + 1]))
    }

    /// The characters of `line` under the carets of `caret`, counted in display columns.
    fn under_caret(line: &str, caret: &str) -> String {
        let from = caret.len() - caret.trim_start().len();
        let to = caret.len();
        let mut col = 0;
        let mut out = String::new();
        for c in line.chars() {
            if col >= from && col < to {
                out.push(c);
            }
            col += char_columns(c);
        }
        out
    }

    #[test]
    fn caret_sits_under_the_span_after_multibyte_characters() {
        let src = "é + 中 + 😀 + x[i] + naïve";
        let x = src.find("x[i]").unwrap();
        let (line, caret) = rendered(src, x, x + 4);
        assert_eq!(line, src);
        assert_eq!(under_caret(&line, &caret), "x[i]");
        // é is one column, 中 and 😀 two each.
        assert_eq!(caret, format!("{}^^^^", " ".repeat(14)));
        let i = src.find('ï').unwrap();
        let (line, caret) = rendered(src, i, i + 'ï'.len_utf8());
        assert_eq!(under_caret(&line, &caret), "ï");
    }

    #[test]
    fn span_inside_a_character_widens_to_the_whole_character() {
        let src = "ab中cd";
        for (start, end) in [(3, 4), (4, 5), (3, 5), (4, 4)] {
            let (line, caret) = rendered(src, start, end);
            assert_eq!(under_caret(&line, &caret), "中", "span {start}..{end}");
        }
    }

    #[test]
    fn odd_spans_render_without_panicking() {
        for (src, start, end) in [
            ("", 0, 0),
            ("", 3, 9),
            ("x + y", 40, 50),
            ("x + y", 4, 1),
            ("x + y", usize::MAX, usize::MAX),
            ("😀", 1, 2),
            ("e\u{301}", 1, 3),
            ("a\nb\tc\r", 2, 3),
        ] {
            let (line, caret) = rendered(src, start, end);
            assert!(caret.trim_start().starts_with('^'), "{src:?} {start}..{end}: {caret:?}");
            assert!(!line.contains(['\n', '\t', '\r']), "{line:?}");
        }
        let (_, caret) = rendered("x + y", 4, 1);
        assert_eq!(caret, " ^^^", "a reversed span is read as ordered");
        let (_, caret) = rendered("x + y", 40, 50);
        assert_eq!(caret, "     ^", "a span past the end points just after it");
    }

    #[test]
    fn invalid_json_next_to_multibyte_characters_renders() {
        // serde_json counts columns in bytes: a one-byte span at its column can start or end
        // inside a character.
        for text in ["{\"é\": 1,}", "{\"中\": [1, 2,]}", "{\"x\": \"😀\" \"y\"}", "{\"a\":é}", "é"] {
            let err = serde_json::from_str::<serde_json::Value>(text).expect_err(text);
            let col = err.column().saturating_sub(1);
            for span in [(col, col + 1), (col + 1, col + 2), (col.saturating_sub(1), col)] {
                let (line, caret) = rendered(text, span.0, span.1);
                assert_eq!(line, text);
                let points_past_the_end = span.0 >= text.len();
                assert!(points_past_the_end || !under_caret(&line, &caret).is_empty(), "{text} {span:?}: {caret:?}");
            }
        }
    }

    #[test]
    fn long_source_is_shortened_around_the_caret() {
        let src = format!("{}bad{}", "x + ".repeat(12_500), " + y".repeat(12_500));
        let at = src.find("bad").unwrap();
        let (line, caret) = rendered(&src, at, at + 3);
        assert!(line.chars().count() <= SNIPPET_CHARS + 2, "{} chars", line.chars().count());
        assert!(line.starts_with('…') && line.ends_with('…'), "{line}");
        assert_eq!(under_caret(&line, &caret), "bad");
        let (line, caret) = rendered(&src, src.len(), src.len());
        assert!(line.starts_with('…') && !line.ends_with('…'), "{line}");
        assert_eq!(line.chars().count(), SNIPPET_CHARS + 1);
        assert_eq!(caret.trim_start(), "^");
        let (line, caret) = rendered(&src, 0, src.len());
        assert!(line.ends_with('…') && !line.starts_with('…'), "{line}");
        assert_eq!(caret.trim_start().len(), SNIPPET_CHARS);
    }

    proptest! {
        #[test]
        fn any_span_of_any_source_renders(src in "\\PC{0,300}", start in 0usize..1300, end in 0usize..1300) {
            let (line, caret) = rendered(&src, start, end);
            prop_assert!(line.chars().count() <= SNIPPET_CHARS + 2);
            prop_assert!(caret.trim_start().starts_with('^'));
        }
    }

    // ---- did you mean ----

    /// The full edit distance, without bands or cut-offs: what `did_you_mean` must agree with.
    fn reference_distance(a: &[char], b: &[char]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, cb) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    fn reference_did_you_mean(name: &str, candidates: &[String]) -> Option<String> {
        let lower = |s: &str| -> Vec<char> { s.chars().flat_map(char::to_lowercase).collect() };
        let n = lower(name);
        if name.chars().count() > MAX_SUGGESTED_NAME_CHARS {
            return None;
        }
        candidates
            .iter()
            .map(|c| (reference_distance(&n, &lower(c)), c, lower(c).len()))
            .filter(|(d, _, len)| *d <= ((*len).max(n.len()) / 3).max(1) && *d < n.len())
            .min_by_key(|(d, _, _)| *d)
            .map(|(_, c, _)| format!("did you mean `{c}`?"))
    }

    #[test]
    fn suggests_the_closest_name_ignoring_case() {
        let names = ["make", "hours", "available", "Resources"];
        assert_eq!(did_you_mean("mak", names), Some("did you mean `make`?".into()));
        assert_eq!(did_you_mean("resource", names), Some("did you mean `Resources`?".into()));
        assert_eq!(did_you_mean("HOURS", names), Some("did you mean `hours`?".into()));
        assert_eq!(did_you_mean("zzz", names), None);
        assert_eq!(did_you_mean("", ["", "a"]), None);
        assert_eq!(did_you_mean("ab", ["xb", "ay"]), Some("did you mean `xb`?".into()), "the first of equals");
    }

    #[test]
    fn names_over_64_characters_get_no_suggestion() {
        let long = "n".repeat(65);
        assert_eq!(did_you_mean(&long, [long.as_str()]), None);
        let limit = "n".repeat(64);
        assert!(did_you_mean(&limit, [limit.as_str()]).is_some());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn agrees_with_the_full_edit_distance(
            name in "[a-dA-Dé]{0,12}",
            candidates in prop::collection::vec("[a-dA-Dé_]{0,16}", 0..8),
        ) {
            let got = did_you_mean(&name, candidates.iter().map(String::as_str));
            prop_assert_eq!(got, reference_did_you_mean(&name, &candidates));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn agrees_with_the_full_edit_distance_on_long_names(
            name in "[ab_éÉ]{40,64}",
            edits in prop::collection::vec((0usize..64, "[ab_é]?"), 0..25),
        ) {
            // Candidates near the name, so that distances around the limit are common.
            let mut near: Vec<char> = name.chars().collect();
            let mut candidates = Vec::new();
            for (at, with) in edits {
                let at = at.min(near.len().saturating_sub(1));
                near.splice(at..(at + 1).min(near.len()), with.chars());
                candidates.push(near.iter().collect::<String>());
            }
            let got = did_you_mean(&name, candidates.iter().map(String::as_str));
            prop_assert_eq!(got, reference_did_you_mean(&name, &candidates));
        }
    }

    /// Deterministic pseudo-random names, so that the large case needs no stored data.
    fn names(count: usize, len: usize, seed: u64) -> Vec<String> {
        let mut state = seed;
        (0..count)
            .map(|_| {
                (0..len)
                    .map(|_| {
                        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        char::from(b"abcdefghijklmnopqrstuvwxyz_0123456789"[(state >> 33) as usize % 37])
                    })
                    .collect()
            })
            .collect()
    }

    /// Unknown 50-character names against as many declared names, the k-th `declared_len(k)`
    /// long: every name one edit away from a declared one is found, and no other name gets a
    /// suggestion.
    fn many_unknown_long_names(count: usize, declared_len: fn(usize) -> usize) {
        // Seeds far from the unknown names' one, so that no declared name equals an unknown one.
        let mut declared: Vec<String> =
            (0..count).flat_map(|k| names(1, declared_len(k), 1 << 40 | k as u64)).collect();
        let unknown = names(count, 50, 7);
        let typos: Vec<usize> = (0..count).step_by(97).collect();
        for &k in &typos {
            let mut near = unknown[k].clone();
            near.replace_range(10..11, "#");
            declared[k] = near;
        }
        for (k, name) in unknown.iter().enumerate() {
            let got = did_you_mean(name, declared.iter().map(String::as_str));
            let expected = typos.contains(&k).then(|| format!("did you mean `{}`?", declared[k]));
            assert_eq!(got, expected, "name {k}");
        }
    }

    #[test]
    fn many_unknown_long_names_get_exactly_their_typo_suggestions() {
        many_unknown_long_names(1_000, |k| 1 + k % 60);
        many_unknown_long_names(300, |_| 50);
    }

    /// The full-size cases: `cargo test --release -- --ignored did_you_mean_at_full_size`.
    #[test]
    #[ignore = "10,000 x 10,000 names; run in release to measure"]
    fn did_you_mean_at_full_size() {
        type LengthOf = fn(usize) -> usize;
        let lengths: [(&str, LengthOf); 3] = [("1 to 30", |k| 1 + k % 30), ("1 to 60", |k| 1 + k % 60), ("50", |_| 50)];
        for (shown, declared_len) in lengths {
            let started = std::time::Instant::now();
            many_unknown_long_names(10_000, declared_len);
            eprintln!("10,000 unknown names x 10,000 declared, {shown} long: {:?}", started.elapsed());
        }
    }
}
