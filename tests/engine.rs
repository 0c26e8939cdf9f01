//! The accuracy components through the whole loop, against a scripted OpenAI-compatible
//! server: slip fixes save a round, a trivial optimum's requirement is turned round, the
//! grounding round keeps the better-grounded answer, fresh repairs do not show the broken
//! answer, and retrieved examples reach the request after the constant system prompt.

use optform::llm::{Client, Endpoint};
use optform::pipeline::{solve_problem, Engine, Options, RepairMode};
use serde_json::Value;

mod common;
use common::{reply, server};

const PROBLEM: &str = "A bus takes 100 chickens and a car 40. A bus trip takes 2 hours and a car trip 1.5. There can be at most 10 bus trips. The farmer needs to transport 1200 chickens. How many trips of each minimize the total time?";
const TRIVIAL: &str = r#"{"name":"c","variables":{"bus":"integer","car":"integer"},"objective":{"sense":"minimize","expression":"2*bus + 1.5*car"},"constraints":{"bus_limit":"bus <= 10","carry":"100*bus + 40*car <= 1200"}}"#;

fn client(url: &str) -> Client {
    Client::new(Endpoint { base_url: url.into(), model: "scripted".into(), ..Default::default() }, None, false)
}

fn opts(engine: Engine) -> Options {
    Options { max_repairs: 2, engine, ..Default::default() }
}

fn user_messages(body: &Value) -> Vec<String> {
    body["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["role"] == "user")
        .map(|m| m["content"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_slip_is_fixed_without_a_repair_round_and_recorded() {
    let slipped =
        TRIVIAL.replace("bus <= 10", "bus ≤ 10").replace("100*bus + 40*car <= 1200", "100bus + 40car >= 1200");
    let (url, _) = server(vec![reply(&slipped)]).await;
    let run = solve_problem(&client(&url), PROBLEM, &opts(Engine::default())).await.unwrap();
    assert_eq!(run.transcript.len(), 1);
    assert_eq!(run.answer.objective, Some(27.5));
    assert!(
        run.transcript[0].fixes.iter().any(|f| f.contains("`100bus` as `100*bus`")),
        "{:?}",
        run.transcript[0].fixes
    );
    let (url, _) = server(vec![reply(&slipped), reply(TRIVIAL)]).await;
    let without = solve_problem(&client(&url), PROBLEM, &opts(Engine::BASELINE)).await.unwrap();
    assert_eq!(without.transcript[0].outcome, "check", "without slip fixes the same answer fails the checks");
}

#[tokio::test]
async fn a_needed_amount_written_as_a_limit_is_read_as_a_minimum_when_the_optimum_is_all_zeros() {
    let (url, seen) = server(vec![reply(TRIVIAL)]).await;
    let run = solve_problem(&client(&url), PROBLEM, &opts(Engine::default())).await.unwrap();
    // 1200 chickens: 10 bus trips carry 1000, 5 car trips the other 200: 20 + 7.5 hours.
    assert_eq!(run.answer.objective, Some(27.5));
    assert_eq!(seen.lock().unwrap().len(), 1, "no token spent on it");
    assert!(run.transcript[0].fixes.iter().any(|f| f.contains("constraints.carry")), "{:?}", run.transcript[0].fixes);
    let (url, _) = server(vec![reply(TRIVIAL)]).await;
    let off = Engine { requirement_fix: false, ..Engine::default() };
    assert_eq!(solve_problem(&client(&url), PROBLEM, &opts(off)).await.unwrap().answer.objective, Some(0.0));
}

#[tokio::test]
async fn the_grounding_round_keeps_an_answer_only_if_it_is_better_grounded() {
    let fixed = TRIVIAL.replace("<= 1200", ">= 1200");
    let engine = Engine { grounding_round: true, requirement_fix: false, ..Engine::default() };
    let (url, seen) = server(vec![reply(TRIVIAL), reply(&fixed)]).await;
    let run = solve_problem(&client(&url), PROBLEM, &opts(engine.clone())).await.unwrap();
    assert_eq!(run.answer.objective, Some(27.5));
    assert_eq!(run.transcript[1].purpose, "grounding");
    assert_eq!((run.transcript[1].round, run.samples[0].rounds), (2, 2), "the round after the first");
    let asked = user_messages(&seen.lock().unwrap()[1].body).pop().unwrap();
    assert!(asked.contains("every variable is 0") && asked.contains("carry: `100*bus + 40*car <= 1200`"), "{asked}");
    // A reply that is no better grounded (the same trivial answer) leaves the first one.
    let (url, _) = server(vec![reply(TRIVIAL), reply(TRIVIAL)]).await;
    let run = solve_problem(&client(&url), PROBLEM, &opts(engine)).await.unwrap();
    assert_eq!(run.answer.objective, Some(0.0));
    assert_eq!(run.samples[0].rounds, 1);
}

#[tokio::test]
async fn a_fresh_repair_asks_anew_with_the_error_as_a_hint_and_without_the_broken_answer() {
    let broken = TRIVIAL.replace("bus <= 10", "buss <= 10");
    let (url, seen) = server(vec![reply(&broken), reply(&TRIVIAL.replace("<= 1200", ">= 1200"))]).await;
    let engine = Engine { repair: RepairMode::Fresh, ..Engine::default() };
    let run = solve_problem(&client(&url), PROBLEM, &opts(engine)).await.unwrap();
    assert_eq!(run.answer.objective, Some(27.5));
    let seen = seen.lock().unwrap();
    let second = &seen[1].body;
    assert_eq!(second["messages"].as_array().unwrap().len(), 2, "system and user only");
    let asked = user_messages(second).pop().unwrap();
    assert!(asked.contains("unknown name `buss`") && !asked.contains("\"buss <= 10\""), "{asked}");
    assert_ne!(seen[0].body["seed"], second["seed"]);
}

#[tokio::test]
async fn retrieved_examples_follow_the_unchanged_system_prompt() {
    let (url, seen) =
        server(vec![reply(&TRIVIAL.replace("<= 1200", ">= 1200")), reply(&TRIVIAL.replace("<= 1200", ">= 1200"))])
            .await;
    solve_problem(&client(&url), PROBLEM, &opts(Engine { examples: 2, ..Engine::default() })).await.unwrap();
    solve_problem(&client(&url), PROBLEM, &opts(Engine::default())).await.unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen[0].body["messages"][0], seen[1].body["messages"][0], "the system prompt is the cached prefix");
    let with = user_messages(&seen[0].body).pop().unwrap();
    assert_eq!(with.matches("# Worked example").count(), 2, "{with}");
    assert!(with.ends_with(&user_messages(&seen[1].body).pop().unwrap()), "the problem comes last");
}
