//! Benchmark datasets: JSONL files of `{id, question, answer, answer_status?}`, found by name
//! in the datasets folder or given as a path, with optional label overrides.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// What a problem's ground truth says.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "kebab-case")]
pub enum Expected {
    Objective(f64),
    Infeasible,
    Unbounded,
    /// No usable label (`not_provided`): scored as unlabelled, never as correct.
    Unknown,
}

impl Expected {
    pub fn is_numeric(&self) -> bool {
        matches!(self, Expected::Objective(_))
    }
}

impl std::fmt::Display for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Expected::Objective(v) => write!(f, "objective {}", crate::solve::pretty(*v)),
            Expected::Infeasible => f.write_str("infeasible"),
            Expected::Unbounded => f.write_str("unbounded"),
            Expected::Unknown => f.write_str("no label"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub question: String,
    /// The label scored against: the dataset's, or a `--labels` correction.
    pub expected: Expected,
    /// The dataset's own label when `--labels` replaced it, so reports can show both scores.
    pub dataset_label: Option<Expected>,
}

#[derive(Debug, Clone)]
pub struct Dataset {
    pub name: String,
    pub path: PathBuf,
    pub sha256: String,
    pub items: Vec<Item>,
    /// From `datasets/SOURCES.md` when listed there.
    pub licence: Option<String>,
}

/// The label of a line: a number, or a status word for "infeasible"/"no best solution"/sentinels.
fn expected(v: &Value) -> Expected {
    if let Some(x) = v.get("answer").and_then(Value::as_f64) {
        return Expected::Objective(x);
    }
    let status = v.get("answer_status").and_then(Value::as_str).unwrap_or("");
    let raw = v.get("answer_raw").and_then(Value::as_str).unwrap_or("").to_lowercase();
    match status {
        // "No Best Solution" and the -99999/-9999 sentinels mark problems without an optimum.
        "no_best_solution" | "sentinel" => Expected::Infeasible,
        _ if raw.contains("infeasible") || raw.contains("no best solution") => Expected::Infeasible,
        _ if raw.contains("unbounded") => Expected::Unbounded,
        _ => Expected::Unknown,
    }
}

/// Reads a JSONL dataset; `overrides` (a JSONL of `{id, answer, answer_status}`) replaces labels.
pub fn load(path: &Path, overrides: Option<&Path>) -> Result<Dataset, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let sha256 = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let text = String::from_utf8(bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut items = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        let field = |k: &str| v.get(k).and_then(Value::as_str).map(String::from);
        let id = field("id").or_else(|| v.get("id").map(Value::to_string)).unwrap_or_else(|| format!("{}", n + 1));
        let question = field("question").ok_or_else(|| format!("{}:{}: no `question`", path.display(), n + 1))?;
        items.push(Item { id, question, expected: expected(&v), dataset_label: None });
    }
    if let Some(o) = overrides {
        let text = std::fs::read_to_string(o).map_err(|e| format!("{}: {e}", o.display()))?;
        let mut by_id: HashMap<String, Expected> = HashMap::new();
        for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", o.display(), n + 1))?;
            let id =
                v.get("id").and_then(Value::as_str).ok_or_else(|| format!("{}:{}: no `id`", o.display(), n + 1))?;
            by_id.insert(id.to_string(), expected(&v));
        }
        for item in &mut items {
            if let Some(e) = by_id.get(&item.id) {
                item.dataset_label = Some(item.expected);
                item.expected = *e;
            }
        }
    }
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    Ok(Dataset { name, path: path.to_path_buf(), sha256, items, licence: None })
}

/// The places a datasets folder is looked for, in order, each with why it is a candidate:
/// 1. `OPTFORM_DATASETS`, when set (and then nothing else: a variable that names the wrong
///    folder is a mistake to report, not to paper over);
/// 2. `datasets/` beside the binary, and `../share/optform/datasets` from it (how the wheel,
///    the Docker image and a hand-made install ship them);
/// 3. `datasets/` of the source tree the binary was built from, which `cargo install --path .`
///    and `cargo install --git` leave in place.
///
/// The 11 MB of datasets are not embedded in the binary: they are data to read, diff and
/// replace (`--labels`, a newer copy), and every install path above has them on disk.
pub fn candidates() -> Vec<(PathBuf, &'static str)> {
    if let Some(dir) = std::env::var_os("OPTFORM_DATASETS") {
        return vec![(PathBuf::from(dir), "OPTFORM_DATASETS")];
    }
    let mut out = Vec::new();
    if let Some(bin) = std::env::current_exe().ok().and_then(|e| e.parent().map(Path::to_path_buf)) {
        out.push((bin.join("datasets"), "beside the binary"));
        out.push((bin.join("../share/optform/datasets"), "the install prefix"));
    }
    out.push((Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets"), "the source tree it was built from"));
    out
}

/// The first candidate folder that holds a `.jsonl` file; `Err` says where it looked.
pub fn folder() -> Result<PathBuf, String> {
    located().map(|(dir, _)| dir)
}

/// The datasets folder and which candidate it is (`OPTFORM_DATASETS`, `the install prefix`, …).
pub fn located() -> Result<(PathBuf, &'static str), String> {
    let candidates = candidates();
    for (dir, why) in &candidates {
        if has_jsonl(dir) {
            return Ok((dir.clone(), why));
        }
    }
    let looked: Vec<String> = candidates.iter().map(|(d, why)| format!("{} ({why})", d.display())).collect();
    Err(format!(
        "no benchmark datasets found; looked in {}. Set OPTFORM_DATASETS to a folder of .jsonl files (the repository's datasets/), or pass a dataset's path",
        looked.join(", ")
    ))
}

fn has_jsonl(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(Result::ok).any(|e| e.path().extension().is_some_and(|x| x == "jsonl")))
        .unwrap_or(false)
}

/// A dataset by name (`nl4opt`) in the folder, or by path (`my/set.jsonl`).
pub fn find(name: &str, overrides: Option<&Path>) -> Result<Dataset, String> {
    let as_path = Path::new(name);
    let path = if as_path.extension().is_some_and(|e| e == "jsonl") {
        as_path.to_path_buf()
    } else {
        folder()?.join(format!("{name}.jsonl"))
    };
    if !path.exists() {
        let known = list_names().map(|n| n.join(", ")).unwrap_or_default();
        return Err(format!("no dataset `{name}` (looked for {}); known: {known}", path.display()));
    }
    let mut d = load(&path, overrides)?;
    d.licence = licence_of(&d.name);
    Ok(d)
}

/// The dataset names of the folder, sorted; `Err` when there is no folder (says where it looked).
pub fn list_names() -> Result<Vec<String>, String> {
    let mut names: Vec<String> = std::fs::read_dir(folder()?)
        .map_err(|e| e.to_string())?
        .filter_map(|e| {
            let p = e.ok()?.path();
            (p.extension()? == "jsonl").then(|| p.file_stem().map(|s| s.to_string_lossy().into_owned())).flatten()
        })
        .collect();
    names.sort();
    Ok(names)
}

/// The licence column of `SOURCES.md` for a file (`| nl4opt.jsonl | … | licence | notes |`).
fn licence_of(name: &str) -> Option<String> {
    let text = std::fs::read_to_string(folder().ok()?.join("SOURCES.md")).ok()?;
    let row = text.lines().find(|l| l.starts_with(&format!("| {name}.jsonl |")))?;
    let cells: Vec<&str> = row.split('|').map(str::trim).collect();
    // Primary and originals tables: licence is the 6th cell; alternates: the 5th.
    cells.iter().rev().nth(2).map(|s| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn labels_keep_infeasible_items_as_items() {
        assert_eq!(expected(&json!({"answer": 12.5})), Expected::Objective(12.5));
        assert_eq!(expected(&json!({"answer": null, "answer_status": "no_best_solution"})), Expected::Infeasible);
        assert_eq!(
            expected(&json!({"answer": null, "answer_status": "sentinel", "answer_raw": "-99999"})),
            Expected::Infeasible
        );
        assert_eq!(expected(&json!({"answer": null, "answer_status": "not_provided"})), Expected::Unknown);
        assert_eq!(expected(&json!({"answer": null, "answer_raw": "Unbounded"})), Expected::Unbounded);
    }

    #[test]
    fn vendored_datasets_load_with_their_counts() {
        let d = find("nl4opt", None).unwrap();
        assert_eq!(d.items.len(), 230);
        assert!(d.items.iter().all(|i| i.expected.is_numeric()));
        let c = find("nl4opt_cardinal", None).unwrap();
        assert_eq!(c.items.iter().filter(|i| i.expected == Expected::Infeasible).count(), 17);
        assert!(c.licence.unwrap().contains("CC BY-NC"));
    }
}
