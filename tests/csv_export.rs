//! `run --csv DIR`: one CSV per variable and per constraint, whose numbers are the run's own.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn run(model: &str, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_optform")).arg("run").arg(model).args(extra).output().unwrap()
}

fn out_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("csv").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Header and rows of a CSV file.
fn read(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(String::from).collect()).collect();
    (header, rows)
}

fn json_of(model: &str) -> Value {
    serde_json::from_slice(&run(model, &["--json", "--all"]).stdout).unwrap()
}

#[test]
fn a_milp_has_index_columns_named_after_its_sets_and_values_without_duals() {
    let dir = out_dir("production");
    let o = run("examples/production_indexed.json", &["--csv", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let (header, rows) = read(&dir.join("variables/make.csv"));
    assert_eq!(header, ["P", "value"]);
    assert_eq!(rows, [["desk", "20"], ["shelf", "60"], ["cabinet", "20"]]);
    let (header, rows) = read(&dir.join("constraints/capacity.csv"));
    assert_eq!(header, ["R", "activity", "slack"]);
    assert_eq!(rows, [["cutting", "80", "0"], ["assembly", "150", "0"], ["finishing", "80", "10"]]);
    // A filtered constraint has a row per instance that passed its filter.
    let (_, rows) = read(&dir.join("constraints/standing_orders.csv"));
    assert_eq!(rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), ["desk", "shelf"]);
}

#[test]
fn an_lp_adds_reduced_costs_and_duals_equal_to_the_json_report() {
    let dir = out_dir("diet");
    let o = run("examples/diet.json", &["--csv", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let report = json_of("examples/diet.json");
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir.join("constraints")).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty());
    let mut rows_seen = 0;
    for f in &files {
        let (header, rows) = read(f);
        assert_eq!(header[header.len() - 3..], ["activity", "dual", "slack"], "{}", f.display());
        let name = f.file_stem().unwrap().to_string_lossy();
        for row in rows {
            let keys = &row[..row.len() - 3];
            let full = if keys.is_empty() { name.to_string() } else { format!("{name}[{}]", keys.join(",")) };
            let reported = report["constraints"].as_array().unwrap().iter().find(|c| c["name"] == full.as_str());
            let reported = reported.unwrap_or_else(|| panic!("{full} is in the JSON report"));
            for (k, field) in ["activity", "dual", "slack"].iter().enumerate() {
                let csv: f64 = row[row.len() - 3 + k].parse().unwrap();
                assert_eq!(Some(csv), reported[field].as_f64(), "{full} {field}");
            }
            rows_seen += 1;
        }
    }
    assert_eq!(rows_seen, report["constraints"].as_array().unwrap().len(), "every row is written");
    for entry in std::fs::read_dir(dir.join("variables")).unwrap() {
        let (header, rows) = read(&entry.unwrap().path());
        assert_eq!(header[header.len() - 2..], ["value", "reduced_cost"]);
        assert!(rows.iter().all(|r| r[r.len() - 1].parse::<f64>().is_ok()));
    }
}

#[test]
fn tuple_sets_take_one_column_per_component() {
    let dir = out_dir("flow");
    let o = run("examples/max_flow.json", &["--csv", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0));
    let (header, rows) = read(&dir.join("variables/flow.csv"));
    assert_eq!(header[..2], ["Arcs_1", "Arcs_2"]);
    let report = json_of("examples/max_flow.json");
    for r in rows {
        let v: f64 = r[2].parse().unwrap();
        assert_eq!(report["variables"][format!("flow[{},{}]", r[0], r[1])].as_f64(), Some(v));
    }
}

#[test]
fn no_point_writes_no_csv_and_keeps_the_exit_code() {
    let dir = out_dir("infeasible");
    let o = run("examples/infeasible.json", &["--csv", dir.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no solution to write as CSV"));
    assert!(!dir.exists());
}

#[test]
fn an_unwritable_csv_folder_exits_9_and_names_it() {
    let file = out_dir("not-a-folder");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, "a file where the folder should be").unwrap();
    let o = run("examples/diet.json", &["--csv", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(9));
    assert!(String::from_utf8_lossy(&o.stderr).contains(&file.display().to_string()));
}
