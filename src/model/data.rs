//! Set elements and parameter data from the model file and from CSV/JSON files beside it.
//! Every problem names the parameter (or file), the entry, and what was expected.

use std::path::Path;

use serde_json::Value;

use super::diag::{did_you_mean, Code, Diagnostic};
use super::ir::SetId;
use super::sets::{Atom, Interner, SetData};

/// Reads a CSV file with a header row.
pub struct Csv {
    pub file: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

pub fn read_csv(base: &Path, file: &str, path: &str) -> Result<Csv, Diagnostic> {
    let full = base.join(file);
    let io_err = |e: String| {
        Diagnostic::error(Code::DataFile, path, format!("cannot read data file `{file}`: {e}"))
            .help(format!("the path is relative to the model file's folder ({})", full.display()))
    };
    let mut rdr = csv::ReaderBuilder::new().trim(csv::Trim::All).from_path(&full).map_err(|e| io_err(e.to_string()))?;
    let headers: Vec<String> = rdr.headers().map_err(|e| io_err(e.to_string()))?.iter().map(String::from).collect();
    let mut rows = Vec::new();
    for (k, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| Diagnostic::error(Code::DataFile, path, format!("{file}, row {}: {e}", k + 2)))?;
        rows.push(rec.iter().map(String::from).collect());
    }
    Ok(Csv { file: file.to_string(), headers, rows })
}

impl Csv {
    /// Index of each named column, or an error naming the missing one and those present.
    pub fn columns(&self, names: &[String], path: &str) -> Result<Vec<usize>, Diagnostic> {
        names
            .iter()
            .map(|n| {
                self.headers.iter().position(|h| h == n).ok_or_else(|| {
                    let help = did_you_mean(n, self.headers.iter().map(String::as_str))
                        .unwrap_or_else(|| format!("columns of {}: {}", self.file, self.headers.join(", ")));
                    Diagnostic::error(Code::DataFile, path, format!("{} has no column `{n}`", self.file)).help(help)
                })
            })
            .collect()
    }
}

/// A set element item from text: integers stay integers, everything else is a name.
pub fn atom_of_text(names: &mut Interner, s: &str) -> Atom {
    match s.parse::<i64>() {
        Ok(i) => Atom::Int(i),
        Err(_) => names.intern(s),
    }
}

/// A set element item from JSON: a string or an integer.
pub fn atom_of_json(names: &mut Interner, v: &Value) -> Option<Atom> {
    match v {
        Value::String(s) => Some(names.intern(s)),
        Value::Number(n) => n.as_i64().map(Atom::Int).or_else(|| {
            let f = n.as_f64()?;
            (f.fract() == 0.0).then_some(Atom::Int(f as i64))
        }),
        _ => None,
    }
}

/// Finds the element of `set` that a data key (always text in JSON maps and CSV) names.
fn key_atom(names: &Interner, set: &SetData, comp: usize, key: &str) -> Option<Atom> {
    let sample = set.elems.get(comp).copied();
    match (sample, key.parse::<i64>()) {
        (Some(Atom::Int(_)), Ok(i)) => Some(Atom::Int(i)),
        _ => names.lookup(key),
    }
}

/// Fills a dense parameter array from keyed entries, reporting unknown keys.
pub struct Filler<'a> {
    pub names: &'a Interner,
    pub sets: &'a [SetData],
    pub dims: &'a [SetId],
    pub strides: &'a [usize],
    pub values: &'a mut Vec<f64>,
    pub path: &'a str,
    pub errors: Vec<Diagnostic>,
}

impl Filler<'_> {
    fn key_len(&self) -> usize {
        self.dims.iter().map(|&d| self.sets[d].arity).sum()
    }

    /// Dimension and component of key item `k`.
    fn comp_of(&self, mut k: usize) -> (usize, usize) {
        for (d, &s) in self.dims.iter().enumerate() {
            let a = self.sets[s].arity;
            if k < a {
                return (d, k);
            }
            k -= a;
        }
        unreachable!("key item beyond the dimensions")
    }

    fn err(&mut self, where_: &str, msg: String, help: Option<String>) {
        self.errors.push(Diagnostic::error(Code::MissingData, format!("{}{where_}", self.path), msg).help_opt(help));
    }

    /// Stores `value` at the entry named by `keys` (one text per key item).
    pub fn put(&mut self, keys: &[String], value: f64, where_: &str) {
        let mut offset = 0;
        let mut k = 0;
        for (d, &s) in self.dims.iter().enumerate() {
            let set = &self.sets[s];
            let mut tuple = Vec::with_capacity(set.arity);
            for c in 0..set.arity {
                match key_atom(self.names, set, c, &keys[k + c]) {
                    Some(a) => tuple.push(a),
                    None => {
                        tuple.clear();
                        break;
                    }
                }
            }
            let Some(pos) = set.position(&tuple).filter(|_| !tuple.is_empty()) else {
                let shown = keys[k..k + set.arity].join(",");
                let elems: Vec<String> = (0..set.len()).map(|e| self.names.show_tuple(set.elem(e))).collect();
                let help = did_you_mean(&shown, elems.iter().map(String::as_str))
                    .unwrap_or_else(|| format!("elements of {}: {}", set.name, set.preview(self.names, 8)));
                self.err(where_, format!("`{shown}` is not an element of set `{}`", set.name), Some(help));
                return;
            };
            offset += pos as usize * self.strides[d];
            k += set.arity;
        }
        self.values[offset] = value;
    }

    /// Nested maps (or positional arrays) in dimension order.
    pub fn nested(&mut self, v: &Value) {
        let mut keys = Vec::new();
        self.walk(v, &mut keys, String::new());
    }

    fn walk(&mut self, v: &Value, keys: &mut Vec<String>, where_: String) {
        let depth = keys.len();
        if depth == self.key_len() {
            match v.as_f64() {
                Some(x) => self.put(keys, x, &where_),
                None => self.err(&where_, format!("expected a number, found {v}"), None),
            }
            return;
        }
        match v {
            Value::Object(m) => {
                for (key, sub) in m {
                    keys.push(key.clone());
                    self.walk(sub, keys, format!("{where_}.{key}"));
                    keys.pop();
                }
            }
            Value::Array(items) => {
                let (d, comp) = self.comp_of(depth);
                let set = &self.sets[self.dims[d]];
                if comp != 0 || set.arity != 1 || items.len() != set.len() {
                    let msg = format!(
                        "a positional array needs one value per element of `{}` ({}), found {}",
                        set.name,
                        set.len(),
                        items.len()
                    );
                    self.err(&where_, msg, Some("or give a map from element to value".into()));
                    return;
                }
                let elems: Vec<String> = (0..set.len()).map(|e| self.names.show(set.elem(e)[0])).collect();
                for (e, sub) in items.iter().enumerate() {
                    keys.push(elems[e].clone());
                    self.walk(sub, keys, format!("{where_}[{e}]"));
                    keys.pop();
                }
            }
            other => {
                let (d, _) = self.comp_of(depth);
                let set = &self.sets[self.dims[d]].name;
                self.err(&where_, format!("expected a map keyed by elements of `{set}`, found {other}"), None);
            }
        }
    }

    /// Rows `[key1, …, keyK, value]`.
    pub fn rows(&mut self, rows: &[Value]) {
        let k = self.key_len();
        for (r, row) in rows.iter().enumerate() {
            let where_ = format!(".rows[{r}]");
            let items = match row.as_array() {
                Some(items) if items.len() == k + 1 => items,
                _ => {
                    self.err(
                        &where_,
                        format!("a row must be [{} keys…, value] ({} items), found {row}", k, k + 1),
                        None,
                    );
                    continue;
                }
            };
            let keys: Vec<String> = items[..k]
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            match items[k].as_f64() {
                Some(x) => self.put(&keys, x, &where_),
                None => self.err(&where_, format!("the last item of a row is the value; found {}", items[k]), None),
            }
        }
    }

    /// A CSV table: key columns then a value column.
    pub fn csv(&mut self, csv: &Csv, keys: Option<&[String]>, column: Option<&str>, name: &str) {
        let k = self.key_len();
        let key_cols: Vec<usize> = match keys {
            Some(keys) => match csv.columns(keys, self.path) {
                Ok(c) => c,
                Err(e) => return self.errors.push(e),
            },
            None => (0..k.min(csv.headers.len())).collect(),
        };
        if key_cols.len() != k {
            let msg = format!(
                "`{name}` needs {k} key column{}, {} names {}",
                if k == 1 { "" } else { "s" },
                csv.file,
                key_cols.len()
            );
            return self.err("", msg, Some("name them with \"keys\": [\"…\"]".into()));
        }
        let value_col = match column {
            Some(c) => match csv.columns(&[c.to_string()], self.path) {
                Ok(c) => c[0],
                Err(e) => return self.errors.push(e),
            },
            None => {
                let rest: Vec<usize> = (0..csv.headers.len()).filter(|c| !key_cols.contains(c)).collect();
                match (csv.headers.iter().position(|h| h == name), rest.as_slice()) {
                    (Some(c), _) => c,
                    (None, [only]) => *only,
                    _ => {
                        let msg = format!("which column of {} holds `{name}`?", csv.file);
                        return self.err("", msg, Some(format!("add \"column\": one of {}", csv.headers.join(", "))));
                    }
                }
            }
        };
        for (r, row) in csv.rows.iter().enumerate() {
            let line = r + 2;
            let where_ = format!(" ({}, row {line})", csv.file);
            let cell = row.get(value_col).map(String::as_str).unwrap_or("");
            let Ok(x) = cell.parse::<f64>() else {
                let col = &csv.headers[value_col];
                self.err(&where_, format!("{}, row {line}, column `{col}`: `{cell}` is not a number", csv.file), None);
                continue;
            };
            let keys: Vec<String> = key_cols.iter().map(|&c| row.get(c).cloned().unwrap_or_default()).collect();
            self.put(&keys, x, &where_);
        }
    }
}
