//! Derived sets (set-builders, set algebra, filtered `over`), `mod`, infinite data and
//! semi-integer variables. Each model is small enough that its optimum is worked out by hand in
//! the comment above it, so the assertion checks what the construct means, not only that it
//! parses; and each construct's misuse is an error that says what is wrong.

#[path = "common/tools.rs"]
mod tools;

use optform::check::{check, Checked, Source};
use optform::model::{Code, Diagnostics, Limits, Options};
use optform::render::{render, Format};
use optform::solve::{solve, verify, Status};

fn checked(json: &str, opts: &Options) -> Result<Checked, Diagnostics> {
    check(Source::Text { text: json, origin: "test" }, opts)
}

struct Solved {
    checked: Checked,
    status: Status,
    objective: f64,
    values: Vec<(String, f64)>,
}

impl Solved {
    fn value(&self, name: &str) -> f64 {
        self.values.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no column {name}: {:?}", self.values)).1
    }

    /// The elements of a set as written in names (`a`, `a,b`), in order.
    fn set(&self, name: &str) -> Vec<String> {
        let m = &self.checked.model;
        let s = m.sets.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no set {name}"));
        (0..s.len()).map(|k| m.names.show_tuple(s.elem(k))).collect()
    }

    fn param(&self, name: &str) -> &[f64] {
        &self
            .checked
            .model
            .params
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no parameter {name}"))
            .values
    }
}

/// Checks, solves and verifies the model against the formulation.
fn solve_json(json: &str) -> Solved {
    let checked = checked(json, &Options::default()).unwrap_or_else(|d| panic!("{d}"));
    let out = solve(&checked.compiled, &Default::default());
    let x = out.x.clone().unwrap_or_default();
    if let Some(obj) = out.objective {
        let v = verify(&checked.model, &checked.compiled, &x, obj, 1e-6);
        assert!(v.ok, "{v:?}");
    }
    let values = x.iter().enumerate().map(|(k, &v)| (checked.model.col_name(k), v)).collect();
    Solved { checked, status: out.status, objective: out.objective.unwrap_or(f64::NAN), values }
}

/// The diagnostics of a model that must fail its check.
fn errors(json: &str) -> Diagnostics {
    errors_with(json, &Options::default())
}

fn errors_with(json: &str, opts: &Options) -> Diagnostics {
    match checked(json, opts) {
        Ok(c) => panic!("expected errors, the model checked with warnings: {}", c.warnings),
        Err(d) => d,
    }
}

/// Whether one error has `code`, `path` and a message containing `needle`.
fn has(d: &Diagnostics, code: Code, path: &str, needle: &str) -> bool {
    d.0.iter().any(|x| x.is_error() && x.code == code && x.path == path && x.message.contains(needle))
}

fn assert_close(a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{a} != {b}");
}

// ---------- set-builders ----------

#[test]
fn a_set_builder_of_distinct_pairs_leaves_out_the_loops() {
    // Every node picks one successor; going to a node costs a 1, b 2, c 3. With loops a
    // would pick itself (1); without, a→b (2), b→a (1), c→a (1) = 4.
    let s = solve_json(
        r#"{ "sets": { "N": ["a", "b", "c"], "Arcs": "{i in N, j in N: i != j}" },
             "parameters": { "cost": { "over": ["N"], "values": [1, 2, 3] } },
             "variables": { "x": { "over": ["(i,j) in Arcs"], "type": "binary" } },
             "objective": { "sense": "min", "expression": "sum{(i,j) in Arcs} cost[j]*x[i,j]" },
             "constraints": { "out": { "forall": "i in N", "expression": "sum{(k,j) in Arcs: k == i} x[k,j] == 1" } } }"#,
    );
    assert_close(s.objective, 4.0);
    assert_eq!(s.set("Arcs"), ["a,b", "a,c", "b,a", "b,c", "c,a", "c,b"]);
    assert_close(s.value("x[a,b]"), 1.0);
}

#[test]
fn reversed_pairs_joined_to_the_pairs_give_both_directions_of_an_undirected_graph() {
    // Undirected edges (weights) a-b 4, a-c 1, b-c 1, b-d 1, c-d 5, a-d 9. The shortest path
    // a→d is a→c→b→d = 1 + 1 + 1 = 3, and it uses c→b, the reverse of the listed edge b-c
    // (a-b-d is 5, a-c-d 6, a-d 9).
    let s = solve_json(
        r#"{ "sets": { "N": ["a", "b", "c", "d"],
                       "Listed": [["a","b"], ["a","c"], ["b","c"], ["b","d"], ["c","d"], ["a","d"]],
                       "Edges": "{i in N, j in N: ord(i) < ord(j) and (i,j) in Listed}",
                       "Both": "Edges union {(j,i) : (i,j) in Edges}" },
             "parameters": { "w": { "over": ["Listed"], "rows": [["a","b",4], ["a","c",1], ["b","c",1], ["b","d",1], ["c","d",5], ["a","d",9]] } },
             "variables": { "use": { "over": ["(i,j) in Both"] } },
             "objective": { "sense": "min", "expression": "sum{(i,j) in Both} (if (i,j) in Edges then w[i,j] else w[j,i]) * use[i,j]" },
             "constraints": { "flow": { "forall": "n in N",
                 "expression": "sum{(i,j) in Both: i == n} use[i,j] - sum{(i,j) in Both: j == n} use[i,j] == (if n == 'a' then 1 else if n == 'd' then -1 else 0)" } } }"#,
    );
    assert_close(s.objective, 3.0);
    assert_close(s.value("use[c,b]"), 1.0);
    // The left operand's elements first, then the new ones of the right, in their order.
    assert_eq!(s.set("Edges"), ["a,b", "a,c", "a,d", "b,c", "b,d", "c,d"]);
    assert_eq!(s.set("Both")[..7], ["a,b", "a,c", "a,d", "b,c", "b,d", "c,d", "b,a"]);
    assert_eq!(s.set("Both").len(), 12);
}

#[test]
fn a_set_filtered_on_parameter_data_is_built_once_that_data_is_in() {
    // `demand` is declared after the sets; Big = {p : demand[p] >= 10} = [b, d] in the order of
    // P; `bonus` is over Big. Each x[p] <= 1, so the optimum is bonus[b] + bonus[d] = 3 + 7.
    let s = solve_json(
        r#"{ "sets": { "P": ["a", "b", "c", "d"], "Big": "{p in P: demand[p] >= 10}", "Rest": "P diff Big" },
             "parameters": { "bonus": { "over": ["Big"], "values": { "b": 3, "d": 7 } },
                             "demand": { "over": ["P"], "values": { "a": 5, "b": 10, "c": 9.5, "d": 40 } } },
             "variables": { "x": { "over": ["p in Big"], "upper": 1 } },
             "objective": { "sense": "max", "expression": "sum{p in Big} bonus[p] * x[p]" },
             "constraints": {} }"#,
    );
    assert_close(s.objective, 10.0);
    assert_eq!(s.set("Big"), ["b", "d"]);
    assert_eq!(s.set("Rest"), ["a", "c"]);
}

#[test]
fn set_algebra_keeps_the_left_order_and_adds_no_element_twice() {
    let s = solve_json(
        r#"{ "sets": { "A": ["c", "a", "b"], "B": ["b", "d", "a"],
                       "U": "A union B", "D": "A diff B", "I": "A inter B", "J": "B inter A",
                       "Mixed": "A union B inter {x in A: x != 'a'}",
                       "Arcs": [["a","b"], ["a","c"], ["b","c"]], "Tails": "{i : (i,j) in Arcs}",
                       "Evens": "{t in 1..10: t mod 2 == 0}" },
             "variables": { "x": {} }, "objective": { "sense": "min", "expression": "x" }, "constraints": {} }"#,
    );
    assert_eq!(s.set("U"), ["c", "a", "b", "d"]);
    assert_eq!(s.set("D"), ["c"]);
    assert_eq!(s.set("I"), ["a", "b"]);
    assert_eq!(s.set("J"), ["b", "a"]);
    // `inter` binds tighter: A union (B inter {c, b}) = A union {b} = A.
    assert_eq!(s.set("Mixed"), ["c", "a", "b"]);
    // A head may project: each tail once, in the order first met.
    assert_eq!(s.set("Tails"), ["a", "b"]);
    assert_eq!(s.set("Evens"), ["2", "4", "6", "8", "10"]);
}

// ---------- a filter in `over` ----------

const FILTERED_OVER: &str = r#"{ "sets": { "N": ["a", "b", "c"] },
    "parameters": { "d": { "over": ["i in N, j in N: i != j"],
                           "rows": [["a","b",1], ["a","c",4], ["b","a",2], ["b","c",1], ["c","a",3], ["c","b",5]] } },
    "variables": { "x": { "over": ["i in N", "j in N: i != j"], "type": "binary" } },
    "objective": { "sense": "min", "expression": "sum{i in N, j in N: i != j} d[i,j] * x[i,j]" },
    "constraints": { "out": { "forall": "i in N", "expression": "sum{(k,j) in x_over: k == i} x[k,j] == 1" },
                     "in":  { "forall": "j in N", "expression": "sum{(i,k) in x_over: k == j} x[i,k] == 1" } } }"#;

#[test]
fn a_filter_in_over_indexes_the_entity_over_exactly_the_passing_tuples() {
    // An assignment without fixed points is a cyclic tour of 3 nodes: a→b→c→a = 1 + 1 + 3 = 5
    // or a→c→b→a = 4 + 5 + 2 = 11.
    let s = solve_json(FILTERED_OVER);
    assert_close(s.objective, 5.0);
    assert_eq!(s.checked.model.num_cols, 6, "no column for a pair i == j");
    assert_eq!(s.set("x_over"), ["a,b", "a,c", "b,a", "b,c", "c,a", "c,b"]);
    assert_eq!(s.set("d_over"), s.set("x_over"));
    assert_close(s.value("x[c,a]"), 1.0);
    // Both spellings of the same filtered index give the same entity.
    assert_eq!(s.param("d"), [1.0, 4.0, 2.0, 1.0, 3.0, 5.0]);
}

#[test]
fn an_index_outside_a_filtered_over_is_the_usual_not_in_set_error() {
    let d = errors(&FILTERED_OVER.replace("sum{i in N, j in N: i != j} d[i,j]", "sum{i in N, j in N} d[i,j]"));
    assert!(has(&d, Code::NotInSet, "objective.expression", "d[a,a]: `a,a` is not an element of set `d_over`"), "{d}");
    let d = errors(&FILTERED_OVER.replace(r#"["c","b",5]"#, r#"["c","c",5]"#));
    assert!(has(&d, Code::MissingData, "parameters.d.rows[5]", "`c,c` is not an element of set `d_over`"), "{d}");
}

#[test]
fn a_filter_in_over_goes_in_its_last_item_names_its_indices_and_its_set_name_is_free() {
    let d = errors(&FILTERED_OVER.replace(r#"["i in N", "j in N: i != j"]"#, r#"["i in N: i != 'a'", "j in N"]"#));
    assert!(
        has(&d, Code::InvalidValue, "variables.x.over[0]", "only the last item of `over` may have a filter"),
        "{d}"
    );
    let d = errors(&FILTERED_OVER.replace(r#"["i in N", "j in N: i != j"]"#, r#"["N", "N: 1 > 0"]"#));
    assert!(has(&d, Code::InvalidValue, "variables.x.over", "a filtered `over` must name its indices"), "{d}");
    let d = errors(&FILTERED_OVER.replace(r#""N": ["a", "b", "c"]"#, r#""N": ["a", "b", "c"], "x_over": ["a"]"#));
    assert!(
        has(&d, Code::DuplicateName, "variables.x.over", "declares the set `x_over`, but that name is taken"),
        "{d}"
    );
}

// ---------- set definition errors ----------

#[test]
fn set_definitions_name_what_they_cannot_use() {
    let model = |sets: &str| {
        format!(
            r#"{{ "sets": {{ "N": ["a", "b"], {sets} }}, "parameters": {{ "p": {{ "over": ["Q"], "default": 1 }} }},
                 "variables": {{ "y": {{}} }}, "objective": {{ "sense": "min", "expression": "y" }}, "constraints": {{}} }}"#
        )
    };
    let d = errors(&model(r#""Arcs": "{i in N, j in M: i != j}", "Q": ["a"]"#));
    assert!(has(&d, Code::UnknownName, "sets.Arcs", "unknown set `M`"), "{d}");
    let d = errors(&model(r#""Pairs": "{i in N, j in N}", "U": "N union Pairs", "Q": ["a"]"#));
    assert!(
        has(
            &d,
            Code::IndexCount,
            "sets.U",
            "`N` has elements of 1 item and `Pairs` of 2 items: `union` needs both alike"
        ),
        "{d}"
    );
    let d = errors(&model(r#""S": "S union N", "L": "N union Q", "Q": ["a"]"#));
    assert!(has(&d, Code::InvalidValue, "sets.S", "set `S` is defined in terms of itself"), "{d}");
    assert!(has(&d, Code::InvalidValue, "sets.L", "set `Q` is declared after `L`"), "{d}");
    let d = errors(&model(r#""H": "{(k,i) : i in N}", "V": "{i in N: y >= 1}", "Q": ["a"]"#));
    assert!(has(&d, Code::UnknownName, "sets.H", "`k` is not an index bound in this set-builder"), "{d}");
    assert!(has(&d, Code::WrongKind, "sets.V", "variables cannot appear in a set definition"), "{d}");
    // Q needs p, and p is indexed over Q.
    let d = errors(&model(r#""Q": "{i in N: p[i] > 0}""#));
    assert!(has(&d, Code::InvalidValue, "sets.Q", "set `Q` uses parameter `p`, which needs `Q`"), "{d}");
    let d = errors(&model(r#""B": "{i in N: i != 'a'", "Q": ["a"]"#));
    assert!(has(&d, Code::Syntax, "sets.B", "expected `}` to close the set-builder"), "{d}");
}

#[test]
fn set_builders_respect_the_set_size_and_iteration_limits() {
    let json = r#"{ "sets": { "T": "1..40", "Pairs": "{s in T, t in T: s < t}" },
        "variables": { "y": {} }, "objective": { "sense": "min", "expression": "y" }, "constraints": {} }"#;
    // 40·39/2 = 780 pairs from 1,600 combinations.
    let small = Options { limits: Limits { set_size: 500, ..Default::default() }, ..Default::default() };
    let d = errors_with(json, &small);
    assert!(has(&d, Code::Limit, "sets.Pairs", "the set has more than 500 elements"), "{d}");
    assert!(d.to_string().contains("--max set_size="), "{d}");
    let few = Options { limits: Limits { iterations: 1_000, ..Default::default() }, ..Default::default() };
    let d = errors_with(json, &few);
    assert!(has(&d, Code::Limit, "sets.Pairs", "more index combinations than the limit"), "{d}");
    assert!(checked(json, &Options::default()).is_ok());
}

// ---------- mod ----------

#[test]
fn mod_wraps_an_index_around_and_rounds_the_quotient_down() {
    // y[s] <= x[(s mod 5) + 1] <= (s mod 5) + 1: y[1..4] <= 2..5 and y[5] <= x[1] <= 1, so
    // max Σ s·y[s] = 1·2 + 2·3 + 3·4 + 4·5 + 5·1 = 45.
    let s = solve_json(
        r#"{ "sets": { "S": "1..5" },
             "parameters": { "m": "-1 mod 7", "k": { "expression": "-8 mod 3" }, "n": { "expression": "7 mod -3" },
                             "wrap": { "over": ["s in S"], "expression": "(s mod card(S)) + 1" } },
             "variables": { "x": { "over": ["t in S"], "upper": "t" }, "y": { "over": ["S"] } },
             "objective": { "sense": "max", "expression": "sum{s in S} s * y[s]" },
             "constraints": { "link": { "forall": "s in S", "expression": "y[s] <= x[(s mod card(S)) + 1]" },
                              "odd": "sum{s in S: s mod 2 == 1} y[s] >= 0" } }"#,
    );
    assert_close(s.objective, 45.0);
    assert_close(s.value("y[5]"), 1.0);
    // Mathematical modulo: the remainder takes the divisor's sign (-1 = 7·(-1) + 6).
    assert_eq!(s.param("m"), [6.0]);
    assert_eq!(s.param("k"), [1.0]);
    assert_eq!(s.param("n"), [-2.0]);
    assert_eq!(s.param("wrap"), [2.0, 3.0, 4.0, 5.0, 1.0]);
}

#[test]
fn mod_parses_at_the_precedence_of_times_and_prints_back() {
    use optform::expr::parse_expr;
    let e = parse_expr("a + b mod c * d").unwrap();
    assert_eq!(e.to_string(), "a + b mod c*d");
    let optform::expr::ExprKind::Binary { rhs, .. } = &e.kind else { panic!() };
    assert_eq!(rhs.to_string(), "b mod c*d");
    assert_eq!(parse_expr("a mod (b * c)").unwrap().to_string(), "a mod (b*c)");
    assert_eq!(parse_expr("(sum{i in I} x[i]) mod 2").unwrap().to_string(), "(sum{i in I} x[i]) mod 2");
    // `%` is no `mod`: in word problems (and LLM answers) it means per cent.
    assert!(parse_expr("t % 7").is_err());
    // A long chain is balanced, but never across a `mod`: it keeps the left-to-right value.
    let src = format!("{} mod 7 * 2", vec!["2"; 20].join("*"));
    let e = parse_expr(&src).unwrap();
    assert_eq!(parse_expr(&e.to_string()).unwrap(), e);
}

#[test]
fn mod_by_zero_and_mod_of_a_variable_are_errors() {
    let model = |cons: &str| {
        format!(
            r#"{{ "parameters": {{ "z": 0, "h": 2.5 }}, "variables": {{ "x": {{ "upper": 9 }} }},
                 "objective": {{ "sense": "max", "expression": "x" }}, "constraints": {{ "c": "{cons}" }} }}"#
        )
    };
    let d = errors(&model("x <= 5 mod 0"));
    assert!(has(&d, Code::Arithmetic, "constraints.c", "`mod` by zero"), "{d}");
    let d = errors(&model("x <= 5 mod z"));
    assert!(has(&d, Code::Arithmetic, "constraints.c", "`mod` by zero"), "{d}");
    let d = errors(&model("x <= h mod 2"));
    assert!(has(&d, Code::Arithmetic, "constraints.c", "`mod` takes integers, found 2.5"), "{d}");
    let d = errors(&model("x mod 2 <= 1"));
    assert!(
        has(&d, Code::NonLinear, "constraints.c", "`x mod 2` is non-linear: `mod` of an expression with variables"),
        "{d}"
    );
}

// ---------- infinite data ----------

#[test]
fn infinite_data_leaves_bounds_and_constraint_sides_open() {
    // cap[a] = inf (given, computed or by default) leaves x[a] unbounded above (its bound, its
    // rows of `cap` and `limit`, `open` and `scaled`); cap[b] = 5 binds, so `mix` gives x[b] = 5, x[a] = 12.5. `low` = -inf frees y,
    // which only `floor` bounds: y = -3. Max x[a] + x[b] - y = 12.5 + 5 + 3 = 20.5.
    let s = solve_json(
        r#"{ "sets": { "A": ["a", "b"] },
             "parameters": { "cap": { "over": ["A"], "values": { "a": "inf", "b": 5 } },
                             "row_cap": { "over": ["p in A"], "expression": "if p == 'b' then 5 else inf" },
                             "limit": { "over": ["A"], "rows": [["b", 5]], "default": "inf" },
                             "big": "inf", "low": "-inf" },
             "variables": { "x": { "over": ["p in A"], "upper": "cap[p]" }, "y": { "lower": "low" } },
             "objective": { "sense": "max", "expression": "sum{p in A} x[p] - y" },
             "constraints": { "cap": { "forall": "p in A", "expression": "x[p] <= row_cap[p]" },
                              "mix": "2*x['a'] + x['b'] <= 30", "open": "x['a'] <= big", "floor": "y >= -3",
                              "limit": { "forall": "p in A", "expression": "x[p] <= limit[p]" },
                              "scaled": "x['a'] <= 2 * big + 1" } }"#,
    );
    assert_eq!(s.status, Status::Optimal);
    assert_close(s.objective, 20.5);
    assert_close(s.value("x[a]"), 12.5);
    assert_eq!(s.param("row_cap"), [f64::INFINITY, 5.0]);
    assert_eq!(s.param("limit"), [f64::INFINITY, 5.0]);
    // The instance: x[a] has no upper bound and the rows of cap[a] and `open` are open above.
    let c = &s.checked.compiled;
    assert_eq!(c.col_upper[0], f64::INFINITY);
    assert_eq!(c.col_lower[2], f64::NEG_INFINITY);
    assert_eq!(c.row_upper[0], f64::INFINITY);
}

#[test]
fn infinite_data_in_a_coefficient_or_in_arithmetic_that_has_no_value_is_an_error_naming_the_entry() {
    let model = |extra: &str, objective: &str, cons: &str| {
        format!(
            r#"{{ "sets": {{ "A": ["a", "b"] }},
                 "parameters": {{ "cap": {{ "over": ["A"], "values": {{ "a": "inf", "b": 5 }} }} {extra} }},
                 "variables": {{ "x": {{ "over": ["A"], "upper": 10 }} }},
                 "objective": {{ "sense": "max", "expression": "{objective}" }},
                 "constraints": {{ "c": {{ "forall": "p in A", "expression": "{cons}" }} }} }}"#
        )
    };
    let plain = "sum{p in A} x[p]";
    let d = errors(&model("", "sum{p in A} cap[p]*x[p]", "x[p] <= 3"));
    assert!(
        has(
            &d,
            Code::Arithmetic,
            "objective.expression",
            "`cap[a]` is inf, so the coefficient of a variable here is infinite"
        ),
        "{d}"
    );
    let d = errors(&model("", plain, "x[p] / cap[p] <= 3"));
    assert!(has(&d, Code::Arithmetic, "constraints.c.expression", "`cap[a]` is inf, so the coefficient"), "{d}");
    let d = errors(&model("", plain, "x[p] + cap[p] <= cap[p]"));
    assert!(
        has(
            &d,
            Code::Arithmetic,
            "constraints.c.expression",
            "a side of this constraint is not a number: `cap[a]` is inf"
        ),
        "{d}"
    );
    assert!(d.to_string().contains("(in c[a])"), "{d}");
    let d = errors(&model("", plain, "x[p] >= cap[p]"));
    assert!(
        has(
            &d,
            Code::Arithmetic,
            "constraints.c.expression",
            "the lower limit of this constraint is inf (`cap[a]` is inf)"
        ),
        "{d}"
    );
    let d = errors(&model(r#", "gap": { "over": ["p in A"], "expression": "cap[p] - cap[p]" }"#, plain, "x[p] <= 3"));
    assert!(has(&d, Code::Arithmetic, "parameters.gap.expression", "`gap[a]` is not a number: `cap[a]` is inf"), "{d}");
    let d = errors(&model("", &format!("{plain} + sum{{p in A}} cap[p]"), "x[p] <= 3"));
    assert!(has(&d, Code::Arithmetic, "objective.expression", "the objective is infinite: `cap[a]` is inf"), "{d}");
}

// ---------- semi-integer ----------

const SEMI_INTEGER: &str = r#"{ "variables": { "z": { "type": "semi-integer", "lower": 2.5, "upper": 7.5 } },
    "objective": { "sense": "SENSE", "expression": "z" }, "constraints": { "c": "LIMIT" } }"#;

#[test]
fn a_semi_integer_variable_is_zero_or_an_integer_between_its_bounds() {
    let run = |sense: &str, limit: &str| solve_json(&SEMI_INTEGER.replace("SENSE", sense).replace("LIMIT", limit));
    // On, z is an integer in [2.5, 7.5], that is 3..7; off, it is 0.
    // min z with z >= 1: 3 (a semi-continuous z would give 2.5, an integer one 1).
    let s = run("min", "z >= 1");
    assert_close(s.objective, 3.0);
    assert_eq!(s.checked.compiled.integrality, [optform::compile::SEMI_INTEGER]);
    // max z with z <= 6.7: 6; with z <= 2.9 it cannot be on: 0.
    assert_close(run("max", "z <= 6.7").objective, 6.0);
    assert_close(run("max", "z <= 2.9").objective, 0.0);
    assert_close(run("max", "z <= 100").objective, 7.0);
    // The spelling without a hyphen is the same type.
    let s = solve_json(
        &SEMI_INTEGER.replace("semi-integer", "semiinteger").replace("SENSE", "min").replace("LIMIT", "z >= 1"),
    );
    assert_close(s.objective, 3.0);
}

#[test]
fn semi_integer_variables_are_written_to_lp_and_mps_and_read_back_the_same() {
    let s = solve_json(&SEMI_INTEGER.replace("SENSE", "min").replace("LIMIT", "z >= 1"));
    let (f, m, c) = (&s.checked.formulation, &s.checked.model, &s.checked.compiled);
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("semi-integer-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let lp = render(f, m, c, Format::Lp, None).unwrap();
    assert!(lp.contains("General\n z\n") && lp.contains("Semi-continuous\n z\n"), "{lp}");
    let mps = render(f, m, c, Format::Mps, None).unwrap();
    assert!(mps.contains(" SI BND z 7.5") && mps.contains("'INTORG'"), "{mps}");
    for (text, ext) in [(lp, "lp"), (mps, "mps")] {
        let path = dir.join(format!("model.{ext}"));
        std::fs::write(&path, text).unwrap();
        let (status, obj) = tools::highs_read_and_solve(&path);
        assert_eq!(status, highs_sys::MODEL_STATUS_OPTIMAL, "{ext}");
        assert_close(obj, 3.0);
    }
    for format in [Format::Ampl, Format::Pyomo] {
        let err = render(f, m, c, format, None).unwrap_err().to_string();
        assert!(err.contains("cannot express the semi-integer variable `z`"), "{err}");
    }
}

#[test]
fn a_semi_integer_variable_needs_a_finite_upper_bound() {
    let no_upper = SEMI_INTEGER.replace(r#", "upper": 7.5"#, "").replace("SENSE", "min").replace("LIMIT", "z >= 1");
    let d = errors(&no_upper);
    assert!(has(&d, Code::InvalidValue, "variables.z", "semi-integer variable `z` needs a finite upper bound"), "{d}");
    let d = errors(&SEMI_INTEGER.replace("7.5", r#""inf""#).replace("SENSE", "min").replace("LIMIT", "z >= 1"));
    assert!(has(&d, Code::InvalidValue, "variables.z.upper", "needs a finite upper bound, found inf"), "{d}");
}

// ---------- rendering ----------

#[test]
fn renderers_write_mod_and_infinity_in_each_target_and_mathprog_refuses_infinite_data() {
    let json = r#"{ "sets": { "T": "1..7", "A": ["a", "b"] },
        "parameters": { "cap": { "over": ["A"], "values": { "a": "inf", "b": 5 } },
                        "w": { "over": ["t in T"], "expression": "(t mod 7) + 1" } },
        "variables": { "x": { "over": ["p in A"], "upper": "cap[p]" }, "y": { "over": ["t in T"], "upper": "w[t]" } },
        "objective": { "sense": "max", "expression": "sum{t in T} y[t] + x['b']" }, "constraints": {} }"#;
    let c = checked(json, &Options::default()).unwrap_or_else(|d| panic!("{d}"));
    let out = |format| render(&c.formulation, &c.model, &c.compiled, format, None);
    let pyomo = out(Format::Pyomo).unwrap();
    assert!(pyomo.contains("t % 7 + 1") && pyomo.contains("'a': float('inf')"), "{pyomo}");
    let latex = out(Format::Latex).unwrap();
    assert!(latex.contains(r"t \bmod 7 + 1"), "{latex}");
    let err = out(Format::Ampl).unwrap_err().to_string();
    assert!(err.contains("cannot express the infinite data of `cap`"), "{err}");
    let finite = checked(&json.replace(r#""a": "inf""#, r#""a": 9"#), &Options::default()).unwrap();
    let ampl = render(&finite.formulation, &finite.model, &finite.compiled, Format::Ampl, None).unwrap();
    assert!(ampl.contains("param w{t in T} := t mod 7 + 1;"), "{ampl}");
}
