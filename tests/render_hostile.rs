//! Rendered output never runs the text it carries. A formulation may come from an LLM, so its
//! free text (model name, descriptions, set elements) is written by an attacker here: each
//! payload tries to make a tool that reads the rendered file create a `PWNED_*` file (Python
//! `os.system`, MathProg `printf … >`, TeX `\write18` / `\openout`, a comment ended by a line
//! break). Every format is rendered and run by the real tool in a fresh folder; the tool must
//! succeed with `optform run`'s objective, no marker may appear, and the text must survive.

#[path = "common/tools.rs"]
mod tools;

use std::path::{Path, PathBuf};

use optform::compile::Compiled;
use optform::model::{Formulation, Model};
use optform::render::{render, Format};
use optform::solve::solve;
use serde_json::json;
use tools::{
    close, external, glpsol, has, has_katex, has_pyomo, highs_read_and_solve, katex_check, pdflatex, printed_objective,
    run_python,
};

const PY_PAYLOAD: &str = "x\"); import os; os.system(\"touch PWNED_py\")#";
const MATHPROG_PAYLOAD: &str = "'; printf \"x\" > \"PWNED_mathprog\";";
const TEX_PAYLOAD: &str = "\\immediate\\write18{touch PWNED_tex}\\input{/etc/passwd}";

/// Set elements: quotes, backslashes, line breaks, TeX and Markdown specials, HTML, non-ASCII.
fn elements() -> Vec<String> {
    [
        "a'b",
        PY_PAYLOAD,
        MATHPROG_PAYLOAD,
        "\\input{/etc/passwd}",
        "new\nline",
        "$x$ 100% #1 {a} & ^^5c ~",
        "a|b <img src=x onerror=alert(1)>",
        "$\\href{javascript:alert(1)}{click}$",
        "Zürich",
        "back\\slash \"quoted\"",
    ]
    .map(String::from)
    .to_vec()
}

/// The model's name: each target's way out of where the name is written, then a payload.
fn model_name() -> String {
    [
        "evil\"\"\"\nimport os; os.system('touch PWNED_py')\n\"\"\"",
        "\nprintf \"x\" > \"PWNED_mathprog\";\n",
        "\n\\immediate\\openout5=PWNED_tex\\immediate\\write5{x}\\immediate\\closeout5",
        PY_PAYLOAD,
    ]
    .concat()
}

struct Case {
    f: Formulation,
    m: Model,
    c: Compiled,
    objective: f64,
}

/// Maximize a weighted sum over the hostile elements under a shared cap: one optimum that every
/// solver must reproduce, reachable only through every element and an element literal.
fn hostile() -> Case {
    let elems = elements();
    let profit: serde_json::Map<_, _> = elems.iter().enumerate().map(|(k, e)| (e.clone(), json!(k + 1))).collect();
    let model = json!({
        "name": model_name(),
        "description": format!("{MATHPROG_PAYLOAD}\n{TEX_PAYLOAD}\n# heading <script>alert(1)</script> [x](javascript:y)"),
        "sets": { "P": elems },
        "parameters": { "profit": { "over": ["P"], "values": profit } },
        "variables": {
            "make": {
                "over": ["p in P"], "upper": "3",
                "description": format!("{PY_PAYLOAD}\n{TEX_PAYLOAD} **bold** _it_ `code`")
            }
        },
        "objective": { "sense": "maximize", "expression": "sum{p in P} profit[p] * make[p]" },
        "constraints": {
            "total": {
                "expression": "sum{p in P} make[p] <= 10",
                "description": format!("{MATHPROG_PAYLOAD} %\n\\catcode`\\|=0 |input{{/etc/passwd}}")
            },
            "pinned": { "expression": format!("make['{PY_PAYLOAD}'] + make[\"a'b\"] >= 4") }
        }
    });
    case(&model)
}

fn case(model: &serde_json::Value) -> Case {
    // The loader refuses a model name that is not a title; the renderers must be safe without
    // that help, so the hostile name is put back after the check.
    let mut model = model.clone();
    let name = model["name"].as_str().map(String::from);
    model["name"] = json!("hostile");
    let text = model.to_string();
    let checked = optform::check::check(
        optform::check::Source::Text { text: &text, origin: "hostile.json" },
        &Default::default(),
    )
    .unwrap_or_else(|d| panic!("the hostile model checks: {d}"));
    let (mut f, mut m, c) = (checked.formulation, checked.model, checked.compiled);
    if let Some(name) = name {
        f.name.clone_from(&name);
        m.name = name;
    }
    let objective = solve(&c, &Default::default()).objective.expect("the hostile model has an optimum");
    Case { f, m, c, objective }
}

/// A one-variable model whose name is `name` and nothing else hostile: a payload that runs as
/// soon as the name is pasted raw into the file, with the rest of the file still valid.
fn named(name: &str) -> Case {
    case(&json!({
        "name": name,
        "sets": { "P": ["a"] },
        "variables": { "make": { "over": ["P"], "upper": "2" } },
        "objective": { "sense": "maximize", "expression": "sum{p in P} make[p]" }
    }))
}

/// Each target's live exploit through the model name alone (each ran before the name was escaped).
#[test]
fn a_model_name_that_ends_its_string_or_comment_runs_nothing() {
    let exploits = [
        (Format::Pyomo, "model.py", "x\")\nimport os; os.system(\"touch PWNED_py\")\n#"),
        (Format::Ampl, "model.mod", "x\nprintf \"x\" > \"PWNED_mathprog\";\n#"),
        (
            Format::Latex,
            "model.tex",
            "x\n\\immediate\\openout5=PWNED_tex\\immediate\\write5{x}\\immediate\\closeout5\n%",
        ),
    ];
    for (format, file, name) in exploits {
        let tool_found = match format {
            Format::Pyomo => external("Python with pyomo and highspy", has_pyomo()),
            Format::Ampl => external("glpsol (Debian glpk-utils)", has("glpsol")),
            _ => external("pdflatex (Debian texlive-latex-base, texlive-latex-recommended)", has("pdflatex")),
        };
        if !tool_found {
            continue;
        }
        let case = named(name);
        let dir = fresh_dir(&format!("live-{}", format.name()));
        let (path, _) = write(&case, format, &dir, file);
        let objective = match format {
            Format::Pyomo => printed_objective(&String::from_utf8_lossy(&run_python(&path).stdout)),
            Format::Ampl => glpsol(&["--math"], &path).1,
            _ => pdflatex(&path).ok().map(|_| case.objective),
        };
        assert_no_marker(&dir);
        let objective = objective.unwrap_or_else(|| panic!("{} did not run to the end", format.name()));
        assert!(close(objective, case.objective), "{}: {objective} vs {}", format.name(), case.objective);
    }
}

/// A fresh, empty folder for one format's files: the tool's working directory.
fn fresh_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("hostile").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn write(case: &Case, format: Format, dir: &Path, file: &str) -> (PathBuf, String) {
    let text = render(&case.f, &case.m, &case.c, format, None).unwrap_or_else(|e| panic!("{}: {e}", format.name()));
    let path = dir.join(file);
    std::fs::write(&path, &text).unwrap();
    (path, text)
}

/// No file named `PWNED*` in the tool's folder nor in the crate's (the tests' working directory).
fn assert_no_marker(dir: &Path) {
    for d in [dir, Path::new(".")] {
        let found: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("PWNED"))
            .collect();
        assert!(found.is_empty(), "a payload ran: {found:?} in {}", d.display());
    }
}

#[test]
fn hostile_pyomo_script_solves_and_keeps_every_string_exactly() {
    if !external("Python with pyomo and highspy", has_pyomo()) {
        return;
    }
    let case = hostile();
    let dir = fresh_dir("pyomo");
    let (path, mut text) = write(&case, Format::Pyomo, &dir, "model.py");
    // Read the strings back from the running model: they must be the originals, not just safe.
    text.push_str(
        "    import json\n    print('NAME =', json.dumps(m.local_name))\n    print('ELEMENTS =', json.dumps(list(instance.P)))\n",
    );
    std::fs::write(&path, &text).unwrap();
    let out = run_python(&path);
    assert_no_marker(&dir);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let got = printed_objective(&stdout).unwrap_or_else(|| panic!("no objective in {stdout}"));
    assert!(close(got, case.objective), "Pyomo {got} vs optform {}", case.objective);
    let read_back = |key: &str| -> serde_json::Value {
        let line = stdout.lines().find_map(|l| l.strip_prefix(key)).unwrap_or_else(|| panic!("{key} in {stdout}"));
        serde_json::from_str(line.trim()).unwrap()
    };
    assert_eq!(read_back("NAME ="), json!(model_name()));
    assert_eq!(read_back("ELEMENTS ="), json!(elements()));
}

#[test]
fn hostile_mathprog_model_solves_under_glpsol_and_writes_no_file() {
    if !external("glpsol (Debian glpk-utils)", has("glpsol")) {
        return;
    }
    let case = hostile();
    let dir = fresh_dir("mathprog");
    let (path, text) = write(&case, Format::Ampl, &dir, "model.mod");
    // Print every element as glpsol holds it, to see the hostile ones arrive as data.
    let text = text.replacen("\ndata;\n", "\nprintf {p in P} \"ELEMENT %s\\n\", p;\n\ndata;\n", 1);
    std::fs::write(&path, text).unwrap();
    let (out, obj) = glpsol(&["--math"], &path);
    assert_no_marker(&dir);
    let obj = obj.unwrap_or_else(|| panic!("glpsol found no optimum:\n{out}"));
    assert!(close(obj, case.objective), "glpsol {obj} vs optform {}", case.objective);
    for shown in ["a'b", PY_PAYLOAD, MATHPROG_PAYLOAD, "new\\nline", "Z\\u{fc}rich", "back\\\\slash \"quoted\""] {
        assert!(out.lines().any(|l| l == format!("ELEMENT {shown}")), "element {shown:?} missing:\n{out}");
    }
}

#[test]
fn hostile_latex_document_compiles_without_running_or_reading_anything() {
    if !external("pdflatex (Debian texlive-latex-base, texlive-latex-recommended)", has("pdflatex")) {
        return;
    }
    let case = hostile();
    let dir = fresh_dir("latex");
    let (path, text) = write(&case, Format::Latex, &dir, "model.tex");
    let log = pdflatex(&path);
    assert_no_marker(&dir);
    let log = log.unwrap_or_else(|errors| panic!("pdflatex failed:\n{errors}"));
    // TeX's log lists every file it opened as `(/path`.
    let full_log = std::fs::read_to_string(dir.join("model.log")).unwrap_or_default();
    assert!(!log.contains("/etc/passwd") && !full_log.contains("(/etc/passwd"), "pdflatex read /etc/passwd");
    // Outside comments only the template's own commands remain: the payloads' backslashes are
    // all `\textbackslash{}`.
    let code: String = text.lines().map(|l| uncommented(l).to_string() + "\n").collect();
    for command in ["\\input", "\\write18", "\\openout", "\\catcode", "\\href", "\\immediate"] {
        assert!(!code.contains(command), "{command} reached the document:\n{text}");
    }
    assert!(text.lines().next().is_some_and(|l| l.starts_with("% evil")), "the name is one comment line");
    for shown in ["\\textbackslash{}input\\{/etc/passwd\\}", "Z\u{fc}rich", "\\textasciicircum{}\\textasciicircum{}5c"]
    {
        assert!(text.contains(shown), "{shown} missing:\n{text}");
    }
}

/// A line of TeX up to its comment (a `%` that no backslash escapes).
fn uncommented(line: &str) -> &str {
    let mut escaped = false;
    for (k, c) in line.char_indices() {
        match c {
            '%' if !escaped => return &line[..k],
            '\\' => escaped = !escaped,
            _ => escaped = false,
        }
    }
    line
}

#[test]
fn hostile_markdown_has_no_html_link_or_math_escape_and_katex_parses_it() {
    let case = hostile();
    let dir = fresh_dir("markdown");
    let (path, text) = write(&case, Format::Markdown, &dir, "model.md");
    for raw in ["<img", "<script", "](javascript", "\\href", "\\input", "**bold**"] {
        assert!(!text.contains(raw), "{raw} reached the Markdown:\n{text}");
    }
    let heading = text.lines().next().unwrap_or_default();
    assert!(heading.starts_with("# evil") && heading.contains("PWNED_tex"), "the name is one heading: {heading}");
    for shown in ["&lt;script&gt;alert(1)&lt;/script&gt;", "&#91;x&#93;(javascript:y)", "\\textless{}img src=x"] {
        assert!(text.contains(shown), "{shown} missing:\n{text}");
    }
    if external("KaTeX (npm katex, folder in OPTFORM_KATEX)", has_katex()) {
        let (ok, report) = katex_check(&[path]);
        assert!(ok, "{report}\n{text}");
    }
}

#[test]
fn hostile_elements_in_lp_and_mps_stay_one_name_each() {
    let case = hostile();
    let dir = fresh_dir("lp");
    let (lp, lp_text) = write(&case, Format::Lp, &dir, "model.lp");
    let (mps, mps_text) = write(&case, Format::Mps, &dir, "model.mps");
    for (path, ext) in [(&lp, "lp"), (&mps, "mps")] {
        let (status, obj) = highs_read_and_solve(path);
        assert_eq!(status, highs_sys::MODEL_STATUS_OPTIMAL, "HiGHS on the {ext} file");
        assert!(close(obj, case.objective), "HiGHS ({ext}) {obj} vs optform {}", case.objective);
    }
    // One column per element, and MPS lines keep their field counts: nothing split a name.
    let in_total = |l: &&str| l.trim_start().starts_with("make(") && l.split_whitespace().nth(1) == Some("total");
    let columns = mps_text.lines().filter(in_total).count();
    assert_eq!(columns, elements().len(), "{mps_text}");
    let fields_ok = |l: &str| l.starts_with('*') || l.split_whitespace().count() <= 4;
    assert!(mps_text.lines().all(fields_ok), "{mps_text}");
    assert!(lp_text.contains("make(new_line)") && mps_text.contains("make(new_line)"));
    if external("glpsol (Debian glpk-utils)", has("glpsol")) {
        let (out, obj) = glpsol(&["--lp"], &lp);
        let obj = obj.unwrap_or_else(|| panic!("glpsol --lp: {out}"));
        assert!(close(obj, case.objective), "glpsol (lp) {obj} vs optform {}", case.objective);
        // GLPK predates the OBJSENSE section: stripped, and `--max` said instead.
        let glpk_mps = mps.with_extension("glpk.mps");
        std::fs::write(&glpk_mps, mps_text.replace("OBJSENSE\n    MAX\n", "")).unwrap();
        let (out, obj) = glpsol(&["--freemps", "--max"], &glpk_mps);
        let obj = obj.unwrap_or_else(|| panic!("glpsol --freemps: {out}"));
        assert!(close(obj, case.objective), "glpsol (mps) {obj} vs optform {}", case.objective);
    }
    assert_no_marker(&dir);
}

/// Declared names bypassing the loader's check: code targets refuse them by name, documents
/// escape them.
#[test]
fn hostile_declared_names_are_refused_as_code_and_escaped_in_documents() {
    let mut case = hostile();
    let bad = format!("total{PY_PAYLOAD}\n{MATHPROG_PAYLOAD}{TEX_PAYLOAD}");
    case.f.constraints[0].name = bad.clone();
    for format in [Format::Pyomo, Format::Ampl] {
        let err = render(&case.f, &case.m, &case.c, format, None).expect_err("a hostile name is refused").to_string();
        // Quoted and escaped on one line, not Rust debug text.
        assert!(err.contains(&format!("`{}`", bad.escape_debug())) && !err.contains('\n'), "{}: {err}", format.name());
    }
    let latex = render(&case.f, &case.m, &case.c, Format::Latex, None).unwrap();
    let markdown = render(&case.f, &case.m, &case.c, Format::Markdown, None).unwrap();
    for (name, text) in [("latex", &latex), ("markdown", &markdown)] {
        assert!(!text.contains("\\input") && !text.contains("\\write18"), "{name}:\n{text}");
    }
    if external("pdflatex (Debian texlive-latex-base, texlive-latex-recommended)", has("pdflatex")) {
        let dir = fresh_dir("latex-names");
        std::fs::write(dir.join("model.tex"), &latex).unwrap();
        pdflatex(&dir.join("model.tex")).unwrap_or_else(|errors| panic!("pdflatex failed:\n{errors}"));
        assert_no_marker(&dir);
    }
}

/// A replacement template writes free text through the same filters: `py` is a literal that
/// Python reads back as the exact text.
#[test]
fn replacement_templates_escape_with_the_py_filter() {
    if !external("Python with pyomo and highspy", has_pyomo()) {
        return;
    }
    let case = hostile();
    let template = "import json\nprint(json.dumps([{{ name | py }}, \"{{ description | py_escape }}\"]))\n";
    let script = render(&case.f, &case.m, &case.c, Format::Pyomo, Some(template)).unwrap();
    let dir = fresh_dir("template");
    let path = dir.join("t.py");
    std::fs::write(&path, script).unwrap();
    let out = run_python(&path);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_no_marker(&dir);
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(got, json!([model_name(), case.f.description.clone().unwrap_or_default()]));
}

/// Names the loader accepts that are keywords or built-ins of some target (`class`, `lambda`,
/// `objective`, `length`, `sin`, `end`, `RHS`, `MARKER`, …) are renamed where they would clash,
/// so every format still solves to `optform run`'s optimum.
#[test]
fn names_that_are_keywords_of_a_target_solve_in_every_format() {
    let names = [
        "class",
        "lambda",
        "objective",
        "m",
        "pyo",
        "math",
        "class_",
        "length",
        "sin",
        "Infinity",
        "card",
        "end",
        "free",
        "st",
        "bounds",
        "infinity",
        "e",
        "RHS",
        "ENDATA",
        "MARKER",
        "subject",
        "general",
        "binary",
        "obj",
    ];
    let vars: serde_json::Map<_, _> =
        names.iter().enumerate().map(|(k, n)| (n.to_string(), json!({ "upper": (k + 1).to_string() }))).collect();
    let objective: Vec<String> = names.iter().enumerate().map(|(k, n)| format!("{} * {n}", k + 1)).collect();
    let case = case(&json!({
        "name": "keywords",
        "variables": vars,
        "objective": { "sense": "maximize", "expression": objective.join(" + ") },
        "constraints": {
            "cap": { "expression": format!("{} <= 40", names.join(" + ")) },
            "floor": { "expression": "e + infinity + class >= 1" }
        }
    }));
    let dir = fresh_dir("keywords");
    let (lp, _) = write(&case, Format::Lp, &dir, "model.lp");
    let (mps, mps_text) = write(&case, Format::Mps, &dir, "model.mps");
    for path in [&lp, &mps] {
        let (status, obj) = highs_read_and_solve(path);
        assert_eq!(status, highs_sys::MODEL_STATUS_OPTIMAL, "HiGHS on {}", path.display());
        assert!(close(obj, case.objective), "HiGHS {obj} vs optform {}", case.objective);
    }
    if external("glpsol (Debian glpk-utils)", has("glpsol")) {
        let glpk_mps = mps.with_extension("glpk.mps");
        std::fs::write(&glpk_mps, mps_text.replace("OBJSENSE\n    MAX\n", "")).unwrap();
        let (mod_path, _) = write(&case, Format::Ampl, &dir, "model.mod");
        for (args, path) in
            [(&["--lp"][..], &lp), (&["--freemps", "--max"][..], &glpk_mps), (&["--math"][..], &mod_path)]
        {
            let (out, obj) = glpsol(args, path);
            let obj = obj.unwrap_or_else(|| panic!("glpsol {args:?}: {out}"));
            assert!(close(obj, case.objective), "glpsol {args:?} {obj} vs optform {}", case.objective);
        }
    }
    if external("Python with pyomo and highspy", has_pyomo()) {
        let (path, _) = write(&case, Format::Pyomo, &dir, "model.py");
        let out = run_python(&path);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let got =
            printed_objective(&stdout).unwrap_or_else(|| panic!("{stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
        assert!(close(got, case.objective), "Pyomo {got} vs optform {}", case.objective);
    }
}

/// GLPK refuses string literals over 100 characters: the renderer names the element instead
/// of writing a file glpsol cannot read; escapes count (`é` is written `\u{e9}`).
#[test]
fn mathprog_names_an_element_too_long_for_glpk() {
    let model = |elem: &str| {
        case(&json!({
            "name": "long",
            "sets": { "P": [elem] },
            "variables": { "make": { "over": ["P"], "upper": "2" } },
            "objective": { "sense": "maximize", "expression": "sum{p in P} make[p]" }
        }))
    };
    let fits = model(&"a".repeat(100));
    assert!(render(&fits.f, &fits.m, &fits.c, Format::Ampl, None).is_ok());
    let long = format!("{}é", "a".repeat(95));
    let too_long = model(&long);
    let err = render(&too_long.f, &too_long.m, &too_long.c, Format::Ampl, None).expect_err("refused").to_string();
    assert!(err.contains(&format!("`{long}`")) && err.contains("at most 100 characters"), "{err}");
}
