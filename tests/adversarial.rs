//! An adversarial endpoint over a 200-problem `optform bench`: its answers try to read local
//! files (the process environment with the API key, a secret beside the run, `/etc/passwd`,
//! devices), ask for huge ranges, nest deeply, sum thousands of terms, use hostile names,
//! repeat keys, send 10 MB replies and answer too slowly. The run must complete, give every
//! problem a line, and leave no secret on disk or in any request it sends.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use common::{reply, responder, Act};
use serde_json::Value;

const API_KEY: &str = "sk-adversarial-0123456789";
const SECRET: &str = "secret-beside-the-run-4242";
const PROBLEMS: usize = 200;

fn scalar(constraint: &str) -> String {
    format!(
        r#"{{"name":"p","variables":{{"x":{{"upper":100}}}},"objective":{{"sense":"max","expression":"x"}},"constraints":{{"c":{}}}}}"#,
        serde_json::to_string(constraint).unwrap()
    )
}

fn with_set(file: &str) -> String {
    format!(
        r#"{{"sets":{{"S":{{"file":{},"column":"k"}}}},"variables":{{"x":{{"over":["S"],"upper":1}}}},"objective":{{"sense":"max","expression":"sum{{s in S}} x[s]"}},"constraints":{{}}}}"#,
        serde_json::to_string(file).unwrap()
    )
}

/// The hostile answer for problem kind `k`.
fn answer(k: usize, secret_file: &str) -> Act {
    let deep = "(".repeat(5000) + "x" + &")".repeat(5000);
    let flat = vec!["x"; 1500].join(" + ");
    match k % 13 {
        0 => reply(&with_set("/proc/self/environ")),
        1 => reply(&with_set(secret_file)),
        2 => reply(&with_set("../../../../../../etc/passwd")),
        3 => reply(&with_set("/dev/zero")),
        4 => reply(
            r#"{"sets":{"T":"1..1000000000"},"variables":{"x":{"over":["T"]}},"objective":{"sense":"max","expression":"0"},"constraints":{}}"#,
        ),
        5 => reply(&scalar(&format!("{deep} <= 4"))),
        6 => reply(&scalar(&format!("{flat} <= 1500"))),
        7 => reply(
            r#"{"name":"\"); import os; os.system(\"touch PWNED\") #","variables":{"x; import os":{}},"objective":{"sense":"max","expression":"0"},"constraints":{}}"#,
        ),
        8 => reply(&format!("{{\"a\": \"{}\"}}", "x".repeat(10 << 20))),
        9 => Act::Slow(Duration::from_secs(30), Box::new(reply(&scalar("x <= 1")))),
        10 => reply(
            r#"{"variables":{"x":{}},"objective":{"sense":"max","expression":"x"},"constraints":{"c":"x <= 4","c":"x <= 10"}}"#,
        ),
        11 => reply(&scalar("sum{i in 1..1e15} x <= 4")),
        _ => reply(&scalar("x <= 7")),
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_endpoint_cannot_crash_a_bench_run_or_exfiltrate_anything() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("adversarial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let outside = root.join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    let secret_file = outside.join("secret.csv");
    std::fs::write(&secret_file, format!("k\n{SECRET}\n")).unwrap();
    let dataset = root.join("hostile.jsonl");
    let lines: Vec<String> =
        (0..PROBLEMS).map(|k| format!(r#"{{"id":"h-{k}","question":"Problem kind {k} end.","answer":7}}"#)).collect();
    std::fs::write(&dataset, lines.join("\n") + "\n").unwrap();

    let secret_path = secret_file.display().to_string();
    let (url, seen) = responder(Arc::new(move |body: &Value| {
        let text = body["messages"][1]["content"].as_str().unwrap_or("");
        let k: usize = text.split("kind ").nth(1)?.split_whitespace().next()?.parse().ok()?;
        Some(answer(k, &secret_path))
    }))
    .await;

    let run_dir = root.join("run");
    let before: Vec<PathBuf> = {
        let mut v = Vec::new();
        walk(&root, &mut v);
        v
    };
    let started = std::time::Instant::now();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_optform"))
        .args(["bench", dataset.to_str().unwrap(), "--base-url", &url, "--model", "hostile", "--quiet"])
        .args(["--concurrency", "16", "--max-repairs", "1", "--problem-timeout", "3", "--retries", "0"])
        .arg("--run-dir")
        .arg(&run_dir)
        .env("OPTFORM_API_KEY", API_KEY)
        .current_dir(&outside)
        .output()
        .await
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "the run completes: {stderr}");
    eprintln!("200 hostile problems in {:.1} s", started.elapsed().as_secs_f64());

    // Every problem has exactly one line.
    let results = std::fs::read_to_string(run_dir.join("results.jsonl")).unwrap();
    let mut ids: Vec<String> = results
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), PROBLEMS, "one line per problem");
    let classes: Vec<String> = results
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap()["class"].as_str().unwrap_or("").to_string())
        .collect();
    for class in ["timeout", "llm-error", "check", "solved"] {
        assert!(classes.iter().any(|c| c == class), "some problem ends as {class}: {classes:?}");
    }
    // Every failure says why in its line: the 10 MB replies, for one, are named.
    for l in results.lines() {
        let v: Value = serde_json::from_str(l).unwrap();
        let error = v["error"].as_str().unwrap_or("");
        assert_eq!(v["class"] == "solved", error.is_empty(), "{l}");
    }
    assert!(results.contains("the reply is larger than 1048576 bytes"), "the oversized replies are named");

    // No secret in any request body (the key travels only in the Authorization header).
    let seen = seen.lock().unwrap();
    assert!(seen.len() >= PROBLEMS);
    for s in seen.iter() {
        let body = s.body.to_string();
        for secret in [API_KEY, SECRET, "root:x:0:0"] {
            assert!(!body.contains(secret), "a request body carries `{secret}`");
        }
    }
    // No secret on disk, and nothing written outside the run directory.
    let mut after = Vec::new();
    walk(&root, &mut after);
    for p in &after {
        if p.starts_with(&run_dir) {
            let text = String::from_utf8_lossy(&std::fs::read(p).unwrap()).into_owned();
            for secret in [API_KEY, SECRET, "root:x:0:0"] {
                assert!(!text.contains(secret), "{} holds `{secret}`", p.display());
            }
        } else {
            assert!(before.contains(p), "written outside the run directory: {}", p.display());
        }
    }
    assert_eq!(std::fs::read_to_string(&secret_file).unwrap(), format!("k\n{SECRET}\n"));
}
