//! `optform bench` throughput against a server that answers every request after a fixed
//! delay L with a fixed formulation: N problems at concurrency C should take close to the
//! ideal (N/C)·L (goal: ≤ 1.05×), and optform's own CPU per problem should be small.
//!
//!     cargo bench --bench throughput            # N = 200, C = 16, L = 500 ms
//!     cargo bench --bench throughput -- 400 32 250

#[path = "../tests/common/mod.rs"]
mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use optform::bench::{self, dataset, BenchOptions};
use optform::llm::{Client, Endpoint};
use optform::pipeline::Options;

/// CPU seconds (user + system) this process has used, from /proc (10 ms ticks).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks: f64 = fields.get(11).and_then(|u| u.parse::<f64>().ok()).unwrap_or(0.0)
        + fields.get(12).and_then(|s| s.parse::<f64>().ok()).unwrap_or(0.0);
    ticks / 100.0
}

const ANSWER: &str = r#"{"name":"mix","sets":{"P":["a","b","c"]},"parameters":{"profit":{"over":["P"],"values":{"a":3,"b":2,"c":4}},"use":{"over":["P"],"values":{"a":1,"b":1,"c":2}}},"variables":{"make":{"over":["P"],"type":"integer"}},"objective":{"sense":"maximize","expression":"sum{p in P} profit[p]*make[p]"},"constraints":{"cap":"sum{p in P} use[p]*make[p] <= 10"}}"#;

fn main() {
    let args: Vec<f64> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let n = args.first().copied().unwrap_or(200.0) as usize;
    let c = args.get(1).copied().unwrap_or(16.0) as usize;
    let latency = Duration::from_millis(args.get(2).copied().unwrap_or(500.0) as u64);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/throughput");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let lines: Vec<String> = (0..n)
        .map(|k| format!(r#"{{"id":"q-{k}","question":"Problem {k}: a small production mix.","answer":30}}"#))
        .collect();
    std::fs::write(dir.join("throughput.jsonl"), lines.join("\n") + "\n").unwrap();
    let data = dataset::load(&dir.join("throughput.jsonl"), None).unwrap();

    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let (wall, cpu, results) = rt.block_on(async {
        let reply = common::Act::Slow(latency, Box::new(common::reply(ANSWER)));
        let (url, _) = common::responder(Arc::new(move |_| Some(reply.clone()))).await;
        let endpoint = Endpoint { base_url: url, model: "fixed".into(), ..Default::default() };
        let client = Arc::new(Client::new(endpoint, None, false));
        let o = BenchOptions {
            limit: None,
            sample: None,
            seed: 1,
            split: None,
            shard: None,
            concurrency: c,
            pipeline: Options::default(),
            timeout: Duration::from_secs(60),
            rtol: None,
            atol: None,
            run_dir: dir.join("run"),
            resume: false,
            keep_failures: false,
            force: false,
            quiet: true,
        };
        let (t, cpu0) = (Instant::now(), cpu_seconds());
        let results = bench::run(client, &[data], &o).await.unwrap();
        (t.elapsed().as_secs_f64(), cpu_seconds() - cpu0, results)
    });
    let ideal = (n as f64 / c as f64).ceil() * latency.as_secs_f64();
    let correct = results.iter().filter(|r| r.correct).count();
    println!("| N | C | L | wall | ideal (N/C)·L | ratio | CPU per problem (whole process) | correct |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {n} | {c} | {} ms | {wall:.2} s | {ideal:.2} s | {:.3}× | {:.2} ms | {correct}/{n} |",
        latency.as_millis(),
        wall / ideal,
        1000.0 * cpu / n as f64
    );
}
