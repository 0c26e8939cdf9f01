//! The reformulations against brute force: random tiny models (2–3 bounded integer variables
//! and a binary) mixing `abs`, `max`, `min`, products with a binary, `pwl`, `count` and logical
//! constraints are solved by optform and by enumerating every integer point, evaluating the
//! constraints as written by an evaluator of this file's own (not optform's). The optima must
//! agree, and optform's verification must accept its answer.

use std::fmt::Write;

use optform::check::{check, Source};
use optform::solve::{solve, verify, Status};

/// A small deterministic generator (xorshift), so a failure names a reproducible seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform in `lo..=hi`.
    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.int(0, items.len() as i64 - 1) as usize]
    }
    fn chance(&mut self, percent: i64) -> bool {
        self.int(1, 100) <= percent
    }
}

/// `Σ c[i]·v[i] + k` over all variables (the integers, then the binary `b`).
#[derive(Clone)]
struct Lin {
    c: Vec<i64>,
    k: i64,
}

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Le,
    Ge,
    Eq,
    Ne,
    Lt,
    Gt,
}

#[derive(Clone)]
struct Rel {
    lhs: Lin,
    op: Op,
    rhs: i64,
}

#[derive(Clone)]
enum Atom {
    Lin(Lin),
    Abs(Lin),
    Max(Vec<Lin>),
    Min(Vec<Lin>),
    /// `b * lin`.
    Product(Lin),
    /// `pwl(v[var], points)`.
    Pwl(usize, Vec<(i64, i64)>),
    Count(Vec<Rel>),
}

enum Logic {
    Rel(Rel),
    Not(Box<Logic>),
    And(Box<Logic>, Box<Logic>),
    Or(Box<Logic>, Box<Logic>),
    Implies(Box<Logic>, Box<Logic>),
    Iff(Box<Logic>, Box<Logic>),
}

/// `Σ k·atom`.
struct Expr(Vec<(i64, Atom)>);

enum Con {
    Top(Expr, Op, i64),
    Logic(Logic),
}

struct Model {
    bounds: Vec<(i64, i64)>,
    maximize: bool,
    objective: Expr,
    constraints: Vec<Con>,
}

const NAMES: [&str; 4] = ["x0", "x1", "x2", "b"];

fn name(i: usize, n: usize) -> &'static str {
    if i + 1 == n {
        "b"
    } else {
        NAMES[i]
    }
}

// ---------- generation ----------

fn lin(r: &mut Rng, n: usize) -> Lin {
    let mut c: Vec<i64> = (0..n).map(|_| if r.chance(55) { r.int(-2, 2) } else { 0 }).collect();
    if c.iter().all(|&k| k == 0) {
        let i = r.int(0, n as i64 - 2) as usize;
        c[i] = r.pick(&[-1, 1, 2]);
    }
    Lin { c, k: r.int(-3, 3) }
}

fn rel(r: &mut Rng, n: usize, strict_ok: bool) -> Rel {
    let ops: &[Op] =
        if strict_ok { &[Op::Le, Op::Ge, Op::Eq, Op::Ne, Op::Lt, Op::Gt] } else { &[Op::Le, Op::Ge, Op::Eq] };
    Rel { lhs: lin(r, n), op: r.pick(ops), rhs: r.int(-3, 3) }
}

fn atom(r: &mut Rng, n: usize, bounds: &[(i64, i64)]) -> Atom {
    match r.int(0, 6) {
        0 => Atom::Lin(lin(r, n)),
        1 => Atom::Abs(lin(r, n)),
        2 => Atom::Max((0..r.int(2, 3)).map(|_| lin(r, n)).collect()),
        3 => Atom::Min((0..r.int(2, 3)).map(|_| lin(r, n)).collect()),
        4 => Atom::Product(lin(r, n)),
        5 => {
            let var = r.int(0, n as i64 - 2) as usize;
            let (lo, hi) = bounds[var];
            // Sometimes narrower than the variable's bounds: pwl also confines its argument.
            let first = if r.chance(20) { lo + 1 } else { lo };
            let mut points = vec![(first, r.int(-5, 5))];
            let mut b = first;
            while b < hi {
                b = (b + r.int(1, 2)).min(hi);
                points.push((b, r.int(-5, 5)));
            }
            if points.len() < 2 {
                points.push((first + 1, r.int(-5, 5)));
            }
            Atom::Pwl(var, points)
        }
        _ => Atom::Count((0..r.int(1, 3)).map(|_| rel(r, n, true)).collect()),
    }
}

fn expr(r: &mut Rng, n: usize, bounds: &[(i64, i64)]) -> Expr {
    Expr((0..r.int(1, 3)).map(|_| (r.pick(&[-2, -1, 1, 2]), atom(r, n, bounds))).collect())
}

fn logic(r: &mut Rng, n: usize, depth: u32) -> Logic {
    if depth == 0 || r.chance(35) {
        return Logic::Rel(rel(r, n, true));
    }
    let (a, b) = (Box::new(logic(r, n, depth - 1)), Box::new(logic(r, n, depth - 1)));
    match r.int(0, 4) {
        0 => Logic::Not(a),
        1 => Logic::And(a, b),
        2 => Logic::Or(a, b),
        3 => Logic::Implies(a, b),
        _ => Logic::Iff(a, b),
    }
}

fn model(r: &mut Rng) -> Model {
    let ints = r.int(2, 3) as usize;
    let mut bounds: Vec<(i64, i64)> = (0..ints)
        .map(|_| {
            let lo = r.int(-3, 1);
            (lo, lo + r.int(1, 4))
        })
        .collect();
    bounds.push((0, 1));
    let n = bounds.len();
    let constraints = (0..r.int(1, 3))
        .map(|_| {
            if r.chance(50) {
                Con::Logic(logic(r, n, 2))
            } else {
                Con::Top(expr(r, n, &bounds), r.pick(&[Op::Le, Op::Ge, Op::Eq]), r.int(-4, 4))
            }
        })
        .collect();
    Model { maximize: r.chance(50), objective: expr(r, n, &bounds), constraints, bounds }
}

// ---------- as optform's JSON ----------

fn lin_text(l: &Lin) -> String {
    let n = l.c.len();
    let mut s = String::new();
    for (i, &k) in l.c.iter().enumerate().filter(|(_, &k)| k != 0) {
        let sign = if k < 0 { "-" } else { "+" };
        let _ = write!(s, " {sign} {}*{}", k.abs(), name(i, n));
    }
    let _ = write!(s, " + {}", l.k);
    format!("({})", s.trim_start_matches(" +").trim())
}

fn op_text(op: Op) -> &'static str {
    match op {
        Op::Le => "<=",
        Op::Ge => ">=",
        Op::Eq => "==",
        Op::Ne => "!=",
        Op::Lt => "<",
        Op::Gt => ">",
    }
}

fn rel_text(r: &Rel) -> String {
    format!("{} {} {}", lin_text(&r.lhs), op_text(r.op), r.rhs)
}

fn list(items: &[Lin]) -> String {
    items.iter().map(lin_text).collect::<Vec<_>>().join(", ")
}

fn atom_text(a: &Atom, n: usize) -> String {
    match a {
        Atom::Lin(l) => lin_text(l),
        Atom::Abs(l) => format!("abs{}", lin_text(l)),
        Atom::Max(v) => format!("max({})", list(v)),
        Atom::Min(v) => format!("min({})", list(v)),
        Atom::Product(l) => format!("b*{}", lin_text(l)),
        Atom::Pwl(var, pts) => {
            let pts: Vec<String> = pts.iter().map(|(b, v)| format!("({b},{v})")).collect();
            format!("pwl({}, {})", name(*var, n), pts.join(", "))
        }
        Atom::Count(rels) => {
            let rels: Vec<String> = rels.iter().map(|r| format!("({})", rel_text(r))).collect();
            format!("count({})", rels.join(", "))
        }
    }
}

fn expr_text(e: &Expr, n: usize) -> String {
    e.0.iter().map(|(k, a)| format!("{k}*{}", atom_text(a, n))).collect::<Vec<_>>().join(" + ")
}

fn logic_text(l: &Logic) -> String {
    match l {
        Logic::Rel(r) => format!("({})", rel_text(r)),
        Logic::Not(a) => format!("(not {})", logic_text(a)),
        Logic::And(a, b) => format!("({} and {})", logic_text(a), logic_text(b)),
        Logic::Or(a, b) => format!("({} or {})", logic_text(a), logic_text(b)),
        Logic::Implies(a, b) => format!("({} => {})", logic_text(a), logic_text(b)),
        Logic::Iff(a, b) => format!("({} <=> {})", logic_text(a), logic_text(b)),
    }
}

fn json(m: &Model) -> String {
    let n = m.bounds.len();
    let vars: Vec<String> = m
        .bounds
        .iter()
        .enumerate()
        .map(|(i, (lo, hi))| {
            if i + 1 == n {
                "\"b\": \"binary\"".to_string()
            } else {
                format!("\"{}\": {{\"type\": \"integer\", \"lower\": {lo}, \"upper\": {hi}}}", name(i, n))
            }
        })
        .collect();
    let cons: Vec<String> = m
        .constraints
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let text = match c {
                Con::Top(e, op, rhs) => format!("{} {} {rhs}", expr_text(e, n), op_text(*op)),
                Con::Logic(l) => logic_text(l),
            };
            format!("\"c{k}\": \"{text}\"")
        })
        .collect();
    format!(
        "{{\"name\": \"random\", \"variables\": {{{}}}, \"objective\": {{\"sense\": \"{}\", \"expression\": \"{}\"}}, \"constraints\": {{{}}}}}",
        vars.join(", "),
        if m.maximize { "maximize" } else { "minimize" },
        expr_text(&m.objective, n),
        cons.join(", ")
    )
}

// ---------- brute force ----------

fn lin_at(l: &Lin, v: &[i64]) -> i64 {
    l.c.iter().zip(v).map(|(c, x)| c * x).sum::<i64>() + l.k
}

fn holds(op: Op, a: i64, b: i64) -> bool {
    match op {
        Op::Le => a <= b,
        Op::Ge => a >= b,
        Op::Eq => a == b,
        Op::Ne => a != b,
        Op::Lt => a < b,
        Op::Gt => a > b,
    }
}

fn rel_at(r: &Rel, v: &[i64]) -> bool {
    holds(r.op, lin_at(&r.lhs, v), r.rhs)
}

/// The atom's value, or `None` where it is undefined (`pwl` outside its breakpoints).
fn atom_at(a: &Atom, v: &[i64]) -> Option<f64> {
    let n = v.len();
    Some(match a {
        Atom::Lin(l) => lin_at(l, v) as f64,
        Atom::Abs(l) => lin_at(l, v).abs() as f64,
        Atom::Max(ls) => ls.iter().map(|l| lin_at(l, v)).max()? as f64,
        Atom::Min(ls) => ls.iter().map(|l| lin_at(l, v)).min()? as f64,
        Atom::Product(l) => (v[n - 1] * lin_at(l, v)) as f64,
        Atom::Pwl(var, pts) => {
            let x = v[*var];
            let k = pts.windows(2).position(|w| w[0].0 <= x && x <= w[1].0)?;
            let ((b0, v0), (b1, v1)) = (pts[k], pts[k + 1]);
            v0 as f64 + (v1 - v0) as f64 * (x - b0) as f64 / (b1 - b0) as f64
        }
        Atom::Count(rels) => rels.iter().filter(|r| rel_at(r, v)).count() as f64,
    })
}

fn expr_at(e: &Expr, v: &[i64]) -> Option<f64> {
    e.0.iter().map(|(k, a)| atom_at(a, v).map(|x| *k as f64 * x)).sum()
}

fn logic_at(l: &Logic, v: &[i64]) -> bool {
    match l {
        Logic::Rel(r) => rel_at(r, v),
        Logic::Not(a) => !logic_at(a, v),
        Logic::And(a, b) => logic_at(a, v) && logic_at(b, v),
        Logic::Or(a, b) => logic_at(a, v) || logic_at(b, v),
        Logic::Implies(a, b) => !logic_at(a, v) || logic_at(b, v),
        Logic::Iff(a, b) => logic_at(a, v) == logic_at(b, v),
    }
}

fn feasible(m: &Model, v: &[i64]) -> bool {
    m.constraints.iter().all(|c| match c {
        Con::Top(e, op, rhs) => match expr_at(e, v) {
            Some(x) => match op {
                Op::Le => x <= *rhs as f64 + 1e-9,
                Op::Ge => x >= *rhs as f64 - 1e-9,
                _ => (x - *rhs as f64).abs() <= 1e-9,
            },
            None => false,
        },
        Con::Logic(l) => logic_at(l, v),
    })
}

/// The optimum over every integer point, or `None` when no point is feasible.
fn brute_force(m: &Model) -> Option<f64> {
    let mut best: Option<f64> = None;
    let mut v: Vec<i64> = m.bounds.iter().map(|b| b.0).collect();
    loop {
        if feasible(m, &v) {
            if let Some(obj) = expr_at(&m.objective, &v) {
                best = Some(match best {
                    None => obj,
                    Some(b) if m.maximize => b.max(obj),
                    Some(b) => b.min(obj),
                });
            }
        }
        // Next point, odometer style.
        let mut i = 0;
        loop {
            if i == v.len() {
                return best;
            }
            if v[i] < m.bounds[i].1 {
                v[i] += 1;
                break;
            }
            v[i] = m.bounds[i].0;
            i += 1;
        }
    }
}

#[test]
fn reformulations_agree_with_brute_force_on_random_models() {
    const CASES: u64 = 400;
    let (mut optimal, mut infeasible) = (0, 0);
    for seed in 1..=CASES {
        let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let m = model(&mut r);
        let text = json(&m);
        let want = brute_force(&m);
        let checked = check(Source::Text { text: &text, origin: "random" }, &Default::default())
            .unwrap_or_else(|d| panic!("seed {seed}: {d}\n{text}"));
        let out = solve(&checked.compiled, &Default::default());
        match want {
            None => {
                assert_eq!(out.status, Status::Infeasible, "seed {seed}: brute force finds no feasible point\n{text}");
                infeasible += 1;
            }
            Some(best) => {
                assert_eq!(out.status, Status::Optimal, "seed {seed}: brute force optimum {best}\n{text}");
                let got = out.objective.unwrap();
                assert!(
                    (got - best).abs() <= 1e-6 * best.abs().max(1.0),
                    "seed {seed}: optform {got}, brute force {best}\n{text}"
                );
                let v = verify(&checked.model, &checked.compiled, out.x.as_ref().unwrap(), got, 1e-6);
                assert!(v.ok, "seed {seed}: verification {v:?}\n{text}");
                optimal += 1;
            }
        }
    }
    // Both outcomes must be exercised, or the comparison proves little.
    assert!(optimal >= CASES / 4 && infeasible >= CASES / 20, "{optimal} optimal, {infeasible} infeasible");
}
