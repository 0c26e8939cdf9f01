//! Identifiers that LP and MPS readers accept, derived consistently from optform's names:
//! `make[chair]` → `make(chair)`, `flow[s,a]` → `flow(s,a)`, spaces → `_`, unique.

use std::collections::HashSet;

/// Characters CPLEX LP allows in names besides letters and digits.
const ALLOWED: &str = "!\"#$%&()/,.;?@_`'{}|~";

fn legal(raw: &str) -> String {
    let mut s: String = raw
        .chars()
        .map(|c| match c {
            '[' => '(',
            ']' => ')',
            c if c.is_ascii_alphanumeric() || ALLOWED.contains(c) => c,
            _ => '_',
        })
        .collect();
    // Not a number or exponent look-alike at the start (`e5`, `.7`, `3x`), nor a quote: a row
    // named `'MARKER'` would make an MPS column line read as an integer marker.
    let b = s.as_bytes();
    let bad_start = b.first().is_none_or(|c| c.is_ascii_digit() || matches!(c, b'.' | b'\'' | b'"'))
        || (b.len() > 1 && (b[0] == b'e' || b[0] == b'E') && b[1].is_ascii_digit());
    if bad_start {
        s.insert(0, '_');
    }
    s.truncate(240);
    s
}

/// Makes every name legal and unique, in order; a collision gets `~2`, `~3`, ….
pub fn legalize(raw: impl IntoIterator<Item = String>, taken: &mut HashSet<String>) -> Vec<String> {
    raw.into_iter()
        .map(|r| {
            let base = legal(&r);
            let mut name = base.clone();
            let mut k = 2;
            while !taken.insert(name.clone()) {
                name = format!("{base}~{k}");
                k += 1;
            }
            name
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_become_parentheses_line_breaks_and_leading_quotes_go_and_names_stay_unique() {
        let mut taken = HashSet::new();
        let raw = ["make[chair]", "flow[s,a]", "x[a b]", "x[a_b]", "e1", "3d", "", "'MARKER'", "x[a\nb]"];
        let names = legalize(raw.map(String::from), &mut taken);
        assert_eq!(
            names,
            ["make(chair)", "flow(s,a)", "x(a_b)", "x(a_b)~2", "_e1", "_3d", "_", "_'MARKER'", "x(a_b)~3"]
        );
    }
}
