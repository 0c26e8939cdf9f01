//! Lexicographic (prioritised) objectives: a list of levels, each optimised with the levels
//! before it held at their optima (within their tolerances). The optima are worked out by hand
//! in the comments.
//!
//! The main model (`plan`): 0 <= a <= 8, 0 <= b <= 8, demand a + b >= 10, labour a + 2b <= 20.
//! Its vertices are (2,8), (8,2), (8,6) and (4,8):
//!
//! | vertex | cost 2a + 2b | service 3a + 5b | cost − service |
//! |--------|-------------:|----------------:|---------------:|
//! | (2,8)  | 20           | 46              | −26            |
//! | (8,2)  | 20           | 34              | −14            |
//! | (8,6)  | 28           | 54              | −26            |
//! | (4,8)  | 24           | 52              | −28            |
//!
//! - cost alone: 20 on the whole edge (2,8)–(8,2), where service is anywhere in 34..46;
//! - service alone: 54 at (8,6), at cost 28;
//! - the weighted sum cost − service: −28 at (4,8), at cost 24;
//! - lexicographic, cost then service: the best service on the cheapest edge, (2,8): cost 20,
//!   service 46. It is none of the three above.
//! - with tolerance 5 on cost (cost <= 25, i.e. a + b <= 12.5): service is best where
//!   a + b = 12.5 meets a + 2b = 20, at (5, 7.5): cost 25, service 52.5.

use std::io::Write;
use std::process::{Command, Stdio};

use optform::check::{check, Checked, Source};
use optform::model::Sense;
use optform::render::{render, Format};
use optform::solve::{self, solve, verify_outcome, Outcome, Status};
use serde_json::{json, Value};

fn plan(objective: Value) -> Value {
    json!({
        "name": "plan",
        "variables": { "a": { "upper": 8 }, "b": { "upper": 8 } },
        "objective": objective,
        "constraints": { "demand": "a + b >= 10", "labour": "a + 2*b <= 20" }
    })
}

fn cost_then_service(cost_level: Value) -> Value {
    let mut cost = json!({ "sense": "minimize", "expression": "2*a + 2*b", "name": "cost" });
    cost.as_object_mut().unwrap().extend(cost_level.as_object().unwrap().clone());
    plan(json!([cost, { "sense": "maximize", "expression": "3*a + 5*b", "name": "service" }]))
}

fn checked(model: &Value) -> Checked {
    let text = model.to_string();
    check(Source::Text { text: &text, origin: "test" }, &Default::default()).unwrap_or_else(|d| panic!("{d}"))
}

/// Solves and verifies; returns the outcome and the value of each column by name.
fn solved(model: &Value) -> (Outcome, Vec<(String, f64)>) {
    let c = checked(model);
    let out = solve(&c.compiled, &Default::default());
    if out.status == Status::Optimal {
        let v = verify_outcome(&c.model, &c.compiled, &out, 1e-6).expect("an optimum has a point");
        assert!(v.ok, "{v:?}");
        assert_eq!(v.levels.len(), out.levels.len());
    }
    let x = out.x.clone().unwrap_or_default();
    let values = x.iter().enumerate().map(|(k, &v)| (c.model.col_name(k), v)).collect();
    (out, values)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * b.abs().max(1.0)
}

fn assert_point(values: &[(String, f64)], want: &[(&str, f64)]) {
    for (name, v) in want {
        let got = values.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no column {name}")).1;
        assert!(close(got, *v), "{name} = {got}, expected {v} ({values:?})");
    }
}

/// Each level's value at the reported point, by name.
fn level_values(out: &Outcome) -> Vec<(String, f64)> {
    out.levels.iter().map(|l| (l.name.clone(), l.value.expect("a level value at the point"))).collect()
}

fn optform(args: &[&str], stdin: &Value) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_optform"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn the_lexicographic_optimum_is_neither_level_alone_nor_the_weighted_sum() {
    let (out, x) = solved(&cost_then_service(json!({})));
    assert_eq!(out.status, Status::Optimal);
    assert_point(&x, &[("a", 2.0), ("b", 8.0)]);
    let levels = level_values(&out);
    assert!(close(levels[0].1, 20.0) && close(levels[1].1, 46.0), "{levels:?}");
    assert_eq!((levels[0].0.as_str(), levels[1].0.as_str()), ("cost", "service"));
    // `objective` keeps its meaning: the first level's value.
    assert!(close(out.objective.unwrap(), 20.0));
    assert!(out.levels[0].bound.is_some_and(|b| close(b, 20.0)) && out.levels[1].bound.is_none());

    // Each level alone, and the weighted sum, as single objectives.
    let single = |sense: &str, expression: &str| solved(&plan(json!({ "sense": sense, "expression": expression })));
    let (cost_alone, _) = single("minimize", "2*a + 2*b");
    assert!(close(cost_alone.objective.unwrap(), 20.0));
    let (service_alone, x2) = single("maximize", "3*a + 5*b");
    assert!(close(service_alone.objective.unwrap(), 54.0));
    assert_point(&x2, &[("a", 8.0), ("b", 6.0)]);
    let (weighted, xw) = single("minimize", "(2*a + 2*b) - (3*a + 5*b)");
    assert!(close(weighted.objective.unwrap(), -28.0));
    assert_point(&xw, &[("a", 4.0), ("b", 8.0)]);
}

#[test]
fn a_tolerance_of_5_on_the_first_level_lets_the_second_gain() {
    let (out, x) = solved(&cost_then_service(json!({ "tolerance": 5 })));
    assert_eq!(out.status, Status::Optimal);
    assert_point(&x, &[("a", 5.0), ("b", 7.5)]);
    let levels = level_values(&out);
    assert!(close(levels[0].1, 25.0) && close(levels[1].1, 52.5), "{levels:?}");
    // The optimum the first level reached is still 20; it was held at 20 + 5.
    assert!(out.levels[0].optimum.is_some_and(|z| close(z, 20.0)));
    assert!(out.levels[0].bound.is_some_and(|b| close(b, 25.0)));

    // 25 % of 20 is the same slack, relatively.
    let (rel, x) = solved(&cost_then_service(json!({ "relative_tolerance": 0.25 })));
    assert_eq!(rel.status, Status::Optimal);
    assert_point(&x, &[("a", 5.0), ("b", 7.5)]);
}

#[test]
fn integer_levels_reach_the_same_lexicographic_optimum() {
    // Every vertex of `plan` on the way is integral: the MILP's answer is the LP's, (2,8).
    let mut model = cost_then_service(json!({}));
    model["variables"] = json!({ "a": { "upper": 8, "type": "integer" }, "b": { "upper": 8, "type": "integer" } });
    let (out, x) = solved(&model);
    assert_eq!(out.status, Status::Optimal);
    assert_point(&x, &[("a", 2.0), ("b", 8.0)]);
    assert!(close(level_values(&out)[1].1, 46.0));
}

#[test]
fn maximise_then_minimise_with_constant_terms() {
    // 0 <= a, b <= 6, a + b <= 10. Throughput a + b + 1 is 11 on the edge (4,6)–(6,4); on it
    // cost 3a + 2b + 7 = 27 + a is least at a = 4: (4,6), cost 31. (Cost alone would be 7 at 0.)
    let model = json!({
        "name": "maxmin",
        "variables": { "a": { "upper": 6 }, "b": { "upper": 6 } },
        "objective": [
            { "sense": "max", "expression": "a + b + 1", "name": "throughput" },
            { "sense": "min", "expression": "3*a + 2*b + 7", "name": "cost" }
        ],
        "constraints": { "cap": "a + b <= 10" }
    });
    let (out, x) = solved(&model);
    assert_eq!(out.status, Status::Optimal);
    assert_point(&x, &[("a", 4.0), ("b", 6.0)]);
    let levels = level_values(&out);
    assert!(close(levels[0].1, 11.0) && close(levels[1].1, 31.0), "{levels:?}");
    assert_eq!((out.levels[0].sense, out.levels[1].sense), (Sense::Maximize, Sense::Minimize));
    assert!(out.levels[0].bound.is_some_and(|b| b <= 11.0 && close(b, 11.0)), "a maximised level is held from below");
}

fn unbounded_second_level() -> Value {
    // waste a >= 0 is least at 0; then b >= 1 + a grows without limit.
    json!({
        "name": "runaway",
        "variables": { "a": {}, "b": {} },
        "objective": [
            { "sense": "minimize", "expression": "a", "name": "waste" },
            { "sense": "maximize", "expression": "b", "name": "growth" }
        ],
        "constraints": { "link": "b - a >= 1" }
    })
}

#[test]
fn an_unbounded_later_level_is_an_error_naming_it() {
    let (out, _) = solved(&unbounded_second_level());
    assert_eq!(out.status, Status::Unbounded);
    let message = out.message.clone().unwrap_or_default();
    assert!(message.contains("objective level 2 `growth`"), "{message}");
    assert!(out.levels[0].optimum.is_some_and(|z| close(z, 0.0)));

    let (code, text) = optform(&["run", "-"], &unbounded_second_level());
    assert_eq!(code, 4, "{text}");
    assert!(text.contains("objective level 2 `growth` is unbounded"), "{text}");
}

#[test]
fn a_single_object_objective_is_unchanged() {
    let model = plan(json!({ "sense": "minimize", "expression": "2*a + 2*b" }));
    let c = checked(&model);
    assert!(c.compiled.levels.is_empty() && !c.model.is_lexicographic());
    let out = solve(&c.compiled, &Default::default());
    assert!(out.levels.is_empty() && out.row_dual.is_some(), "an LP's duals are kept");
    let v = verify_outcome(&c.model, &c.compiled, &out, 1e-6).unwrap();
    assert!(v.ok && v.levels.is_empty());

    let (code, text) = optform(&["run", "-"], &model);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("objective (minimize) = 20") && !text.contains("objective["), "{text}");
    let (_, json_text) = optform(&["run", "-", "--json"], &model);
    let doc: Value = serde_json::from_str(&json_text).unwrap();
    assert!(doc.get("objectives").is_none() && doc["verification"].get("levels").is_none(), "{doc}");

    // Level keys belong to a list: in a single object they are unknown, as before.
    let named = plan(json!({ "sense": "minimize", "expression": "a", "name": "cost" }));
    let (code, text) = optform(&["check", "-"], &named);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("unknown key `name`"), "{text}");
}

#[test]
fn run_prints_every_level_and_json_lists_them_beside_the_objective() {
    let model = cost_then_service(json!({ "tolerance": 5 }));
    let (code, text) = optform(&["run", "-"], &model);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("optimal (verified)"), "{text}");
    assert!(text.contains("objective (minimize) = 25\n"), "{text}");
    assert!(text.contains("objective[cost]    (minimize, level 1) = 25   (optimum 20, held <= 25)"), "{text}");
    assert!(text.contains("objective[service] (maximize, level 2) = 52.5"), "{text}");
    assert!(text.contains("levels recomputed: cost 25 <= 25, service 52.5"), "{text}");

    let (code, json_text) = optform(&["run", "-", "--json"], &model);
    assert_eq!(code, 0, "{json_text}");
    let doc: Value = serde_json::from_str(&json_text).unwrap();
    assert_eq!(doc["objective"], json!(25.0));
    let levels = doc["objectives"].as_array().unwrap();
    let summary: Vec<(&str, &str, f64)> = levels
        .iter()
        .map(|l| (l["name"].as_str().unwrap(), l["sense"].as_str().unwrap(), l["value"].as_f64().unwrap()))
        .collect();
    assert_eq!(summary, vec![("cost", "minimize", 25.0), ("service", "maximize", 52.5)]);
    let keys: Vec<&String> = doc.as_object().unwrap().keys().collect();
    let at = keys.iter().position(|k| *k == "objective").unwrap();
    assert_eq!(keys[at + 1], "objectives", "the levels sit beside `objective`");
    assert_eq!(doc["verification"]["levels"].as_array().map(Vec::len), Some(2));
}

#[test]
fn verification_catches_a_held_level_past_its_bound() {
    let c = checked(&cost_then_service(json!({})));
    let mut out = solve(&c.compiled, &Default::default());
    // The weighted sum's point (4,8) has more service but costs 24, past cost's bound of 20.
    out.x = Some(vec![4.0, 8.0]);
    for (level, cost) in out.levels.iter_mut().zip(&c.compiled.levels) {
        level.value = Some(cost.value(&[4.0, 8.0]));
    }
    out.objective = out.levels[0].value;
    let v = verify_outcome(&c.model, &c.compiled, &out, 1e-6).unwrap();
    assert!(!v.ok, "{v:?}");
    assert!(v.levels[0].violation > 0.1 && v.levels[1].violation == 0.0, "{:?}", v.levels);
    assert!(close(v.levels[0].value, 24.0) && close(v.levels[1].value, 52.0));
}

#[test]
fn the_time_limit_covers_the_whole_sequence() {
    let c = checked(&cost_then_service(json!({})));
    let out = solve(&c.compiled, &solve::Options { time_limit: Some(0.0), ..Default::default() });
    assert_eq!(out.status, Status::TimeLimit, "{:?}", out.message);
    assert_eq!(out.levels.len(), 2);
}

#[test]
fn level_mistakes_are_reported_at_their_level() {
    let diagnostics = |model: &Value| {
        let text = model.to_string();
        match check(Source::Text { text: &text, origin: "test" }, &Default::default()) {
            Ok(c) => c.warnings.to_string(),
            Err(d) => d.to_string(),
        }
    };
    let quadratic = plan(json!([
        { "sense": "minimize", "expression": "a^2 + b" },
        { "sense": "maximize", "expression": "b" }
    ]));
    let text = diagnostics(&quadratic);
    assert!(text.contains("objective level `level1` is quadratic"), "{text}");
    assert!(text.contains("objective[0].expression"), "{text}");

    let twice = plan(json!([
        { "sense": "minimize", "expression": "a", "name": "level2" },
        { "sense": "maximize", "expression": "b" }
    ]));
    let text = diagnostics(&twice);
    assert!(text.contains("two objective levels are named `level2`") && text.contains("objective[1].name"), "{text}");

    let text = diagnostics(&plan(json!([])));
    assert!(text.contains("the objective list is empty"), "{text}");

    let negative = cost_then_service(json!({ "tolerance": -1 }));
    let text = diagnostics(&negative);
    assert!(text.contains("objective[0].tolerance") && text.contains("not a number ≥ 0"), "{text}");

    let bad_sense = plan(json!([{ "sense": "up", "expression": "a" }, { "sense": "max", "expression": "b" }]));
    let text = diagnostics(&bad_sense);
    assert!(text.contains("objective[0].sense") && text.contains("unknown sense `up`"), "{text}");

    let last =
        plan(json!([{ "sense": "min", "expression": "a" }, { "sense": "max", "expression": "b", "tolerance": 1 }]));
    let text = diagnostics(&last);
    assert!(text.contains("the last objective level's tolerance has no effect"), "{text}");
}

#[test]
fn documents_show_the_levels_in_priority_order_and_solver_files_refuse_them() {
    let c = checked(&cost_then_service(json!({ "tolerance": 5 })));
    let render_as = |format| render(&c.formulation, &c.model, &c.compiled, format, None);
    for format in [Format::Latex, Format::Markdown] {
        let text = render_as(format).unwrap();
        let (first, second) = (text.find("cost").unwrap(), text.find("service").unwrap());
        assert!(first < second, "{text}");
        assert!(text.contains("held within $5$ of its optimum"), "{text}");
        assert!(text.contains("\\min \\quad 2\\,a + 2\\,b") && text.contains("\\max \\quad 3\\,a + 5\\,b"), "{text}");
    }
    assert!(render_as(Format::Markdown).unwrap().contains("**Priority 2: service**"));
    for format in [Format::Lp, Format::Mps, Format::Pyomo, Format::Ampl] {
        let e = render_as(format).expect_err("one objective per solver file").to_string();
        assert!(e.contains("lexicographic objective (2 levels: `cost`, `service`)"), "{e}");
    }
}
