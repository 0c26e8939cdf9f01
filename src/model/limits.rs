//! Every input is bounded. A formulation may come from an LLM, that is from anyone: each size
//! it can choose (expression length and nesting, set and instance size, loop work, data files,
//! replies) has a limit here, checked *before* the memory or time is spent, and reported as an
//! error that names the element, the limit and the flag that raises it (`--max NAME=VALUE`).

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Size of a model file, in bytes.
    pub model_bytes: u64,
    /// Length of one expression, in bytes.
    pub expression_bytes: usize,
    /// Nesting depth of one expression (parentheses, sums, calls, unary operators).
    pub depth: usize,
    /// Elements of one set.
    pub set_size: usize,
    /// Entries of one parameter (parameters are stored dense).
    pub param_entries: usize,
    /// Columns (variable entries) of the instance.
    pub columns: usize,
    /// Rows (constraint instances) of the instance.
    pub rows: usize,
    /// Non-zero coefficients of the instance.
    pub nonzeros: usize,
    /// Index combinations visited while instantiating (loops, sums, filters together).
    pub iterations: u64,
    /// Size of one data file, in bytes.
    pub data_file_bytes: u64,
    /// Size of one LLM reply, in bytes.
    pub response_bytes: usize,
    /// Diagnostics quoted in one repair prompt.
    pub repair_diagnostics: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            model_bytes: 512 << 20,
            expression_bytes: 100_000,
            depth: 64,
            set_size: 10_000_000,
            param_entries: 200_000_000,
            columns: 20_000_000,
            rows: 20_000_000,
            nonzeros: 200_000_000,
            iterations: 1_000_000_000,
            data_file_bytes: 1 << 30,
            response_bytes: 1 << 20,
            repair_diagnostics: 32,
        }
    }
}

/// One limit: its flag name, what it bounds, and how to read and write it.
struct Entry {
    name: &'static str,
    what: &'static str,
    get: fn(&Limits) -> u64,
    set: fn(&mut Limits, u64),
}

macro_rules! entries {
    ($($field:ident: $what:literal),* $(,)?) => {
        &[$(Entry {
            name: stringify!($field),
            what: $what,
            get: |l| l.$field as u64,
            set: |l, v| l.$field = v as _,
        }),*]
    };
}

const ENTRIES: &[Entry] = entries! {
    model_bytes: "bytes of a model file",
    expression_bytes: "bytes of one expression",
    depth: "nesting depth of one expression",
    set_size: "elements of one set",
    param_entries: "entries of one parameter",
    columns: "columns (variable entries) of the instance",
    rows: "rows (constraint instances) of the instance",
    nonzeros: "non-zero coefficients of the instance",
    iterations: "index combinations visited while instantiating",
    data_file_bytes: "bytes of one data file",
    response_bytes: "bytes of one LLM reply",
    repair_diagnostics: "diagnostics quoted in one repair prompt",
};

impl Limits {
    /// Applies `NAME=VALUE` (as given to `--max`); values accept `1e9` and `_` separators.
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let (name, value) =
            assignment.split_once('=').ok_or_else(|| format!("write NAME=VALUE, e.g. rows=5e7 ({})", names()))?;
        let entry = ENTRIES
            .iter()
            .find(|e| e.name == name.trim())
            .ok_or_else(|| format!("unknown limit `{}`; the limits are: {}", name.trim(), names()))?;
        let text = value.trim().replace('_', "");
        let v: f64 = text.parse().map_err(|_| format!("`{}` is not a number", value.trim()))?;
        if !(v >= 1.0 && v.fract() == 0.0 && v <= u32::MAX as f64 * u32::MAX as f64) {
            return Err(format!("limit {} must be a positive whole number, found `{}`", entry.name, value.trim()));
        }
        // Limits on sizes held in memory never exceed what this platform can address.
        (entry.set)(self, (v as u64).min(usize::MAX as u64));
        Ok(())
    }

    /// The table of limits with their defaults, for `--help` and the README.
    pub fn table() -> String {
        let d = Limits::default();
        let mut s = String::new();
        for e in ENTRIES {
            let _ = writeln!(s, "  {:<19} {:>13}  {}", e.name, (e.get)(&d), e.what);
        }
        s
    }
}

fn names() -> String {
    ENTRIES.iter().map(|e| e.name).collect::<Vec<_>>().join(", ")
}

/// The message tail of every limit error: which flag raises it.
pub fn raise_hint(name: &str, value: impl std::fmt::Display) -> String {
    format!("if this size is intended, raise the limit with `--max {name}=N` (now {value})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_set_by_name_and_bad_assignments_are_refused() {
        let mut l = Limits::default();
        l.set("rows=5e7").unwrap();
        l.set(" depth = 200 ").unwrap();
        l.set("iterations=2_000_000_000").unwrap();
        assert_eq!((l.rows, l.depth, l.iterations), (50_000_000, 200, 2_000_000_000));
        assert!(l.set("rowz=5").unwrap_err().contains("unknown limit `rowz`"));
        assert!(l.set("rows=-1").unwrap_err().contains("positive whole number"));
        assert!(l.set("rows=1.5").unwrap_err().contains("positive whole number"));
        assert!(l.set("rows").unwrap_err().contains("NAME=VALUE"));
        assert!(l.set("rows=lots").unwrap_err().contains("not a number"));
    }

    #[test]
    fn the_table_lists_every_limit_with_its_default() {
        let t = Limits::table();
        assert_eq!(t.lines().count(), ENTRIES.len());
        assert!(t.contains("set_size") && t.contains("10000000"), "{t}");
    }
}
