//! Deterministic fixes of the mechanical slips small models make, applied to an answer before
//! it is checked: `≤` for `<=`, `=` for `==`, `2x` for `2*x`, several relations joined by
//! commas, lists where one string belongs. Each fix is unambiguous (there is one reading of
//! the slip) and recorded, so it shows as a warning in the transcript instead of costing a
//! whole repair round. Anything with two readings is left for the checks to report.

use serde_json::{Map, Value};

/// One fix: where it was made and what it did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Fix {
    pub path: String,
    pub what: String,
}

impl std::fmt::Display for Fix {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.what)
    }
}

/// The formulation with its slips fixed, and the fixes made.
pub fn fix(formulation: &Value) -> (Value, Vec<Fix>) {
    let mut out = formulation.clone();
    let mut fixes = Vec::new();
    let Some(root) = out.as_object_mut() else { return (out, fixes) };
    if let Some(objective) = root.get_mut("objective") {
        fix_objective(objective, &mut fixes);
    }
    if let Some(Value::Object(constraints)) = root.get_mut("constraints") {
        let fixed = fix_constraints(std::mem::take(constraints), &mut fixes);
        *constraints = fixed;
    }
    if let Some(Value::Object(variables)) = root.get_mut("variables") {
        for (name, v) in variables.iter_mut() {
            if let Value::Object(def) = v {
                for key in ["lower", "upper"] {
                    if let Some(Value::String(s)) = def.get_mut(key) {
                        fix_text(s, false, &format!("variables.{name}.{key}"), &mut fixes);
                    }
                }
            }
        }
    }
    (out, fixes)
}

fn fix_objective(objective: &mut Value, fixes: &mut Vec<Fix>) {
    match objective {
        Value::Object(o) => {
            if let Some(Value::String(s)) = o.get_mut("expression") {
                fix_text(s, false, "objective.expression", fixes);
            }
        }
        // A priority list of levels.
        Value::Array(levels) => {
            for (k, level) in levels.iter_mut().enumerate() {
                if let Some(Value::String(s)) = level.get_mut("expression") {
                    fix_text(s, false, &format!("objective[{k}].expression"), fixes);
                }
            }
        }
        _ => {}
    }
}

/// Constraints with their expressions fixed and joined relations split: `"c": "x >= 0, y >= 0"`
/// and `"c": ["x >= 0", "y >= 0"]` become `c_1` and `c_2`.
fn fix_constraints(constraints: Map<String, Value>, fixes: &mut Vec<Fix>) -> Map<String, Value> {
    let taken: std::collections::HashSet<String> = constraints.keys().cloned().collect();
    let mut out = Map::new();
    for (name, value) in constraints {
        let path = format!("constraints.{name}");
        let (forall, parts) = match value {
            Value::String(s) => (None, vec![s]),
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_string) => {
                fixes.push(Fix { path: path.clone(), what: "split a list of constraints into one per item".into() });
                (None, items.into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            }
            Value::Object(mut m) => {
                if let Some(f) = m.get_mut("forall") {
                    fix_forall(f, &format!("{path}.forall"), fixes);
                }
                match m.remove("expression") {
                    Some(Value::String(s)) => (Some(m), vec![s]),
                    other => {
                        if let Some(e) = other {
                            m.insert("expression".into(), e);
                        }
                        out.insert(name, Value::Object(m));
                        continue;
                    }
                }
            }
            other => {
                out.insert(name, other);
                continue;
            }
        };
        let mut pieces = Vec::new();
        for part in parts {
            let split = split_relations(&part);
            if split.len() > 1 {
                fixes.push(Fix {
                    path: path.clone(),
                    what: format!("split `{part}` at its commas into {} constraints", split.len()),
                });
            }
            pieces.extend(split);
        }
        let many = pieces.len() > 1;
        for (k, mut text) in pieces.into_iter().enumerate() {
            let key = if many { unique_name(&name, k + 1, &taken, &out) } else { name.clone() };
            let at = if many { format!("constraints.{key}") } else { path.clone() };
            fix_text(&mut text, true, &format!("{at}{}", if forall.is_some() { ".expression" } else { "" }), fixes);
            let value = match &forall {
                Some(m) => {
                    let mut m = m.clone();
                    m.insert("expression".into(), Value::String(text));
                    Value::Object(m)
                }
                None => Value::String(text),
            };
            out.insert(key, value);
        }
    }
    out
}

fn unique_name(base: &str, k: usize, taken: &std::collections::HashSet<String>, out: &Map<String, Value>) -> String {
    let mut name = format!("{base}_{k}");
    while taken.contains(&name) || out.contains_key(&name) {
        name.push('_');
    }
    name
}

/// `"forall": ["i in I", "j in J"]` is `"i in I, j in J"`.
fn fix_forall(forall: &mut Value, path: &str, fixes: &mut Vec<Fix>) {
    if let Value::Array(items) = forall {
        if !items.is_empty() && items.iter().all(Value::is_string) {
            let joined = items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", ");
            fixes.push(Fix { path: path.into(), what: format!("joined a list of indices into `{joined}`") });
            *forall = Value::String(joined);
        }
    }
}

/// Splits at top-level commas when every piece is a relation (`x >= 0, y >= 0`); otherwise
/// returns the text whole (a comma may belong to an index list or a function call).
fn split_relations(text: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[' | '{') => depth += 1,
            (None, ')' | ']' | '}') => depth -= 1,
            (None, ',' | ';') if depth == 0 => {
                parts.push(text[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(text[start..].trim().to_string());
    parts.retain(|p| !p.is_empty());
    if parts.len() > 1 && parts.iter().all(|p| has_relation(p)) {
        parts
    } else {
        vec![text.to_string()]
    }
}

fn has_relation(text: &str) -> bool {
    ["<=", ">=", "==", "<", ">", "=", "≤", "≥"].iter().any(|op| text.contains(op))
}

/// Characters with one ASCII reading in the expression language.
const SYMBOLS: [(char, &str); 7] =
    [('≤', "<="), ('≥', ">="), ('≠', "!="), ('×', "*"), ('·', "*"), ('−', "-"), ('∑', "sum")];

/// Fixes one expression in place, outside quoted names: Unicode operators, `2x`, and (when
/// `relation`) a lone `=` that can only mean `==`.
fn fix_text(text: &mut String, relation: bool, path: &str, fixes: &mut Vec<Fix>) {
    let mut out = String::with_capacity(text.len() + 8);
    let mut made: Vec<String> = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(q) = quote {
            out.push(c);
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        if c == '\'' || c == '"' {
            quote = Some(c);
            out.push(c);
            i += 1;
            continue;
        }
        if let Some((_, ascii)) = SYMBOLS.iter().find(|(u, _)| *u == c) {
            out.push_str(ascii);
            made.push(format!("`{c}` as `{ascii}`"));
            i += 1;
            continue;
        }
        // A number starts here (not inside a name like `x2`): read it whole, then look at what
        // follows it.
        let after_name = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == '.');
        if c.is_ascii_digit() && !after_name {
            let end = number_end(&chars, i);
            let number: String = chars[i..end].iter().collect();
            out.push_str(&number);
            if let Some(&next) = chars.get(end) {
                if next.is_alphabetic() || next == '_' || next == '(' {
                    let word: String = chars[end..].iter().take_while(|c| c.is_alphanumeric() || **c == '_').collect();
                    // `2 in`/`1..n` are not products; a keyword after a number is left alone.
                    if !matches!(word.as_str(), "in" | "and" | "or" | "not") {
                        out.push('*');
                        made.push(format!(
                            "`{number}{}` as `{number}*{}`",
                            first_word(&chars[end..]),
                            first_word(&chars[end..])
                        ));
                    }
                }
            }
            i = end;
            continue;
        }
        if relation && c == '=' {
            let prev = if i > 0 { chars[i - 1] } else { ' ' };
            let next = chars.get(i + 1).copied().unwrap_or(' ');
            if !matches!(prev, '<' | '>' | '=' | '!') && !matches!(next, '=' | '>') {
                out.push_str("==");
                made.push("`=` as `==`".into());
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    if !made.is_empty() {
        made.dedup();
        fixes.push(Fix { path: path.into(), what: format!("read {}", made.join(", ")) });
        *text = out;
    }
}

fn first_word(chars: &[char]) -> String {
    let w: String = chars.iter().take_while(|c| c.is_alphanumeric() || **c == '_').collect();
    if w.is_empty() {
        chars.first().map(|c| c.to_string()).unwrap_or_default()
    } else {
        w
    }
}

/// The end of the number starting at `i`: digits, a fraction, an exponent only when digits
/// follow the `e` (`2e3` is a number, `2eggs` is `2*eggs`).
pub(super) fn number_end(chars: &[char], mut i: usize) -> usize {
    let digits = |i: &mut usize| {
        while *i < chars.len() && chars[*i].is_ascii_digit() {
            *i += 1;
        }
    };
    digits(&mut i);
    // `1..n` is a range, not a fraction.
    if i + 1 < chars.len() && chars[i] == '.' && chars[i + 1].is_ascii_digit() {
        i += 1;
        digits(&mut i);
    }
    if i < chars.len() && matches!(chars[i], 'e' | 'E') {
        let mut j = i + 1;
        if j < chars.len() && matches!(chars[j], '+' | '-') {
            j += 1;
        }
        if j < chars.len() && chars[j].is_ascii_digit() {
            digits(&mut j);
            i = j;
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixed(f: Value) -> (Value, Vec<String>) {
        let (v, fixes) = fix(&f);
        (v, fixes.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn implicit_multiplication_becomes_a_product_but_exponents_and_names_do_not() {
        let (v, fixes) =
            fixed(json!({"objective": {"sense": "maximize", "expression": "3x + 2.5chairs + 1e3*y + x2 + 2(z+1)"}}));
        assert_eq!(v["objective"]["expression"], "3*x + 2.5*chairs + 1e3*y + x2 + 2*(z+1)");
        assert_eq!(fixes.len(), 1, "{fixes:?}");
        assert!(fixes[0].contains("`3x` as `3*x`"), "{fixes:?}");
    }

    #[test]
    fn lone_equals_in_a_constraint_means_equality_and_others_are_untouched() {
        let (v, _) =
            fixed(json!({"constraints": {"a": "x + y = 10", "b": "x <= 3", "c": "y == 2", "d": "b == 1 => x >= 1"}}));
        assert_eq!(v["constraints"]["a"], "x + y == 10");
        assert_eq!(v["constraints"]["b"], "x <= 3");
        assert_eq!(v["constraints"]["c"], "y == 2");
        assert_eq!(v["constraints"]["d"], "b == 1 => x >= 1");
    }

    #[test]
    fn unicode_relations_are_read_as_ascii() {
        let (v, fixes) = fixed(json!({"constraints": {"cap": "2*x + 3*y ≤ 12", "low": "x ≥ 1"}}));
        assert_eq!(v["constraints"]["cap"], "2*x + 3*y <= 12");
        assert_eq!(v["constraints"]["low"], "x >= 1");
        assert_eq!(fixes.len(), 2);
    }

    #[test]
    fn relations_joined_by_commas_become_separate_constraints() {
        let (v, fixes) =
            fixed(json!({"constraints": {"nonneg": "x >= 0, y >= 0", "cap": "sum{i in I, j in J} x[i,j] <= 4"}}));
        assert_eq!(v["constraints"]["nonneg_1"], "x >= 0");
        assert_eq!(v["constraints"]["nonneg_2"], "y >= 0");
        assert!(v["constraints"].get("nonneg").is_none());
        assert_eq!(v["constraints"]["cap"], "sum{i in I, j in J} x[i,j] <= 4", "an index list is no join");
        assert_eq!(fixes.len(), 1, "{fixes:?}");
    }

    #[test]
    fn a_list_of_constraints_and_a_list_forall_are_rejoined() {
        let (v, _) = fixed(json!({"constraints": {
            "limits": ["x <= 4", "y <= 5"],
            "flow": {"forall": ["i in I", "j in J"], "expression": "f[i,j] <= 1"}
        }}));
        assert_eq!(v["constraints"]["limits_1"], "x <= 4");
        assert_eq!(v["constraints"]["limits_2"], "y <= 5");
        assert_eq!(v["constraints"]["flow"]["forall"], "i in I, j in J");
    }

    #[test]
    fn quoted_names_and_ranges_are_left_alone() {
        let original =
            json!({"constraints": {"c": {"forall": "t in 1..T", "expression": "make['2x'] + stock[t] <= 5"}}});
        let (v, fixes) = fixed(original.clone());
        assert_eq!(v, original);
        assert!(fixes.is_empty(), "{fixes:?}");
    }

    #[test]
    fn a_split_name_does_not_overwrite_an_existing_constraint() {
        let (v, _) = fixed(json!({"constraints": {"c_1": "z <= 1", "c": "x >= 0, y >= 0"}}));
        assert_eq!(v["constraints"]["c_1"], "z <= 1");
        assert_eq!(v["constraints"]["c_1_"], "x >= 0");
        assert_eq!(v["constraints"]["c_2"], "y >= 0");
    }
}
