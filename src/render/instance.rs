//! Template context of the instantiated formats (LP, MPS): every row and column by its legal
//! name, numbers already formatted so that they read back exactly.

use std::collections::HashSet;

use serde::Serialize;

use super::names::legalize;
use crate::compile::{Compiled, CONTINUOUS, INTEGER, SEMI_CONTINUOUS, SEMI_INTEGER};
use crate::expr::print::format_number;
use crate::model::{Model, Sense};

#[derive(Serialize)]
pub struct Term {
    /// `+` or `-`.
    sign: &'static str,
    /// Absolute value of the coefficient.
    coef: String,
    col: String,
}

#[derive(Serialize)]
pub struct QuadTerm {
    sign: &'static str,
    coef: String,
    a: String,
    b: String,
    square: bool,
}

/// LP rows: ranged rows are written as two one-sided rows (`_lo`, `_hi`), which every LP
/// reader accepts.
#[derive(Serialize)]
pub struct LpRow {
    name: String,
    terms: Vec<Term>,
    op: &'static str,
    rhs: String,
}

#[derive(Serialize)]
pub struct Bound {
    col: String,
    lower: Option<String>,
    upper: Option<String>,
    free: bool,
    fixed: bool,
}

#[derive(Serialize)]
pub struct MpsRow {
    name: String,
    kind: &'static str,
    rhs: String,
    /// RANGES entry (positive width) for ranged rows.
    range: Option<String>,
}

#[derive(Serialize)]
pub struct MpsEntry {
    row: String,
    coef: String,
}

#[derive(Serialize)]
pub struct MpsColumn {
    name: String,
    integer: bool,
    entries: Vec<MpsEntry>,
}

#[derive(Serialize)]
pub struct MpsBound {
    kind: &'static str,
    col: String,
    value: Option<String>,
}

#[derive(Serialize)]
pub struct HessianEntry {
    a: String,
    b: String,
    coef: String,
}

#[derive(Serialize)]
pub struct Instance {
    name: String,
    maximize: bool,
    objective: Vec<Term>,
    quad: Vec<QuadTerm>,
    rows: Vec<LpRow>,
    bounds: Vec<Bound>,
    integers: Vec<String>,
    semicontinuous: Vec<String>,
    /// A column fixed at 1 that carries the objective's constant: not every reader accepts a
    /// constant term in the objective.
    constant_col: Option<String>,
    mps_rows: Vec<MpsRow>,
    columns: Vec<MpsColumn>,
    mps_bounds: Vec<MpsBound>,
    hessian: Vec<HessianEntry>,
    columns_count: usize,
    rows_count: usize,
}

fn term(coef: f64, col: &str) -> Term {
    Term { sign: if coef < 0.0 { "-" } else { "+" }, coef: format_number(coef.abs()), col: col.to_string() }
}

pub fn instance(model: &Model, c: &Compiled, mps: bool) -> Instance {
    let mut taken = HashSet::from(["obj".to_string()]);
    let mut cols = legalize((0..c.num_cols()).map(|k| c.col_name(model, k)), &mut taken);
    let rows = legalize((0..c.num_rows()).map(|r| c.row_name(model, r)), &mut taken);
    let constant_col = (c.offset != 0.0).then(|| legalize(["obj_constant".to_string()], &mut taken).remove(0));

    let mut objective: Vec<Term> =
        c.col_cost.iter().enumerate().filter(|(_, v)| **v != 0.0).map(|(k, &v)| term(v, &cols[k])).collect();
    if let Some(k) = &constant_col {
        objective.push(term(c.offset, k));
    }
    if objective.is_empty() && !cols.is_empty() {
        objective.push(term(0.0, &cols[0]));
    }

    let mut quad = Vec::new();
    let mut hessian = Vec::new();
    if let Some(h) = &c.hessian {
        for col in 0..h.start.len() {
            let end = h.start.get(col + 1).map_or(h.index.len(), |&e| e as usize);
            for k in h.start[col] as usize..end {
                let row = h.index[k] as usize;
                let v = h.value[k];
                // `[ … ] / 2` holds ½x'Qx: Q_ii x_i², and 2·Q_ij x_i x_j for the pair i < j.
                let coef = if row == col { v } else { 2.0 * v };
                quad.push(QuadTerm {
                    sign: if coef < 0.0 { "-" } else { "+" },
                    coef: format_number(coef.abs()),
                    a: cols[col].clone(),
                    b: cols[row].clone(),
                    square: row == col,
                });
                hessian.push(HessianEntry { a: cols[col].clone(), b: cols[row].clone(), coef: format_number(v) });
            }
        }
    }

    let mut lp_rows = Vec::new();
    let mut mps_rows = Vec::new();
    for (r, name) in rows.iter().enumerate() {
        let (s, e) = (c.row_start[r] as usize, c.row_start[r + 1] as usize);
        let terms = || -> Vec<Term> {
            let mut t: Vec<Term> = (s..e).map(|k| term(c.row_value[k], &cols[c.row_index[k] as usize])).collect();
            if t.is_empty() && !cols.is_empty() {
                t.push(term(0.0, &cols[0]));
            }
            t
        };
        let (lo, hi) = (c.row_lower[r], c.row_upper[r]);
        let one = |op, rhs: f64, name: String| LpRow { name, terms: terms(), op, rhs: format_number(rhs) };
        match (lo.is_finite(), hi.is_finite()) {
            (true, true) if lo == hi => lp_rows.push(one("=", lo, name.clone())),
            (true, true) => {
                lp_rows.push(one(">=", lo, format!("{name}_lo")));
                lp_rows.push(one("<=", hi, format!("{name}_hi")));
            }
            (true, false) => lp_rows.push(one(">=", lo, name.clone())),
            (false, true) => lp_rows.push(one("<=", hi, name.clone())),
            (false, false) => {}
        }
        if mps {
            let (kind, rhs, range) = match (lo.is_finite(), hi.is_finite()) {
                (true, true) if lo == hi => ("E", lo, None),
                (true, true) => ("G", lo, Some(hi - lo)),
                (true, false) => ("G", lo, None),
                (false, true) => ("L", hi, None),
                (false, false) => ("N", 0.0, None),
            };
            mps_rows.push(MpsRow {
                name: name.clone(),
                kind,
                rhs: format_number(rhs),
                range: range.map(format_number),
            });
        }
    }

    let mut bounds = Vec::new();
    let mut mps_bounds = Vec::new();
    let mut integers = Vec::new();
    let mut semicontinuous = Vec::new();
    for (k, col) in cols.iter().enumerate() {
        let (lo, hi) = (c.col_lower[k], c.col_upper[k]);
        match c.integrality[k] {
            CONTINUOUS => {}
            SEMI_CONTINUOUS => semicontinuous.push(col.clone()),
            // The LP format's semi-integer: listed as general and as semi-continuous.
            SEMI_INTEGER => {
                integers.push(col.clone());
                semicontinuous.push(col.clone());
            }
            _ => integers.push(col.clone()),
        }
        let num = |v: f64| if v.is_finite() { Some(format_number(v)) } else { None };
        let semi = matches!(c.integrality[k], SEMI_CONTINUOUS | SEMI_INTEGER);
        let is_default = lo == 0.0 && hi == f64::INFINITY && !semi;
        if !is_default {
            bounds.push(Bound {
                col: col.clone(),
                lower: num(lo).or_else(|| Some("-inf".into())),
                upper: num(hi),
                free: lo == f64::NEG_INFINITY && hi == f64::INFINITY,
                fixed: lo == hi,
            });
        }
        if mps {
            mps_bounds.extend(mps_bound(col, lo, hi, c.integrality[k]));
        }
    }
    if let Some(k) = &constant_col {
        bounds.push(Bound {
            col: k.clone(),
            lower: Some("1".into()),
            upper: Some("1".into()),
            free: false,
            fixed: true,
        });
        mps_bounds.push(MpsBound { kind: "FX", col: k.clone(), value: Some("1".into()) });
    }

    let columns = if mps { mps_columns(c, &cols, &rows, constant_col.as_deref()) } else { Vec::new() };
    if constant_col.is_some() {
        cols.push(constant_col.clone().unwrap_or_default());
    }
    Instance {
        name: legalize([model.name.clone()], &mut HashSet::new()).remove(0),
        maximize: model.objective.sense == Sense::Maximize,
        objective,
        quad,
        rows: lp_rows,
        bounds,
        integers,
        semicontinuous,
        constant_col,
        mps_rows,
        columns,
        mps_bounds,
        hessian,
        columns_count: cols.len(),
        rows_count: c.num_rows(),
    }
}

/// MPS BOUNDS lines for one column. Integer columns always get explicit bounds: some readers
/// take an integer column without bounds as binary.
fn mps_bound(col: &str, lo: f64, hi: f64, kind: i32) -> Vec<MpsBound> {
    let b = |kind, value: Option<f64>| MpsBound { kind, col: col.to_string(), value: value.map(format_number) };
    if kind == SEMI_CONTINUOUS || kind == SEMI_INTEGER {
        let mut v = vec![b(if kind == SEMI_INTEGER { "SI" } else { "SC" }, Some(hi))];
        if lo != 0.0 {
            v.insert(0, b("LO", Some(lo)));
        }
        return v;
    }
    let integer = kind != CONTINUOUS;
    match (lo.is_finite(), hi.is_finite()) {
        _ if lo == hi => vec![b("FX", Some(lo))],
        (false, false) => vec![b("FR", None)],
        (false, true) => vec![b("MI", None), b("UP", Some(hi))],
        (true, false) if integer || lo != 0.0 => vec![b("LO", Some(lo)), b("PL", None)],
        (true, false) => vec![],
        (true, true) => vec![b("LO", Some(lo)), b("UP", Some(hi))],
    }
}

/// Column-wise entries (objective first), from the row-wise arrays.
fn mps_columns(c: &Compiled, cols: &[String], rows: &[String], constant: Option<&str>) -> Vec<MpsColumn> {
    let mut entries: Vec<Vec<MpsEntry>> = (0..c.num_cols()).map(|_| Vec::new()).collect();
    for (k, e) in entries.iter_mut().enumerate() {
        if c.col_cost[k] != 0.0 {
            e.push(MpsEntry { row: "obj".into(), coef: format_number(c.col_cost[k]) });
        }
    }
    for (r, row) in rows.iter().enumerate() {
        for k in c.row_start[r] as usize..c.row_start[r + 1] as usize {
            entries[c.row_index[k] as usize].push(MpsEntry { row: row.clone(), coef: format_number(c.row_value[k]) });
        }
    }
    let mut out: Vec<MpsColumn> = entries
        .into_iter()
        .enumerate()
        .map(|(k, entries)| MpsColumn {
            name: cols[k].clone(),
            integer: matches!(c.integrality[k], INTEGER | SEMI_INTEGER),
            entries,
        })
        .collect();
    if let Some(name) = constant {
        out.push(MpsColumn {
            name: name.to_string(),
            integer: false,
            entries: vec![MpsEntry { row: "obj".into(), coef: format_number(c.offset) }],
        });
    }
    out
}
