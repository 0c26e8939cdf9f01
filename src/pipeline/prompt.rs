//! The prompts: minijinja templates from `prompts/`, compiled into the binary.

use minijinja::{context, Environment};

use super::evaluate::Verdict;
use crate::llm::Message;

const SYSTEM: &str = include_str!("../../prompts/system.j2");
const FORMULATE: &str = include_str!("../../prompts/formulate.j2");
const REPAIR: &str = include_str!("../../prompts/repair.j2");
const GROUNDING: &str = include_str!("../../prompts/grounding.j2");

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_template("system", SYSTEM).expect("prompts/system.j2 parses");
    env.add_template("formulate", FORMULATE).expect("prompts/formulate.j2 parses");
    env.add_template("repair", REPAIR).expect("prompts/repair.j2 parses");
    env.add_template("grounding", GROUNDING).expect("prompts/grounding.j2 parses");
    env
}

fn render(name: &str, ctx: minijinja::Value) -> String {
    env().get_template(name).and_then(|t| t.render(ctx)).expect("the built-in prompts render").trim().to_string()
}

/// The opening messages: what a formulation is (with two fixed examples), then the `examples`
/// library examples most like the problem, then the problem. The system prompt stays the same
/// for every problem, so servers reuse it as a cached prefix.
pub fn opening(problem: &str, examples: usize) -> Vec<Message> {
    opening_with_hint(problem, examples, None)
}

/// [`opening`] with the reason a previous answer failed: a repair as a fresh request.
pub fn opening_with_hint(problem: &str, examples: usize, hint: Option<&str>) -> Vec<Message> {
    let retrieved: Vec<minijinja::Value> = super::library::nearest(problem, examples)
        .into_iter()
        .map(|e| {
            minijinja::Value::from_serialize(serde_json::json!({"problem": e.problem.trim(), "answer": e.answer()}))
        })
        .collect();
    vec![
        Message::system(render("system", context! { quadratic_hint => true })),
        Message::user(render("formulate", context! { problem => problem.trim(), examples => retrieved, hint => hint })),
    ]
}

/// What went wrong with a candidate, in a sentence and details.
fn failure(verdict: &Verdict) -> (String, String) {
    match verdict {
        Verdict::Failed { summary, details, .. } => (summary.clone(), details.clone()),
        Verdict::Terminal { status, detail } => (format!("the model is {}", status.as_str()), detail.clone()),
        Verdict::Solved { .. } | Verdict::Checked => unreachable!("a usable formulation needs no repair"),
    }
}

/// The failure as a hint for a fresh request.
pub fn hint(verdict: &Verdict) -> String {
    let (summary, details) = failure(verdict);
    format!("{summary}\n{details}")
}

/// The targeted round after a solved formulation whose numbers do not match the text.
pub fn grounding(lines: &[String]) -> Message {
    Message::user(render("grounding", context! { lines => lines }))
}

/// The repair request after a failed candidate.
pub fn repair(verdict: &Verdict) -> Message {
    let (summary, details) = failure(verdict);
    Message::user(render("repair", context! { summary => summary, details => details }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_render() {
        let m = opening("  A farmer has 10 acres.  ", 0);
        assert_eq!(m.len(), 2);
        insta::assert_snapshot!("system_prompt", m[0].content);
        insta::assert_snapshot!("formulate_prompt", m[1].content);
        let v = Verdict::Failed {
            class: "check",
            summary: "1 error in the formulation (first: unknown name `y`)".into(),
            details: "error: unknown name `y`\n  --> constraints.c".into(),
        };
        insta::assert_snapshot!("repair_prompt", repair(&v).content);
    }
}
