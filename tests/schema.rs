//! `optform schema`: the model file's JSON Schema for editors. Every example validates against
//! it, so does every formulation the LLM wrote under its own (narrower) schema, and a
//! `"$schema"` key in a model file is accepted and ignored.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::{json, Value};

fn optform(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write as _;
    let mut c = Command::new(env!("CARGO_BIN_EXE_optform"));
    c.args(args).stdin(std::process::Stdio::piped()).stdout(std::process::Stdio::piped());
    c.stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

/// The schema as the command prints it, compiled by a real validator.
fn validator() -> jsonschema::Validator {
    let o = optform(&["schema"], None);
    assert_eq!(o.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&o.stdout).expect("the schema is JSON");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn every_example_validates_against_the_editor_schema() {
    let v = validator();
    let mut seen = 0;
    for entry in std::fs::read_dir("examples").unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "json") {
            let doc: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            assert_eq!(errors(&v, &doc), Vec::<String>::new(), "{}", p.display());
            seen += 1;
        }
    }
    assert!(seen >= 17, "{seen} examples");
}

#[test]
fn what_the_llm_schema_allows_the_editor_schema_allows() {
    // The recorded answers of the local model, each written under the LLM's schema: those
    // that fit the LLM's schema must fit the editor's.
    let editor = validator();
    let llm = jsonschema::validator_for(&optform::llm::schema::formulation_schema(false)).unwrap();
    let mut checked = 0;
    let mut stack = vec![Path::new("tests/llm-cache").to_path_buf(), Path::new("tests/bench-cache").to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let Ok(answer) = serde_json::from_str::<Value>(&std::fs::read_to_string(&p).unwrap()) else { continue };
            let Some(doc) = answer["content"].as_str().and_then(|c| serde_json::from_str::<Value>(c).ok()) else {
                continue;
            };
            if llm.is_valid(&doc) {
                assert_eq!(errors(&editor, &doc), Vec::<String>::new(), "{}", p.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 50, "only {checked} recorded formulations fit the LLM schema");
}

#[test]
fn the_editor_schema_rejects_what_the_loader_rejects_by_shape() {
    let v = validator();
    let base = json!({ "variables": { "x": {} }, "objective": { "sense": "max", "expression": "x" } });
    assert!(errors(&v, &base).is_empty());
    // Spellings the loader accepts, as it reads them.
    let loose = json!({ "variables": { "x": "Semi_Continuous", "y": { "type": "INT" } },
                        "objective": { "sense": "Maximise", "expression": 0 } });
    assert_eq!(errors(&v, &loose), Vec::<String>::new());
    for (bad, why) in [
        (json!({ "variables": { "x": { "uper": 5 } }, "objective": base["objective"] }), "a misspelt key"),
        (json!({ "variables": { "x": "integral" }, "objective": base["objective"] }), "an unknown type"),
        (json!({ "variables": { "x": {} } }), "no objective"),
        (json!({ "variables": { "x": {} }, "objective": { "sense": "up", "expression": "x" } }), "an unknown sense"),
        (json!({ "variables": { "x": {} }, "objective": base["objective"], "constraint": {} }), "a misspelt element"),
        (json!({ "sets": { "S": 3 }, "variables": { "x": {} }, "objective": base["objective"] }), "a number as a set"),
    ] {
        assert!(!errors(&v, &bad).is_empty(), "{why} is flagged in the editor");
    }
}

#[test]
fn a_schema_key_in_a_model_file_is_accepted_and_ignored() {
    let model = json!({
        "$schema": "./optform.schema.json",
        "variables": { "x": { "upper": 3 } },
        "objective": { "sense": "maximize", "expression": "x" },
    });
    let o = optform(&["run", "-", "--json"], Some(&model.to_string()));
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let result: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(result["objective"], json!(3.0));
    assert_eq!(result["warnings"], json!([]));
}

#[test]
fn schema_out_writes_the_file() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join("optform.schema.json");
    let o = optform(&["schema", "-o", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(o.stdout.is_empty());
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["title"], "optform model");
}

#[test]
fn lexicographic_objectives_and_new_types_validate_and_typos_in_levels_do_not() {
    let v = validator();
    let model = |level_key: &str| {
        json!({
            "variables": { "x": { "type": "semi-integer", "upper": 9 }, "y": {} },
            "objective": [
                { "sense": "minimize", "expression": "abs(x - 3)", "name": "dev", level_key: 1 },
                { "sense": "maximize", "expression": "y" }
            ],
            "constraints": { "c": "x >= 1 => y <= 4" }
        })
    };
    assert_eq!(errors(&v, &model("tolerance")), Vec::<String>::new());
    assert!(!errors(&v, &model("tolerence")).is_empty(), "a misspelt level key is flagged");
}
