//! Number grounding: the quantities of the problem text against the numbers of the
//! formulation. A number the text states and the formulation never uses is often a forgotten
//! constraint; a number in the formulation that the text does not contain is often invented
//! data. Deterministic, no tokens: shown in reports and `--json`, and (when switched on) the
//! reason for one targeted repair round.

use serde::Serialize;
use serde_json::Value;

/// One quantity of the problem text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity {
    pub value: f64,
    /// As written, with a little context: `at least 60% of the trips`.
    pub text: String,
    /// A percentage: `15%` is also matched by 0.15 and 0.85.
    #[serde(skip)]
    pub percent: bool,
}

/// A number of the formulation and where it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Used {
    pub value: f64,
    pub path: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Grounding {
    /// Quantities of the text that no number of the formulation matches.
    pub unused: Vec<Quantity>,
    /// Numbers of the formulation that match no quantity of the text.
    pub ungrounded: Vec<Used>,
    /// The optimum sets every variable to 0: in a word problem that asks for a plan, a
    /// requirement is usually missing or written the wrong way round.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub trivial: bool,
    /// The formulation's `<=` constraints (`name: expression`), the usual suspects when the
    /// optimum is trivial.
    #[serde(skip)]
    pub limits: Vec<String>,
}

impl Grounding {
    pub fn is_clean(&self) -> bool {
        self.issues() == 0
    }

    /// How many mismatches: the lower, the better grounded.
    pub fn issues(&self) -> usize {
        self.unused.len() + self.ungrounded.len() + usize::from(self.trivial)
    }

    /// One line per mismatch, for reports and repair prompts.
    pub fn lines(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .unused
            .iter()
            .map(|q| format!("the problem states {} (\"{}\"); the formulation never uses it", fmt(q.value), q.text))
            .collect();
        out.extend(self.ungrounded.iter().map(|u| {
            format!(
                "the formulation uses {} at {}; the problem text does not contain this number",
                fmt(u.value),
                u.path
            )
        }));
        if self.trivial {
            let mut line = String::from("at the optimum every variable is 0: a requirement of the problem (\"at least\", \"must\", \"needs\") is probably missing, or written as a limit (<=) where it is a minimum (>=)");
            if !self.limits.is_empty() {
                line.push_str(". Check the direction of these: ");
                line.push_str(&self.limits.join("; "));
            }
            out.push(line);
        }
        out
    }
}

fn fmt(v: f64) -> String {
    crate::solve::clean(v).to_string()
}

/// Numbers that need no source in the text: identities, and the unit conversions and
/// percentage scales a formulation writes on its own.
const FREE: [f64; 8] = [0.0, 1.0, 100.0, 60.0, 24.0, 1000.0, 7.0, 12.0];

/// Compares the text's quantities with the formulation's numbers.
pub fn ground(problem: &str, formulation: &Value) -> Grounding {
    let quantities = quantities(problem);
    let mut used = Vec::new();
    numbers_of(formulation, String::new(), &mut used);
    // A fraction may be written as its reciprocal: "a third of" is `/ 3`.
    let matches = |q: &Quantity, v: f64| {
        close(q.value, v)
            || (q.value < 1.0 && close(1.0 / q.value, v))
            || (q.percent && (close(q.value / 100.0, v) || close(1.0 - q.value / 100.0, v)))
    };
    let unused = quantities.iter().filter(|q| !used.iter().any(|u| matches(q, u.value.abs()))).cloned().collect();
    let mut ungrounded: Vec<Used> = Vec::new();
    for u in used {
        let v = u.value.abs();
        if FREE.iter().any(|f| close(*f, v)) || quantities.iter().any(|q| matches(q, v)) {
            continue;
        }
        if !ungrounded.iter().any(|g| close(g.value, u.value)) {
            ungrounded.push(u);
        }
    }
    Grounding { unused, ungrounded, trivial: false, limits: limits(formulation) }
}

/// The `<=` constraints of a formulation, as `name: expression`.
fn limits(formulation: &Value) -> Vec<String> {
    let Some(Value::Object(constraints)) = formulation.get("constraints") else { return Vec::new() };
    constraints
        .iter()
        .filter_map(|(name, c)| {
            let e = c.as_str().or_else(|| c.get("expression").and_then(Value::as_str))?;
            (e.contains("<=") && !e.contains(">=") && !e.contains("=>")).then(|| format!("{name}: `{e}`"))
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// Words that name a number.
const WORDS: [(&str, f64); 34] = [
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("hundred", 100.0),
    ("twice", 2.0),
    ("double", 2.0),
    ("thrice", 3.0),
    ("triple", 3.0),
    ("half", 0.5),
    ("quarter", 0.25),
    ("dozen", 12.0),
    ("third", 1.0 / 3.0),
    ("quadruple", 4.0),
    ("tenth", 0.1),
];

/// Words after which a small integer is a name (`Product 2`, `month 3`), not a quantity.
const LABELS: [&str; 16] = [
    "product",
    "type",
    "factory",
    "plant",
    "warehouse",
    "machine",
    "item",
    "model",
    "grade",
    "site",
    "option",
    "project",
    "period",
    "month",
    "week",
    "day",
];

/// Scales written after a number.
const SCALES: [(&str, f64); 4] = [("thousand", 1e3), ("million", 1e6), ("billion", 1e9), ("k", 1e3)];

/// The quantities of a problem text, in order, without repeats of the same value.
pub fn quantities(text: &str) -> Vec<Quantity> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Quantity> = Vec::new();
    let mut push = |value: f64, percent: bool, from: usize, to: usize| {
        if value == 0.0 || out.iter().any(|q| close(q.value, value)) {
            return;
        }
        let a = context_start(&chars, from);
        let b = context_end(&chars, to);
        out.push(Quantity { value, text: chars[a..b].iter().collect::<String>().trim().to_string(), percent });
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let starts_word = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c.is_ascii_digit() && starts_word {
            let (value, mut end) = read_number(&chars, i);
            let mut value = value;
            let word_after = next_word(&chars, end);
            let mut percent = false;
            if chars.get(end) == Some(&'%') {
                percent = true;
                end += 1;
            } else if word_after.0 == "percent" {
                percent = true;
                end = word_after.1;
            } else if let Some((_, s)) = SCALES.iter().find(|(w, _)| *w == word_after.0) {
                value *= s;
                end = word_after.1;
            }
            if !is_label(&chars, i) {
                push(value, percent, i, end);
            }
            i = end.max(i + 1);
            continue;
        }
        if c.is_alphabetic() && starts_word {
            let (word, end) = next_word(&chars, i);
            if let Some((_, v)) = WORDS.iter().find(|(w, _)| *w == word) {
                // "one bag", "two types", "three products" name things more often than they
                // give data; as a factor ("two times") they are data.
                let counting = matches!(word.as_str(), "one" | "two" | "three") && next_word(&chars, end).0 != "times";
                if !counting {
                    push(*v, false, i, end);
                }
            }
            i = end.max(i + 1);
            continue;
        }
        i += 1;
    }
    out
}

/// A number with thousands separators and a fraction: `2,400.50` is 2400.5.
fn read_number(chars: &[char], start: usize) -> (f64, usize) {
    let mut i = start;
    let mut digits = String::new();
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            digits.push(c);
        } else if c == ','
            && chars.get(i + 1..i + 4).is_some_and(|d| d.iter().all(char::is_ascii_digit))
            && !chars.get(i + 4).is_some_and(char::is_ascii_digit)
        {
            // A thousands separator: exactly three digits follow.
        } else if c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit) && !digits.contains('.') {
            digits.push('.');
        } else {
            break;
        }
        i += 1;
    }
    (digits.parse().unwrap_or(0.0), i)
}

/// The lowercase word starting at or after `i` (skipping spaces), and where it ends.
fn next_word(chars: &[char], mut i: usize) -> (String, usize) {
    while i < chars.len() && chars[i] == ' ' {
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_alphabetic() {
        i += 1;
    }
    (chars[start..i].iter().collect::<String>().to_lowercase(), i)
}

/// `Product 2`: a small integer right after a naming word.
fn is_label(chars: &[char], start: usize) -> bool {
    let mut j = start;
    while j > 0 && chars[j - 1] == ' ' {
        j -= 1;
    }
    let end = j;
    while j > 0 && chars[j - 1].is_alphabetic() {
        j -= 1;
    }
    let word: String = chars[j..end].iter().collect::<String>().to_lowercase();
    LABELS.contains(&word.as_str())
}

/// The sentence around a quantity, at most [`CONTEXT`] characters each side.
fn context_start(chars: &[char], from: usize) -> usize {
    let mut a = from;
    while a > 0 && from - a < CONTEXT && !matches!(chars[a - 1], '.' | '\n' | ';' | '?' | '!') {
        a -= 1;
    }
    a
}

fn context_end(chars: &[char], to: usize) -> usize {
    let mut b = to;
    // A decimal point inside a number does not end the sentence.
    while b < chars.len()
        && b - to < CONTEXT
        && !(matches!(chars[b], '\n' | ';' | '?' | '!')
            || (chars[b] == '.' && !chars.get(b + 1).is_some_and(char::is_ascii_digit)))
    {
        b += 1;
    }
    b
}

const CONTEXT: usize = 120;

/// Every number literal of the formulation: in expressions, parameter values and bounds.
fn numbers_of(v: &Value, path: String, out: &mut Vec<Used>) {
    match v {
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.push(Used { value: x, path });
            }
        }
        Value::String(s) => {
            for x in literals(s) {
                out.push(Used { value: x, path: path.clone() });
            }
        }
        Value::Array(items) => {
            for (k, item) in items.iter().enumerate() {
                numbers_of(item, format!("{path}[{k}]"), out);
            }
        }
        Value::Object(m) => {
            for (k, item) in m {
                // Names and descriptions are not data.
                if matches!(k.as_str(), "name" | "description" | "sense" | "type") {
                    continue;
                }
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                numbers_of(item, p, out);
            }
        }
        Value::Bool(_) | Value::Null => {}
    }
}

/// The number literals of an expression, outside names (`x2`) and quoted elements.
fn literals(s: &str) -> Vec<f64> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut quote = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c.is_ascii_digit() && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')) => {
                let j = super::slips::number_end(&chars, i);
                if let Ok(x) = chars[i..j].iter().collect::<String>().parse() {
                    out.push(x);
                }
                i = j;
                continue;
            }
            None => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn values(text: &str) -> Vec<f64> {
        quantities(text).iter().map(|q| q.value).collect()
    }

    #[test]
    fn quantities_read_separators_percentages_scales_and_words() {
        assert_eq!(values("It has 2,400 units and a 15% margin."), vec![2400.0, 15.0]);
        assert_eq!(values("A budget of $1.2 million, and 3 thousand hours."), vec![1.2e6, 3000.0]);
        assert_eq!(values("Two trucks carry half a dozen crates, twice a day."), vec![0.5, 12.0, 2.0]);
        assert_eq!(values("It makes two types; A needs three times as much."), vec![3.0]);
        assert_eq!(values("Products 1, 2 and 3; 40 hours."), vec![1.0, 2.0, 3.0, 40.0]);
    }

    #[test]
    fn labels_like_product_two_are_not_quantities() {
        assert_eq!(values("Product 2 earns 30 dollars; in month 3 demand is 45."), vec![30.0, 45.0]);
    }

    #[test]
    fn a_formulation_that_uses_every_number_is_clean() {
        let text = "A boat carries 10 ducks per trip and a canoe 8. At least 60% of the trips are by canoe, and at least 300 ducks must be moved.";
        let f = json!({"variables": {"boat": "integer", "canoe": "integer"},
            "objective": {"sense": "minimize", "expression": "boat + canoe"},
            "constraints": {"ducks": "10*boat + 8*canoe >= 300", "share": "0.4*canoe >= 0.6*boat"}});
        let g = ground(text, &f);
        assert!(g.is_clean(), "{g:?}");
    }

    #[test]
    fn a_forgotten_number_and_an_invented_one_are_both_reported() {
        let text = "Chairs earn $30 and tables $50. A chair takes 2 hours, a table 5; 40 hours are available. At most 6 tables can be sold.";
        let f = json!({"variables": {"chairs": "integer", "tables": "integer"},
            "objective": {"sense": "maximize", "expression": "30*chairs + 50*tables"},
            "constraints": {"hours": "2*chairs + 5*tables <= 45"}});
        let g = ground(text, &f);
        let unused: Vec<f64> = g.unused.iter().map(|q| q.value).collect();
        assert_eq!(unused, vec![40.0, 6.0]);
        assert_eq!(g.ungrounded, vec![Used { value: 45.0, path: "constraints.hours".into() }]);
        assert!(g.lines()[0].contains("40 hours"), "{:?}", g.lines());
    }

    #[test]
    fn a_trivial_optimum_points_at_the_limits_that_may_be_requirements() {
        let f = json!({"constraints": {"cap": "100*bus + 40*car <= 1200", "share": "car >= 0.6*(bus + car)"}});
        let g = Grounding {
            trivial: true,
            ..ground("Move 1200 chickens by bus (100) or car (40); at least 60% by car.", &f)
        };
        let lines = g.lines();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(lines[0].contains("cap: `100*bus + 40*car <= 1200`") && !lines[0].contains("share"), "{lines:?}");
    }

    #[test]
    fn a_third_may_be_written_as_a_division_by_three() {
        let f = json!({"constraints": {"c": "guavas <= mangos / 3"}});
        assert!(ground("Guavas are at most a third of the mangos.", &f).is_clean());
    }

    #[test]
    fn names_with_digits_and_quoted_elements_are_not_numbers() {
        assert_eq!(literals("3*x2 + make['7'] + 2.5e2*y + stock[t-1]"), vec![3.0, 250.0, 1.0]);
    }
}
