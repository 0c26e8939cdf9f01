//! Rendered models checked by tools nobody here wrote: HiGHS's own LP/MPS reader, GLPK's
//! `glpsol` (LP, MPS and MathProg) and real Pyomo with HiGHS. Each must reproduce the status
//! and objective of `optform run`.
//!
//! The external tools and how they are found: `common/tools.rs`.

#[path = "common/tools.rs"]
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use optform::compile::Compiled;
use optform::model::{Formulation, Model};
use optform::render::{render, Format};
use optform::solve::{solve, Status};
use tools::{
    close, external, glpsol, has, has_katex, has_pyomo, highs_read_and_solve, katex_check, pdflatex, printed_objective,
    run_python,
};

struct Example {
    name: String,
    f: Formulation,
    m: Model,
    c: Compiled,
    status: Status,
    objective: Option<f64>,
}

fn examples() -> Vec<Example> {
    let mut names: Vec<String> = std::fs::read_dir("examples")
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "json").then(|| p.file_stem().unwrap().to_string_lossy().into_owned())
        })
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|name| {
            let path = Path::new("examples").join(format!("{name}.json"));
            let options =
                optform::model::Options { data: optform::model::DataAccess::BesideModel, ..Default::default() };
            let checked =
                optform::check::check(optform::check::Source::File(&path), &options).unwrap_or_else(|d| panic!("{d}"));
            let (f, m, c) = (checked.formulation, checked.model, checked.compiled);
            let out = solve(&c, &Default::default());
            Example { name, f, m, c, status: out.status, objective: out.objective }
        })
        .collect()
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("render");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(e: &Example, format: Format, ext: &str) -> Option<PathBuf> {
    let text = match render(&e.f, &e.m, &e.c, format, None) {
        Ok(t) => t,
        Err(err) => {
            eprintln!("{}: {} not rendered: {err}", e.name, format.name());
            return None;
        }
    };
    let path = out_dir().join(format!("{}.{ext}", e.name));
    std::fs::write(&path, text).unwrap();
    Some(path)
}

fn highs_status(s: Status) -> i32 {
    match s {
        Status::Optimal => highs_sys::MODEL_STATUS_OPTIMAL,
        Status::Infeasible => highs_sys::MODEL_STATUS_INFEASIBLE,
        Status::Unbounded => highs_sys::MODEL_STATUS_UNBOUNDED,
        _ => -1,
    }
}

#[test]
fn lp_and_mps_read_back_by_highs_solve_the_same() {
    for e in examples() {
        for (format, ext) in [(Format::Lp, "lp"), (Format::Mps, "mps")] {
            let path = write(&e, format, ext).unwrap_or_else(|| panic!("{} renders every model", format.name()));
            let (status, obj) = highs_read_and_solve(&path);
            assert_eq!(status, highs_status(e.status), "{} ({ext})", e.name);
            if let Some(want) = e.objective {
                assert!(close(obj, want), "{} ({ext}): {obj} vs {want}", e.name);
            }
        }
    }
}

/// GLPK solves LP and MILP; it has no QP and no semi-continuous or semi-integer variables.
fn glpk_can_solve(e: &Example) -> bool {
    use optform::compile::{SEMI_CONTINUOUS, SEMI_INTEGER};
    e.c.hessian.is_none() && !e.c.integrality.iter().any(|k| [SEMI_CONTINUOUS, SEMI_INTEGER].contains(k))
}

#[test]
fn glpsol_agrees_on_lp_and_mps_files() {
    if !external("glpsol (Debian glpk-utils)", has("glpsol")) {
        return;
    }
    for e in examples().iter().filter(|e| glpk_can_solve(e)) {
        let lp = write(e, Format::Lp, "lp").unwrap();
        let (text, obj) = glpsol(&["--lp"], &lp);
        assert_eq!(obj.is_some(), e.objective.is_some(), "{} (lp): {text}", e.name);
        if let (Some(a), Some(b)) = (obj, e.objective) {
            assert!(close(a, b), "{} (lp): glpsol {a} vs optform {b}", e.name);
        }
        // GLPK predates the OBJSENSE section: strip it and say --max instead.
        let mps = write(e, Format::Mps, "mps").unwrap();
        let text = std::fs::read_to_string(&mps).unwrap().replace("OBJSENSE\n    MAX\n", "");
        let glpk_mps = mps.with_extension("glpk.mps");
        std::fs::write(&glpk_mps, &text).unwrap();
        let sense = if text.len() < std::fs::read_to_string(&mps).unwrap().len() { "--max" } else { "--min" };
        let (out, obj) = glpsol(&["--freemps", sense], &glpk_mps);
        assert_eq!(obj.is_some(), e.objective.is_some(), "{} (mps): {out}", e.name);
        if let (Some(a), Some(b)) = (obj, e.objective) {
            assert!(close(a, b), "{} (mps): glpsol {a} vs optform {b}", e.name);
        }
    }
}

#[test]
fn mathprog_models_run_under_glpsol() {
    if !external("glpsol (Debian glpk-utils)", has("glpsol")) {
        return;
    }
    let mut ran = 0;
    for e in examples().iter().filter(|e| glpk_can_solve(e)) {
        let Some(path) = write(e, Format::Ampl, "mod") else { continue };
        let (text, obj) = glpsol(&["--math"], &path);
        assert_eq!(obj.is_some(), e.objective.is_some(), "{} (MathProg): {text}", e.name);
        if let (Some(a), Some(b)) = (obj, e.objective) {
            assert!(close(a, b), "{} (MathProg): glpsol {a} vs optform {b}", e.name);
        }
        ran += 1;
    }
    assert!(ran >= 12, "MathProg covered only {ran} examples");
}

#[test]
fn pyomo_scripts_run_under_real_pyomo_with_highs() {
    if !external("Python with pyomo and highspy", has_pyomo()) {
        return;
    }
    let mut ran = 0;
    for e in examples() {
        let Some(path) = write(&e, Format::Pyomo, "py") else { continue };
        let out = run_python(&path);
        let text = String::from_utf8_lossy(&out.stdout);
        let termination = text.lines().find_map(|l| l.strip_prefix("termination = ")).unwrap_or("").to_lowercase();
        match e.objective {
            Some(want) => {
                let got = printed_objective(&text)
                    .unwrap_or_else(|| panic!("{}: {text}\n{}", e.name, String::from_utf8_lossy(&out.stderr)));
                assert!(close(got, want), "{}: Pyomo {got} vs optform {want}", e.name);
            }
            None => {
                let word = if e.status == Status::Infeasible { "infeasible" } else { "unbounded" };
                assert!(termination.contains(word), "{}: Pyomo says {termination:?}, optform {word}", e.name);
            }
        }
        ran += 1;
    }
    assert!(ran >= 15, "Pyomo covered only {ran} examples");
}

#[test]
fn unsupported_constructs_are_named_not_dropped() {
    let all = examples();
    let by_name = |n: &str| all.iter().find(|e| e.name == n).unwrap();
    let qp = by_name("portfolio_qp");
    let err = render(&qp.f, &qp.m, &qp.c, Format::Ampl, None).unwrap_err().to_string();
    assert!(err.contains("quadratic objective"), "{err}");
    let sc = by_name("semicontinuous");
    for format in [Format::Ampl, Format::Pyomo] {
        let err = render(&sc.f, &sc.m, &sc.c, format, None).unwrap_err().to_string();
        assert!(err.contains("semi-continuous variable"), "{err}");
    }
}

#[test]
fn snapshots_of_every_format() {
    let all = examples();
    for name in ["production_indexed", "max_flow", "inventory"] {
        let e = all.iter().find(|e| e.name == name).unwrap();
        for format in [Format::Lp, Format::Mps, Format::Pyomo, Format::Ampl, Format::Latex, Format::Markdown] {
            let text = render(&e.f, &e.m, &e.c, format, None).unwrap_or_else(|err| err.to_string());
            insta::assert_snapshot!(format!("{name}.{}", format.name()), text);
        }
    }
}

#[test]
fn latex_documents_compile_with_pdflatex() {
    if !external("pdflatex (Debian texlive-latex-base, texlive-latex-recommended)", has("pdflatex")) {
        return;
    }
    let dir = out_dir().join("latex");
    std::fs::create_dir_all(&dir).unwrap();
    for e in examples() {
        let tex = dir.join(format!("{}.tex", e.name));
        std::fs::write(&tex, render(&e.f, &e.m, &e.c, Format::Latex, None).unwrap()).unwrap();
        if let Err(errors) = pdflatex(&tex) {
            panic!("{}: pdflatex failed:\n{errors}", e.name);
        }
    }
}

#[test]
fn markdown_math_parses_with_katex() {
    if !external("KaTeX (npm katex, folder in OPTFORM_KATEX)", has_katex()) {
        return;
    }
    let files: Vec<PathBuf> = examples().iter().filter_map(|e| write(e, Format::Markdown, "md")).collect();
    let (ok, report) = katex_check(&files);
    assert!(ok, "{report}");
}

#[test]
fn cli_renders_to_a_file_with_a_replacement_template_and_names_what_it_cannot_express() {
    let dir = out_dir();
    let template = dir.join("count.j2");
    std::fs::write(&template, "{{ name }}: {{ columns_count }} columns, {{ rows_count }} rows\n").unwrap();
    let out_file = dir.join("count.txt");
    let bin = env!("CARGO_BIN_EXE_optform");
    let status = Command::new(bin)
        .args(["render", "examples/transportation.json", "--to", "lp", "--template"])
        .arg(&template)
        .arg("-o")
        .arg(&out_file)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(text.starts_with("beverage_distribution: ") && text.contains(" columns, "), "{text}");

    let out = Command::new(bin).args(["render", "examples/portfolio_qp.json", "--to", "ampl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: the ampl format cannot express a quadratic objective"), "{err}");
}
