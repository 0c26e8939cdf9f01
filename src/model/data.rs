//! Set elements and parameter data from the model file and from CSV/JSON files beside it.
//! Every problem names the parameter (or file), the entry, and what was expected.

use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::diag::{did_you_mean, Code, Diagnostic};
use super::ir::SetId;
use super::limits::{raise_hint, Limits};
use super::sets::{Atom, Interner, SetData};

/// Which data files a formulation may read. Nothing a formulation says can widen this: the
/// user chooses it, by where the model file is or by `--data-dir`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum DataAccess {
    /// No data files at all. The default, and always so for a formulation from an LLM
    /// endpoint: its data comes from the problem text, never from this machine's files.
    #[default]
    Denied,
    /// Files inside the model file's own folder (resolved when the file is loaded).
    BesideModel,
    /// Regular files inside this folder: no absolute paths, no `..` or symbolic link out of it.
    Within(PathBuf),
}

/// Opens a data file named by a formulation, if the access rules allow it.
pub fn open_data(access: &DataAccess, limits: &Limits, file: &str, path: &str) -> Result<File, Diagnostic> {
    let refuse = |msg: String, help: String| Err(Diagnostic::error(Code::DataFile, path, msg).help(help));
    let root = match access {
        DataAccess::Within(root) => root,
        DataAccess::Denied | DataAccess::BesideModel => {
            return refuse(
                format!("data file `{file}` cannot be read: this formulation may not read files"),
                "write the data into the formulation (\"values\" or \"rows\"), or name the folder of its data files with --data-dir (a formulation from an LLM or from stdin has no folder of its own)".into(),
            )
        }
    };
    let shown_root = root.display();
    if Path::new(file).is_absolute() {
        return refuse(
            format!("data file `{file}` is an absolute path"),
            format!("data files are named relative to the data folder ({shown_root})"),
        );
    }
    let cannot = |e: std::io::Error| {
        Diagnostic::error(Code::DataFile, path, format!("cannot read data file `{file}`: {e}"))
            .help(format!("the path is relative to the data folder ({shown_root})"))
    };
    // Canonical paths resolve every `..` and symbolic link, so the prefix test below is the
    // whole confinement rule.
    let canon_root = root.canonicalize().map_err(cannot)?;
    let canon = root.join(file).canonicalize().map_err(cannot)?;
    if !canon.starts_with(&canon_root) {
        return refuse(
            format!("data file `{file}` is outside the data folder"),
            format!("data files must be inside {shown_root} (no `..` or symbolic link out of it); pass --data-dir to choose another folder"),
        );
    }
    // Checked before opening: opening a FIFO would block, and a device can be endless.
    let meta = std::fs::metadata(&canon).map_err(cannot)?;
    if !meta.is_file() {
        return refuse(format!("data file `{file}` is not a regular file"), "name a CSV or JSON file".into());
    }
    if meta.len() > limits.data_file_bytes {
        return refuse(
            format!("data file `{file}` has {} bytes, more than the limit", meta.len()),
            raise_hint("data_file_bytes", limits.data_file_bytes),
        );
    }
    File::open(&canon).map_err(cannot)
}

/// A CSV file with a header row, read row by row (never held whole in memory).
pub struct Csv {
    pub file: String,
    pub headers: Vec<String>,
    path: String,
    reader: csv::Reader<File>,
}

pub fn read_csv(access: &DataAccess, limits: &Limits, file: &str, path: &str) -> Result<Csv, Diagnostic> {
    let handle = open_data(access, limits, file, path)?;
    let mut reader = csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(handle);
    let headers = reader
        .headers()
        .map_err(|e| Diagnostic::error(Code::DataFile, path, format!("cannot read data file `{file}`: {e}")))?
        .iter()
        .map(String::from)
        .collect();
    Ok(Csv { file: file.to_string(), headers, path: path.to_string(), reader })
}

impl Csv {
    /// Calls `f(line, row)` for each data row (`line` counts the header as line 1). A
    /// malformed row is an error naming the file and line.
    pub fn for_each_row(&mut self, mut f: impl FnMut(usize, &csv::StringRecord)) -> Result<(), Diagnostic> {
        let mut row = csv::StringRecord::new();
        let mut line = 1;
        loop {
            line += 1;
            match self.reader.read_record(&mut row) {
                Ok(true) => f(line, &row),
                Ok(false) => return Ok(()),
                Err(e) => {
                    let msg = format!("{}, row {line}: {e}", self.file);
                    return Err(Diagnostic::error(Code::DataFile, &self.path, msg));
                }
            }
        }
    }

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

/// A data value from JSON: a number, or `"inf"` / `"-inf"` (JSON has no infinity) for data
/// that is unlimited, such as a capacity that does not bind.
pub fn data_number(v: &Value) -> Option<f64> {
    match v {
        Value::String(s) => infinity(s),
        v => v.as_f64(),
    }
}

/// `inf`, `+inf`, `-inf` (also `infinity`, any case) as ±∞.
pub fn infinity(s: &str) -> Option<f64> {
    let t = s.trim().to_ascii_lowercase();
    let (sign, word) = match t.strip_prefix('-') {
        Some(w) => (-1.0, w),
        None => (1.0, t.strip_prefix('+').unwrap_or(&t)),
    };
    matches!(word, "inf" | "infinity").then_some(sign * f64::INFINITY)
}

/// A data value from a CSV cell: a number or ±inf. `NaN` is no value (it would read as
/// missing data), so it is refused like any other text.
fn cell_number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok().filter(|x| !x.is_nan())
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

/// A data key as text: JSON strings as they are, integral numbers without a fraction.
fn key_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// Fills a dense parameter array from keyed entries, reporting unknown keys.
///
/// Keys are resolved level by level (an outer map key once, not once per leaf), through a
/// text → position table per dimension, so reading data costs one small hash per key.
pub struct Filler<'a> {
    pub names: &'a Interner,
    pub sets: &'a [SetData],
    pub dims: &'a [SetId],
    pub strides: &'a [usize],
    pub values: &'a mut Vec<f64>,
    pub path: &'a str,
    pub errors: Vec<Diagnostic>,
    keymaps: Vec<Option<HashMap<String, u32>>>,
}

impl<'a> Filler<'a> {
    pub fn new(
        names: &'a Interner,
        sets: &'a [SetData],
        dims: &'a [SetId],
        strides: &'a [usize],
        values: &'a mut Vec<f64>,
        path: &'a str,
    ) -> Self {
        let keymaps = dims
            .iter()
            .map(|&d| {
                let set = &sets[d];
                (set.arity == 1).then(|| (0..set.len()).map(|k| (names.show(set.elem(k)[0]), k as u32)).collect())
            })
            .collect();
        Filler { names, sets, dims, strides, values, path, errors: Vec::new(), keymaps }
    }

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

    /// Position in dimension `d` of the element named by `keys` (one text per tuple item).
    fn position<S: AsRef<str>>(&mut self, d: usize, keys: &[S], where_: &str) -> Option<usize> {
        let set = &self.sets[self.dims[d]];
        let found = match &self.keymaps[d] {
            Some(map) => map.get(keys[0].as_ref()).copied(),
            None => {
                let atoms: Option<Vec<Atom>> =
                    keys.iter().enumerate().map(|(c, k)| key_atom(self.names, set, c, k.as_ref())).collect();
                atoms.and_then(|a| set.position(&a))
            }
        };
        if found.is_none() {
            let shown = keys.iter().map(AsRef::as_ref).collect::<Vec<_>>().join(",");
            let elems: Vec<String> = (0..set.len()).map(|e| self.names.show_tuple(set.elem(e))).collect();
            let help = did_you_mean(&shown, elems.iter().map(String::as_str))
                .unwrap_or_else(|| format!("elements of {}: {}", set.name, set.preview(self.names, 8)));
            let msg = format!("`{shown}` is not an element of set `{}`", set.name);
            self.err(where_, msg, Some(help));
        }
        found.map(|p| p as usize * self.strides[d])
    }

    /// Offset of a full key (all dimensions' items in order).
    fn offset<S: AsRef<str>>(&mut self, keys: &[S], where_: &str) -> Option<usize> {
        let mut off = 0;
        let mut k = 0;
        for d in 0..self.dims.len() {
            let arity = self.sets[self.dims[d]].arity;
            off += self.position(d, &keys[k..k + arity], where_)?;
            k += arity;
        }
        Some(off)
    }

    /// Nested maps (or positional arrays) in dimension order.
    pub fn nested(&mut self, v: &Value) {
        let mut pending = Vec::new();
        self.walk(v, 0, 0, &mut pending, &String::new);
    }

    /// `where_` names the current entry for messages; it is only called on an error, so
    /// large positional arrays cost no string formatting.
    fn walk(&mut self, v: &Value, level: usize, offset: usize, pending: &mut Vec<String>, where_: &dyn Fn() -> String) {
        if level == self.key_len() {
            match data_number(v) {
                Some(x) => self.values[offset] = x,
                None => self.err(&where_(), format!("expected a number, found {v}"), None),
            }
            return;
        }
        let (d, comp) = self.comp_of(level);
        let arity = self.sets[self.dims[d]].arity;
        match v {
            Value::Object(m) => {
                for (key, sub) in m {
                    let here = || format!("{}.{key}", where_());
                    pending.push(key.clone());
                    if comp + 1 == arity {
                        let start = pending.len() - arity;
                        let keys: Vec<String> = pending[start..].to_vec();
                        if let Some(off) = self.position(d, &keys, &here()) {
                            self.walk(sub, level + 1, offset + off, pending, &here);
                        }
                    } else {
                        self.walk(sub, level + 1, offset, pending, &here);
                    }
                    pending.pop();
                }
            }
            Value::Array(items) => {
                let set = &self.sets[self.dims[d]];
                if comp != 0 || arity != 1 || items.len() != set.len() {
                    let msg = format!(
                        "a positional array needs one value per element of `{}` ({}), found {}",
                        set.name,
                        set.len(),
                        items.len()
                    );
                    self.err(&where_(), msg, Some("or give a map from element to value".into()));
                    return;
                }
                let stride = self.strides[d];
                for (e, sub) in items.iter().enumerate() {
                    let here = || format!("{}[{e}]", where_());
                    self.walk(sub, level + 1, offset + e * stride, pending, &here);
                }
            }
            other => {
                let set = &self.sets[self.dims[d]].name;
                self.err(&where_(), format!("expected a map keyed by elements of `{set}`, found {other}"), None);
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
            let keys: Vec<String> = items[..k].iter().map(key_text).collect();
            match data_number(&items[k]) {
                Some(x) => {
                    if let Some(off) = self.offset(&keys, &where_) {
                        self.values[off] = x;
                    }
                }
                None => self.err(&where_, format!("the last item of a row is the value; found {}", items[k]), None),
            }
        }
    }

    /// A CSV table: key columns then a value column.
    pub fn csv(&mut self, csv: &mut Csv, keys: Option<&[String]>, column: Option<&str>, name: &str) {
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
        let file = csv.file.clone();
        let value_name = csv.headers[value_col].clone();
        let mut cells: Vec<String> = Vec::with_capacity(k);
        let res = csv.for_each_row(|line, row| {
            let cell = row.get(value_col).unwrap_or("");
            let Some(x) = cell_number(cell) else {
                let where_ = format!(" ({file}, row {line})");
                self.err(&where_, format!("{file}, row {line}, column `{value_name}`: `{cell}` is not a number"), None);
                return;
            };
            let mut off = Some(0);
            let mut at = 0;
            for d in 0..self.dims.len() {
                let arity = self.sets[self.dims[d]].arity;
                let fast = match (&self.keymaps[d], key_cols.get(at)) {
                    (Some(map), Some(&c)) => map.get(row.get(c).unwrap_or("")).map(|&p| p as usize * self.strides[d]),
                    _ => None,
                };
                let pos = fast.or_else(|| {
                    cells.clear();
                    cells.extend(key_cols[at..at + arity].iter().map(|&c| row.get(c).unwrap_or("").to_string()));
                    self.position(d, &cells, &format!(" ({file}, row {line})"))
                });
                off = off.zip(pos).map(|(a, b)| a + b);
                at += arity;
            }
            if let Some(off) = off {
                self.values[off] = x;
            }
        });
        if let Err(e) = res {
            self.errors.push(e);
        }
    }
}
