//! `run --csv DIR`: the solution as CSV, one file per variable and per constraint, for a
//! spreadsheet or a dataframe. `variables/NAME.csv` has one column per index (named after
//! its set), `value`, and `reduced_cost` for an LP; `constraints/NAME.csv` has its keys,
//! `activity`, `dual` for an LP, and `slack`. Every entry is written, zeros included.

use std::path::{Path, PathBuf};

use crate::compile::Compiled;
use crate::model::ir::SetRef;
use crate::model::sets::Atom;
use crate::model::Model;
use crate::solve::{clean, Outcome};

/// Header names for index components: a set's name (`Arcs_1`, `Arcs_2` for a tuple set),
/// made unique (`P`, `P_2`) when a set is used twice.
fn unique(names: Vec<String>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for n in names {
        let mut name = n.clone();
        let mut k = 2;
        while seen.contains(&name) {
            name = format!("{n}_{k}");
            k += 1;
        }
        seen.push(name);
    }
    seen
}

fn set_columns(name: &str, arity: usize) -> Vec<String> {
    if arity == 1 {
        vec![name.to_string()]
    } else {
        (1..=arity).map(|k| format!("{name}_{k}")).collect()
    }
}

fn number(v: f64) -> String {
    clean(v).to_string()
}

struct Table {
    path: PathBuf,
    writer: csv::Writer<std::fs::File>,
}

impl Table {
    fn create(path: PathBuf, header: &[String]) -> Result<Table, String> {
        let mut writer = csv::Writer::from_path(&path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        writer.write_record(header).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        Ok(Table { path, writer })
    }

    fn row(&mut self, cells: Vec<String>) -> Result<(), String> {
        self.writer.write_record(&cells).map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }

    fn finish(mut self) -> Result<PathBuf, String> {
        self.writer.flush().map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        Ok(self.path)
    }
}

fn folder(dir: &Path, name: &str) -> Result<PathBuf, String> {
    let path = dir.join(name);
    std::fs::create_dir_all(&path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    Ok(path)
}

/// Writes the CSV files of a solved model into `dir`; the files written, or why not.
/// Variable and constraint names are identifiers, so they are safe file names.
pub fn write(dir: &Path, model: &Model, compiled: &Compiled, outcome: &Outcome) -> Result<Vec<PathBuf>, String> {
    let Some(x) = &outcome.x else { return Err("there is no solution to write as CSV".into()) };
    let mut written = Vec::new();
    let show = |atoms: &[Atom]| atoms.iter().map(|&a| model.names.show(a)).collect::<Vec<_>>();

    let vars_dir = folder(dir, "variables")?;
    for v in &model.vars {
        let mut header =
            unique(v.dims.iter().flat_map(|&d| set_columns(&model.sets[d].name, model.sets[d].arity)).collect());
        header.push("value".into());
        if outcome.col_dual.is_some() {
            header.push("reduced_cost".into());
        }
        let mut t = Table::create(vars_dir.join(format!("{}.csv", v.name)), &header)?;
        for col in v.offset..v.offset + v.len {
            let mut rest = col - v.offset;
            let mut cells = Vec::new();
            for (k, &d) in v.dims.iter().enumerate() {
                let pos = rest / v.strides[k];
                rest %= v.strides[k];
                cells.extend(show(model.sets[d].elem(pos)));
            }
            cells.push(number(x[col]));
            if let Some(dual) = &outcome.col_dual {
                cells.push(number(dual[col]));
            }
            t.row(cells)?;
        }
        written.push(t.finish()?);
    }

    let rows_dir = folder(dir, "constraints")?;
    let activity = outcome.row_activity.as_deref().unwrap_or(&[]);
    for (c, con) in model.constraints.iter().enumerate() {
        let mut keys = Vec::new();
        for b in con.forall.iter().flat_map(|f| &f.ir.bindings) {
            match &b.set {
                SetRef::Named(s) => keys.extend(set_columns(&model.sets[*s].name, b.arity)),
                // A range has no set name: its index names the column (`t in 1..T` → `t`).
                SetRef::Range(..) => {
                    keys.extend((0..b.arity).map(|k| con.slots[b.first_slot + k].name.clone()));
                }
            }
        }
        let mut header = unique(keys);
        header.push("activity".into());
        if outcome.row_dual.is_some() {
            header.push("dual".into());
        }
        header.push("slack".into());
        let mut t = Table::create(rows_dir.join(format!("{}.csv", con.name)), &header)?;
        let first = compiled.constraint_rows[c].0;
        let end = compiled.constraint_rows.get(c + 1).map_or(compiled.num_rows(), |r| r.0);
        for r in first..end {
            let (_, atoms) = compiled.row_origin(model, r);
            let a = activity.get(r).copied().unwrap_or(f64::NAN);
            let mut cells = show(atoms);
            cells.push(number(a));
            if let Some(dual) = &outcome.row_dual {
                cells.push(number(dual[r]));
            }
            cells.push(number((compiled.row_upper[r] - a).min(a - compiled.row_lower[r])));
            t.row(cells)?;
        }
        written.push(t.finish()?);
    }
    Ok(written)
}
