//! One test per language construct: each model is small enough that its optimum is known by
//! hand (worked out in the comment), so the assertion checks the meaning, not just a parse.

#[path = "common/models.rs"]
mod models;
use models::*;
use optform::solve::Status;

#[test]
fn flat_scalar_style() {
    // max 30c + 50t, 2c + 3t <= 120, c + 2t <= 70 → c = 30, t = 20 (LP vertex, integral): 1900... check:
    // vertices: (0,35)=1750, (60,0)=1800, (30,20)=1900.
    let s = solve_json(
        r#"{ "name": "f", "variables": { "chairs": {}, "tables": {} },
             "objective": { "sense": "max", "expression": "30*chairs + 50*tables" },
             "constraints": { "wood": "2*chairs + 3*tables <= 120", "paint": "chairs + 2*tables <= 70" } }"#,
    );
    assert_eq!(s.status, Status::Optimal);
    assert_close(s.objective, 1900.0);
    assert_close(s.value("chairs"), 30.0);
}

#[test]
fn ordered_string_set_steps_back_with_t_minus_1_and_guards_with_first() {
    // Demand 10, 20, 30 over jan..mar, start stock 5, production costs 1, 2, 3 per unit and
    // holding 0.5: producing early is cheaper until holding cost adds up.
    // jan: make 5+20+30-5? Work it out: cost of making a unit in jan for mar = 1 + 2*0.5 = 2,
    // in feb for mar = 2 + 0.5 = 2.5, in mar = 3 → make everything in jan:
    // make[jan] = 10 + 20 + 30 - 5 = 55 → cost 55; holding: after jan 50, after feb 30 → 40.
    let s = solve_json(
        r#"{ "name": "inv", "sets": { "M": ["jan", "feb", "mar"] },
             "parameters": { "demand": { "over": ["M"], "values": [10, 20, 30] },
                             "cost": { "over": ["M"], "values": { "jan": 1, "feb": 2, "mar": 3 } },
                             "initial": 5 },
             "variables": { "make": { "over": ["M"] }, "stock": { "over": ["M"] } },
             "objective": { "sense": "minimize", "expression": "sum{m in M} (cost[m]*make[m] + 0.5*stock[m])" },
             "constraints": { "balance": { "forall": "m in M",
                 "expression": "(if m == first(M) then initial else stock[m-1]) + make[m] - demand[m] == stock[m]" } } }"#,
    );
    assert_close(s.objective, 95.0);
    assert_close(s.value("make[jan]"), 55.0);
    assert_close(s.value("stock[feb]"), 30.0);
}

#[test]
fn integer_range_sets_with_prev_filters_and_ord() {
    // x[t] >= x[t-1] + 1 for t > 1 and x[1] >= ord(1) = 1 → x = 1, 2, 3, 4; minimize the sum = 10.
    let s = solve_json(
        r#"{ "name": "r", "parameters": { "N": 4 }, "sets": { "T": "1..N" },
             "variables": { "x": { "over": ["T"] } },
             "objective": { "sense": "minimize", "expression": "sum{t in T} x[t]" },
             "constraints": { "step": { "forall": "t in T: t > first(T)", "expression": "x[t] >= x[prev(t)] + 1" },
                              "start": { "forall": "t in T: ord(t) == 1", "expression": "x[t] >= card(T) - 3" } } }"#,
    );
    assert_close(s.objective, 10.0);
    assert_close(s.value("x[4]"), 4.0);
}

#[test]
fn tuple_sets_index_variables_and_parameters_and_filter_sums() {
    // Max flow s→t with arcs s-a (3), s-b (2), a-b (1), a-t (2), b-t (3): cut {s} has 5,
    // cut {s,a,b}: a-t 2 + b-t 3 = 5 → max flow 5.
    let s = solve_json(
        r#"{ "name": "mf", "sets": { "N": ["s","a","b","t"], "Arcs": [["s","a"],["s","b"],["a","b"],["a","t"],["b","t"]] },
             "parameters": { "cap": { "over": ["Arcs"], "rows": [["s","a",3],["s","b",2],["a","b",1],["a","t",2],["b","t",3]] } },
             "variables": { "flow": { "over": ["(i,j) in Arcs"], "upper": "cap[i,j]" } },
             "objective": { "sense": "maximize", "expression": "sum{(i,j) in Arcs: i == 's'} flow[i,j]" },
             "constraints": { "balance": { "forall": "n in N: n != 's' and n != 't'",
                 "expression": "sum{(i,j) in Arcs: j == n} flow[i,j] == sum{(i,j) in Arcs: i == n} flow[i,j]" } } }"#,
    );
    assert_close(s.objective, 5.0);
    assert!(s.values.iter().any(|(n, _)| n == "flow[a,b]"));
}

#[test]
fn computed_parameters_defaults_and_membership() {
    // margin = price - cost: a 4, b 1, c 0 (cost defaults to price for c via default 5 = price).
    // One unit each at most, capacity 2 → pick a and b → 5.
    let s = solve_json(
        r#"{ "name": "cp", "sets": { "P": ["a","b","c"], "Cheap": ["a","b"] },
             "parameters": { "price": { "over": ["P"], "values": { "a": 6, "b": 3, "c": 5 } },
                             "cost": { "over": ["P"], "rows": [["a", 2], ["b", 2]], "default": 5 },
                             "margin": { "over": ["p in P"], "expression": "price[p] - cost[p]" },
                             "total": { "expression": "sum{p in P} margin[p]" } },
             "variables": { "x": { "over": ["P"], "upper": 1 } },
             "objective": { "sense": "maximize", "expression": "sum{p in P} margin[p] * x[p]" },
             "constraints": { "cap": "sum{p in P} x[p] <= 2", "all_margin": "sum{p in P: p in Cheap} x[p] <= total" } }"#,
    );
    assert_close(s.objective, 5.0);
}

#[test]
fn range_constraints_both_directions_and_equals_sign() {
    // 2 <= x + y <= 3 and 4 >= x >= 1, y = 0.5 → max x + y = 3 with x = 2.5.
    let s = solve_json(
        r#"{ "name": "rg", "variables": { "x": {}, "y": {} },
             "objective": { "sense": "maximize", "expression": "x + y" },
             "constraints": { "band": "2 <= x + y <= 3", "xb": "4 >= x >= 1", "fix": "y = 0.5" } }"#,
    );
    assert_close(s.objective, 3.0);
    assert_close(s.value("x"), 2.5);
}

#[test]
fn bounds_free_variables_and_objective_constants() {
    // min x + 10 with x free but x >= -7 from a constraint → 3; y bounded by parameter 4.
    let s = solve_json(
        r#"{ "name": "b", "parameters": { "cap": 4 },
             "variables": { "x": { "lower": "-inf" }, "y": { "upper": "cap", "lower": "-cap" } },
             "objective": { "sense": "minimize", "expression": "x + 10 - y" },
             "constraints": { "c": "x >= -7" } }"#,
    );
    assert_close(s.objective, -1.0);
    assert_close(s.value("y"), 4.0);
}

#[test]
fn semicontinuous_variables_are_zero_or_in_range() {
    // Need 3 units; the semi-continuous source costs 1 but runs at 5..10, the other costs 2.
    // Running the first at 5 costs 5 (surplus allowed); buying 3 from the second costs 6 → 5.
    let s = solve_json(
        r#"{ "name": "sc", "variables": { "a": { "type": "semicontinuous", "lower": 5, "upper": 10 }, "b": {} },
             "objective": { "sense": "minimize", "expression": "a + 2*b" },
             "constraints": { "need": "a + b >= 3" } }"#,
    );
    assert_close(s.objective, 5.0);
}

#[test]
fn binary_and_integer_types() {
    // Knapsack capacity 5: items (w, v) = (2, 3), (3, 4), (4, 5) → take 1 and 2 → 7.
    let s = solve_json(
        r#"{ "name": "k", "sets": { "I": [1, 2, 3] },
             "parameters": { "w": { "over": ["I"], "values": [2, 3, 4] }, "v": { "over": ["I"], "values": { "1": 3, "2": 4, "3": 5 } } },
             "variables": { "take": { "over": ["I"], "type": "binary" }, "n": "integer" },
             "objective": { "sense": "maximize", "expression": "sum{i in I} v[i]*take[i] + 0*n" },
             "constraints": { "cap": "sum{i in I} w[i]*take[i] <= 5", "nb": "n <= 2.5" } }"#,
    );
    assert_close(s.objective, 7.0);
}

#[test]
fn convex_qp_least_squares() {
    // min (x - 1)^2 + (y - 2)^2 s.t. x + y <= 1 → projection of (1,2) on x+y=1: (0,1), value 2.
    let s = solve_json(
        r#"{ "name": "qp", "variables": { "x": { "lower": "-inf" }, "y": { "lower": "-inf" } },
             "objective": { "sense": "minimize", "expression": "(x - 1)^2 + (y - 2)^2" },
             "constraints": { "c": "x + y <= 1" } }"#,
    );
    assert_close(s.objective, 2.0);
    assert!((s.value("y") - 1.0).abs() < 1e-5);
}

#[test]
fn concave_maximization_qp() {
    // max 7x + 18 - x^2 along x + y = 5 (worked out by substitution) → x = 3.5, value 30.25.
    let s = solve_json(
        r#"{ "name": "mq", "variables": { "x": { "upper": 10 }, "y": { "upper": 10 } },
             "objective": { "sense": "maximize", "expression": "10*x + 8*y - x^2 - y^2 - x*y + 3" },
             "constraints": { "c": "x + y <= 5" } }"#,
    );
    assert_close(s.objective, 30.25);
}

#[test]
fn data_from_json_and_csv_files() {
    let s = solve_json(
        r#"{ "name": "files", "sets": { "Shops": { "file": "data/shops.csv", "column": "shop" } },
             "parameters": { "demand": { "over": ["Shops"], "file": "data/shops.csv", "keys": ["shop"], "column": "demand" },
                             "price": { "over": ["Shops"], "file": "data/prices.json" } },
             "variables": { "buy": { "over": ["s in Shops"], "lower": "demand[s]" } },
             "objective": { "sense": "minimize", "expression": "sum{s in Shops} price[s] * buy[s]" } }"#,
    );
    // demand north 10, south 12; price 2 and 3 → 20 + 36.
    assert_close(s.objective, 56.0);
}

#[test]
fn infeasible_unbounded_and_time_limit_statuses() {
    let inf = solve_json(
        r#"{ "name": "i", "variables": { "x": {} }, "objective": { "sense": "min", "expression": "x" }, "constraints": { "c": "x <= -1" } }"#,
    );
    assert_eq!(inf.status, Status::Infeasible);
    let unb = solve_json(
        r#"{ "name": "u", "variables": { "x": {} }, "objective": { "sense": "max", "expression": "x" }, "constraints": { "c": "x >= 1" } }"#,
    );
    assert_eq!(unb.status, Status::Unbounded);
}

#[test]
fn nested_sums_and_constant_arithmetic() {
    // sum over i, j of (i*j/2)^1 * x[i,j] with x <= 1 and maximize: i,j in 1..2 → (1+2+2+4)/2 = 4.5;
    // constant parts: 2^3 - sqrt(16) + max(1, 2) = 6.
    let s = solve_json(
        r#"{ "name": "n", "sets": { "I": "1..2" },
             "variables": { "x": { "over": ["I", "I"], "upper": 1 } },
             "objective": { "sense": "maximize", "expression": "sum{i in I} sum{j in I} (i*j/2) * x[i,j] + 2^3 - sqrt(16) + max(1, 2)" },
             "constraints": {} }"#,
    );
    assert_close(s.objective, 10.5);
}

#[test]
fn strict_inequalities_and_unused_variables_are_warnings() {
    let d = diagnostics(
        r#"{ "name": "w", "variables": { "x": {}, "unused": {} },
             "objective": { "sense": "min", "expression": "x" }, "constraints": { "c": "x > 1" } }"#,
    );
    assert!(d.contains("warning: strict `>` is treated as `>=`"), "{d}");
    assert!(d.contains("warning: variable `unused` appears in no constraint"), "{d}");
    assert!(d.ends_with("0 errors, 2 warnings"), "{d}");
}

#[test]
fn every_error_is_reported_not_just_the_first() {
    let d = diagnostics(
        r#"{ "name": "e", "variables": { "x": {} },
             "objective": { "sense": "min", "expression": "y + z" },
             "constraints": { "a": "x*x <= 1", "b": "q >= 2" } }"#,
    );
    for needle in ["unknown name `y`", "unknown name `z`", "`x*x` is non-linear", "unknown name `q`"] {
        assert!(d.contains(needle), "missing {needle}: {d}");
    }
}

#[test]
fn prev_is_positional_while_t_minus_1_is_arithmetic_on_integers() {
    // Years 2020, 2022, 2025: prev(2025) is 2022; x grows by 1 per listed year → 0 + 1 + 2.
    let s = solve_json(
        r#"{ "name": "gap", "sets": { "Y": [2020, 2022, 2025] },
             "variables": { "x": { "over": ["Y"] } },
             "objective": { "sense": "minimize", "expression": "sum{y in Y} x[y]" },
             "constraints": { "grow": { "forall": "y in Y: y != first(Y)", "expression": "x[y] >= x[prev(y)] + 1" } } }"#,
    );
    assert_close(s.objective, 3.0);
    let d = diagnostics(
        r#"{ "name": "gap", "sets": { "Y": [2020, 2022, 2025] },
             "variables": { "x": { "over": ["Y"] } },
             "objective": { "sense": "minimize", "expression": "sum{y in Y} x[y]" },
             "constraints": { "grow": { "forall": "y in Y: y != first(Y)", "expression": "x[y] >= x[y-1] + 1" } } }"#,
    );
    assert!(d.contains("x[2021]: `2021` is not an element of set `Y` (in grow[2022])"), "{d}");
}
