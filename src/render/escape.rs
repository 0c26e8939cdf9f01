//! Escaping free text (model names, descriptions, element strings) for each target, and
//! spelling declared names as identifiers there. Formulations may come from an LLM, so every
//! string a template or a translator emits passes through one of these: none may end a string
//! literal, a comment or a math span early, or reach a TeX primitive, an HTML tag or a link.

/// Whether `s` is an ASCII identifier (`[A-Za-z_][A-Za-z0-9_]*`), the names every code target
/// takes: the loader's grammar, checked again here because a renderer must be safe on its own.
pub use crate::model::load::identifier_syntax as is_identifier;

/// An identifier that is not one of `reserved`: a reserved word gets one more trailing `_`
/// than it had (`class` → `class_`, `class_` → `class__`), so distinct names stay distinct.
/// Anything that is not an identifier has its other characters replaced (never emitted raw);
/// the loader and [`unidentifiable`] keep such names from reaching here.
fn reserved_free(name: &str, reserved: &[&str]) -> String {
    if !is_identifier(name) {
        let mut s: String = name.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
        s.insert_str(0, "_bad_");
        return s;
    }
    if reserved.contains(&name.trim_end_matches('_')) {
        format!("{name}_")
    } else {
        name.to_string()
    }
}

/// Python keywords, and the module-level names of the Pyomo script that an index must not shadow.
const PY_RESERVED: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield", "m", "pyo", "math",
];

/// Python keywords (a syntax error after `m.`) and the component the script itself adds.
const PY_ATTR_RESERVED: &[&str] = &[
    "False",
    "None",
    "True",
    "and",
    "as",
    "assert",
    "async",
    "await",
    "break",
    "class",
    "continue",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "finally",
    "for",
    "from",
    "global",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "nonlocal",
    "not",
    "or",
    "pass",
    "raise",
    "return",
    "try",
    "while",
    "with",
    "yield",
    "objective",
];

/// An index name as a Python local.
pub fn py_ident(name: &str) -> String {
    reserved_free(name, PY_RESERVED)
}

/// A declared name as an attribute of the Pyomo model (`m.NAME`) and its data key.
pub fn py_attr(name: &str) -> String {
    reserved_free(name, PY_ATTR_RESERVED)
}

/// MathProg's reserved words, its built-in function and operator names (a name followed by
/// `(` or `{` would be read as one), and the names the rendered model itself declares.
const MATHPROG_RESERVED: &[&str] = &[
    "and",
    "by",
    "cross",
    "diff",
    "div",
    "else",
    "if",
    "in",
    "Infinity",
    "inter",
    "less",
    "mod",
    "not",
    "or",
    "symdiff",
    "then",
    "union",
    "within",
    "sum",
    "prod",
    "min",
    "max",
    "forall",
    "exists",
    "setof",
    "abs",
    "atan",
    "card",
    "ceil",
    "cos",
    "exp",
    "floor",
    "gmtime",
    "length",
    "log",
    "log10",
    "round",
    "sin",
    "sqrt",
    "str2time",
    "substr",
    "tan",
    "time2str",
    "trunc",
    "Irand224",
    "Uniform01",
    "Uniform",
    "Normal01",
    "Normal",
    "objective",
];

/// A name (declared or index) as a MathProg symbolic name.
pub fn mathprog_ident(name: &str) -> String {
    reserved_free(name, MATHPROG_RESERVED)
}

/// The first declared name that is no identifier, for the code targets to refuse rather than map:
/// they would otherwise have to invent a name the user never wrote.
pub fn unidentifiable<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names.into_iter().find(|n| !is_identifier(n))
}

/// Characters that end a line for some reader: a comment must hold none of them.
fn breaks_line(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Text for a line comment (`#`, `%`): line breaks and control characters become spaces.
pub fn one_line(s: &str) -> String {
    s.chars().map(|c| if breaks_line(c) { ' ' } else { c }).collect()
}

/// The inside of a Python string literal, valid between `'…'`, `"…"` or `"""…"""`: like
/// `repr`, with quotes, backslashes and control characters escaped and non-ASCII as `\uXXXX`,
/// so the script is plain ASCII and reads back as the exact text.
pub fn py_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out
}

/// A Python string literal of `s`.
pub fn py_str(s: &str) -> String {
    format!("'{}'", py_escape(s))
}

/// Text for a MathProg comment or the inside of a string literal, quotes aside: GLPK takes
/// printable ASCII only and a literal cannot span lines, so backslashes, control and non-ASCII
/// characters are written as `\\`, `\n`, `\x07`, `\u{e9}`. The encoding is one-to-one, so
/// distinct elements stay distinct.
pub fn mathprog_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_ascii_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_ascii() => out.push(c),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    out
}

/// GLPK's limit on the characters of one string literal.
pub const MATHPROG_MAX_LITERAL: usize = 100;

/// The first element whose MathProg literal GLPK would refuse as too long.
pub fn mathprog_too_long(m: &crate::model::Model) -> Option<&str> {
    m.sets.iter().flat_map(|s| s.elems.iter()).find_map(|a| match a {
        crate::model::sets::Atom::Sym(sym) => {
            let text = m.names.name(*sym);
            (mathprog_escape(text).chars().count() > MATHPROG_MAX_LITERAL).then_some(text)
        }
        crate::model::sets::Atom::Int(_) => None,
    })
}

/// A MathProg string literal of `s` (single quotes, doubled inside).
pub fn mathprog_str(s: &str) -> String {
    format!("'{}'", mathprog_escape(s).replace('\'', "''"))
}

/// Whether both pdflatex's default set-up (utf8 input, OT1 fonts) and KaTeX in strict mode
/// typeset `c` as text: ASCII and the Latin-1 letters (OT1 lacks Ð, Þ, ð, þ; `×` and `÷`
/// are math symbols to both).
fn tex_typesets(c: char) -> bool {
    c.is_ascii()
        || (('\u{c0}'..='\u{ff}').contains(&c)
            && !matches!(c, '\u{d0}' | '\u{de}' | '\u{f0}' | '\u{fe}' | '\u{d7}' | '\u{f7}'))
}

/// LaTeX text (outside math, or inside `\text{…}`), read the same by pdflatex and KaTeX:
/// every special character as a command, so no control sequence, group, math shift, comment,
/// `^^` notation or alignment can be formed; line breaks become spaces (a blank line would end
/// a paragraph inside `\text`), other control characters are dropped, and characters the
/// default fonts lack are written as their code point.
pub fn tex_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '_' | '&' | '%' | '#' => {
                out.push('\\');
                out.push(c);
            }
            // `\$` would end a `$…$` span for Markdown's math extractors.
            '$' => out.push_str("\\textdollar{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            // OT1 has no `|`, `<`, `>` in text; `|` would also split a Markdown table cell.
            '|' => out.push_str("\\textbar{}"),
            '<' => out.push_str("\\textless{}"),
            '>' => out.push_str("\\textgreater{}"),
            c if c.is_whitespace() => out.push(' '),
            c if c.is_control() => {}
            c if tex_typesets(c) => out.push(c),
            c => out.push_str(&format!("\\texttt{{U+{:04X}}}", c as u32)),
        }
    }
    out
}

/// A name in math: one letter as is, an identifier upright-italic (`\mathit{max\_flow}`),
/// anything else as escaped italic text.
pub fn tex_ident(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c.is_ascii_alphabetic() => name.to_string(),
        _ if is_identifier(name) => format!("\\mathit{{{}}}", name.replace('_', "\\_")),
        _ => format!("\\text{{\\textit{{{}}}}}", tex_text(name)),
    }
}

/// Markdown text that stays text: every character Markdown, HTML or a math extension would
/// act on is a character reference (`&lt;`, `&#36;`), so no tag, link, emphasis or `$…$` span
/// can form; line breaks become spaces so a heading or list item cannot end early.
pub fn md_text(s: &str) -> String {
    let chars: Vec<char> = s.chars().map(|c| if breaks_line(c) { ' ' } else { c }).collect();
    let mut out = String::with_capacity(s.len());
    // What the line starts with decides the block: `-`, `+`, `=` or digits then `.` or `)`
    // would begin a list or underline a heading.
    let first = chars.iter().take_while(|c| c.is_whitespace()).count();
    let leading_digits = first + chars[first..].iter().take_while(|c| c.is_ascii_digit()).count();
    for (k, &c) in chars.iter().enumerate() {
        let word = |j: Option<usize>| j.and_then(|j| chars.get(j)).is_some_and(|c| c.is_alphanumeric());
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            // An underscore inside a word (`max_flow`) starts no emphasis: left as written.
            '_' if word(k.checked_sub(1)) && word(Some(k + 1)) => out.push('_'),
            '\\' | '`' | '*' | '_' | '[' | ']' | '$' | '|' | '~' | '#' | '!' => {
                out.push_str(&format!("&#{};", c as u32))
            }
            '-' | '+' | '=' if k == first => out.push_str(&format!("&#{};", c as u32)),
            '.' | ')' if k == leading_digits && k > first => out.push_str(&format!("&#{};", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests;
