//! `optform check` on broken formulations: the messages are the product, so they are
//! snapshot-tested (review changes with `cargo insta review` or INSTA_UPDATE=always).

use std::process::Command;

fn check(file: &str) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_optform")).args(["check", &format!("tests/broken/{file}")]).output().unwrap();
    (out.status.code().unwrap(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

macro_rules! broken {
    ($name:ident) => {
        #[test]
        fn $name() {
            let (code, stdout, stderr) = check(concat!(stringify!($name), ".json"));
            assert_eq!(code, 1, "a broken formulation exits 1");
            assert_eq!(stdout, "", "diagnostics go to stderr");
            insta::assert_snapshot!(stringify!($name), stderr);
        }
    };
}

broken!(bad_json);
broken!(bad_structure);
broken!(misspelt_names);
broken!(missing_data);
broken!(nonlinear);
broken!(nonconvex);
broken!(qp_integer);
broken!(data_files);
broken!(out_of_set);
broken!(logic_missing_bound);
broken!(logic_strict_continuous);
broken!(logic_not_a_proposition);
broken!(ord_of_a_tuple_item);

#[test]
fn json_diagnostics_carry_code_path_span_and_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_optform"))
        .args(["check", "--json", "tests/broken/misspelt_names.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len() as u64, doc["errors"].as_u64().unwrap() + doc["warnings"].as_u64().unwrap());
    let hour = diags.iter().find(|d| d["message"].as_str().unwrap().contains("`hour`")).unwrap();
    assert_eq!(hour["code"], "unknown-name");
    assert_eq!(hour["path"], "constraints.capacity.expression");
    assert_eq!(hour["span"], serde_json::json!([19, 23]));
    assert_eq!(hour["help"], "did you mean `hours`?");
}

#[test]
fn warnings_alone_do_not_fail_the_check() {
    let (code, stdout, stderr) = check("warnings_only.json");
    assert_eq!(code, 0);
    assert!(stdout.starts_with("ok: warnings_only is a valid LP"), "{stdout}");
    insta::assert_snapshot!("warnings_only", stderr);
}

#[test]
fn a_missing_file_is_a_clear_usage_error() {
    let (code, _, stderr) = check("does_not_exist.json");
    assert_eq!(code, 2, "as for every command's unreadable input");
    assert!(stderr.contains("cannot read the model file"), "{stderr}");
}
