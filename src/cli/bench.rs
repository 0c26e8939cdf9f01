//! `optform datasets`, `optform bench` and `optform score`.

use std::sync::Arc;
use std::time::Duration;

use super::{exit, report, BenchArgs, DatasetsArgs, ScoreArgs};
use crate::bench::{self, dataset, metrics, BenchOptions};
use crate::pipeline::Options;

pub(super) fn datasets(a: DatasetsArgs) -> i32 {
    match a.show.as_slice() {
        [] => {
            // Nothing found is an error that says where it looked, never an empty table.
            let names = match dataset::located().and_then(|(dir, why)| Ok((dir, why, dataset::list_names()?))) {
                Ok((dir, why, names)) => {
                    // Which copy is read, when an install has several.
                    eprintln!("datasets in {} ({why})", dir.display());
                    names
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return exit::USAGE;
                }
            };
            let mut s =
                String::from("| dataset | problems | numeric answers | licence | sha256 |\n|---|---:|---:|---|---|\n");
            for name in names {
                match dataset::find(&name, None) {
                    Ok(d) => {
                        let numeric = d.items.iter().filter(|i| i.expected.is_numeric()).count();
                        s += &format!(
                            "| {name} | {} | {numeric} | {} | {} |\n",
                            d.items.len(),
                            d.licence.as_deref().unwrap_or("see datasets/SOURCES.md"),
                            &d.sha256[..16]
                        );
                    }
                    Err(e) => eprintln!("warning: {e}"),
                }
            }
            if report::out(&s) {
                exit::OK
            } else {
                exit::IO_ERROR
            }
        }
        [cmd, name, id] if cmd == "show" => match dataset::find(name, None) {
            Ok(d) => match d.items.iter().find(|i| &i.id == id) {
                Some(item) => {
                    report::out(&format!("{}\n\nexpected: {}\n", item.question.trim(), item.expected));
                    exit::OK
                }
                None => {
                    eprintln!("error: no problem `{id}` in {name}");
                    exit::USAGE
                }
            },
            Err(e) => {
                eprintln!("error: {e}");
                exit::USAGE
            }
        },
        _ => {
            eprintln!("error: use `optform datasets` or `optform datasets show NAME ID`");
            exit::USAGE
        }
    }
}

pub(super) fn bench(a: BenchArgs) -> i32 {
    let mut sets = Vec::new();
    for name in &a.datasets {
        match dataset::find(name, a.labels.as_deref()) {
            Ok(d) => sets.push(d),
            Err(e) => {
                eprintln!("error: {e}");
                return exit::USAGE;
            }
        }
    }
    let client = match super::llm::client(&a.llm) {
        Ok(c) => Arc::new(c.with_limits(a.rpm, a.tpm)),
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let check = match super::llm::check_options(&a.llm) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let o = BenchOptions {
        limit: a.limit,
        sample: a.sample,
        seed: a.seed,
        split: a.split,
        shard: a.shard,
        concurrency: a.concurrency,
        pipeline: Options {
            max_repairs: a.max_repairs,
            samples: a.samples.max(1),
            temperature: a.temperature,
            max_tokens: a.llm.max_tokens,
            check,
            solver: crate::solve::Options { time_limit: Some(a.time_limit), mip_gap: a.mip_gap, ..Default::default() },
            engine: a.llm.engine.engine(),
            ..Default::default()
        },
        // Beyond what a Duration holds, a timeout never fires.
        timeout: Duration::try_from_secs_f64(a.problem_timeout).unwrap_or(Duration::MAX),
        rtol: a.rtol,
        atol: a.atol,
        run_dir: a.run_dir.clone(),
        resume: a.resume,
        keep_failures: a.keep_failures,
        force: a.force,
        quiet: a.quiet,
    };
    let lines = match super::llm::runtime().block_on(bench::run(client.clone(), &sets, &o)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return exit::USAGE;
        }
    };
    let m = metrics::metrics(&lines, o.pipeline.max_repairs);
    let header = bench::header(&client, &sets, &o);
    let doc = serde_json::json!({ "header": header, "datasets": m });
    let written = std::fs::write(
        a.run_dir.join("metrics.json"),
        serde_json::to_string_pretty(&doc).expect("serializable") + "\n",
    )
    .and_then(|_| std::fs::write(a.run_dir.join("report.md"), metrics::report(&header, &m, &lines)))
    .and_then(|_| std::fs::write(a.run_dir.join("report.html"), bench::html::report(&header, &m, &lines, &a.run_dir)))
    .and_then(|_| match &a.junit {
        Some(p) => std::fs::write(p, metrics::junit(&lines)),
        None => Ok(()),
    });
    if let Err(e) = written {
        eprintln!("error: cannot write the report: {e}");
        return exit::IO_ERROR;
    }
    report::out(&metrics::table(&m));
    exit::OK
}

pub(super) fn score(a: ScoreArgs) -> i32 {
    // Later runs win for the same (dataset, id): merged shards never double count.
    let mut merged = std::collections::BTreeMap::new();
    let mut max_repairs = 0;
    for dir in &a.runs {
        let path = dir.join("results.jsonl");
        if !path.exists() {
            eprintln!("error: {} has no results.jsonl", dir.display());
            return exit::USAGE;
        }
        for l in bench::read_results(&path) {
            max_repairs = max_repairs.max(l.rounds.saturating_sub(1));
            merged.insert((l.dataset.clone(), l.id.clone()), l);
        }
    }
    let lines: Vec<metrics::ResultLine> = merged.into_values().collect();
    let m = metrics::metrics(&lines, max_repairs);
    let mut text = metrics::table(&m);
    let mut failed = false;
    if let Some(path) = &a.write_baseline {
        let b = metrics::baseline_of(&lines, &m);
        if let Err(e) = std::fs::write(path, serde_json::to_string_pretty(&b).expect("serializable") + "\n") {
            eprintln!("error: cannot write {}: {e}", path.display());
            return exit::IO_ERROR;
        }
    }
    if let Some(path) = &a.baseline {
        let base: metrics::Baseline = match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
        {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: cannot read baseline {}: {e}", path.display());
                return exit::USAGE;
            }
        };
        let c = metrics::compare(&lines, &m, &base, a.max_drop);
        text.push('\n');
        text.push_str(&c.text);
        failed |= c.regressed;
    }
    if let Some(min) = a.fail_under {
        for (name, d) in &m {
            if 100.0 * d.accuracy < min {
                text.push_str(&format!(
                    "{name}: accuracy {:.1} % is under --fail-under {min:.1} %\n",
                    100.0 * d.accuracy
                ));
                failed = true;
            }
        }
    }
    report::out(&text);
    if failed {
        1
    } else {
        exit::OK
    }
}
