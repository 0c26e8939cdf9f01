//! Instantiation: a checked [`Model`] → HiGHS's sparse arrays. Rows are emitted straight into
//! CSR arrays from the IR; set elements are interned and index accesses pre-resolved, so the
//! hot path pushes `(column, coefficient)` pairs without hashing.

mod builder;
mod convex;
mod emit;
mod logic;
mod reform;

use std::cell::Cell;

use crate::expr::RelOp;
use crate::model::eval::{Env, Eval, EvalError, EvalResult};
use crate::model::infinite::{bound_misuse, row_misuse, Misuse};
use crate::model::ir::*;
use crate::model::sets::Atom;
use crate::model::{Code, Diagnostic, Diagnostics, Model, Sense, VarType};
use builder::Builder;
pub use builder::{Auxiliary, Origin, Owner, Role};
use emit::{Dir, Emitter, Sink};

/// HiGHS integrality codes.
pub const CONTINUOUS: i32 = 0;
pub const INTEGER: i32 = 1;
pub const SEMI_CONTINUOUS: i32 = 2;
/// 0, or an integer in [lower, upper].
pub const SEMI_INTEGER: i32 = 3;

/// Lower triangle of the objective Hessian `Q` (objective `c'x + ½ x'Qx`), column-wise.
#[derive(Debug, Clone, Default)]
pub struct Hessian {
    pub start: Vec<i32>,
    pub index: Vec<i32>,
    pub value: Vec<f64>,
}

/// One level of a lexicographic objective, instantiated.
#[derive(Debug, Clone)]
pub struct LevelCost {
    pub name: String,
    pub sense: Sense,
    /// `(column, coefficient)` in increasing column order, no zeros. Sparse, so that columns
    /// added to the model after the objective was compiled simply cost nothing here.
    pub cost: Vec<(usize, f64)>,
    pub offset: f64,
    /// Slack the level may lose when fixed: `max(tolerance, relative_tolerance·|optimum|)`.
    pub tolerance: f64,
    pub relative_tolerance: f64,
}

impl LevelCost {
    /// The level's value at `x`.
    pub fn value(&self, x: &[f64]) -> f64 {
        self.offset + self.cost.iter().map(|&(col, coef)| coef * x[col]).sum::<f64>()
    }
}

/// The instantiated model in the arrays HiGHS takes.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    pub sense: Option<Sense>,
    pub offset: f64,
    pub col_cost: Vec<f64>,
    pub col_lower: Vec<f64>,
    pub col_upper: Vec<f64>,
    pub integrality: Vec<i32>,
    pub row_lower: Vec<f64>,
    pub row_upper: Vec<f64>,
    /// Row-wise (CSR): row `r` is `row_index/row_value[row_start[r]..row_start[r+1]]`.
    pub row_start: Vec<i32>,
    pub row_index: Vec<i32>,
    pub row_value: Vec<f64>,
    pub hessian: Option<Hessian>,
    /// A lexicographic objective's levels in priority order (the first is also `col_cost`
    /// and `offset`); empty for a single objective.
    pub levels: Vec<LevelCost>,
    /// Per constraint: its first row, and where its rows' index atoms start in `row_keys`.
    /// These are the declared rows, one per constraint instance: rows `0..aux.first_row`.
    pub constraint_rows: Vec<(usize, usize)>,
    pub row_keys: Vec<Atom>,
    /// Columns and rows added to reformulate `abs`, `max`, logic, …: the columns after the
    /// declared variables', the rows after the declared ones.
    pub aux: Auxiliary,
}

impl Compiled {
    pub fn num_cols(&self) -> usize {
        self.col_cost.len()
    }
    pub fn num_rows(&self) -> usize {
        self.row_lower.len()
    }
    pub fn num_nonzeros(&self) -> usize {
        self.row_value.len()
    }
    pub fn is_mip(&self) -> bool {
        self.integrality.iter().any(|&k| k != CONTINUOUS)
    }

    /// Whether a column was added by a reformulation (not a declared variable's).
    pub fn is_aux_col(&self, col: usize) -> bool {
        col >= self.aux.first_col
    }

    /// Whether a row was added by a reformulation (not a declared constraint's instance).
    pub fn is_aux_row(&self, row: usize) -> bool {
        row >= self.aux.first_row
    }

    /// `make[chair]` for a declared column; `capacity[a]#extreme3` for an auxiliary one.
    pub fn col_name(&self, model: &Model, col: usize) -> String {
        if !self.is_aux_col(col) {
            return model.col_name(col);
        }
        let k = col - self.aux.first_col;
        let o = &self.aux.cols[k];
        format!("{}#{}{k}", self.owner_name(model, o.owner), o.role.name())
    }

    fn owner_name(&self, model: &Model, owner: Owner) -> String {
        match owner {
            Owner::Objective => "objective".into(),
            Owner::Row(r) => self.row_name(model, r as usize),
            Owner::Logic { constraint, key } => {
                let c = &model.constraints[constraint as usize];
                let arity = key_arity(c);
                let keys = &self.aux.keys[key as usize..key as usize + arity];
                if keys.is_empty() {
                    c.name.clone()
                } else {
                    format!("{}[{}]", c.name, model.names.show_tuple(keys))
                }
            }
        }
    }

    /// The constraint a declared row belongs to and the row's index atoms.
    pub fn row_origin<'a>(&'a self, model: &'a Model, row: usize) -> (usize, &'a [Atom]) {
        let c = self.constraint_rows.partition_point(|&(first, _)| first <= row) - 1;
        let (first, keys) = self.constraint_rows[c];
        let arity = key_arity(&model.constraints[c]);
        let at = keys + (row - first) * arity;
        (c, &self.row_keys[at..at + arity])
    }

    /// `capacity[carpentry]`, `budget`; `link[a]#logic7` for an auxiliary row.
    pub fn row_name(&self, model: &Model, row: usize) -> String {
        if self.is_aux_row(row) {
            let k = row - self.aux.first_row;
            let o = &self.aux.rows[k];
            return format!("{}#{}{k}", self.owner_name(model, o.owner), o.role.name());
        }
        let (c, keys) = self.row_origin(model, row);
        let name = &model.constraints[c].name;
        if keys.is_empty() {
            name.clone()
        } else {
            format!("{name}[{}]", model.names.show_tuple(keys))
        }
    }
}

/// Number of index atoms that name one row of a constraint: the slots its `forall` binds.
fn key_arity(c: &crate::model::Constraint) -> usize {
    c.forall.as_ref().map_or(0, |f| f.ir.bindings.iter().map(|b| b.arity).sum())
}

/// The span of a whole expression, for an error about its value as a whole.
fn whole(src: &str) -> crate::expr::Span {
    crate::expr::Span::new(0, src.len())
}

/// Where an instantiation error was found.
pub(crate) fn eval_diag(e: EvalError, path: &str, src: &str) -> Diagnostic {
    let EvalError { code, message, span, help } = e;
    Diagnostic::error(code, path, message).at(src, span).help_opt(help)
}

/// Compiles a checked model. Errors (missing data, indices outside their sets, non-convex
/// objective) come back as diagnostics; warnings ride along with a successful result.
pub fn compile(model: &Model) -> (Option<Compiled>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let sums_hit: Vec<Cell<bool>> = (0..model.num_sums).map(|_| Cell::new(false)).collect();
    let mut out = Compiled { sense: Some(model.objective.sense), ..Default::default() };
    out.row_start.push(0);
    let mut b = Builder::new(model.num_cols);
    columns(model, &sums_hit, &mut b, &mut diags);
    let (offset, quad) = objective(model, &sums_hit, &mut b, &mut out, &mut diags);
    out.offset = offset;
    let mut sink = Sink::default();
    for (k, con) in model.constraints.iter().enumerate() {
        constraint(model, k, con, &sums_hit, &mut sink, &mut b, &mut out, &mut diags);
    }
    empty_sums(model, &sums_hit, &mut diags);
    if b.cols.cost.len() > model.limits.columns {
        let mut e = Diagnostic::error(
            Code::Limit,
            "variables",
            format!(
                "the instance has more than {} columns with the reformulations' auxiliary ones, the limit",
                model.limits.columns
            ),
        );
        e.help = Some(crate::model::limits::raise_hint("columns", model.limits.columns));
        diags.push(e);
    }
    if diags.has_errors() {
        return (None, diags);
    }
    finish(&mut out, b);
    if !quad.is_empty() {
        out.hessian = Some(emit::hessian(out.num_cols(), quad));
    }
    if let Some(h) = &out.hessian {
        if let Err(d) = convex::check(model, h, model.objective.sense) {
            diags.push(d);
            return (None, diags);
        }
    }
    (Some(out), diags)
}

fn evaluator<'m>(model: &'m Model, slots: &'m [SlotInfo], hits: &'m [Cell<bool>]) -> Eval<'m> {
    Eval { names: &model.names, sets: &model.sets, params: &model.params, vars: &model.vars, slots, sums_hit: hits }
}

/// Moves the columns into `out` and appends the auxiliary rows after the declared ones.
fn finish(out: &mut Compiled, b: Builder) {
    let Builder { cols, rows, mut aux, .. } = b;
    out.col_cost = cols.cost;
    out.col_lower = cols.lower;
    out.col_upper = cols.upper;
    out.integrality = cols.integrality;
    aux.first_row = out.num_rows();
    let base = out.row_index.len() as i32;
    out.row_start.extend(rows.start[1..].iter().map(|&s| s + base));
    out.row_index.extend(rows.index);
    out.row_value.extend(rows.value);
    out.row_lower.extend(rows.lower);
    out.row_upper.extend(rows.upper);
    out.aux = aux;
}

fn columns(model: &Model, hits: &[Cell<bool>], b: &mut Builder, diags: &mut Diagnostics) {
    let out = &mut b.cols;
    for var in &model.vars {
        let range = var.offset..var.offset + var.len;
        let kind = match var.kind {
            VarType::Continuous => CONTINUOUS,
            VarType::Integer | VarType::Binary => INTEGER,
            VarType::Semicontinuous => SEMI_CONTINUOUS,
            VarType::Semiinteger => SEMI_INTEGER,
        };
        out.integrality[range.clone()].fill(kind);
        if var.kind == VarType::Binary {
            out.upper[range.clone()].fill(1.0);
        }
        for (bound, lower) in [(&var.lower, true), (&var.upper, false)] {
            let Some(b) = bound else { continue };
            // A binary's [0,1] can only be narrowed by explicit bounds.
            let narrow = |v: f64| match (var.kind, lower) {
                (VarType::Binary, true) => v.max(0.0),
                (VarType::Binary, false) => v.min(1.0),
                _ => v,
            };
            let target = if lower { &mut out.lower } else { &mut out.upper };
            let ev = evaluator(model, &var.slots, hits);
            let mut env = Env::new(var.slots.len());
            if let Num::Const(v) = b.ir {
                match bound_misuse(v, lower, || var.name.clone()) {
                    Some(m) => diags.push(eval_diag(*ev.misuse(m, &[], &mut env, whole(&b.src)), &b.path, &b.src)),
                    None => target[range.clone()].fill(narrow(v)),
                }
                continue;
            }
            let mut col = var.offset;
            let res = ev.for_each(&var.over, &mut env, &mut |env| {
                let v = ev.num(&b.ir, env, None)?;
                if let Some(m) = bound_misuse(v, lower, || model.col_name(col)) {
                    return Err(ev.misuse(m, &[&b.ir], env, whole(&b.src)));
                }
                target[col] = narrow(v);
                col += 1;
                Ok(())
            });
            if let Err(e) = res {
                diags.push(eval_diag(*e, &b.path, &b.src));
            }
        }
        semi_upper_finite(model, var, &out.upper, diags);
    }
}

/// A semi-continuous or semi-integer column is 0 or in [lower, upper]: HiGHS needs the upper
/// bound finite (an infinite one is reported here rather than rejected by the solver).
fn semi_upper_finite(model: &Model, var: &crate::model::Var, col_upper: &[f64], diags: &mut Diagnostics) {
    let (kind, Some(upper)) = (var.kind, &var.upper) else { return };
    if !matches!(kind, VarType::Semicontinuous | VarType::Semiinteger) {
        return;
    }
    if let Some(col) = (var.offset..var.offset + var.len).find(|&c| !col_upper[c].is_finite()) {
        let what = if kind == VarType::Semiinteger { "semi-integer" } else { "semi-continuous" };
        let msg =
            format!("{what} variable `{}` needs a finite upper bound, found {}", model.col_name(col), col_upper[col]);
        diags.push(
            Diagnostic::error(Code::InvalidValue, &upper.path, msg)
                .at(&upper.src, whole(&upper.src))
                .help(format!("a {what} variable is 0 or between its bounds; give a finite \"upper\"")),
        );
    }
}

/// Emits the objective into the columns' costs (and, when it is lexicographic, every level's
/// sparse cost into `out.levels`); returns its constant and quadratic terms.
fn objective(
    model: &Model,
    hits: &[Cell<bool>],
    b: &mut Builder,
    out: &mut Compiled,
    diags: &mut Diagnostics,
) -> (f64, Vec<(u32, u32, f64)>) {
    let Some(mut sink) = objective_terms(model, &model.objective, hits, b, diags) else { return (0.0, Vec::new()) };
    for &(col, coef) in &sink.terms {
        b.cols.cost[col as usize] += coef;
    }
    let (offset, quad) = (sink.constant, std::mem::take(&mut sink.quad));
    if model.is_lexicographic() {
        out.levels.push(level_cost(&model.objective, sink));
        for level in &model.extra_objectives {
            if let Some(sink) = objective_terms(model, level, hits, b, diags) {
                out.levels.push(level_cost(level, sink));
            }
        }
    }
    (offset, quad)
}

/// The terms of one objective (level), or `None` after reporting why it cannot be evaluated.
fn objective_terms(
    model: &Model,
    obj: &crate::model::Objective,
    hits: &[Cell<bool>],
    b: &mut Builder,
    diags: &mut Diagnostics,
) -> Option<Sink> {
    let ev = evaluator(model, &obj.slots, hits);
    let mut sink = Sink::default();
    sink.terms.reserve(model.num_cols);
    let mut env = Env::new(obj.slots.len());
    // Minimising holds the objective from above, maximising from below.
    let dir = if obj.sense == Sense::Minimize { Dir::Up } else { Dir::Down };
    b.owner = Some(Owner::Objective);
    if let Err(e) = (Emitter { ev: &ev, b }).emit(&obj.expr.ir, 1.0, dir, &mut env, &mut sink) {
        diags.push(eval_diag(*e, &obj.expr.path, &obj.expr.src));
        return None;
    }
    let finite = sink.constant.is_finite()
        && sink.terms.iter().all(|t| t.1.is_finite())
        && sink.quad.iter().all(|q| q.2.is_finite());
    if !finite {
        let misuse = if sink.constant.is_nan() {
            Misuse::NotANumber("the objective")
        } else {
            Misuse::Infinite("the objective")
        };
        let e = ev.misuse(misuse, &[&obj.expr.ir], &mut Env::new(obj.slots.len()), whole(&obj.expr.src));
        diags.push(eval_diag(*e, &obj.expr.path, &obj.expr.src));
        return None;
    }
    Some(sink)
}

/// A level's sparse cost: repeated columns merged, zeros dropped.
fn level_cost(level: &crate::model::Objective, mut sink: Sink) -> LevelCost {
    let (mut index, mut value) = (Vec::new(), Vec::new());
    sink.flush_row(&mut index, &mut value);
    LevelCost {
        name: level.name.clone(),
        sense: level.sense,
        cost: index.into_iter().map(|c| c as usize).zip(value).collect(),
        offset: sink.constant,
        tolerance: level.tolerance,
        relative_tolerance: level.relative_tolerance,
    }
}

#[allow(clippy::too_many_arguments)]
fn constraint(
    model: &Model,
    index: usize,
    con: &crate::model::Constraint,
    hits: &[Cell<bool>],
    sink: &mut Sink,
    b: &mut Builder,
    out: &mut Compiled,
    diags: &mut Diagnostics,
) {
    out.constraint_rows.push((out.num_rows(), out.row_keys.len()));
    let ev = evaluator(model, &con.slots, hits);
    let mut env = Env::new(con.slots.len());
    let arity = key_arity(con);
    // Errors of the body point into the expression; others come from the `forall` filter.
    let mut body_failed = false;
    let mut empty_rows = 0usize;
    let mut first_empty: Option<String> = None;
    let limits = &model.limits;
    let estimated_rows = con.forall.as_ref().map_or(1, |f| estimate_count(model, &f.ir)).min(limits.rows);
    let mut first = true;
    let mut instance = |env: &mut Env| -> EvalResult<()> {
        if let Some(p) = &con.logic {
            // A logical constraint has no row of its own: all its rows are auxiliary.
            b.owner = Some(Owner::Logic { constraint: index as u32, key: b.aux.keys.len() as u32 });
            b.aux.keys.extend_from_slice(&env.atoms[..arity]);
            let res =
                (Emitter { ev: &ev, b: &mut *b }).require_prop(p, false, &logic::always(), env, Default::default());
            if out.num_rows() + b.rows.lower.len() > limits.rows
                || out.num_nonzeros() + b.rows.index.len() > limits.nonzeros
            {
                return Err(instance_too_large(limits, out.num_rows() + b.rows.lower.len()));
            }
            return res.map_err(|mut e| {
                if arity > 0 {
                    e.message =
                        format!("{} (in {}[{}])", e.message, con.name, model.names.show_tuple(&env.atoms[..arity]));
                }
                body_failed = true;
                e
            });
        }
        let nnz_before = out.row_index.len();
        b.owner = Some(Owner::Row(out.num_rows() as u32));
        let row = emit_row(&ev, con, env, sink, b, out);
        let rows = out.num_rows() + b.rows.lower.len();
        if rows > limits.rows || out.num_nonzeros() + b.rows.index.len() > limits.nonzeros {
            return Err(instance_too_large(limits, rows));
        }
        if first {
            // Size the arrays once from the first row, instead of doubling them repeatedly.
            first = false;
            let per_row = (out.row_index.len() - nnz_before).min(limits.nonzeros / estimated_rows.max(1));
            out.row_index.reserve(per_row * estimated_rows);
            out.row_value.reserve(per_row * estimated_rows);
            out.row_lower.reserve(estimated_rows);
            out.row_upper.reserve(estimated_rows);
            out.row_start.reserve(estimated_rows);
            out.row_keys.reserve(estimated_rows * arity);
        }
        match row {
            Ok(has_terms) => {
                out.row_keys.extend_from_slice(&env.atoms[..arity]);
                if !has_terms {
                    empty_rows += 1;
                    if first_empty.is_none() {
                        first_empty = Some(model.names.show_tuple(&env.atoms[..arity]));
                    }
                }
                Ok(())
            }
            Err(mut e) => {
                if arity > 0 {
                    e.message =
                        format!("{} (in {}[{}])", e.message, con.name, model.names.show_tuple(&env.atoms[..arity]));
                }
                body_failed = true;
                Err(e)
            }
        }
    };
    let res = match &con.forall {
        Some(fa) => ev.for_each(&fa.ir, &mut env, &mut instance),
        None => instance(&mut env),
    };
    if let Err(e) = res {
        match (&con.forall, body_failed) {
            (Some(fa), false) => diags.push(eval_diag(*e, &fa.path, &fa.src)),
            _ => diags.push(eval_diag(*e, &con.expr_path, &con.expr_src)),
        }
        return;
    }
    if empty_rows > 0 {
        let which = match first_empty {
            Some(k) if !k.is_empty() => format!(" (first: {}[{k}])", con.name),
            _ => String::new(),
        };
        diags.push(
            Diagnostic::warning(
                Code::EmptyConstraint,
                &con.path,
                format!("{empty_rows} instance(s) of `{}` contain no variables{which}", con.name),
            )
            .help("a constraint without variables is only a test of the data; check its sums and filters"),
        );
    }
}

/// The error for an instance past `--max rows` or `--max nonzeros`, raised as the row
/// that passes it is emitted (so no more than the limit is ever held).
fn instance_too_large(limits: &crate::model::Limits, rows: usize) -> Box<crate::model::eval::EvalError> {
    let (what, name, limit) = if rows > limits.rows {
        ("rows", "rows", limits.rows)
    } else {
        ("non-zero coefficients", "nonzeros", limits.nonzeros)
    };
    let mut e = crate::model::eval::EvalError::new(
        Code::Limit,
        format!("the instance has more than {limit} {what}, the limit"),
        Default::default(),
    );
    e.help = Some(crate::model::limits::raise_hint(name, limit));
    e
}

/// Instances of a loop (an upper bound), capped to keep reservations sane. A filtered loop
/// is not estimated: the unfiltered product can be far larger than what passes the filter,
/// and reserving for it would allocate memory for rows that never exist.
fn estimate_count(model: &Model, lp: &Loop) -> usize {
    if lp.filter.is_some() {
        return 1;
    }
    let n = lp.bindings.iter().fold(1usize, |n, b| match &b.set {
        SetRef::Named(id) => n.saturating_mul(model.sets[*id].len()),
        SetRef::Range(..) => n,
    });
    n.min(1 << 26)
}

/// Emits one row; returns whether it has any variable.
fn emit_row(
    ev: &Eval,
    con: &crate::model::Constraint,
    env: &mut Env,
    sink: &mut Sink,
    b: &mut Builder,
    out: &mut Compiled,
) -> EvalResult<bool> {
    sink.clear();
    let mut em = Emitter { ev, b };
    let (lo, hi) = if con.parts.len() == 3 {
        let lo = ev.num(&con.parts[0], env, None)?;
        let hi = ev.num(&con.parts[2], env, None)?;
        em.emit(&con.parts[1], 1.0, Dir::Both, env, sink)?;
        (lo - sink.constant, hi - sink.constant)
    } else {
        // `lhs - rhs` is held from above by `<=`, from below by `>=`.
        let dir = match con.ops[0] {
            RelOp::Le | RelOp::Lt => Dir::Up,
            RelOp::Ge | RelOp::Gt => Dir::Down,
            RelOp::Eq => Dir::Both,
        };
        em.emit(&con.parts[0], 1.0, dir, env, sink)?;
        em.emit(&con.parts[1], -1.0, dir, env, sink)?;
        let rhs = -sink.constant;
        match con.ops[0] {
            RelOp::Le | RelOp::Lt => (f64::NEG_INFINITY, rhs),
            RelOp::Ge | RelOp::Gt => (rhs, f64::INFINITY),
            RelOp::Eq => (rhs, rhs),
        }
    };
    let (lo, hi) =
        if con.parts.len() == 3 && matches!(con.ops[0], RelOp::Ge | RelOp::Gt) { (hi, lo) } else { (lo, hi) };
    if let Some(m) = row_misuse(lo, hi) {
        return Err(ev.misuse(m, &con.parts.iter().collect::<Vec<_>>(), env, whole(&con.expr_src)));
    }
    let nnz = sink.flush_row(&mut out.row_index, &mut out.row_value);
    out.row_start.push(out.row_index.len() as i32);
    out.row_lower.push(lo);
    out.row_upper.push(hi);
    Ok(nnz > 0)
}

fn empty_sums(model: &Model, hits: &[Cell<bool>], diags: &mut Diagnostics) {
    let mut report = |n: &Num, path: &str, src: &str| {
        emit::each_sum(n, &mut |id, span| {
            if !hits[id].get() {
                diags.push(
                    Diagnostic::warning(
                        Code::EmptySum,
                        path,
                        "this sum has no terms: its index set is empty or its filter excludes everything",
                    )
                    .at(src, span)
                    .help("check the set's elements and the filter"),
                );
            }
        });
    };
    for obj in model.objectives() {
        report(&obj.expr.ir, &obj.expr.path, &obj.expr.src);
    }
    for con in &model.constraints {
        for p in &con.parts {
            report(p, &con.expr_path, &con.expr_src);
        }
    }
}
