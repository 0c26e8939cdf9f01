//! The LLM loop against a real HTTP server on loopback that speaks the OpenAI protocol from
//! a script: repairs, malformed and truncated answers, 429/500/slow/dropped responses,
//! structured-output fallback, the API key's confinement, and byte-identical offline replay.

use std::time::Duration;

use optform::llm::config::Secret;
use optform::llm::{Cache, Client, Endpoint, LlmError, Structured};
use optform::pipeline::{output, solve_problem, Options};
use optform::solve::Status;
use serde_json::{json, Value};

mod common;
use common::{reply, server, Act};

const GOOD: &str = r#"{"name":"toys","variables":{"cars":"integer","dolls":"integer"},"objective":{"sense":"maximize","expression":"3*cars + 2*dolls"},"constraints":{"hours":"cars + dolls <= 10","paint":"2*cars + dolls <= 15"}}"#;
const PROBLEM: &str = "A toy shop makes cars (profit 3) and dolls (profit 2). Each takes one hour; there are 10 hours. A car needs 2 units of paint and a doll 1; there are 15 units. Maximize profit.";

fn endpoint(url: &str) -> Endpoint {
    Endpoint {
        base_url: url.into(),
        model: "scripted".into(),
        api_key: Some(Secret::new("sk-test-SECRET-123")),
        timeout: Duration::from_secs(2),
        max_retries: 3,
        backoff: Duration::from_millis(10),
        structured: Structured::Auto,
        ..Default::default()
    }
}

fn opts() -> Options {
    Options { max_repairs: 3, ..Default::default() }
}

#[tokio::test]
async fn a_bad_formulation_is_repaired_in_round_two_from_the_exact_error() {
    let (url, seen) = server(vec![reply(&GOOD.replace("cars + dolls <= 10", "cars + doll <= 10")), reply(GOOD)]).await;
    let run = solve_problem(&Client::new(endpoint(&url), None, false), PROBLEM, &opts()).await.unwrap();
    assert_eq!(run.answer.status, Some(Status::Optimal));
    assert_eq!(run.answer.objective, Some(25.0));
    assert_eq!(run.transcript.len(), 2);
    assert_eq!(run.transcript[0].outcome, "check");
    let seen = seen.lock().unwrap();
    let repair = seen[1].body["messages"].as_array().unwrap().last().unwrap()["content"].as_str().unwrap().to_string();
    assert!(repair.contains("unknown name `doll`") && repair.contains("did you mean `dolls`?"), "{repair}");
    assert!(repair.contains("constraints.hours"), "{repair}");
}

#[tokio::test]
async fn malformed_and_truncated_answers_are_repaired() {
    let (url, _) = server(vec![
        reply("Sure! Here is the model: {\"name\": \"toys\", \"variables\": {"),
        Act::Reply { content: GOOD[..60].into(), finish: "length" },
        reply(&format!("```json\n{GOOD}\n```")),
    ])
    .await;
    let run = solve_problem(&Client::new(endpoint(&url), None, false), PROBLEM, &opts()).await.unwrap();
    let outcomes: Vec<&str> = run.transcript.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, ["invalid-json", "truncated", "solved"]);
    assert_eq!(run.answer.objective, Some(25.0));
}

#[tokio::test]
async fn rate_limits_server_errors_slow_answers_and_dropped_connections_are_retried() {
    let (url, seen) = server(vec![
        Act::Status { code: 429, headers: vec![("retry-after", "1".into())], body: "{\"error\":\"slow down\"}".into() },
        Act::Status { code: 500, headers: vec![], body: "oops".into() },
        Act::Slow(Duration::from_secs(4), Box::new(reply(GOOD))),
        Act::Drop,
        reply(GOOD),
    ])
    .await;
    let mut ep = endpoint(&url);
    ep.max_retries = 5;
    let client = Client::new(ep, None, false);
    let start = std::time::Instant::now();
    let run = solve_problem(&client, PROBLEM, &opts()).await.unwrap();
    assert_eq!(run.answer.objective, Some(25.0));
    assert_eq!(run.transcript[0].attempts, 5, "429, 500, timeout, drop, then the answer");
    assert_eq!(seen.lock().unwrap().len(), 5);
    assert!(start.elapsed() >= Duration::from_secs(1), "Retry-After was honoured");
}

#[tokio::test]
async fn retries_run_out_with_a_clear_error() {
    let (url, _) = server(vec![]).await; // every request: 500
    let mut ep = endpoint(&url);
    ep.max_retries = 2;
    let err = solve_problem(&Client::new(ep, None, false), PROBLEM, &opts()).await.unwrap_err();
    assert!(matches!(err, LlmError::Http { status: 500, .. }), "{err}");
}

#[tokio::test]
async fn endpoint_failures_name_what_to_set() {
    let unreachable = endpoint("http://127.0.0.1:9/v1");
    let mut ep = unreachable.clone();
    ep.max_retries = 0;
    let err = solve_problem(&Client::new(ep, None, false), PROBLEM, &opts()).await.unwrap_err();
    assert!(err.to_string().contains("cannot reach the LLM endpoint http://127.0.0.1:9/v1"), "{err}");
    assert!(err.to_string().contains("OPTFORM_BASE_URL"), "{err}");

    let (url, _) =
        server(vec![Act::Status { code: 401, headers: vec![], body: "{\"error\":\"bad key\"}".into() }]).await;
    let err = solve_problem(&Client::new(endpoint(&url), None, false), PROBLEM, &opts()).await.unwrap_err();
    assert!(err.to_string().contains("rejected the API key") && err.to_string().contains("OPTFORM_API_KEY"), "{err}");
    assert!(!err.to_string().contains("SECRET"), "{err}");

    let body = "{\"error\":{\"message\":\"The model `nope` does not exist\"}}".to_string();
    let (url, _) = server(vec![Act::Status { code: 404, headers: vec![], body }]).await;
    let err = solve_problem(&Client::new(endpoint(&url), None, false), PROBLEM, &opts()).await.unwrap_err();
    assert!(err.to_string().contains("does not serve the model `scripted`"), "{err}");
}

#[tokio::test]
async fn structured_output_falls_back_and_remembers_what_works() {
    let rejected = Act::Status {
        code: 400,
        headers: vec![],
        body: "{\"error\":\"response_format json_schema is not supported\"}".into(),
    };
    let (url, seen) = server(vec![rejected, reply(&GOOD.replace("dolls <= 10", "dols <= 10")), reply(GOOD)]).await;
    let run = solve_problem(&Client::new(endpoint(&url), None, false), PROBLEM, &opts()).await.unwrap();
    assert_eq!(run.answer.objective, Some(25.0));
    let seen = seen.lock().unwrap();
    let modes: Vec<Value> = seen.iter().map(|s| s.body["response_format"]["type"].clone()).collect();
    assert_eq!(modes, [json!("json_schema"), json!("json_object"), json!("json_object")]);
}

#[tokio::test]
async fn the_api_key_is_sent_but_never_written() {
    let (url, seen) = server(vec![reply(&GOOD.replace("<= 15", "<= x")), reply(GOOD)]).await;
    let cache_dir = tempdir("key");
    let client = Client::new(endpoint(&url), Some(Cache::new(cache_dir.join("cache")).unwrap()), false);
    let run = solve_problem(&client, PROBLEM, &opts()).await.unwrap();
    assert_eq!(seen.lock().unwrap()[0].authorization.as_deref(), Some("Bearer sk-test-SECRET-123"));
    output::write_dir(&run, &cache_dir.join("out")).unwrap();
    for file in walk(&cache_dir) {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(!text.contains("SECRET"), "the key leaked into {}", file.display());
    }
    assert!(!format!("{:?}", client.endpoint()).contains("SECRET"));
}

#[tokio::test]
async fn offline_replay_is_byte_identical() {
    let (url, _) = server(vec![reply(&GOOD.replace("cars + dolls", "cars + doll")), reply(GOOD)]).await;
    let dir = tempdir("replay");
    let cache = || Some(Cache::new(dir.join("cache")).unwrap());
    let recorded = solve_problem(&Client::new(endpoint(&url), cache(), false), PROBLEM, &opts()).await.unwrap();
    output::write_dir(&recorded, &dir.join("recorded")).unwrap();
    // The server is gone for the replays: a port nothing listens on.
    let offline = endpoint(&url);
    for name in ["replay1", "replay2"] {
        let run = solve_problem(&Client::new(offline.clone(), cache(), true), PROBLEM, &opts()).await.unwrap();
        output::write_dir(&run, &dir.join(name)).unwrap();
    }
    let read = |run: &str, file: &str| std::fs::read_to_string(dir.join(run).join(file)).unwrap();
    for file in ["model.json", "solution.json", "transcript.jsonl", "report.md"] {
        assert!(read("replay1", file) == read("replay2", file), "{file} differs between replays");
    }
    // Against the recording, only the time spent waiting for the model may differ.
    assert!(read("recorded", "model.json") == read("replay1", "model.json"));
    let answer = |run: &str| {
        let mut v: Value = serde_json::from_str(&read(run, "solution.json")).unwrap();
        v.as_object_mut().unwrap().remove("llm_seconds");
        v
    };
    assert_eq!(answer("recorded"), answer("replay1"));
    // A request that was never recorded fails offline instead of reaching the network.
    let err = solve_problem(&Client::new(offline, cache(), true), "another problem", &opts()).await.unwrap_err();
    assert!(matches!(err, LlmError::OfflineMiss { .. }), "{err}");
}

#[tokio::test]
async fn samples_vote_and_report_agreement() {
    let other = GOOD.replace("<= 15", "<= 12");
    let (url, _) = server(vec![reply(GOOD), reply(&other), reply(GOOD)]).await;
    let o = Options { samples: 3, temperature: 0.7, ..opts() };
    let run = solve_problem(&Client::new(endpoint(&url), None, false), PROBLEM, &o).await.unwrap();
    assert_eq!((run.answer.objective, run.answer.agreement), (Some(25.0), (2, 3)));
}

#[tokio::test]
async fn infeasible_after_all_repairs_is_reported_as_the_result() {
    let infeasible = GOOD.replace("cars + dolls <= 10", "cars + dolls <= -1");
    let (url, _) = server(vec![reply(&infeasible); 4]).await;
    let run = solve_problem(&Client::new(endpoint(&url), None, false), PROBLEM, &opts()).await.unwrap();
    assert_eq!(run.answer.status, Some(Status::Infeasible));
    assert_eq!(run.transcript.len(), 4, "three repair rounds were tried");
    assert!(run.transcript[0].error.as_deref().unwrap_or("").contains("hours"), "{:?}", run.transcript[0].error);
}

fn tempdir(tag: &str) -> std::path::PathBuf {
    let d = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("llm-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn formulate_stops_once_the_checks_pass_without_solving() {
    // Infeasible, but well-formed: `formulate` accepts it in one round; `solve` would repair.
    let infeasible = GOOD.replace("cars + dolls <= 10", "cars + dolls <= -1");
    let (url, _) = server(vec![reply(&GOOD.replace("dolls <= 10", "doll <= 10")), reply(&infeasible)]).await;
    let o = Options { check_only: true, ..opts() };
    let run = solve_problem(&Client::new(endpoint(&url), None, false), PROBLEM, &o).await.unwrap();
    let outcomes: Vec<&str> = run.transcript.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, ["check", "checked"]);
    assert!(run.samples[0].formulation.is_some());
}
