//! Solving small models written as JSON text, for the tests of the language.
#![allow(dead_code)]

use optform::check::{check, Checked, Source};
use optform::model::{DataAccess, Options};
use optform::solve::{solve, verify, Status};

pub struct Solved {
    pub status: Status,
    pub objective: f64,
    pub values: Vec<(String, f64)>,
    /// Whether the instance has integer columns (reformulations may add binaries).
    pub mip: bool,
}

impl Solved {
    pub fn value(&self, name: &str) -> f64 {
        self.values.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no column {name}: {:?}", self.values)).1
    }
}

/// Data files of these models live in `tests/`.
pub fn options() -> Options {
    Options { data: DataAccess::Within(std::env::current_dir().unwrap().join("tests")), ..Default::default() }
}

pub fn solve_json(json: &str) -> Solved {
    let checked: Checked =
        check(Source::Text { text: json, origin: "test" }, &options()).unwrap_or_else(|d| panic!("{d}"));
    let (m, c) = (checked.model, checked.compiled);
    let out = solve(&c, &Default::default());
    let x = out.x.clone().unwrap_or_default();
    if let Some(obj) = out.objective {
        let v = verify(&m, &c, &x, obj, 1e-6);
        assert!(v.ok, "{v:?}");
    }
    let values = x.iter().enumerate().map(|(k, &v)| (c.col_name(&m, k), v)).collect();
    Solved { status: out.status, objective: out.objective.unwrap_or(f64::NAN), values, mip: c.is_mip() }
}

/// All diagnostics (errors and warnings) as rendered text.
pub fn diagnostics(json: &str) -> String {
    match check(Source::Text { text: json, origin: "test" }, &options()) {
        Ok(c) => c.warnings.to_string(),
        Err(d) => d.to_string(),
    }
}

pub fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{a} != {b}");
}
