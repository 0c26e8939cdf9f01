//! An installed binary works from any directory: the datasets are found through
//! `OPTFORM_DATASETS`, beside the binary, or in the source tree it was built from, and when
//! none has them `optform datasets` says where it looked and fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh folder under the test target's tmp dir.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("install").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn optform_in(exe: &Path, cwd: &Path, datasets: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(exe);
    c.current_dir(cwd).args(args).env_remove("OPTFORM_DATASETS");
    if let Some(d) = datasets {
        c.env("OPTFORM_DATASETS", d);
    }
    c.output().unwrap()
}

fn exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_optform"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const ONE_PROBLEM: &str = r#"{"id": "p-1", "question": "Maximize x with x <= 3.", "answer": 3}"#;

#[test]
fn datasets_are_found_from_any_directory_through_the_source_tree() {
    let cwd = scratch("elsewhere");
    let o = optform_in(&exe(), &cwd, None, &["datasets"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let table = text(&o.stdout);
    assert!(table.contains("| nl4opt | 230 |"), "{table}");
    let o = optform_in(&exe(), &cwd, None, &["datasets", "show", "nl4opt", "nl4opt-1"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("expected: objective "), "{}", text(&o.stdout));
}

#[test]
fn optform_datasets_names_the_folder_it_reads_and_nothing_else() {
    let cwd = scratch("env-cwd");
    let own = scratch("env-datasets");
    std::fs::write(own.join("mine.jsonl"), format!("{ONE_PROBLEM}\n")).unwrap();
    let o = optform_in(&exe(), &cwd, Some(&own), &["datasets"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let table = text(&o.stdout);
    assert!(table.contains("| mine | 1 | 1 |") && !table.contains("nl4opt"), "{table}");
}

#[test]
fn no_datasets_anywhere_is_an_error_that_says_where_it_looked() {
    let cwd = scratch("empty-cwd");
    let empty = scratch("empty-datasets");
    let o = optform_in(&exe(), &cwd, Some(&empty), &["datasets"]);
    assert_eq!(o.status.code(), Some(2), "not an empty table with exit 0");
    assert!(o.stdout.is_empty(), "no table: {}", text(&o.stdout));
    let err = text(&o.stderr);
    assert!(err.contains(&empty.display().to_string()) && err.contains("OPTFORM_DATASETS"), "{err}");
    let o = optform_in(&exe(), &cwd, Some(&empty), &["bench", "nl4opt", "--offline", "--cache", "c", "--out", "r"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no benchmark datasets found"), "{}", text(&o.stderr));
}

#[test]
fn datasets_beside_the_binary_come_before_the_source_tree() {
    // An install that ships `datasets/` next to the binary (the Docker image does): a hard
    // link of the test binary stands in for the installed copy.
    let prefix = scratch("prefix");
    let bin = prefix.join("optform");
    if std::fs::hard_link(exe(), &bin).is_err() {
        std::fs::copy(exe(), &bin).unwrap();
    }
    std::fs::create_dir_all(prefix.join("datasets")).unwrap();
    std::fs::write(prefix.join("datasets/shipped.jsonl"), format!("{ONE_PROBLEM}\n")).unwrap();
    let o = optform_in(&bin, &scratch("prefix-cwd"), None, &["datasets"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let table = text(&o.stdout);
    assert!(table.contains("| shipped | 1 |") && !table.contains("nl4opt"), "{table}");
    assert!(text(&o.stderr).contains("(beside the binary)"), "{}", text(&o.stderr));
}

#[test]
fn the_wheel_ships_every_dataset() {
    // pyproject.toml's wheel data links each file of datasets/ (maturin follows links to
    // files, not to folders): a dataset added without its link would be missing from pip installs.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shipped = root.join("packaging/wheel-data/data/share/optform/datasets");
    // Files only: `datasets/gold/` (gold models and the label audit) is this project's test
    // material, read from a source checkout, not a benchmark set a wheel needs.
    let names = |dir: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names(&shipped), names(&root.join("datasets")), "add a link: ln -s ../../../../../../datasets/NAME");
    for name in names(&shipped) {
        let (a, b) =
            (std::fs::read(shipped.join(&name)).unwrap(), std::fs::read(root.join("datasets").join(&name)).unwrap());
        assert!(a == b, "{name} links to the dataset");
    }
}

#[test]
fn an_example_runs_from_another_directory() {
    let model = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/production_indexed.json");
    let o = optform_in(&exe(), &scratch("run-cwd"), None, &["run", model.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("objective (maximize) = 7600"), "{}", text(&o.stdout));
}
