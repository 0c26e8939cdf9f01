//! `optform bench` and `optform score` end to end against a scripted OpenAI-protocol server:
//! strict scoring, statuses, an interrupted run resumed with nothing lost or duplicated, and
//! the baseline gate.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use common::{reply, responder, Act};
use optform::bench::{self, dataset, BenchOptions};
use optform::llm::{Client, Endpoint};
use optform::pipeline::Options;
use serde_json::Value;

fn formulation(bound: &str) -> String {
    format!(
        r#"{{"name":"p","variables":{{"x":{{}}}},"objective":{{"sense":"max","expression":"x"}},"constraints":{{"c":"x <= {bound}"}}}}"#
    )
}

/// Answers by problem: "bound K" → x ≤ K (objective K); "impossible" → an infeasible model.
fn answer(body: &Value, slow: Option<&str>) -> Option<Act> {
    let text = body["messages"][1]["content"].as_str().unwrap_or("");
    let bound = text.split("bound ").nth(1)?.split_whitespace().next()?.trim_end_matches('.').to_string();
    let act = reply(&formulation(if bound == "impossible" { "-1" } else { &bound }));
    Some(match slow {
        Some(s) if text.contains(s) => Act::Slow(Duration::from_secs(60), Box::new(act)),
        _ => act,
    })
}

fn dir(tag: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write_dataset(d: &Path) -> PathBuf {
    let lines = [
        r#"{"id":"t-1","question":"Make as much as possible, at most bound 1.","answer":1}"#,
        r#"{"id":"t-2","question":"Make as much as possible, at most bound 2.","answer":2}"#,
        r#"{"id":"t-3","question":"Make as much as possible, at most bound 3.","answer":99}"#,
        r#"{"id":"t-4","question":"Make as much as possible, at most bound impossible.","answer":null,"answer_status":"no_best_solution"}"#,
    ];
    let p = d.join("toy.jsonl");
    std::fs::write(&p, lines.join("\n") + "\n").unwrap();
    p
}

fn options(run_dir: PathBuf, resume: bool) -> BenchOptions {
    BenchOptions {
        limit: None,
        sample: None,
        seed: 1,
        split: None,
        shard: None,
        concurrency: 4,
        pipeline: Options { max_repairs: 1, ..Default::default() },
        timeout: Duration::from_secs(120),
        rtol: None,
        atol: None,
        run_dir,
        resume,
        keep_failures: false,
        force: false,
        quiet: true,
    }
}

fn client(url: &str) -> Arc<Client> {
    Arc::new(Client::new(
        Endpoint { base_url: url.into(), model: "scripted".into(), ..Default::default() },
        None,
        false,
    ))
}

#[tokio::test]
async fn an_interrupted_run_resumes_with_nothing_lost_or_duplicated() {
    let d = dir("resume");
    let data = dataset::load(&write_dataset(&d), None).unwrap();
    let run_dir = d.join("run");

    // First attempt: problem 3 hangs, and the run is interrupted after a few seconds.
    let (url, _) = responder(Arc::new(|b: &Value| answer(b, Some("bound 3")))).await;
    let first = tokio::time::timeout(
        Duration::from_secs(3),
        bench::run(client(&url), std::slice::from_ref(&data), &options(run_dir.clone(), false)),
    )
    .await;
    assert!(first.is_err(), "the run was interrupted");
    let done = bench::read_results(&run_dir.join("results.jsonl"));
    assert_eq!(done.len(), 3, "three problems finished before the interruption");
    // As if killed in the middle of writing a line.
    std::fs::OpenOptions::new()
        .append(true)
        .open(run_dir.join("results.jsonl"))
        .and_then(|mut f| std::io::Write::write_all(&mut f, b"{\"dataset\":\"toy\",\"id\":\"t-"))
        .unwrap();

    let (url, seen) = responder(Arc::new(|b: &Value| answer(b, None))).await;
    let again = bench::run(client(&url), std::slice::from_ref(&data), &options(run_dir.clone(), false)).await;
    assert!(again.is_err(), "an existing run is never overwritten without --resume");
    let lines = bench::run(client(&url), &[data], &options(run_dir.clone(), true)).await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1, "only the unfinished problem was asked again");
    let mut ids: Vec<&str> = lines.iter().map(|l| l.id.as_str()).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["t-1", "t-2", "t-3", "t-4"]);
    let by_id = |id: &str| lines.iter().find(|l| l.id == id).unwrap();
    assert!(by_id("t-1").correct && by_id("t-2").correct);
    assert!(!by_id("t-3").correct);
    assert_eq!(by_id("t-3").class, "wrong-objective");
    assert!(by_id("t-4").correct, "an expected infeasible matches an infeasible answer");
    assert_eq!(by_id("t-4").status.as_deref(), Some("infeasible"));
}

#[tokio::test]
async fn bench_cli_reports_and_score_gates_regressions() {
    let d = dir("cli");
    let data = write_dataset(&d);
    let (url, _) = responder(Arc::new(|b: &Value| answer(b, None))).await;
    let bin = env!("CARGO_BIN_EXE_optform");
    let bench = |run: &Path, extra: &[&str]| {
        let out = tokio::process::Command::new(bin)
            .args([
                "bench",
                data.to_str().unwrap(),
                "--quiet",
                "--max-repairs",
                "1",
                "--base-url",
                &url,
                "--model",
                "scripted",
                "--run-dir",
            ])
            .arg(run)
            .args(extra)
            .output();
        out
    };
    let good = d.join("good");
    let out = bench(&good, &["--junit", d.join("junit.xml").to_str().unwrap()]).await.unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("| toy | 4 | 75.0 % (3/4) |"), "{table}");
    let report = std::fs::read_to_string(good.join("report.md")).unwrap();
    assert!(report.contains("correct when |pred − gt| ≤ max(1e-6·|gt|, 0)"), "{report}");
    assert!(report.contains("prompts sha256"), "{report}");
    let metrics: Value = serde_json::from_str(&std::fs::read_to_string(good.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["datasets"]["toy"]["failures"]["wrong-objective"], 1);
    // Each problem keeps its formulation, answer, transcript and report.
    let t1 = good.join("problems").join("toy").join("t-1");
    let model: Value = serde_json::from_str(&std::fs::read_to_string(t1.join("model.json")).unwrap()).unwrap();
    assert_eq!(model["constraints"]["c"], "x <= 1");
    assert_eq!(std::fs::read_to_string(t1.join("transcript.jsonl")).unwrap().lines().count(), 1);
    assert!(t1.join("solution.json").exists() && t1.join("report.md").exists());
    // The run directory remembers what made it: a resume with another selection or sampling
    // is refused (its lines would be scored with these), unless forced.
    let run_json: Value = serde_json::from_str(&std::fs::read_to_string(good.join("run.json")).unwrap()).unwrap();
    assert_eq!((run_json["problems"].as_u64(), run_json["model"].as_str()), (Some(4), Some("scripted")));
    let other = bench(&good, &["--resume", "--limit", "2"]).await.unwrap();
    assert_eq!(other.status.code(), Some(2));
    let err = String::from_utf8_lossy(&other.stderr);
    assert!(err.contains("was made by a different run") && err.contains("problems: 4 → 2"), "{err}");
    let same_run = bench(&good, &["--resume"]).await.unwrap();
    assert!(same_run.status.success(), "{}", String::from_utf8_lossy(&same_run.stderr));
    let forced = bench(&good, &["--resume", "--temperature", "0.5", "--force"]).await.unwrap();
    assert!(forced.status.success(), "{}", String::from_utf8_lossy(&forced.stderr));
    let junit = std::fs::read_to_string(d.join("junit.xml")).unwrap();
    assert!(junit.contains("tests=\"4\" failures=\"1\""), "{junit}");
    // People read the failure message: no Rust debug text (`Objective(99.0)`, `Some(..)`).
    assert!(junit.contains("expected objective 99, got optimal, objective 3"), "{junit}");
    assert!(!junit.contains("Some(") && !junit.contains("Objective("), "{junit}");

    let baseline = d.join("baseline.json");
    let score = |args: &[&str]| Command::new(bin).arg("score").args(args).output().unwrap();
    assert!(score(&[good.to_str().unwrap(), "--write-baseline", baseline.to_str().unwrap()]).status.success());
    let same = score(&[good.to_str().unwrap(), "--baseline", baseline.to_str().unwrap()]);
    assert!(same.status.success(), "{}", String::from_utf8_lossy(&same.stdout));

    // A regression: t-2 now fails.
    let worse = d.join("worse");
    std::fs::create_dir_all(&worse).unwrap();
    let text = std::fs::read_to_string(good.join("results.jsonl")).unwrap();
    let edited: Vec<String> = text
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            if v["id"] == "t-2" {
                v["correct"] = Value::Bool(false);
                v["class"] = "wrong-objective".into();
            }
            v.to_string()
        })
        .collect();
    std::fs::write(worse.join("results.jsonl"), edited.join("\n") + "\n").unwrap();
    let gate = score(&[worse.to_str().unwrap(), "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(gate.status.code(), Some(1));
    let text = String::from_utf8_lossy(&gate.stdout);
    assert!(text.contains("newly failing: t-2") && text.contains("REGRESSION"), "{text}");
    let tolerant = score(&[worse.to_str().unwrap(), "--baseline", baseline.to_str().unwrap(), "--max-drop", "30"]);
    assert!(tolerant.status.success());
    // --fail-under is in percent, like --max-drop and the reports (the good run scores 75 %).
    assert_eq!(score(&[good.to_str().unwrap(), "--fail-under", "90"]).status.code(), Some(1));
    assert_eq!(score(&[good.to_str().unwrap(), "--fail-under", "70"]).status.code(), Some(0));
    assert_eq!(score(&[good.to_str().unwrap(), "--fail-under", "150"]).status.code(), Some(2));
}

#[tokio::test]
async fn corrected_labels_are_scored_beside_the_datasets_own() {
    // t-3's label (99) is wrong: the answer 3 is right. Correcting it (as an audit line would)
    // makes the run 4/4 against the corrected labels and 3/4 against the dataset's.
    let d = dir("labels");
    let labels = d.join("audit.jsonl");
    std::fs::write(&labels, r#"{"dataset":"toy","id":"t-3","answer":3,"label":99,"verdict":"label-wrong"}"#).unwrap();
    let data = write_dataset(&d);
    let (url, _) = responder(Arc::new(|b: &Value| answer(b, None))).await;
    let run = d.join("run");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_optform"))
        .args(["bench", data.to_str().unwrap(), "--quiet", "--base-url", &url, "--model", "scripted"])
        .args(["--labels", labels.to_str().unwrap(), "-o", run.to_str().unwrap()])
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines = bench::read_results(&run.join("results.jsonl"));
    let t3 = lines.iter().find(|l| l.id == "t-3").unwrap();
    assert!(t3.correct && t3.correct_by_dataset_label == Some(false));
    let metrics: Value = serde_json::from_str(&std::fs::read_to_string(run.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["datasets"]["toy"]["accuracy"], 1.0);
    assert_eq!(metrics["datasets"]["toy"]["accuracy_by_dataset_labels"], 0.75);
    let report = std::fs::read_to_string(run.join("report.md")).unwrap();
    assert!(report.contains("| toy | 100.0 % | 75.0 % |"), "{report}");
}
