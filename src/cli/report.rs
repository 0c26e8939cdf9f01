//! What `check` and `run` print: text for people, one JSON document for programs.

use std::fmt::Write;

use serde_json::{json, Value};

use crate::compile::Compiled;
use crate::model::{Diagnostics, Model, Sense};
use crate::solve::{clean, nonzero_columns, pretty as num, Outcome, Status, Verification};

/// Writes to stdout; a closed pipe (`optform run … | head`) is not an error worth a panic.
/// Writes to stdout; `false` when it could not be written (a closed pipe, a full disk).
pub fn out(text: &str) -> bool {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes()).and_then(|_| stdout.flush()).is_ok()
}

fn out_json(doc: &Value) -> bool {
    serde_json::to_string_pretty(doc).is_ok_and(|text| out(&format!("{text}\n")))
}

pub fn diagnostics(diags: &Diagnostics, as_json: bool) {
    if as_json {
        let doc = json!({ "ok": false, "errors": diags.error_count(), "warnings": diags.warning_count(), "diagnostics": diags.0 });
        out_json(&doc);
    } else {
        eprintln!("{diags}");
    }
}

fn kind(c: &Compiled) -> &'static str {
    match (c.hessian.is_some(), c.is_mip()) {
        (true, _) => "convex QP",
        (false, true) => "MILP",
        (false, false) => "LP",
    }
}

fn size_json(model: &Model, c: &Compiled) -> Value {
    json!({
        "kind": kind(c),
        "sets": model.sets.len(),
        "parameters": model.params.len(),
        "variables": model.vars.len(),
        "columns": c.num_cols(),
        "constraints": model.constraints.len(),
        "rows": c.num_rows(),
        "nonzeros": c.num_nonzeros(),
        "auxiliary_columns": c.aux.cols.len(),
        "auxiliary_rows": c.aux.rows.len(),
    })
}

pub fn check_ok(model: &Model, c: &Compiled, diags: &Diagnostics, as_json: bool) {
    if as_json {
        let doc = json!({
            "ok": true, "name": model.name, "size": size_json(model, c),
            "errors": 0, "warnings": diags.warning_count(), "diagnostics": diags.0,
        });
        out_json(&doc);
        return;
    }
    if !diags.0.is_empty() {
        eprintln!("{diags}\n");
    }
    // Reformulations (abs, logic, …) add columns and rows the user did not write: say so.
    let added = if c.aux.cols.is_empty() && c.aux.rows.is_empty() {
        String::new()
    } else {
        format!(
            " (reformulations added {} columns and {} rows; `run --explain` lists them)",
            c.aux.cols.len(),
            c.aux.rows.len()
        )
    };
    out(&format!(
        "ok: {} is a valid {}: {} columns ({} variables), {} rows ({} constraints), {} non-zeros{added}\n",
        model.name,
        kind(c),
        c.num_cols(),
        model.vars.len(),
        c.num_rows(),
        model.constraints.len(),
        c.num_nonzeros()
    ));
}

/// How a held level's bound reads: a minimised level stays at most at it.
fn bound_op(sense: Sense) -> &'static str {
    if sense == Sense::Maximize {
        ">="
    } else {
        "<="
    }
}

pub struct RunView<'a> {
    pub model: &'a Model,
    pub compiled: &'a Compiled,
    pub outcome: &'a Outcome,
    pub verification: Option<&'a Verification>,
    pub diags: &'a Diagnostics,
    pub all: bool,
    /// Print the reformulations' auxiliary columns and rows and their big-Ms.
    pub explain: bool,
    /// Infeasible: the constraints of an irreducible infeasible subsystem, by name.
    pub conflict: &'a [String],
    /// Unbounded: the variables of a direction along which the objective improves forever.
    pub ray: &'a [String],
}

impl RunView<'_> {
    fn variables(&self) -> Vec<(String, f64)> {
        match &self.outcome.x {
            Some(x) if self.all => {
                x.iter().enumerate().map(|(k, &v)| (self.compiled.col_name(self.model, k), clean(v))).collect()
            }
            Some(x) => nonzero_columns(self.model, x),
            None => Vec::new(),
        }
    }

    /// The same values nested by variable and index, `{"make": {"desk": 20}}`, for programs
    /// that look values up by element rather than by parsing `make[desk]`.
    fn nested_variables(&self) -> Value {
        let mut root = serde_json::Map::new();
        let Some(x) = &self.outcome.x else { return Value::Object(root) };
        'cols: for (col, &v) in x.iter().take(self.model.num_cols).enumerate() {
            if !self.all && v.abs() <= 1e-9 {
                continue;
            }
            let (name, keys) = self.model.col_key(col);
            let Some((last, path)) = keys.split_last() else {
                root.insert(name.to_string(), json!(clean(v)));
                continue;
            };
            // Every level below a variable is an object made here: the match never fails.
            let Value::Object(node) = root.entry(name.to_string()).or_insert_with(|| json!({})) else { continue };
            let mut node = node;
            for k in path {
                let Value::Object(next) = node.entry(k.clone()).or_insert_with(|| json!({})) else { continue 'cols };
                node = next;
            }
            node.insert(last.clone(), json!(clean(v)));
        }
        Value::Object(root)
    }

    /// Rows with activity, slack to the nearest bound, and dual (LPs). The rows of
    /// reformulations are listed only with `--all`, and without duals: they are artefacts.
    fn rows(&self) -> Vec<(String, f64, f64, Option<f64>)> {
        let (Some(act), c) = (&self.outcome.row_activity, self.compiled) else { return Vec::new() };
        let shown = if self.all { c.num_rows() } else { c.aux.first_row };
        (0..shown)
            .map(|r| {
                let a = act[r];
                let slack = (c.row_upper[r] - a).min(a - c.row_lower[r]);
                let dual = self.outcome.row_dual.as_ref().filter(|_| !c.is_aux_row(r)).map(|d| clean(d[r]));
                (c.row_name(self.model, r), clean(a), clean(slack), dual)
            })
            .collect()
    }

    /// Every big-M of the reformulations: the row it relaxes, and its value.
    fn big_ms(&self) -> Vec<(String, f64)> {
        let c = self.compiled;
        let first = c.aux.first_row;
        c.aux
            .rows
            .iter()
            .enumerate()
            .filter(|(_, o)| !o.big_m.is_nan())
            .map(|(k, o)| (c.row_name(self.model, first + k), o.big_m))
            .collect()
    }

    fn reformulation_json(&self) -> Value {
        let c = self.compiled;
        let big_m: Vec<Value> = self.big_ms().into_iter().map(|(row, m)| json!({ "row": row, "m": m })).collect();
        json!({ "auxiliary_columns": c.aux.cols.len(), "auxiliary_rows": c.aux.rows.len(), "big_m": big_m })
    }

    /// `--explain`: what optform added to the model and why, with each big-M.
    fn explanation(&self) -> String {
        const SHOWN: usize = 50;
        let c = self.compiled;
        let mut s = String::new();
        if c.aux.cols.is_empty() && c.aux.rows.is_empty() {
            s.push_str("\nreformulations: none (every constraint and the objective are linear as written)\n");
            return s;
        }
        let _ = writeln!(
            s,
            "\nreformulations: {} auxiliary columns, {} auxiliary rows",
            c.aux.cols.len(),
            c.aux.rows.len()
        );
        for col in (c.aux.first_col..c.num_cols()).take(SHOWN) {
            let bounds = format!("[{}, {}]", num(c.col_lower[col]), num(c.col_upper[col]));
            let _ = writeln!(s, "  column {:<35} {bounds}", c.col_name(self.model, col));
        }
        let ms = self.big_ms();
        if !ms.is_empty() {
            let _ = writeln!(s, "big-M values (derived from bounds):");
            for (row, m) in ms.iter().take(SHOWN) {
                let _ = writeln!(s, "  {row:<35} M = {}", num(*m));
            }
            if ms.len() > SHOWN {
                let _ = writeln!(s, "  … {} more in --json", ms.len() - SHOWN);
            }
        }
        s
    }

    pub fn to_json(&self) -> Value {
        let o = self.outcome;
        let vars: serde_json::Map<String, Value> = self.variables().into_iter().map(|(n, v)| (n, json!(v))).collect();
        let rows: Vec<Value> = self
            .rows()
            .into_iter()
            .map(|(n, a, s, d)| json!({ "name": n, "activity": a, "slack": s, "dual": d }))
            .collect();
        let doc = json!({
            "name": self.model.name,
            "status": o.status,
            "verified": self.verification.map(|v| v.ok),
            "sense": self.model.objective.sense,
            "objective": o.objective.map(clean),
            "mip_gap": o.mip_gap,
            "size": size_json(self.model, self.compiled),
            "variables": vars,
            "values": self.nested_variables(),
            "constraints": rows,
            "conflicting_constraints": self.conflict,
            "unbounded_ray": self.ray,
            "reformulation": self.reformulation_json(),
            "verification": self.verification,
            "solve_seconds": o.seconds,
            "message": o.message,
            "warnings": self.diags.0,
        });
        self.with_levels(doc)
    }

    /// A lexicographic objective's levels as `"objectives"`, right after `"objective"` (the
    /// first level's value); a single objective's document is left as it was.
    fn with_levels(&self, doc: Value) -> Value {
        let fields = match doc {
            Value::Object(fields) if !self.outcome.levels.is_empty() => fields,
            other => return other,
        };
        let mut levels: Vec<Value> = self
            .outcome
            .levels
            .iter()
            .enumerate()
            .map(|(k, l)| {
                json!({
                    "name": l.name, "priority": k + 1, "sense": l.sense, "value": l.value.map(clean),
                    "optimum": l.optimum.map(clean), "bound": l.bound,
                })
            })
            .collect();
        let mut out = serde_json::Map::new();
        for (key, value) in fields {
            let after = key == "objective";
            out.insert(key, value);
            if after {
                out.insert("objectives".into(), Value::Array(std::mem::take(&mut levels)));
            }
        }
        Value::Object(out)
    }

    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let o = self.outcome;
        let m = self.model;
        let verified = match self.verification {
            Some(v) if v.ok => " (verified)",
            Some(_) => " (NOT VERIFIED)",
            None => "",
        };
        let _ = writeln!(s, "{}: {}{verified}", m.name, o.status.as_str());
        let sense = if m.objective.sense == Sense::Maximize { "maximize" } else { "minimize" };
        if let Some(obj) = o.objective {
            let _ = write!(s, "objective ({sense}) = {}", num(obj));
            // A proven optimum has no gap; any other (a loosened --mip-gap, a limit) is shown.
            if let Some(g) = o.mip_gap.filter(|g| *g != 0.0) {
                let _ = write!(s, "   ({})", crate::solve::gap_text(g));
            }
            s.push('\n');
        }
        self.levels_text(&mut s);
        match o.status {
            Status::Infeasible => {
                s.push_str("no point satisfies all constraints and bounds\n");
                if !self.conflict.is_empty() {
                    let _ = writeln!(
                        s,
                        "these constraints conflict (an irreducible infeasible subsystem): {}",
                        self.conflict.join(", ")
                    );
                }
            }
            Status::Unbounded => {
                s.push_str("the objective can be improved without limit\n");
                if !self.ray.is_empty() {
                    let _ = writeln!(s, "along these variables: {}", self.ray.join(", "));
                }
            }
            Status::InfeasibleOrUnbounded => {
                s.push_str("HiGHS could not tell whether the model is infeasible or unbounded\n")
            }
            _ => {}
        }
        if let Some(msg) = &o.message {
            let _ = writeln!(s, "{msg}");
        }
        let vars = self.variables();
        if o.x.is_some() {
            let _ = writeln!(
                s,
                "\nvariables ({} of {} non-zero):",
                vars.iter().filter(|v| v.1 != 0.0).count(),
                if self.all { self.compiled.num_cols() } else { m.num_cols }
            );
            let width = vars.iter().map(|v| v.0.len()).max().unwrap_or(0);
            for (n, v) in &vars {
                let _ = writeln!(s, "  {n:<width$} = {}", num(*v));
            }
            let rows = self.rows();
            if !rows.is_empty() && rows.len() <= 200 {
                let _ = writeln!(s, "\nconstraints:");
                let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
                for (n, a, slack, dual) in &rows {
                    let mut line = format!("  {n:<width$}  activity {:<12} slack {:<12}", num(*a), num(*slack));
                    if let Some(d) = dual {
                        let _ = write!(line, " dual {}", num(*d));
                    }
                    let _ = writeln!(s, "{}", line.trim_end());
                }
            }
        }
        if let Some(v) = self.verification {
            let _ = writeln!(
                s,
                "\nverification: max constraint violation {:.2e}{}, max bound violation {:.2e}, integrality error {:.2e}, objective recomputed {} (tolerance {:.0e})",
                v.max_constraint_violation,
                v.worst_constraint.as_ref().map(|w| format!(" at {w}")).unwrap_or_default(),
                v.max_bound_violation,
                v.max_integrality_error,
                num(v.objective),
                v.tolerance
            );
            if !v.levels.is_empty() {
                let each: Vec<String> = v
                    .levels
                    .iter()
                    .zip(&self.outcome.levels)
                    .map(|(l, o)| match l.bound {
                        Some(b) => format!("{} {} {} {}", l.name, num(l.value), bound_op(o.sense), num(b)),
                        None => format!("{} {}", l.name, num(l.value)),
                    })
                    .collect();
                let worst = v.levels.iter().map(|l| l.violation).fold(0.0, f64::max);
                let _ = writeln!(s, "levels recomputed: {}; max level violation {worst:.2e}", each.join(", "));
            }
        }
        if self.explain {
            s.push_str(&self.explanation());
        }
        s
    }

    /// A lexicographic objective's levels: `objective[cost] (minimize, level 1) = 10`, with
    /// the optimum each reached and the bound it was held to for the levels after it.
    fn levels_text(&self, s: &mut String) {
        let levels = &self.outcome.levels;
        let width = levels.iter().map(|l| l.name.len()).max().unwrap_or(0);
        for (k, l) in levels.iter().enumerate() {
            if l.value.is_none() && l.optimum.is_none() {
                continue;
            }
            let sense = if l.sense == Sense::Maximize { "maximize" } else { "minimize" };
            let head = format!("objective[{}]", l.name);
            let mut line = format!("{head:<w$} ({sense}, level {})", k + 1, w = width + "objective[]".len());
            if let Some(v) = l.value {
                let _ = write!(line, " = {}", num(v));
            }
            let mut notes = Vec::new();
            if let Some(z) = l.optimum {
                notes.push(format!("optimum {}", num(z)));
            }
            if let Some(b) = l.bound {
                notes.push(format!("held {} {}", bound_op(l.sense), num(b)));
            }
            match (l.value, notes.is_empty()) {
                (_, true) => {}
                (Some(_), false) => {
                    let _ = write!(line, "   ({})", notes.join(", "));
                }
                (None, false) => {
                    let _ = write!(line, ": {}", notes.join(", "));
                }
            }
            let _ = writeln!(s, "{line}");
        }
    }
}
