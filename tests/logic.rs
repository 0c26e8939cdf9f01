//! One test per reformulated construct (`abs`, `max`/`min`, products with binaries, `count`,
//! `pwl`, implications, either-or, equivalence, negation), each small enough that its optimum
//! is worked out by hand in the comment; whether the LP form was used (no binaries) is checked
//! where the construct sits on its convex side. Every solve is verified against the model as
//! written (`solve_json` asserts it). What a user sees when a big-M has no bound to come from,
//! or a strict inequality cannot be enforced, is in `tests/broken/logic_*.json` (snapshots in
//! `check_errors.rs`).

#[path = "common/models.rs"]
mod models;
use models::*;
use optform::solve::Status;

#[test]
fn abs_bounded_above_is_an_lp() {
    // |x - 10| <= 3 means 7 <= x <= 13; minimising x gives 7, with no binary.
    let s = solve_json(
        r#"{ "name": "a", "variables": { "x": {} },
             "objective": { "sense": "minimize", "expression": "x" },
             "constraints": { "near": "abs(x - 10) <= 3" } }"#,
    );
    assert_close(s.objective, 7.0);
    assert!(!s.mip, "abs on its convex side needs no binaries");
}

#[test]
fn least_absolute_deviation_objective_is_an_lp() {
    // Minimise |x - 2| + |x - 5| + |x - 9|: the median, x = 5, gives 3 + 0 + 4 = 7.
    let s = solve_json(
        r#"{ "name": "lad", "variables": { "x": {"lower": "-inf"} },
             "objective": { "sense": "minimize", "expression": "abs(x - 2) + abs(x - 5) + abs(x - 9)" } }"#,
    );
    assert_close(s.objective, 7.0);
    assert_close(s.value("x"), 5.0);
    assert!(!s.mip);
}

#[test]
fn makespan_minimises_an_indexed_max() {
    // Jobs of 4, 3, 3 and 2 hours on two machines: 12 hours in all, split 6/6 ({4,2} and {3,3}),
    // so the smallest makespan is 6.
    let s = solve_json(
        r#"{ "name": "makespan", "sets": { "J": ["a","b","c","d"], "M": ["m1","m2"] },
             "parameters": { "hours": { "over": ["J"], "values": [4, 3, 3, 2] } },
             "variables": { "on": { "over": ["J", "M"], "type": "binary" } },
             "objective": { "sense": "minimize", "expression": "max{m in M} sum{j in J} hours[j]*on[j,m]" },
             "constraints": { "once": { "forall": "j in J", "expression": "sum{m in M} on[j,m] == 1" } } }"#,
    );
    assert_close(s.objective, 6.0);
}

#[test]
fn maximising_a_max_needs_binaries_and_is_exact() {
    // max(x, y) with x + y <= 10, x, y <= 8: one of them takes 8, so the maximum is 8
    // (the LP form t >= x, t >= y alone would be unbounded).
    let s = solve_json(
        r#"{ "name": "m", "variables": { "x": {"upper": 8}, "y": {"upper": 8} },
             "objective": { "sense": "maximize", "expression": "max(x, y)" },
             "constraints": { "sum": "x + y <= 10" } }"#,
    );
    assert_close(s.objective, 8.0);
    assert!(s.mip);
}

#[test]
fn min_bounded_below_is_an_lp() {
    // min(x, 6 - x) >= 2 means 2 <= x <= 4; maximise x gives 4.
    let s = solve_json(
        r#"{ "name": "mn", "variables": { "x": {} },
             "objective": { "sense": "maximize", "expression": "x" },
             "constraints": { "both": "min(x, 6 - x) >= 2" } }"#,
    );
    assert_close(s.objective, 4.0);
    assert!(!s.mip);
}

#[test]
fn abs_in_an_equality_is_exact() {
    // |x - y| == 3 with x + y <= 5, x, y in [0, 10]: maximise x gives x = 4, y = 1.
    let s = solve_json(
        r#"{ "name": "eq", "variables": { "x": {"upper": 10}, "y": {"upper": 10} },
             "objective": { "sense": "maximize", "expression": "x" },
             "constraints": { "gap": "abs(x - y) == 3", "cap": "x + y <= 5" } }"#,
    );
    assert_close(s.objective, 4.0);
    assert_close(s.value("y"), 1.0);
}

#[test]
fn fixed_charge_implication_switches_shipping_on_a_binary() {
    // Facilities a, b, c (capacity 10, 20, 30; fixed cost 50, 60, 100), 25 units to ship at 1
    // each: opening c alone costs 125; a+b costs 135; nothing else covers 25.
    let s = solve_json(
        r#"{ "name": "fc", "sets": { "F": ["a","b","c"] },
             "parameters": { "cap": { "over": ["F"], "values": [10, 20, 30] },
                             "fixed": { "over": ["F"], "values": [50, 60, 100] } },
             "variables": { "open": { "over": ["F"], "type": "binary" }, "ship": { "over": ["f in F"], "upper": "cap[f]" } },
             "objective": { "sense": "minimize", "expression": "sum{f in F} (fixed[f]*open[f] + ship[f])" },
             "constraints": { "demand": "sum{f in F} ship[f] >= 25",
                              "link": { "forall": "f in F", "expression": "open[f] == 0 => ship[f] <= 0" } } }"#,
    );
    assert_close(s.objective, 125.0);
    assert_close(s.value("open[c]"), 1.0);
}

#[test]
fn either_or_takes_the_cheaper_alternative() {
    // x >= 5 or y >= 8, minimising x + y: x = 5, y = 0.
    let s = solve_json(
        r#"{ "name": "eo", "variables": { "x": {"upper": 20}, "y": {"upper": 20} },
             "objective": { "sense": "minimize", "expression": "x + y" },
             "constraints": { "one": "x >= 5 or y >= 8" } }"#,
    );
    assert_close(s.objective, 5.0);
}

#[test]
fn count_limits_how_many_are_non_zero() {
    // Four amounts of at most 4 each, at most two of them non-zero: the total is at most 8.
    let s = solve_json(
        r#"{ "name": "cnt", "sets": { "I": "1..4" },
             "variables": { "x": { "over": ["I"], "upper": 4 } },
             "objective": { "sense": "maximize", "expression": "sum{i in I} x[i]" },
             "constraints": { "few": "count{i in I} (x[i] > 0) <= 2" } }"#,
    );
    assert_close(s.objective, 8.0);
}

#[test]
fn count_from_below_forces_enough_to_hold() {
    // At least two of x >= 3, y >= 3, z >= 3; minimising x + y + z gives 6.
    let s = solve_json(
        r#"{ "name": "cnt2", "variables": { "x": {"upper": 10}, "y": {"upper": 10}, "z": {"upper": 10} },
             "objective": { "sense": "minimize", "expression": "x + y + z" },
             "constraints": { "two": "count(x >= 3, y >= 3, z >= 3) >= 2" } }"#,
    );
    assert_close(s.objective, 6.0);
}

#[test]
fn binary_times_bounded_continuous_is_exact() {
    // 3·y·x - 5·y - 0.5·x with x <= 4: y = 1, x = 4 gives 12 - 5 - 2 = 5; y = 0 gives at best 0.
    let s = solve_json(
        r#"{ "name": "bx", "variables": { "y": "binary", "x": {"upper": 4} },
             "objective": { "sense": "maximize", "expression": "3*y*x - 5*y - 0.5*x" } }"#,
    );
    assert_close(s.objective, 5.0);
}

#[test]
fn product_of_three_binaries_in_a_constraint() {
    // a·b·c == 1 forces all three to 1; minimising a + b + c gives 3.
    let s = solve_json(
        r#"{ "name": "bbb", "variables": { "a": "binary", "b": "binary", "c": "binary" },
             "objective": { "sense": "minimize", "expression": "a + b + c" },
             "constraints": { "all": "a*b*c == 1" } }"#,
    );
    assert_close(s.objective, 3.0);
}

#[test]
fn convex_piecewise_cost_is_an_lp() {
    // Cost 1 per unit up to 10, then 2 per unit up to 20; at least 15 units cost 10 + 10 = 20.
    let s = solve_json(
        r#"{ "name": "pw", "variables": { "x": {} },
             "objective": { "sense": "minimize", "expression": "pwl(x, (0,0), (10,10), (20,30))" },
             "constraints": { "need": "x >= 15" } }"#,
    );
    assert_close(s.objective, 20.0);
    assert!(!s.mip);
}

#[test]
fn nonconvex_piecewise_profit_is_exact() {
    // Profit 0 up to 10 units, then 10 per unit up to 20, less 4 per unit: z = 20 gives
    // 100 - 80 = 20 (z = 0 gives 0, anything between less).
    let s = solve_json(
        r#"{ "name": "pw2", "variables": { "z": {"upper": 20} },
             "objective": { "sense": "maximize", "expression": "pwl(z, (0,0), (10,0), (20,100)) - 4*z" } }"#,
    );
    assert_close(s.objective, 20.0);
    assert!(s.mip);
}

#[test]
fn equivalence_ties_a_binary_to_a_threshold() {
    // y == 1 <=> n >= 4 with n integer in [0, 10]; maximise n - 5y: n = 10, y = 1 gives 5
    // (n <= 3 with y = 0 gives at most 3).
    let s = solve_json(
        r#"{ "name": "iff", "variables": { "y": "binary", "n": {"type": "integer", "upper": 10} },
             "objective": { "sense": "maximize", "expression": "n - 5*y" },
             "constraints": { "tie": "y == 1 <=> n >= 4" } }"#,
    );
    assert_close(s.objective, 5.0);
}

#[test]
fn negated_relation_on_integers_is_strict() {
    // not (n <= 6) is n >= 7 for an integer n.
    let s = solve_json(
        r#"{ "name": "not", "variables": { "n": {"type": "integer", "upper": 10} },
             "objective": { "sense": "minimize", "expression": "n" },
             "constraints": { "above": "not (n <= 6)", "odd": "n != 7" } }"#,
    );
    assert_close(s.objective, 8.0);
}

#[test]
fn infeasible_logic_is_reported_infeasible() {
    // b must be 1 (b or x >= 5 with x <= 3) and 0: no point.
    let s = solve_json(
        r#"{ "name": "inf", "variables": { "b": "binary", "x": {"upper": 3} },
             "objective": { "sense": "minimize", "expression": "x" },
             "constraints": { "need": "b or x >= 5", "off": "b == 0" } }"#,
    );
    assert_eq!(s.status, Status::Infeasible);
}
