//! Real local-model answers (Qwen2.5-Coder-1.5B on llama.cpp, recorded by
//! `scripts/e2e.py --cache tests/llm-cache --record tests/llm-replay.json`) replayed offline
//! through the whole pipeline: prompts, parsing, checks, repairs, solving, verification and
//! voting. Any change that alters the outcome of a recorded problem fails here. They were
//! recorded before the accuracy components, so they replay with `Engine::BASELINE`.

use std::path::Path;

use optform::llm::{Cache, Client, Endpoint};
use optform::pipeline::{solve_problem, Engine, Options};
use serde_json::Value;

#[tokio::test]
async fn recorded_local_model_runs_replay_to_the_same_outcomes() {
    let recorded: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string("tests/llm-replay.json").unwrap()).unwrap();
    assert!(recorded.len() >= 17, "every example is recorded");
    // The endpoint and model are part of every cache key: these are the recording's.
    let endpoint = Endpoint { base_url: "http://127.0.0.1:8080/v1".into(), model: "qwen".into(), ..Default::default() };
    let client = Client::new(endpoint, Some(Cache::new("tests/llm-cache").unwrap()), true);
    for (name, want) in &recorded {
        let problem = std::fs::read_to_string(Path::new("examples").join(format!("{name}.txt"))).unwrap();
        let run = solve_problem(&client, &problem, &Options { engine: Engine::BASELINE, ..Default::default() })
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let status = run.answer.status.map_or("no-formulation", |s| s.as_str());
        assert_eq!(status, want["status"].as_str().unwrap(), "{name}");
        assert_eq!(run.answer.objective.map(optform::solve::clean), want["objective"].as_f64(), "{name}");
        assert_eq!(run.transcript.len() as u64 - 1, want["repairs"].as_u64().unwrap(), "{name}: repair rounds");
    }
}
