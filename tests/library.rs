//! The worked-example library (`prompts/library/*.json`): every example solves to the optimum
//! it records (each was checked independently when written), it covers the archetypes of word
//! problems, and no example is a near-duplicate of any benchmark item, so benchmark text never
//! enters a prompt.

use std::collections::{HashMap, HashSet};

use optform::check::{check, Source};
use optform::model::Options;
use optform::pipeline::library::examples;
use optform::solve::{solve, Status};
use serde_json::Value;

#[test]
fn every_example_solves_to_the_optimum_it_records() {
    let mut wrong = Vec::new();
    for e in examples() {
        let text = e.formulation.to_string();
        let checked = match check(Source::Text { text: &text, origin: &e.id }, &Options::default()) {
            Ok(c) => c,
            Err(d) => {
                wrong.push(format!(
                    "{}: does not check: {}",
                    e.id,
                    d.0.first().map(ToString::to_string).unwrap_or_default()
                ));
                continue;
            }
        };
        let out = solve(&checked.compiled, &Default::default());
        let status = match out.status {
            Status::Optimal => "optimal",
            Status::Infeasible => "infeasible",
            Status::Unbounded | Status::InfeasibleOrUnbounded => "unbounded",
            _ => "other",
        };
        if status != e.status {
            wrong.push(format!("{}: {status}, recorded {}", e.id, e.status));
        } else if let (Some(got), Some(want)) = (out.objective, e.optimum) {
            if (got - want).abs() > 1e-6 * want.abs().max(1.0) {
                wrong.push(format!("{}: optimum {got}, recorded {want}", e.id));
            }
        } else if e.status == "optimal" {
            wrong.push(format!("{}: an optimal example needs a recorded optimum", e.id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_library_covers_the_archetypes_of_word_problems() {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for e in examples() {
        *count.entry(e.archetype.as_str()).or_default() += 1;
    }
    assert!(examples().len() >= 40, "{} examples", examples().len());
    assert!(count.len() >= 15, "{} archetypes: {count:?}", count.len());
    for status in ["infeasible", "unbounded"] {
        assert!(examples().iter().any(|e| e.status == status), "no {status} example");
    }
}

fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(String::from)
        .collect()
}

fn five_grams(text: &str) -> HashSet<String> {
    words(text).windows(5).map(|w| w.join(" ")).collect()
}

/// Largest share of an example's word 5-grams that any one benchmark item also has.
const MAX_SHARED: f64 = 0.15;

#[test]
fn no_library_problem_is_a_near_duplicate_of_a_benchmark_item() {
    let library: Vec<(String, HashSet<String>)> =
        examples().iter().map(|e| (e.id.clone(), five_grams(&e.problem))).collect();
    let mut owners: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, (_, grams)) in library.iter().enumerate() {
        for g in grams {
            owners.entry(g.as_str()).or_default().push(k);
        }
    }
    let mut items = 0;
    let mut worst = vec![(0usize, String::new()); library.len()];
    for entry in std::fs::read_dir("datasets").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines().filter(|l| !l.trim().is_empty()) {
            let item: Value = serde_json::from_str(line).unwrap();
            let question = item["question"].as_str().unwrap_or("");
            items += 1;
            let mut shared = vec![0usize; library.len()];
            for g in five_grams(question) {
                for &k in owners.get(g.as_str()).map(Vec::as_slice).unwrap_or(&[]) {
                    shared[k] += 1;
                }
            }
            for (k, n) in shared.into_iter().enumerate() {
                if n > worst[k].0 {
                    worst[k] = (n, format!("{}:{}", path.display(), item["id"]));
                }
            }
        }
    }
    assert!(items > 5000, "only {items} benchmark items read");
    let close: Vec<String> = library
        .iter()
        .zip(&worst)
        .filter(|((_, grams), (n, _))| *n as f64 > MAX_SHARED * grams.len().max(1) as f64)
        .map(|((id, grams), (n, item))| format!("{id}: {n} of its {} 5-grams are in {item}", grams.len()))
        .collect();
    assert!(close.is_empty(), "{}", close.join("\n"));
}

#[test]
fn the_overlap_measure_flags_a_lightly_reworded_benchmark_item() {
    // The guard above is only as good as its measure: a benchmark item with its numbers and a
    // few words changed must still count as a near-duplicate.
    let line = std::fs::read_to_string("datasets/nl4opt.jsonl").unwrap().lines().next().unwrap().to_string();
    let question = serde_json::from_str::<Value>(&line).unwrap()["question"].as_str().unwrap().to_string();
    let reworded = question.replace("10", "12").replace("boat", "ship").replace("minimize", "reduce");
    let (a, b) = (five_grams(&reworded), five_grams(&question));
    let shared = a.intersection(&b).count() as f64 / a.len() as f64;
    assert!(shared > MAX_SHARED, "a reworded copy shares only {shared:.2} of its 5-grams");
}
