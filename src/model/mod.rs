//! The five elements: loading a formulation file, building its sets and parameter data, and
//! resolving its expressions into a checked [`Model`] ready to compile.

mod build;
mod data;
pub mod diag;
pub mod eval;
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
pub use json::parse_strict as parse_json;
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
}

#[derive(Debug, Clone)]
pub struct Constraint {
    pub name: String,
    pub path: String,
    pub forall: Option<Located<Loop>>,
    /// Sides of `a op b` or `lo op mid op hi`.
    pub parts: Vec<Num>,
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
    pub objective: Objective,
    pub constraints: Vec<Constraint>,
    pub num_cols: usize,
    pub num_sums: usize,
    /// The limits it was checked under; compiling honours them too.
    pub limits: Limits,
}

impl Model {
    /// The variable owning column `col` and the column's position within it.
    pub fn var_of_col(&self, col: usize) -> (&Var, usize) {
        let k = self.vars.partition_point(|v| v.offset + v.len <= col);
        let v = &self.vars[k];
        (v, col - v.offset)
    }

    /// The variable's name and one key per dimension of column `col`: `("flow", ["s", "a"])`,
    /// `("route", ["a,b"])` for a dimension over a tuple set.
    pub fn col_key(&self, col: usize) -> (&str, Vec<String>) {
        let (v, mut rest) = self.var_of_col(col);
        let keys = v
            .dims
            .iter()
            .enumerate()
            .map(|(k, &d)| {
                let pos = rest / v.strides[k];
                rest %= v.strides[k];
                self.names.show_tuple(self.sets[d].elem(pos))
            })
            .collect();
        (&v.name, keys)
    }

    /// `make[chair]`, `flow[s,a]`, `chairs`.
    pub fn col_name(&self, col: usize) -> String {
        match self.col_key(col) {
            (name, keys) if keys.is_empty() => name.to_string(),
            (name, keys) => format!("{name}[{}]", keys.join(",")),
        }
    }
}
