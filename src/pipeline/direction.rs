//! A requirement written as a limit: the commonest wrong answer of a small model is a
//! formulation whose optimum sets every variable to 0, because "needs to transport 1,200" became
//! `… <= 1200`. When the optimum is trivial, each `<=` constraint whose right-hand number the
//! text states in a sentence of requirement ("needs", "at least", "must") and not of limit
//! ("at most", "available") is read as `>=`. The result is a candidate: the pipeline keeps it
//! only if it solves to a non-trivial optimum, and records the change as a warning.

use serde_json::Value;

use super::grounding::quantities;

/// Words of a sentence that asks for at least an amount.
const REQUIREMENT: [&str; 9] =
    ["at least", "minimum", "need", "must", "require", "demand", "no less than", "no fewer than", "atleast"];
/// Words of a sentence that caps an amount.
const LIMIT: [&str; 11] = [
    "at most",
    "maximum",
    "up to",
    "available",
    "no more than",
    "limit",
    "capacity",
    "budget",
    "exceed",
    "only",
    "afford",
];

/// The formulation with such constraints turned round, and a line per change; `None` when
/// no constraint qualifies.
pub fn requirements_as_minimums(problem: &str, formulation: &Value) -> Option<(Value, Vec<String>)> {
    let sentences = quantities(problem);
    let mut out = formulation.clone();
    let constraints = out.get_mut("constraints")?.as_object_mut()?;
    let mut changes = Vec::new();
    for (name, c) in constraints.iter_mut() {
        let text = match c {
            Value::String(s) => s,
            Value::Object(m) => match m.get_mut("expression") {
                Some(Value::String(s)) => s,
                _ => continue,
            },
            _ => continue,
        };
        let Some((lhs, rhs)) = text.split_once("<=") else { continue };
        if rhs.contains("<=") || lhs.contains(">=") || lhs.contains("=>") {
            continue;
        }
        let Ok(bound) = rhs.trim().parse::<f64>() else { continue };
        let Some(q) = sentences.iter().find(|q| q.value == bound) else { continue };
        let sentence = q.text.to_lowercase();
        let asks = REQUIREMENT.iter().any(|w| sentence.contains(w));
        let caps = LIMIT.iter().any(|w| sentence.contains(w));
        if asks && !caps {
            let turned = format!("{} >= {}", lhs.trim(), rhs.trim());
            changes.push(format!(
                "constraints.{name}: the optimum was all zeros and the problem asks for at least {} (\"{}\"): read `{}` as `{turned}`",
                rhs.trim(),
                q.text,
                text.trim()
            ));
            *text = turned;
        }
    }
    (!changes.is_empty()).then_some((out, changes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const CHICKENS: &str = "A bus takes 100 chickens and a car 40. There can be at most 10 bus trips. If the farmer needs to transport 1200 chickens, how many trips of each minimize the time?";

    #[test]
    fn a_needed_amount_written_as_a_limit_is_turned_round_and_a_real_limit_is_not() {
        let f = json!({"constraints": {"bus_limit": "bus <= 10", "carry": "100*bus + 40*car <= 1200"}});
        let (g, changes) = requirements_as_minimums(CHICKENS, &f).unwrap();
        assert_eq!(g["constraints"]["carry"], "100*bus + 40*car >= 1200");
        assert_eq!(g["constraints"]["bus_limit"], "bus <= 10");
        assert_eq!(changes.len(), 1, "{changes:?}");
    }

    #[test]
    fn nothing_qualifies_without_a_requirement_sentence() {
        let f = json!({"constraints": {"bus_limit": {"expression": "bus <= 10"}}});
        assert!(requirements_as_minimums(CHICKENS, &f).is_none());
    }
}
