//! "Checked, verified, data not code" as an attacker would test it: every error found while
//! loading is fatal in every command, a formulation reads no file it was not allowed to, and
//! oversized input is a clear error naming the limit, never a crash or an exhausted machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use optform::check::{check, Source};
use optform::model::{Code, DataAccess, Diagnostics, Options};

fn dir(tag: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("reliability-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn optform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_optform")).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A one-variable model whose `constraints` object is `constraints` (raw JSON text).
fn model(constraints: &str) -> String {
    format!(
        r#"{{"variables":{{"x":{{"upper":100}}}},"objective":{{"sense":"maximize","expression":"x"}},"constraints":{constraints}}}"#
    )
}

fn errors_of(text: &str, opts: &Options) -> Diagnostics {
    match check(Source::Text { text, origin: "test" }, opts) {
        Ok(c) => panic!("expected errors, got a checked model with warnings: {}", c.warnings),
        Err(d) => d,
    }
}

fn has(d: &Diagnostics, code: Code, needle: &str) -> bool {
    d.0.iter().any(|x| x.is_error() && x.code == code && x.to_string().contains(needle))
}

/// Each of these was printed as an error, then dropped, and the run said `optimal (verified)`.
const LOAD_ERRORS: &[(&str, &str)] = &[
    ("syntax", r#"{"c1": "x <= 4", "c2": "2x <= 1"}"#),
    ("bad_forall", r#"{"c1": "x <= 4", "c2": {"forall": "i in", "expression": "x <= 1"}}"#),
    ("not_string_or_object", r#"{"c1": "x <= 4", "c2": 17}"#),
    ("duplicate", r#"{"c": "x <= 4", "c": "x <= 10"}"#),
];

#[test]
fn load_errors_are_fatal_in_check_run_and_render() {
    let d = dir("load");
    let mut cases: Vec<(String, String)> =
        LOAD_ERRORS.iter().map(|(name, cons)| (name.to_string(), model(cons))).collect();
    cases.push((
        "misspelt_key".into(),
        r#"{"variables":{"x":{"uper":5}},"objective":{"sense":"maximize","expression":"x"},"constraints":{"c":"x <= 10"}}"#
            .into(),
    ));
    cases.push((
        "bad_bound".into(),
        r#"{"variables":{"x":{"upper":"3 +"}},"objective":{"sense":"maximize","expression":"x"},"constraints":{"c":"x <= 10"}}"#
            .into(),
    ));
    cases.push((
        "filter_before_the_last_item_of_over".into(),
        r#"{"sets":{"I":[1,2,3]},"variables":{"x":{"over":["i in I: i > 1", "j in I"],"upper":5}},"objective":{"sense":"maximize","expression":"sum{i in I, j in I} x[i,j]"},"constraints":{}}"#
            .into(),
    ));
    cases.push((
        "second_constraints_object".into(),
        r#"{"variables":{"x":{}},"objective":{"sense":"maximize","expression":"x"},"constraints":{"c":"x <= 4"},"constraints":{"d":"x <= 9"}}"#
            .into(),
    ));
    for (name, text) in cases {
        let path = d.join(format!("{name}.json"));
        std::fs::write(&path, &text).unwrap();
        let p = path.to_str().unwrap();
        for args in [vec!["check", p], vec!["run", p], vec!["render", p, "--to", "lp"]] {
            let o = optform(&args);
            assert_eq!(o.status.code(), Some(1), "{name}: `optform {}` must exit 1:\n{}", args[0], stderr(&o));
            assert!(stderr(&o).contains("error"), "{name}: {}", stderr(&o));
            assert!(o.stdout.is_empty() || args[0] != "run", "{name}: run printed a result");
        }
        let o = optform(&["check", p, "--json"]);
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(doc["ok"], false, "{name}");
        assert!(doc["errors"].as_u64().unwrap() >= 1, "{name}");
    }
}

#[test]
fn duplicate_keys_name_the_key_and_its_path() {
    let d = errors_of(&model(r#"{"c": "x <= 4", "c": "x <= 10"}"#), &Options::default());
    assert!(has(&d, Code::DuplicateName, "duplicate key `constraints.c`"), "{d}");
}

#[test]
fn entity_names_must_be_identifiers_and_the_model_name_a_title() {
    let text = r#"{"name": "Joe's best plan (v2): 3/4 done!", "sets": {"my set": [1]}, "variables": {"x; import os": {}},
        "objective": {"sense": "max", "expression": "0"}, "constraints": {"a b": "0 <= 1"}}"#;
    let d = errors_of(text, &Options::default());
    for (path, name) in
        [("sets.my set", "my set"), ("variables.x; import os", "x; import os"), ("constraints.a b", "a b")]
    {
        assert!(
            d.0.iter().any(|x| x.path == path && x.message.contains(&format!("`{name}` is not an identifier"))),
            "{path}: {d}"
        );
    }
    assert!(!d.0.iter().any(|x| x.path == "name"), "a title is a model name: {d}");
    for hostile in [r#"two\nlines"#, r#"a \"quote"#, r#"back\\slash"#, "$x$", "100%", "{brace}", "#hash"] {
        let text = model("{}").replacen('{', &format!(r#"{{"name": "{hostile}", "#), 1);
        let d = errors_of(&text, &Options::default());
        assert!(has(&d, Code::InvalidValue, "is not a title"), "{hostile}: {d}");
    }
}

#[test]
fn formulations_from_text_read_no_data_file_by_default() {
    let text = r#"{"sets": {"S": {"file": "/etc/passwd", "column": "a"}}, "variables": {"x": {}},
        "objective": {"sense": "max", "expression": "0"}, "constraints": {}}"#;
    let d = errors_of(text, &Options::default());
    assert!(has(&d, Code::DataFile, "this formulation may not read files"), "{d}");
    assert!(d.to_string().contains("--data-dir"), "the help says how to allow it: {d}");
}

#[test]
fn data_files_stay_inside_the_data_folder() {
    let root = dir("confined");
    let data = root.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("ok.csv"), "k,v\na,1\n").unwrap();
    std::fs::write(root.join("secret.csv"), "k,v\nsecret,42\n").unwrap();
    std::os::unix::fs::symlink(root.join("secret.csv"), data.join("link.csv")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", data.join("environ.csv")).unwrap();
    let fifo = data.join("fifo.csv");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let opts = Options { data: DataAccess::Within(data.clone()), ..Default::default() };
    let with_file = |file: &str| {
        format!(
            r#"{{"sets": {{"S": {{"file": "{file}", "column": "k"}}}}, "variables": {{"x": {{"over": ["S"], "upper": 1}}}},
                "objective": {{"sense": "max", "expression": "sum{{s in S}} x[s]"}}, "constraints": {{}}}}"#
        )
    };
    let ok = check(Source::Text { text: &with_file("ok.csv"), origin: "t" }, &opts).unwrap();
    assert_eq!(ok.compiled.num_cols(), 1);
    let abs = root.join("secret.csv").display().to_string();
    for (file, needle) in [
        ("../secret.csv", "outside the data folder"),
        ("link.csv", "outside the data folder"),
        ("environ.csv", "outside the data folder"),
        (abs.as_str(), "absolute path"),
        ("/dev/zero", "absolute path"),
        ("fifo.csv", "not a regular file"),
    ] {
        let d = errors_of(&with_file(file), &opts);
        assert!(has(&d, Code::DataFile, needle), "{file}: {d}");
        assert!(!d.to_string().contains("secret,42") && !d.to_string().contains("PATH="), "{file} leaked: {d}");
    }
    let small = Options { data: DataAccess::Within(data), limits: limits("data_file_bytes=5"), ..Default::default() };
    assert!(has(&errors_of(&with_file("ok.csv"), &small), Code::DataFile, "more than the limit"));
}

fn limits(assignment: &str) -> optform::model::Limits {
    let mut l = optform::model::Limits::default();
    l.set(assignment).unwrap();
    l
}

#[test]
fn huge_ranges_are_limit_errors_not_aborts() {
    for (range, needle) in [
        ("1..1000000000", "the set has 1000000000 elements, more than the limit"),
        ("1..1e18", "range bound 1000000000000000000 is too large"),
        ("0..2e7", "the set has 20000001 elements, more than the limit"),
        ("1..1e30", "range bound 1000000000000000000000000000000 is too large"),
    ] {
        let text = format!(
            r#"{{"sets": {{"T": "{range}"}}, "variables": {{"x": {{}}}}, "objective": {{"sense": "max", "expression": "0"}}, "constraints": {{}}}}"#
        );
        let d = errors_of(&text, &Options::default());
        assert!(d.to_string().contains(needle), "{range}: {d}");
    }
    // A range written inside a sum is bounded by the work limit instead.
    let text = r#"{"variables": {"x": {"upper": 1}}, "objective": {"sense": "max", "expression": "sum{t in 1..1e15} x"}, "constraints": {}}"#;
    let d = errors_of(text, &Options::default());
    assert!(has(&d, Code::Limit, "more index combinations than the limit"), "{d}");
}

#[test]
fn instance_limits_name_the_flag_that_raises_them() {
    let text = r#"{"sets": {"I": "1..300"}, "variables": {"x": {"over": ["I"], "upper": 1}},
        "objective": {"sense": "max", "expression": "sum{i in I} x[i]"},
        "constraints": {"c": {"forall": "i in I", "expression": "x[i] <= 1"}}}"#;
    assert!(check(Source::Text { text, origin: "t" }, &Options::default()).is_ok());
    for (limit, needle) in [
        ("columns=299", "300 entries, more than the limit of 299"),
        ("rows=299", "more than 299 rows"),
        ("nonzeros=100", "more than 100 non-zero coefficients"),
        ("set_size=299", "the set has 300 elements"),
        ("iterations=500", "more index combinations than the limit"),
    ] {
        let name = limit.split('=').next().unwrap();
        let d = errors_of(text, &Options { limits: limits(limit), ..Default::default() });
        assert!(has(&d, Code::Limit, needle), "{limit}: {d}");
        assert!(d.to_string().contains(&format!("--max {name}=N")), "{limit}: {d}");
    }
}

#[test]
fn the_max_flag_raises_a_limit_and_rejects_unknown_names() {
    let d = dir("maxflag");
    let path = d.join("m.json");
    std::fs::write(&path, model(r#"{"c": "x <= 4"}"#)).unwrap();
    let p = path.to_str().unwrap();
    assert_eq!(optform(&["run", p, "--max", "rows=0"]).status.code(), Some(2));
    let o = optform(&["check", p, "--max", "rowz=9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown limit `rowz`"), "{}", stderr(&o));
    assert_eq!(optform(&["run", p, "--max", "rows=5e7"]).status.code(), Some(0));
}

#[test]
fn a_filtered_forall_reserves_only_for_the_rows_that_pass() {
    // 2,000 × 2,000 combinations, of which 2,000 pass the filter: reserving for the unfiltered
    // product took 6.4 GB.
    let text = r#"{"sets": {"I": "1..2000"}, "variables": {"x": {"over": ["I"], "upper": 1}},
        "objective": {"sense": "max", "expression": "sum{i in I} x[i]"},
        "constraints": {"c": {"forall": "i in I, j in I: i == j", "expression": "x[i] + x[j] + x[1] <= 3"}}}"#;
    let c = check(Source::Text { text, origin: "t" }, &Options::default()).unwrap().compiled;
    assert_eq!(c.num_rows(), 2000);
    assert!(c.row_index.capacity() < 100_000, "reserved {} non-zeros for 2,000 rows", c.row_index.capacity());
}

#[test]
fn invalid_json_beside_multibyte_text_is_a_diagnostic_not_a_panic() {
    for text in ["{\"name\": \"café\" \"x\"}", "{\"é\": ", "{\"名前\": 1,, }", "🙂", "{\"a\": \"\u{1F600}\"x}"] {
        let d = errors_of(text, &Options::default());
        let shown = d.to_string();
        assert!(has(&d, Code::InvalidJson, "invalid JSON"), "{text}: {shown}");
    }
    // A file that cannot be read is a usage error in every command.
    for cmd in ["check", "run", "render", "solve"] {
        let o = optform(&[cmd, "/nonexistent/model.json", "--to", "lp"][..if cmd == "render" { 4 } else { 2 }]);
        assert_eq!(o.status.code(), Some(2), "{cmd}: {}", stderr(&o));
        assert!(stderr(&o).contains("/nonexistent/model.json"), "{cmd}: {}", stderr(&o));
    }
}

#[test]
fn thousands_of_unknown_names_give_a_hundred_diagnostics_and_a_count_of_the_rest() {
    // A 550 KB generated file: 5,000 variables and 5,000 constraints, each with a misspelt
    // name. Each suggestion scans every name, so they stop with the diagnostics shown.
    let name = |k: usize| format!("quantity_of_product_{k:05}_x");
    let vars: Vec<String> = (0..5000).map(|k| format!(r#""{}": {{}}"#, name(k))).collect();
    let cons: Vec<String> =
        (0..5000).map(|k| format!(r#""c{k}": "quantiti_of_produkt_{k:05}_y + {} <= 10""#, name(k))).collect();
    let text = format!(
        r#"{{"variables": {{{}}}, "objective": {{"sense": "max", "expression": "0"}}, "constraints": {{{}}}}}"#,
        vars.join(","),
        cons.join(",")
    );
    let d = errors_of(&text, &Options::default());
    assert_eq!(d.0.len(), optform::check::MAX_DIAGNOSTICS + 1);
    assert!(d.0.last().unwrap().message.contains("4900 more diagnostics not shown"), "{}", d.0.last().unwrap());
    let suggested = d.0.iter().filter(|x| x.help.as_deref().is_some_and(|h| h.starts_with("did you mean"))).count();
    assert!(suggested > 0 && suggested <= optform::check::MAX_DIAGNOSTICS, "{suggested} suggestions");
}

#[test]
fn deep_and_long_expressions_end_cleanly_in_the_cli() {
    let d = dir("deep");
    // 5,000 nested parentheses crashed `check` with a stack overflow.
    let deep = d.join("deep.json");
    std::fs::write(&deep, model(&format!(r#"{{"c": "{}x{} <= 4"}}"#, "(".repeat(5000), ")".repeat(5000)))).unwrap();
    let o = optform(&["check", deep.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("nests deeper than 64 levels") && stderr(&o).contains("--max depth=N"),
        "{}",
        stderr(&o)
    );
    // A flat sum of 20,000 terms (800 overflowed `solve`) is a tree of logarithmic depth.
    let flat = d.join("flat.json");
    std::fs::write(&flat, model(&format!(r#"{{"c": "{} <= 40000"}}"#, vec!["x"; 20_000].join(" + ")))).unwrap();
    let o = optform(&["run", flat.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("objective (maximize) = 2"), "x <= 40000/20000");
    // Past the length limit, the error names the flag that raises it.
    let long = d.join("long.json");
    std::fs::write(&long, model(&format!(r#"{{"c": "{} <= 1"}}"#, vec!["x"; 60_000].join(" + ")))).unwrap();
    let o = optform(&["check", long.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--max expression_bytes=N"), "{}", stderr(&o));
    assert_eq!(optform(&["check", long.to_str().unwrap(), "--max", "expression_bytes=1e6"]).status.code(), Some(0));
}

#[test]
fn verbose_json_keeps_stdout_one_json_document_and_logs_to_stderr() {
    let o = optform(&["run", "examples/knapsack.json", "--verbose", "--json"]);
    assert_eq!(o.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is one JSON document");
    assert_eq!(doc["status"], "optimal");
    assert!(stderr(&o).contains("Coefficient ranges"), "HiGHS's log is on stderr: {}", stderr(&o));
}

#[test]
fn an_explicit_config_file_that_does_not_exist_is_a_usage_error() {
    for cmd in [vec!["solve", "examples/diet.txt"], vec!["bench", "nl4opt", "--limit", "1"]] {
        let mut args = cmd.clone();
        args.extend(["--config", "/nonexistent/optform.toml", "--offline", "--cache", "/nonexistent/cache"]);
        let o = optform(&args);
        assert_eq!(o.status.code(), Some(2), "{cmd:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("--config /nonexistent/optform.toml: no such file"), "{cmd:?}: {}", stderr(&o));
    }
}

#[test]
fn a_formulation_on_stdin_runs_and_reads_files_only_from_data_dir() {
    use std::io::Write as _;
    let pipe = |args: &[&str], text: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_optform"))
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    };
    let o = pipe(&["run", "-"], &std::fs::read_to_string("examples/knapsack.json").unwrap());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("objective (maximize) = 82"));
    let csv = std::fs::read_to_string("examples/csv_data.json").unwrap();
    let o = pipe(&["check", "-"], &csv);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("this formulation may not read files"), "{}", stderr(&o));
    assert_eq!(pipe(&["check", "-", "--data-dir", "examples"], &csv).status.code(), Some(0));
}

#[test]
fn solve_reads_the_problem_from_stdin_as_from_a_file() {
    use std::io::Write as _;
    // The recorded answers of the local model: the same text by file and by stdin is the same
    // request, so the same answer comes back offline.
    let args = ["--cache", "tests/llm-cache", "--offline", "--quiet", "--json"];
    let by_file = Command::new(env!("CARGO_BIN_EXE_optform"))
        .args(["solve", "examples/production_scalar.txt"])
        .args(args)
        .env_remove("OPTFORM_BASE_URL")
        .env_remove("OPTFORM_MODEL")
        .output()
        .unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_optform"))
        .args(["solve", "-"])
        .args(args)
        .env_remove("OPTFORM_BASE_URL")
        .env_remove("OPTFORM_MODEL")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read("examples/production_scalar.txt").unwrap()).unwrap();
    let by_stdin = child.wait_with_output().unwrap();
    assert_eq!(by_file.status.code(), Some(0), "{}", stderr(&by_file));
    assert_eq!(by_stdin.status.code(), Some(0));
    let answer = |o: &Output| {
        let mut v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_object_mut().unwrap().remove("seconds");
        v
    };
    assert_eq!(answer(&by_file), answer(&by_stdin));
    assert_eq!(answer(&by_stdin)["objective"], serde_json::json!(2745.0));
}

#[test]
fn an_infeasible_mip_reports_its_conflict_instead_of_crashing() {
    // HiGHS's C API copied per-column IIS statuses from vectors it leaves empty for this MIP,
    // reading past their end: `run` died with SIGSEGV (exit 139) before printing anything.
    let out = optform(&["run", "--json", "datasets/gold/industryor/industryor-89.json"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], "infeasible");
    let conflict = v["conflicting_constraints"].as_array().unwrap();
    assert!(conflict.iter().any(|c| c.as_str().unwrap().starts_with("cover[")), "{conflict:?}");
}
