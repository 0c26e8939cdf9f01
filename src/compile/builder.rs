//! The columns of an instance and the rows optform adds to reformulate (abs, max, logic, …).
//!
//! Declared variables are columns `0..declared`; any column added after them is a column like
//! any other (bounds, type, cost), whoever adds it, and records its origin so that it can be
//! named, explained, hidden from `run`'s listing and checked by verification. Auxiliary rows
//! are kept apart while compiling and appended after the constraints' own rows, so that the
//! declared rows keep their simple numbering (one per constraint instance).

use serde::Serialize;

use super::{CONTINUOUS, INTEGER};
use crate::model::sets::Atom;

/// What an auxiliary column or row is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// `t` with `t = max(…)` (or `t >= max(…)` where that is exact): also `abs`, `min`.
    Extreme,
    /// `t >= term` / `t <= term` rows of a max or min.
    Bound,
    /// The binary choosing which term attains a max or min, and its big-M rows.
    Choice,
    /// `z = y·e` for a binary `y`, and its four rows.
    Product,
    /// A binary that is 1 when (or only when) a proposition holds.
    Indicator,
    /// A row of a logical constraint (big-M when the proposition may be switched off).
    Logic,
    /// The value of a `pwl`, its convex pieces, or its interpolation weights and segments.
    Piecewise,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Extreme => "extreme",
            Role::Bound => "bound",
            Role::Choice => "choice",
            Role::Product => "product",
            Role::Indicator => "indicator",
            Role::Logic => "logic",
            Role::Piecewise => "pwl",
        }
    }
}

/// Whose reformulation an auxiliary column or row belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Objective,
    /// The declared row (a constraint instance) whose expression needed it.
    Row(u32),
    /// An instance of a logical constraint (which has no declared row): the constraint, and
    /// where its index atoms start in `Auxiliary::keys`.
    Logic {
        constraint: u32,
        key: u32,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct Origin {
    pub owner: Owner,
    pub role: Role,
    /// The big-M of a row that a binary switches off; NaN where there is none.
    pub big_m: f64,
}

/// Where every auxiliary column and row came from.
#[derive(Debug, Clone, Default)]
pub struct Auxiliary {
    /// Auxiliary column `k` is column `first_col + k`.
    pub first_col: usize,
    pub cols: Vec<Origin>,
    /// Auxiliary row `k` is row `first_row + k`.
    pub first_row: usize,
    pub rows: Vec<Origin>,
    /// Index atoms of logical-constraint instances.
    pub keys: Vec<Atom>,
}

/// Column arrays in HiGHS's layout.
#[derive(Debug, Clone, Default)]
pub struct Columns {
    pub cost: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    pub integrality: Vec<i32>,
}

/// Rows in CSR form.
#[derive(Debug, Clone, Default)]
pub struct Rows {
    pub start: Vec<i32>,
    pub index: Vec<i32>,
    pub value: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
}

/// What compilation appends to: all columns, and the auxiliary rows with their origins.
#[derive(Debug, Default)]
pub struct Builder {
    pub cols: Columns,
    pub rows: Rows,
    pub aux: Auxiliary,
    /// Whose reformulation the columns and rows added now belong to.
    pub owner: Option<Owner>,
    scratch: Vec<(u32, f64)>,
}

impl Builder {
    /// Starts with the declared columns, all continuous in `[0, inf)` with no cost.
    pub fn new(declared: usize) -> Builder {
        let cols = Columns {
            cost: vec![0.0; declared],
            lower: vec![0.0; declared],
            upper: vec![f64::INFINITY; declared],
            integrality: vec![CONTINUOUS; declared],
        };
        let aux = Auxiliary { first_col: declared, ..Default::default() };
        Builder { cols, rows: Rows { start: vec![0], ..Default::default() }, aux, owner: None, scratch: Vec::new() }
    }

    fn origin(&self, role: Role, big_m: f64) -> Origin {
        Origin { owner: self.owner.unwrap_or(Owner::Objective), role, big_m }
    }

    /// Adds a column; returns its index.
    pub fn column(&mut self, lower: f64, upper: f64, integer: bool, role: Role) -> u32 {
        let origin = self.origin(role, f64::NAN);
        self.aux.cols.push(origin);
        let c = &mut self.cols;
        c.cost.push(0.0);
        c.lower.push(lower);
        c.upper.push(upper);
        c.integrality.push(if integer { INTEGER } else { CONTINUOUS });
        (c.cost.len() - 1) as u32
    }

    pub fn binary(&mut self, role: Role) -> u32 {
        self.column(0.0, 1.0, true, role)
    }

    /// Adds `lower <= Σ terms <= upper`, repeated columns merged.
    pub fn row(&mut self, terms: impl IntoIterator<Item = (u32, f64)>, lower: f64, upper: f64, role: Role, big_m: f64) {
        let t = &mut self.scratch;
        t.clear();
        t.extend(terms);
        super::emit::merge_terms(t);
        let r = &mut self.rows;
        for &(col, coef) in t.iter() {
            r.index.push(col as i32);
            r.value.push(coef);
        }
        r.start.push(r.index.len() as i32);
        r.lower.push(lower);
        r.upper.push(upper);
        // An M of 0 switches nothing off: the row is not a big-M row.
        self.aux.rows.push(self.origin(role, if big_m == 0.0 { f64::NAN } else { big_m }));
    }

    pub fn is_binary(&self, col: u32) -> bool {
        let c = col as usize;
        self.cols.integrality[c] == INTEGER && self.cols.lower[c] >= 0.0 && self.cols.upper[c] <= 1.0
    }

    pub fn is_integer(&self, col: u32) -> bool {
        self.cols.integrality[col as usize] != CONTINUOUS
            && self.cols.integrality[col as usize] != super::SEMI_CONTINUOUS
    }

    pub fn bounds(&self, col: u32) -> (f64, f64) {
        let c = col as usize;
        // A semi-continuous column may also be 0.
        let semi = self.cols.integrality[c] == super::SEMI_CONTINUOUS;
        let (lo, hi) = (self.cols.lower[c], self.cols.upper[c]);
        if semi {
            (lo.min(0.0), hi.max(0.0))
        } else {
            (lo, hi)
        }
    }
}
