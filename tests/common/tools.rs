//! Running rendered models through the external tools (HiGHS's reader, glpsol, Pyomo,
//! pdflatex, KaTeX), shared by the render tests. Each tool runs with its working directory
//! in the folder of the file it reads, so whatever a file could make it write lands there.
//!
//! glpsol, Pyomo, pdflatex and KaTeX are external: without them a check is skipped with a
//! notice, unless OPTFORM_REQUIRE_EXTERNAL=1 (as in `.ci/run`), which makes a missing tool a
//! failure. OPTFORM_PYTHON names the Python that has `pyomo` and `highspy` (default: `python3`).
#![allow(dead_code)]

use std::ffi::CString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

/// Whether to run a check that needs `tool`; a missing tool fails under OPTFORM_REQUIRE_EXTERNAL.
pub fn external(tool: &str, found: bool) -> bool {
    if !found {
        let msg = format!("{tool} is not available");
        assert!(std::env::var("OPTFORM_REQUIRE_EXTERNAL").is_err(), "{msg} (OPTFORM_REQUIRE_EXTERNAL is set)");
        eprintln!("SKIPPED: {msg}; install it to run this cross-check (.ci/run does)");
    }
    found
}

pub fn has(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

fn folder_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new("."))
}

/// Status and objective of a model file solved by HiGHS's own reader.
pub fn highs_read_and_solve(path: &Path) -> (i32, f64) {
    let file = CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a fresh instance, NUL-terminated strings, destroyed at the end.
    unsafe {
        let h = highs_sys::Highs_create();
        let flag = CString::new("output_flag").unwrap();
        highs_sys::Highs_setBoolOptionValue(h, flag.as_ptr(), 0);
        let read = highs_sys::Highs_readModel(h, file.as_ptr());
        assert_ne!(read, highs_sys::STATUS_ERROR, "HiGHS could not read {}", path.display());
        highs_sys::Highs_run(h);
        let mut status = highs_sys::Highs_getModelStatus(h);
        if status == highs_sys::MODEL_STATUS_UNBOUNDED_OR_INFEASIBLE {
            let presolve = CString::new("presolve").unwrap();
            let off = CString::new("off").unwrap();
            highs_sys::Highs_setStringOptionValue(h, presolve.as_ptr(), off.as_ptr());
            highs_sys::Highs_run(h);
            status = highs_sys::Highs_getModelStatus(h);
        }
        let obj = highs_sys::Highs_getObjectiveValue(h);
        highs_sys::Highs_destroy(h);
        (status, obj)
    }
}

/// `glpsol` run on a file; returns its output and the objective of its solution report
/// (None when the status is not optimal).
pub fn glpsol(args: &[&str], path: &Path) -> (String, Option<f64>) {
    let report = path.with_extension("glpsol.txt");
    let out = Command::new("glpsol")
        .current_dir(folder_of(path))
        .args(args)
        .arg(path)
        .arg("-o")
        .arg(&report)
        .output()
        .expect("glpsol runs");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let sol = std::fs::read_to_string(&report).unwrap_or_default();
    let field = |key: &str| sol.lines().find_map(|l| l.strip_prefix(key)).map(str::trim).unwrap_or("");
    let optimal = field("Status:").contains("OPTIMAL");
    let obj =
        field("Objective:").split('=').nth(1).and_then(|v| v.split_whitespace().next()).and_then(|v| v.parse().ok());
    (text, if optimal { obj } else { None })
}

pub fn python() -> String {
    std::env::var("OPTFORM_PYTHON").unwrap_or_else(|_| "python3".into())
}

pub fn has_pyomo() -> bool {
    Command::new(python()).args(["-c", "import pyomo.environ, highspy"]).output().is_ok_and(|o| o.status.success())
}

/// A Python script run in its own folder.
pub fn run_python(path: &Path) -> Output {
    Command::new(python()).current_dir(folder_of(path)).arg(path).output().unwrap()
}

/// The `objective = …` line a rendered Pyomo script prints.
pub fn printed_objective(stdout: &str) -> Option<f64> {
    stdout.lines().find_map(|l| l.strip_prefix("objective = ")).and_then(|v| v.trim().parse().ok())
}

/// pdflatex (no shell escape beyond TeX Live's default) on a file, in its folder; the error
/// lines of the log when it fails.
pub fn pdflatex(tex: &Path) -> Result<String, String> {
    let dir = folder_of(tex);
    let out = Command::new("pdflatex")
        .current_dir(dir)
        .args(["-interaction=nonstopmode", "-halt-on-error", "-output-directory"])
        .arg(dir)
        .arg(tex)
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(log)
    } else {
        Err(log.lines().filter(|l| l.starts_with('!')).collect::<Vec<_>>().join("\n"))
    }
}

/// Where `katex` is installed (a `node_modules` folder), from OPTFORM_KATEX.
pub fn katex() -> Option<String> {
    let dir = std::env::var("OPTFORM_KATEX").ok()?;
    Path::new(&dir).join("katex").exists().then_some(dir)
}

pub fn has_katex() -> bool {
    katex().is_some() && has("node")
}

/// Every math span of the Markdown files parsed by KaTeX in strict mode: success and the report.
pub fn katex_check(files: &[PathBuf]) -> (bool, String) {
    let out = Command::new("node")
        .arg("scripts/check_math.js")
        .args(files)
        .env("NODE_PATH", katex().unwrap_or_default())
        .output()
        .unwrap();
    let report = String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success() && report.contains(" 0 failed"), report)
}
