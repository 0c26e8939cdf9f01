//! The prompts: minijinja templates from `prompts/`, compiled into the binary.

use minijinja::{context, Environment};

use super::evaluate::Verdict;
use crate::llm::Message;

const SYSTEM: &str = include_str!("../../prompts/system.j2");
const FORMULATE: &str = include_str!("../../prompts/formulate.j2");
const REPAIR: &str = include_str!("../../prompts/repair.j2");

fn env() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.add_template("system", SYSTEM).expect("prompts/system.j2 parses");
    env.add_template("formulate", FORMULATE).expect("prompts/formulate.j2 parses");
    env.add_template("repair", REPAIR).expect("prompts/repair.j2 parses");
    env
}

fn render(name: &str, ctx: minijinja::Value) -> String {
    env().get_template(name).and_then(|t| t.render(ctx)).expect("the built-in prompts render").trim().to_string()
}

/// The opening messages: what a formulation is, then the problem.
pub fn opening(problem: &str) -> Vec<Message> {
    vec![
        Message::system(render("system", context! { quadratic_hint => true })),
        Message::user(render("formulate", context! { problem => problem.trim() })),
    ]
}

/// The repair request after a failed candidate.
pub fn repair(verdict: &Verdict) -> Message {
    let (summary, details) = match verdict {
        Verdict::Failed { summary, details, .. } => (summary.clone(), details.clone()),
        Verdict::Terminal { status, detail } => (format!("the model is {}", status.as_str()), detail.clone()),
        Verdict::Solved { .. } | Verdict::Checked => unreachable!("a usable formulation needs no repair"),
    };
    Message::user(render("repair", context! { summary => summary, details => details }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_render() {
        let m = opening("  A farmer has 10 acres.  ");
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
