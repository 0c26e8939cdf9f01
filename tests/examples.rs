//! Every example solves to the status and objective recorded in `tests/examples_expected.json`,
//! which were computed independently (PuLP + CBC, exact rational re-solves, by hand; see
//! `scripts/crosscheck_examples.py`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string("tests/examples_expected.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

fn example(name: &str) -> PathBuf {
    Path::new("examples").join(format!("{name}.json"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

#[test]
fn every_example_has_an_expected_result_and_vice_versa() {
    let exp = expected();
    let mut files: Vec<String> = std::fs::read_dir("examples")
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "json").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    files.sort();
    let mut names: Vec<String> = exp.keys().cloned().collect();
    names.sort();
    assert_eq!(files, names);
    assert!(files.len() >= 12, "the issue asks for at least 12 examples");
}

#[test]
fn examples_solve_to_their_independent_results() {
    for (name, want) in expected() {
        let path = example(&name);
        let source = optform::check::Source::File(&path);
        let options = optform::model::Options { data: optform::model::DataAccess::BesideModel, ..Default::default() };
        let checked = optform::check::check(source, &options).unwrap_or_else(|d| panic!("{name}: {d}"));
        let (model, compiled) = (checked.model, checked.compiled);
        let out = optform::solve::solve(&compiled, &Default::default());
        assert_eq!(out.status.as_str(), want["status"].as_str().unwrap(), "{name}");
        if let Some(obj) = want["objective"].as_f64() {
            let got = out.objective.unwrap();
            assert!(close(got, obj), "{name}: objective {got}, expected {obj}");
            let v = optform::solve::verify(&model, &compiled, out.x.as_ref().unwrap(), got, 1e-6);
            assert!(v.ok, "{name}: {v:?}");
            assert!(close(v.objective, obj), "{name}: recomputed objective {}", v.objective);
        }
    }
}

#[test]
fn cli_run_reports_status_objective_and_exit_code() {
    for (name, want) in expected() {
        let out =
            Command::new(env!("CARGO_BIN_EXE_optform")).args(["run", "--json"]).arg(example(&name)).output().unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let status = want["status"].as_str().unwrap();
        assert_eq!(doc["status"], status, "{name}");
        let code = match status {
            "optimal" => 0,
            "infeasible" => 3,
            _ => 4,
        };
        assert_eq!(out.status.code(), Some(code), "{name}");
        match want["objective"].as_f64() {
            Some(obj) => {
                assert!(close(doc["objective"].as_f64().unwrap(), obj), "{name}");
                assert_eq!(doc["verified"], true, "{name}");
            }
            None => assert!(doc["objective"].is_null(), "{name}: no objective for {status}"),
        }
    }
}

#[test]
fn text_output_names_variables_by_index() {
    let out =
        Command::new(env!("CARGO_BIN_EXE_optform")).args(["run", "examples/production_indexed.json"]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("optimal (verified)"), "{text}");
    assert!(text.contains("objective (maximize) = 7600"), "{text}");
    assert!(text.lines().any(|l| l.trim_start().starts_with("make[") && l.contains(" = ")), "{text}");
}

#[test]
fn a_time_limit_is_reported_with_its_own_exit_code() {
    let out = Command::new(env!("CARGO_BIN_EXE_optform"))
        .args(["run", "--json", "--time-limit", "0", "examples/facility_location.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["status"], "time-limit");
}

/// The text report, reviewed as a snapshot (timings are not part of it).
fn run_text(name: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_optform")).arg("run").arg(example(name)).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn run_report_snapshots() {
    for name in ["production_indexed", "diet", "portfolio_qp", "infeasible"] {
        insta::assert_snapshot!(format!("run_{name}"), run_text(name));
    }
}

#[test]
fn run_names_the_conflict_of_an_infeasible_model_and_the_ray_of_an_unbounded_one() {
    let run = |name: &str, json: bool| {
        let mut args = vec!["run".to_string(), example(name).display().to_string()];
        if json {
            args.push("--json".into());
        }
        std::process::Command::new(env!("CARGO_BIN_EXE_optform")).args(&args).output().unwrap()
    };
    let text = String::from_utf8_lossy(&run("infeasible", false).stdout).into_owned();
    assert!(
        text.contains("these constraints conflict (an irreducible infeasible subsystem): oven_hours, white_contract, rye_contract"),
        "{text}"
    );
    let doc: serde_json::Value = serde_json::from_slice(&run("infeasible", true).stdout).unwrap();
    assert_eq!(doc["conflicting_constraints"], serde_json::json!(["oven_hours", "white_contract", "rye_contract"]));
    let doc: serde_json::Value = serde_json::from_slice(&run("unbounded", true).stdout).unwrap();
    assert_eq!(doc["unbounded_ray"], serde_json::json!(["gadgets"]));
}

#[test]
fn run_json_nests_indexed_values_beside_the_flat_names() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_optform"))
        .args(["run", example("transportation").to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let flat = doc["variables"].as_object().unwrap();
    assert!(!flat.is_empty());
    for (name, value) in flat {
        // `ship[hamburg,berlin]` is `values.ship.hamburg.berlin`.
        let (var, index) = name.trim_end_matches(']').split_once('[').unwrap();
        let mut at = &doc["values"][var];
        for key in index.split(',') {
            at = &at[key];
        }
        assert_eq!(at, value, "{name}");
    }
}
