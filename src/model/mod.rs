//! The five elements: loading a formulation file, building its sets and parameter data, and
//! resolving its expressions into a checked [`Model`] ready to compile.

mod build;
mod data;
pub mod diag;
pub mod eval;
pub mod infinite;
pub mod ir;
mod json;
pub mod limits;
pub mod load;
pub mod resolve;
pub mod schema;
pub mod sets;

pub use build::build;
pub use data::DataAccess;
pub use diag::{Code, Diagnostic, Diagnostics, Severity};
pub use json::{parse_renaming_duplicate_constraints, parse_strict as parse_json};
pub use limits::Limits;
pub use load::{load_file, load_str, Formulation, Sense, VarType};

/// How a formulation may be loaded: which data files it may read and the size limits.
#[derive(Debug, Clone)]
pub struct Options {
    pub data: DataAccess,
    pub limits: Limits,
    /// Go on to build after the file's structure has errors, so that one pass reports the
    /// unknown names and bad data too (for people). The LLM repair loop turns it off: a small
    /// model repairs better from the first stage's errors alone.
    pub build_after_load_errors: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { data: DataAccess::default(), limits: Limits::default(), build_after_load_errors: true }
    }
}

use crate::expr::RelOp;
use ir::*;
use sets::{Interner, SetData};

/// Dense parameter data; `NaN` marks an entry with no data (and no default).
#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub path: String,
    pub dims: Vec<SetId>,
    pub strides: Vec<usize>,
    pub values: Vec<f64>,
}

/// An expression together with the text it came from, for error carets at instantiation.
#[derive(Debug, Clone)]
pub struct Located<T> {
    pub ir: T,
    pub src: String,
    pub path: String,
}

#[derive(Debug, Clone)]
pub struct Var {
    pub name: String,
    pub dims: Vec<SetId>,
    pub strides: Vec<usize>,
    /// First column of this variable; its entries are columns `offset..offset+len`.
    pub offset: usize,
    pub len: usize,
    pub kind: VarType,
    /// Bindings of `over`, used to evaluate index-dependent bounds.
    pub over: Loop,
    pub slots: Vec<SlotInfo>,
    pub lower: Option<Located<Num>>,
    pub upper: Option<Located<Num>>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Objective {
    pub sense: Sense,
    pub expr: Located<Num>,
    pub slots: Vec<SlotInfo>,
    /// The level's name (`level1`, … unless given).
    pub name: String,
    /// Slack this level may lose when fixed for the next level: the looser of the absolute
    /// `tolerance` and `relative_tolerance · |optimum|`.
    pub tolerance: f64,
    pub relative_tolerance: f64,
}

#[derive(Debug, Clone)]
pub struct Constraint {
    pub name: String,
    pub path: String,
    pub forall: Option<Located<Loop>>,
    /// Sides of `a op b` or `lo op mid op hi`; empty for a logical constraint.
    pub parts: Vec<Num>,
    /// A logical constraint (`p => q`, `p or q`, …): the proposition every instance must satisfy.
    pub logic: Option<Prop>,
    pub ops: Vec<RelOp>,
    pub expr_src: String,
    pub expr_path: String,
    pub slots: Vec<SlotInfo>,
    pub description: Option<String>,
}

/// A checked formulation: every name resolved, all data in place, degrees checked.
#[derive(Debug, Clone)]
pub struct Model {
    pub name: String,
    pub description: Option<String>,
    pub names: Interner,
    pub sets: Vec<SetData>,
    pub params: Vec<Param>,
    pub vars: Vec<Var>,
    /// The objective, or the first (highest-priority) level of a lexicographic objective.
    pub objective: Objective,
    /// The lexicographic levels after the first, in priority order; empty for one objective.
    pub extra_objectives: Vec<Objective>,
    pub constraints: Vec<Constraint>,
    pub num_cols: usize,
    pub num_sums: usize,
    /// The limits it was checked under; compiling honours them too.
    pub limits: Limits,
}

impl Model {
    /// Every objective level in priority order: the primary first.
    pub fn objectives(&self) -> impl Iterator<Item = &Objective> {
        std::iter::once(&self.objective).chain(&self.extra_objectives)
    }

    /// Whether the objective is a list of several levels, optimised one after another.
    pub fn is_lexicographic(&self) -> bool {
        !self.extra_objectives.is_empty()
    }

    /// The variable's name and one key per dimension of declared column `col`:
    /// `("flow", ["s", "a"])`, `("route", ["a,b"])` for a dimension over a tuple set.
    pub fn col_key(&self, col: usize) -> (&str, Vec<String>) {
        column_key(&self.vars, &self.sets, &self.names, col)
    }

    /// `make[chair]`, `flow[s,a]`, `chairs` for a declared column (auxiliary columns of
    /// reformulations are named by `Compiled::col_name`).
    pub fn col_name(&self, col: usize) -> String {
        column_name(&self.vars, &self.sets, &self.names, col)
    }
}

/// The variable and per-dimension keys of declared column `col` (see [`Model::col_key`]); a
/// free function so that compilation can name columns while it still builds the instance.
pub fn column_key<'v>(vars: &'v [Var], sets: &[SetData], names: &Interner, col: usize) -> (&'v str, Vec<String>) {
    let v = &vars[vars.partition_point(|v| v.offset + v.len <= col)];
    let mut rest = col - v.offset;
    let keys = v
        .dims
        .iter()
        .enumerate()
        .map(|(k, &d)| {
            let pos = rest / v.strides[k];
            rest %= v.strides[k];
            names.show_tuple(sets[d].elem(pos))
        })
        .collect();
    (&v.name, keys)
}

/// `make[chair]` for declared column `col`.
pub fn column_name(vars: &[Var], sets: &[SetData], names: &Interner, col: usize) -> String {
    match column_key(vars, sets, names, col) {
        (name, keys) if keys.is_empty() => name.to_string(),
        (name, keys) => format!("{name}[{}]", keys.join(",")),
    }
}
