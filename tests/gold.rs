//! The gold formulations (`datasets/gold/<dataset>/<id>.json`) and their audit
//! (`datasets/gold/audit.jsonl`): every model solves to the status and objective its audit line
//! records, every line has a verdict with the evidence it needs, the audit doubles as a
//! corrected-label file for `bench --labels`, and no gold item reaches a prompt.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use optform::check::{check, Source};
use optform::model::{DataAccess, Options};
use optform::solve::{solve, Status};
use serde_json::Value;

const GOLD: &str = "datasets/gold";
const VERDICTS: [&str; 4] = ["agrees", "label-wrong", "ill-defined", "not-expressible"];

fn audit() -> Vec<Value> {
    let text = std::fs::read_to_string(Path::new(GOLD).join("audit.jsonl")).unwrap();
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn model_path(line: &Value) -> PathBuf {
    Path::new(GOLD).join(line["dataset"].as_str().unwrap()).join(format!("{}.json", line["id"].as_str().unwrap()))
}

fn text<'a>(line: &'a Value, key: &str) -> &'a str {
    line[key].as_str().unwrap_or("")
}

#[test]
fn every_audit_line_has_a_verdict_and_the_evidence_it_needs() {
    let lines = audit();
    assert!(lines.len() >= 100, "{} audit lines", lines.len());
    let mut seen = BTreeSet::new();
    for l in &lines {
        let who = format!("{}/{}", text(l, "dataset"), text(l, "id"));
        assert!(seen.insert(who.clone()), "{who}: audited twice");
        assert!(VERDICTS.contains(&text(l, "verdict")), "{who}: verdict {:?}", l["verdict"]);
        match text(l, "verdict") {
            "label-wrong" => {
                assert!(text(l, "evidence").len() >= 40, "{who}: a wrong label needs its evidence");
                assert!(!text(l, "checked_by").is_empty(), "{who}: a wrong label is double-checked");
                // A second reviewer re-derived it with a model of their own, and agrees.
                assert_eq!(
                    l["second_review"]["review"], "confirmed",
                    "{who}: a wrong label needs a confirming second review"
                );
            }
            // Data missing from the text leave no model to write; otherwise each reading's value.
            "ill-defined" if text(l, "status") == "no-model" => assert!(!text(l, "evidence").is_empty(), "{who}"),
            "ill-defined" => {
                let readings = l["readings"].as_array().map_or(0, Vec::len);
                assert!(readings >= 2, "{who}: an ill-defined item gives the value under each reading");
            }
            "not-expressible" => assert!(!text(l, "evidence").is_empty(), "{who}: which construct is missing"),
            _ => {}
        }
        // As a corrected-label file: `answer` is the gold value wherever there is a model.
        if model_path(l).exists() {
            assert_eq!(l["answer"], l["objective"], "{who}: `answer` is the gold objective");
        }
    }
}

#[test]
fn every_gold_model_solves_to_its_recorded_answer() {
    let options = Options { data: DataAccess::BesideModel, ..Default::default() };
    let lines = audit();
    let mut solved = 0;
    for l in &lines {
        let path = model_path(l);
        let who = path.display().to_string();
        if !path.exists() {
            assert_eq!(text(l, "status"), "no-model", "{who}: no model file");
            assert!(matches!(text(l, "verdict"), "not-expressible" | "ill-defined"), "{who}: no model file");
            continue;
        }
        let checked = check(Source::File(&path), &options).unwrap_or_else(|d| panic!("{who}: {d}"));
        let out = solve(&checked.compiled, &Default::default());
        assert_eq!(out.status.as_str(), text(l, "status"), "{who}");
        let close = |got: f64, want: f64| (got - want).abs() <= 1e-6 * want.abs().max(1.0);
        match l["levels"].as_object() {
            // A goal programme records every level's value (its `objective` is a reading's).
            Some(levels) => {
                for (name, want) in levels {
                    let got = out.levels.iter().find(|v| &v.name == name).and_then(|v| v.value);
                    let (got, want) = (got.unwrap_or_else(|| panic!("{who}: no level {name}")), want.as_f64().unwrap());
                    assert!(close(got, want), "{who}: level {name} solved {got}, recorded {want}");
                }
            }
            None if out.status == Status::Optimal => {
                let (got, want) = (out.objective.unwrap(), l["objective"].as_f64().unwrap());
                assert!(close(got, want), "{who}: solved {got}, recorded {want}");
            }
            None => {}
        }
        solved += 1;
    }
    // Every model file has its audit line.
    for dir in std::fs::read_dir(GOLD).unwrap().filter_map(Result::ok).filter(|e| e.path().is_dir()) {
        for f in std::fs::read_dir(dir.path()).unwrap().filter_map(Result::ok) {
            let p = f.path();
            if p.extension().is_some_and(|e| e == "json") {
                assert!(lines.iter().any(|l| model_path(l) == p), "{}: no audit line", p.display());
            }
        }
    }
    assert!(solved >= 100, "{solved} gold models solved");
}

/// Every file under `dir` (templates and the example library), as text.
fn prompt_texts(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(prompt_texts(&path));
        } else {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
    out
}

#[test]
fn no_gold_item_reaches_a_prompt() {
    let prompts = prompt_texts(Path::new("prompts")).join("\n").to_lowercase();
    for l in audit() {
        let (dataset, id) = (text(&l, "dataset"), text(&l, "id"));
        let data = std::fs::read_to_string(format!("datasets/{dataset}.jsonl")).unwrap();
        let item: Value = data
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .find(|v| v["id"] == id)
            .unwrap_or_else(|| panic!("{dataset}/{id} is not in the dataset"));
        let question = item["question"].as_str().unwrap().to_lowercase();
        // Any 60-character stretch of the question would betray a copied example.
        let chars: Vec<char> = question.chars().collect();
        for start in (0..chars.len().saturating_sub(60)).step_by(30) {
            let piece: String = chars[start..start + 60].iter().collect();
            assert!(!prompts.contains(&piece), "{dataset}/{id}: its text is in a prompt: {piece:?}");
        }
        let path = model_path(&l);
        if let Ok(model) = std::fs::read_to_string(&path) {
            let name = serde_json::from_str::<Value>(&model).unwrap()["name"].as_str().unwrap_or("").to_lowercase();
            assert!(name.len() < 12 || !prompts.contains(&name), "{}: its model is in a prompt", path.display());
        }
    }
}
