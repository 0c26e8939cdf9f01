//! Formulation → checked [`Model`]: sets, parameter data, variables, objective, constraints,
//! in that order, collecting every diagnostic instead of stopping at the first.

use std::cell::Cell;
use std::collections::HashMap;

use serde_json::Value;

use super::data::{atom_of_json, atom_of_text, data_number, open_data, read_csv, Filler};
use super::diag::{Code, Diagnostic, Diagnostics};
use super::eval::{Env, Eval};
use super::infinite::Misuse;
use super::ir::*;
use super::limits::raise_hint;
use super::load::{ParamSource, SetSource, Text};
use super::resolve::{Resolver, Rules, Shapes, Symbol, World};
use super::sets::{Atom, Interner, SetData};
use super::*;
use crate::expr::{Binding, Expr, ExprKind, RelOp, SetKind};

// Data may be infinite (`"cap": "inf"`), so computed data may say `inf` too; what it cannot
// be is NaN (checked as each entry is computed) or a coefficient (checked as rows are emitted).
const DATA: Rules = Rules { max_degree: 0, allow_inf: true, context: "parameter data" };
const BOUND: Rules = Rules { max_degree: 0, allow_inf: true, context: "a bound" };
const OBJECTIVE: Rules = Rules { max_degree: 2, allow_inf: false, context: "the objective" };
const CONSTRAINT: Rules = Rules { max_degree: 1, allow_inf: true, context: "a constraint" };
const SET: Rules = Rules { max_degree: 0, allow_inf: true, context: "a set definition" };

mod derived;
mod order;

struct Builder<'f> {
    f: &'f Formulation,
    diags: Diagnostics,
    names: Interner,
    sets: Vec<SetData>,
    symbols: HashMap<String, Symbol>,
    params: Vec<Param>,
    param_defs: Vec<&'f super::load::ParamDef>,
    vars: Vec<Var>,
    num_sums: usize,
    /// Variables referenced by the objective and constraints.
    used_vars: Vec<VarId>,
}

pub fn build(f: &Formulation) -> (Option<Model>, Diagnostics) {
    let mut b = Builder {
        f,
        diags: Diagnostics::default(),
        names: Interner::default(),
        sets: Vec::new(),
        symbols: HashMap::new(),
        params: Vec::new(),
        param_defs: Vec::new(),
        vars: Vec::new(),
        num_sums: 0,
        used_vars: Vec::new(),
    };
    b.sets_and_params();
    b.vars();
    let several = !f.extra_objectives.is_empty();
    let objective = f.objective.as_ref().and_then(|def| b.objective(def, several));
    let extra: Vec<Option<Objective>> = f.extra_objectives.iter().map(|def| b.objective(def, several)).collect();
    let extra_objectives: Option<Vec<Objective>> = extra.into_iter().collect();
    let constraints = b.constraints();
    b.unused_vars();
    let model = match (objective, extra_objectives) {
        (Some(objective), Some(extra_objectives)) if !b.diags.has_errors() => Some(Model {
            name: f.name.clone(),
            description: f.description.clone(),
            names: b.names,
            num_cols: b.vars.iter().map(|v| v.len).sum(),
            sets: b.sets,
            params: b.params,
            vars: b.vars,
            objective,
            extra_objectives,
            constraints,
            num_sums: b.num_sums,
            limits: f.limits,
        }),
        _ => None,
    };
    (model, b.diags)
}

impl<'f> Builder<'f> {
    fn declare(&mut self, name: &str, path: &str, sym: Symbol) -> bool {
        if let Some(old) = self.symbols.get(name) {
            let what = match old {
                Symbol::Set(_) => "a set",
                Symbol::Param(_) => "a parameter",
                Symbol::Var(_) => "a variable",
                Symbol::Broken => "another element",
            };
            self.diags.push(
                Diagnostic::error(Code::DuplicateName, path, format!("`{name}` is already declared as {what}"))
                    .help("sets, parameters and variables share one namespace; rename one of them"),
            );
            return false;
        }
        self.symbols.insert(name.to_string(), sym);
        true
    }

    fn shapes(&self) -> Shapes {
        Shapes {
            param_dims: self.params.iter().map(|p| p.dims.clone()).collect(),
            var_dims: self.vars.iter().map(|v| v.dims.clone()).collect(),
            var_binary: self.vars.iter().map(|v| v.kind == VarType::Binary).collect(),
        }
    }

    // ---------- sets ----------

    /// Builds and declares the set declared `k`-th (`order` says when).
    fn set(&mut self, k: usize) {
        let def = &self.f.sets[k];
        let built = match &def.source {
            SetSource::List(items) => self.list_set(&def.name, &def.path, items),
            SetSource::Range(bounds) => self.range_set(&def.name, &bounds.0, &bounds.1),
            SetSource::File { file, columns } => self.file_set(&def.name, &def.path, file, columns),
            SetSource::Derived(term) => self.derived_set(k, term),
        };
        let sym = match built {
            Some(s) => {
                self.sets.push(s);
                Symbol::Set(self.sets.len() - 1)
            }
            None => Symbol::Broken,
        };
        self.declare(&def.name, &def.path, sym);
    }

    fn finish_set(&mut self, name: &str, path: &str, arity: usize, elems: Vec<Atom>) -> Option<SetData> {
        match SetData::new(name, arity, elems) {
            Ok(s) => Some(s),
            Err(dup) => {
                let shown = self.names.show_tuple(&dup);
                self.diags.push(
                    Diagnostic::error(Code::InvalidValue, path, format!("set `{name}` lists `{shown}` twice"))
                        .help("each element may appear once"),
                );
                None
            }
        }
    }

    fn list_set(&mut self, name: &str, path: &str, items: &[Value]) -> Option<SetData> {
        if !self.set_size_ok(items.len() as u128, path) {
            return None;
        }
        let arity = match items.first() {
            Some(Value::Array(t)) => t.len(),
            _ => 1,
        };
        let mut elems = Vec::with_capacity(items.len() * arity);
        for (k, item) in items.iter().enumerate() {
            let parts: Vec<&Value> = match item {
                Value::Array(t) => t.iter().collect(),
                v => vec![v],
            };
            let atoms: Option<Vec<Atom>> = parts.iter().map(|v| atom_of_json(&mut self.names, v)).collect();
            match atoms {
                Some(a) if a.len() == arity => elems.extend(a),
                Some(a) => {
                    self.diags.push(Diagnostic::error(
                        Code::InvalidValue,
                        format!("{path}[{k}]"),
                        format!("tuple of {} items in a set of {arity}-tuples", a.len()),
                    ));
                    return None;
                }
                None => {
                    self.diags.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            format!("{path}[{k}]"),
                            format!("`{item}` cannot be a set element"),
                        )
                        .help("elements are strings, integers, or arrays of them (tuples)"),
                    );
                    return None;
                }
            }
        }
        self.finish_set(name, path, arity, elems)
    }

    /// Range bounds may use scalar parameters given as numbers (sets come before data).
    fn range_set(&mut self, name: &str, lo: &Text<Expr>, hi: &Text<Expr>) -> Option<SetData> {
        let lo_v = self.const_int(lo)?;
        let hi_v = self.const_int(hi)?;
        let count = (i128::from(hi_v) - i128::from(lo_v) + 1).max(0) as u128;
        if !self.set_size_ok(count, &lo.path) {
            return None;
        }
        let elems = (lo_v..=hi_v).map(Atom::Int).collect();
        self.finish_set(name, &lo.path, 1, elems)
    }

    /// Refuses a set of `count` elements beyond the limit, before anything is allocated.
    fn set_size_ok(&mut self, count: u128, path: &str) -> bool {
        let limit = self.f.limits.set_size;
        if count <= limit as u128 {
            return true;
        }
        self.diags.push(
            Diagnostic::error(
                Code::Limit,
                path,
                format!("the set has {count} elements, more than the limit of {limit}"),
            )
            .help(raise_hint("set_size", limit)),
        );
        false
    }

    fn const_int(&mut self, t: &Text<Expr>) -> Option<i64> {
        let v = self.const_value(&t.ast);
        match v {
            // Integers beyond 2^53 are not exact in a float; no set is that large anyway.
            Ok(v) if v.fract() == 0.0 && v.abs() <= 9.0e15 => Some(v as i64),
            Ok(v) if v.fract() == 0.0 || !v.is_finite() => {
                self.diags.push(
                    Diagnostic::error(Code::InvalidValue, &t.path, format!("range bound {v} is too large"))
                        .at(&t.src, t.ast.span)
                        .help("range bounds lie within ±9e15"),
                );
                None
            }
            Ok(v) => {
                self.diags.push(
                    Diagnostic::error(Code::InvalidValue, &t.path, format!("range bound {v} is not an integer"))
                        .at(&t.src, t.ast.span),
                );
                None
            }
            Err(msg) => {
                self.diags.push(
                    Diagnostic::error(Code::InvalidValue, &t.path, msg)
                        .at(&t.src, t.ast.span)
                        .help("range bounds are integers or scalar parameters given as numbers"),
                );
                None
            }
        }
    }

    fn const_value(&self, e: &Expr) -> Result<f64, String> {
        match &e.kind {
            ExprKind::Num(n) => Ok(*n),
            ExprKind::Neg(a) => Ok(-self.const_value(a)?),
            ExprKind::Name(n) => self
                .f
                .params
                .iter()
                .find_map(|p| match (&p.name == n, &p.source) {
                    (true, ParamSource::Scalar(v)) => Some(*v),
                    _ => None,
                })
                .ok_or_else(|| format!("`{n}` is not a scalar parameter with a number value")),
            ExprKind::Binary { op, lhs, rhs } => {
                let (a, b) = (self.const_value(lhs)?, self.const_value(rhs)?);
                match op {
                    crate::expr::BinOp::Add => Ok(a + b),
                    crate::expr::BinOp::Sub => Ok(a - b),
                    crate::expr::BinOp::Mul => Ok(a * b),
                    crate::expr::BinOp::Div => Ok(a / b),
                    crate::expr::BinOp::Mod => super::eval::modulo(a, b).map_err(|(msg, _)| msg),
                    _ => Err(format!("`{}` is not allowed in a range bound", op.symbol())),
                }
            }
            _ => Err("a range bound must be a number or a scalar parameter".into()),
        }
    }

    fn file_set(&mut self, name: &str, path: &str, file: &str, columns: &[String]) -> Option<SetData> {
        let mut csv = match read_csv(&self.f.data, &self.f.limits, file, path) {
            Ok(c) => c,
            Err(d) => {
                self.diags.push(d);
                return None;
            }
        };
        let cols = if columns.is_empty() {
            (0..csv.headers.len()).collect()
        } else {
            match csv.columns(columns, path) {
                Ok(c) => c,
                Err(d) => {
                    self.diags.push(d);
                    return None;
                }
            }
        };
        let mut elems = Vec::new();
        let names = &mut self.names;
        let limit = self.f.limits.set_size;
        let mut rows = 0usize;
        let res = csv.for_each_row(|_, row| {
            rows += 1;
            if rows > limit {
                return;
            }
            for &c in &cols {
                elems.push(atom_of_text(names, row.get(c).unwrap_or("")));
            }
        });
        if let Err(d) = res {
            self.diags.push(d);
            return None;
        }
        if !self.set_size_ok(rows as u128, path) {
            return None;
        }
        self.finish_set(name, path, cols.len(), elems)
    }

    // ---------- parameters ----------

    /// Set ids of an `over` list; `None` (with diagnostics) if any item is not a named set.
    fn over_dims(&mut self, over: &[Text<Binding>]) -> Option<Vec<SetId>> {
        let mut dims = Vec::new();
        let mut ok = true;
        for item in over {
            let SetKind::Named(name) = &item.ast.set.kind else {
                self.diags.push(
                    Diagnostic::error(Code::InvalidValue, &item.path, "`over` takes declared sets")
                        .at(&item.src, item.ast.set.span)
                        .help("declare the range as a set, e.g. \"T\": \"1..12\", and use it here"),
                );
                ok = false;
                continue;
            };
            match self.symbols.get(name) {
                Some(Symbol::Set(s)) => {
                    let arity = self.sets[*s].arity;
                    if !item.ast.names.is_empty() && item.ast.names.len() != arity {
                        self.diags.push(
                            Diagnostic::error(
                                Code::IndexCount,
                                &item.path,
                                format!(
                                    "`{name}` has {arity}-item elements, but {} index names are bound",
                                    item.ast.names.len()
                                ),
                            )
                            .at(&item.src, item.ast.set.span),
                        );
                        ok = false;
                    }
                    dims.push(*s);
                }
                Some(Symbol::Broken) => ok = false,
                _ => {
                    let sets: Vec<&str> = self.sets.iter().map(|s| s.name.as_str()).collect();
                    let help = super::diag::did_you_mean(name, sets.iter().copied())
                        .unwrap_or_else(|| format!("declared sets: {}", sets.join(", ")));
                    self.diags.push(
                        Diagnostic::error(Code::UnknownName, &item.path, format!("unknown set `{name}`"))
                            .at(&item.src, item.ast.set.span)
                            .help(help),
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(dims)
    }

    /// Strides and size of a dense block over `dims`, refused before allocating when its size
    /// passes `limit` (named `limit_name` in the error). Parameters and variables are dense.
    fn layout(
        &mut self,
        dims: &[SetId],
        path: &str,
        (limit, limit_name): (usize, &str),
    ) -> Option<(Vec<usize>, usize)> {
        let mut strides = vec![1; dims.len()];
        let mut len: usize = 1;
        for k in (0..dims.len()).rev() {
            strides[k] = len;
            len = len.saturating_mul(self.sets[dims[k]].len());
        }
        if len > limit {
            let shown = if len == usize::MAX { "more than 2^64".to_string() } else { len.to_string() };
            self.diags.push(
                Diagnostic::error(Code::Limit, path, format!("{shown} entries, more than the limit of {limit}")).help(
                    format!(
                        "index over a tuple set of the combinations that exist instead of the full product; {}",
                        raise_hint(limit_name, limit)
                    ),
                ),
            );
            return None;
        }
        Some((strides, len))
    }

    /// Dimensions, strides and size of an entity over `over`; on failure the name is declared
    /// broken (so uses of it stay quiet) and `None` returned.
    fn shape(
        &mut self,
        name: &str,
        path: &str,
        over: &[Text<Binding>],
        limit: (usize, &str),
    ) -> Option<(Vec<SetId>, Vec<usize>, usize)> {
        let shape = self.over_dims(over).and_then(|dims| {
            let (strides, len) = self.layout(&dims, path, limit)?;
            Some((dims, strides, len))
        });
        if shape.is_none() {
            self.declare(name, path, Symbol::Broken);
        }
        shape
    }

    /// Builds the parameters `batch` (positions in the formulation), whose sets are built.
    fn params(&mut self, batch: &[usize]) {
        let first = self.params.len();
        // Declare all first, so computed parameters may refer to ones declared later.
        for def in batch.iter().map(|&k| &self.f.params[k]) {
            let limit = (self.f.limits.param_entries, "param_entries");
            let Some((dims, strides, len)) = self.shape(&def.name, &def.path, &def.over, limit) else { continue };
            let fill = def.default.unwrap_or(f64::NAN);
            self.params.push(Param {
                name: def.name.clone(),
                path: def.path.clone(),
                dims,
                strides,
                values: vec![fill; len],
            });
            self.param_defs.push(def);
            let id = self.params.len() - 1;
            if !self.declare(&def.name, &def.path, Symbol::Param(id)) {
                continue;
            }
        }
        let mut computed = Vec::new();
        for id in first..self.params.len() {
            let def = self.param_defs[id];
            match &def.source {
                ParamSource::Expression(t) => computed.push((id, t)),
                source => self.fill(id, source),
            }
        }
        self.computed_params(computed);
    }

    fn fill(&mut self, id: ParamId, source: &ParamSource) {
        let def = self.param_defs[id];
        let mut values = std::mem::take(&mut self.params[id].values);
        let p = &self.params[id];
        let mut filler = Filler::new(&self.names, &self.sets, &p.dims, &p.strides, &mut values, &def.path);
        match source {
            ParamSource::Scalar(v) if filler.dims.is_empty() => filler.values[0] = *v,
            ParamSource::Scalar(_) => filler.errors.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    &def.path,
                    "an indexed parameter needs \"values\", \"rows\" or a file",
                )
                .help("a plain number declares a scalar parameter"),
            ),
            ParamSource::Values(v) => {
                let where_ = ".values";
                match (filler.dims.is_empty(), data_number(v)) {
                    (true, Some(x)) => filler.values[0] = x,
                    (true, None) => filler.errors.push(Diagnostic::error(
                        Code::InvalidValue,
                        format!("{}{where_}", def.path),
                        "a scalar parameter's value must be a number",
                    )),
                    (false, _) => {
                        let path = format!("{}{where_}", def.path);
                        let p = &self.params[id];
                        let mut sub = Filler::new(&self.names, &self.sets, &p.dims, &p.strides, filler.values, &path);
                        sub.nested(v);
                        filler.errors.append(&mut sub.errors);
                    }
                }
            }
            ParamSource::Rows(rows) => filler.rows(rows),
            ParamSource::Csv { file, keys, column } => match read_csv(&self.f.data, &self.f.limits, file, &def.path) {
                Ok(mut csv) => filler.csv(&mut csv, keys.as_deref(), column.as_deref(), &def.name),
                Err(d) => filler.errors.push(d),
            },
            ParamSource::Json { file } => {
                let parsed = open_data(&self.f.data, &self.f.limits, file, &def.path).and_then(|mut h| {
                    let mut text = String::new();
                    std::io::Read::read_to_string(&mut h, &mut text)
                        .map_err(|e| e.to_string())
                        .and_then(|_| super::json::parse_strict(&text).map_err(|e| e.to_string()))
                        .map_err(|e| {
                            Diagnostic::error(Code::DataFile, &def.path, format!("cannot read data file `{file}`: {e}"))
                        })
                });
                match parsed {
                    Ok(Value::Array(rows)) if rows.first().is_some_and(Value::is_array) && filler.dims.len() > 1 => {
                        filler.rows(&rows)
                    }
                    Ok(v) if filler.dims.is_empty() => match data_number(&v) {
                        Some(x) => filler.values[0] = x,
                        None => filler.errors.push(Diagnostic::error(
                            Code::DataFile,
                            &def.path,
                            format!("{file}: expected a number"),
                        )),
                    },
                    Ok(v) => filler.nested(&v),
                    Err(d) => filler.errors.push(d),
                }
            }
            ParamSource::DefaultOnly | ParamSource::Expression(_) => {}
        }
        let errs = filler.errors;
        self.diags.0.extend(errs);
        self.params[id].values = values;
    }

    fn computed_params(&mut self, computed: Vec<(ParamId, &'f Text<Expr>)>) {
        let shapes = self.shapes();
        let world = World::new(&self.symbols, &self.sets, &shapes, &self.names);
        // Resolve each expression, then evaluate in dependency order.
        // Parameters of earlier batches and data are done; this batch's computed ones are not.
        let mut done = vec![true; self.params.len()];
        for (id, _) in &computed {
            done[*id] = false;
        }
        let mut pending = Vec::new();
        for (id, t) in computed {
            let def = self.param_defs[id];
            if let Some(item) = def.over.iter().find(|i| i.ast.names.is_empty()) {
                let set = item.ast.set.to_string();
                let letter = set.chars().next().unwrap_or('i').to_lowercase();
                self.diags.push(
                    Diagnostic::error(Code::InvalidValue, &item.path, "a computed parameter must name its indices")
                        .at(&item.src, item.ast.set.span)
                        .help(format!("write \"{letter} in {set}\" so the expression can use `{letter}`")),
                );
                continue;
            }
            let mut r = Resolver::new(&world, &t.src, &t.path, &mut self.diags, DATA, self.num_sums);
            let lp = r.bind_over(&def.over);
            let ir = r.data(&t.ast);
            self.num_sums = r.next_sum_id;
            let deps = std::mem::take(&mut r.params_used);
            let slots = std::mem::take(&mut r.slots);
            if let (Some(lp), Some(ir)) = (lp, ir) {
                pending.push((id, t, lp, ir, deps, slots));
            }
        }

        while !pending.is_empty() {
            let ready = pending.iter().position(|(id, _, _, _, deps, _)| deps.iter().all(|d| done[*d] || d == id));
            let Some(k) = ready else {
                for (_, t, ..) in &pending {
                    self.diags.push(
                        Diagnostic::error(
                            Code::InvalidValue,
                            &t.path,
                            "computed parameters depend on each other in a cycle",
                        )
                        .at(&t.src, t.ast.span),
                    );
                }
                return;
            };
            let (id, t, lp, ir, deps, slots) = pending.remove(k);
            if deps.contains(&id) {
                self.diags.push(
                    Diagnostic::error(Code::InvalidValue, &t.path, "a parameter cannot be computed from itself")
                        .at(&t.src, t.ast.span),
                );
                continue;
            }
            let hits = vec![Cell::new(false); self.num_sums];
            let mut values = Vec::with_capacity(self.params[id].values.len());
            let result = {
                let ev = Eval {
                    names: &self.names,
                    sets: &self.sets,
                    params: &self.params,
                    vars: &[],
                    slots: &slots,
                    sums_hit: &hits,
                };
                let mut env = Env::new(slots.len());
                let keys: usize = lp.bindings.iter().map(|b| b.arity).sum();
                ev.for_each(&lp, &mut env, &mut |env| {
                    let v = ev.num(&ir, env, None)?;
                    // NaN marks an entry without data: a computed one must not be read so.
                    if v.is_nan() {
                        let entry = match keys {
                            0 => format!("`{}`", self.params[id].name),
                            _ => format!("`{}[{}]`", self.params[id].name, self.names.show_tuple(&env.atoms[..keys])),
                        };
                        return Err(ev.misuse(Misuse::NotANumber(&entry), &[&ir], env, t.ast.span));
                    }
                    values.push(v);
                    Ok(())
                })
            };
            match result {
                Ok(()) => self.params[id].values = values,
                Err(e) => {
                    self.diags.push(Diagnostic::error(e.code, &t.path, e.message).at(&t.src, e.span).help_opt(e.help))
                }
            }
            done[id] = true;
        }
    }
}

impl<'f> Builder<'f> {
    // ---------- variables ----------

    fn vars(&mut self) {
        let mut offset = 0;
        for def in &self.f.vars {
            // Columns are counted over all variables: the block may use what the others left.
            let left = self.f.limits.columns.saturating_sub(offset);
            let Some((dims, strides, len)) = self.shape(&def.name, &def.path, &def.over, (left, "columns")) else {
                continue;
            };
            self.vars.push(Var {
                name: def.name.clone(),
                dims,
                strides,
                offset,
                len,
                kind: def.kind,
                over: Loop { bindings: Vec::new(), filter: None },
                slots: Vec::new(),
                lower: None,
                upper: None,
                description: def.description.clone(),
            });
            offset += len;
            let id = self.vars.len() - 1;
            self.declare(&def.name, &def.path, Symbol::Var(id));
        }
        // Bounds are resolved once every variable is declared (they may not use variables,
        // but the error for trying should say so rather than "unknown name").
        let shapes = self.shapes();
        let world = World::new(&self.symbols, &self.sets, &shapes, &self.names);
        let defs: HashMap<&str, &super::load::VarDef> = self.f.vars.iter().map(|d| (d.name.as_str(), d)).collect();
        for var in &mut self.vars {
            let def = defs[var.name.as_str()];
            // One slot space per variable: its `over` bindings, then both bounds inside them.
            let mut r = Resolver::new(&world, "", &def.path, &mut self.diags, BOUND, self.num_sums);
            let Some(over) = r.bind_over(&def.over) else { continue };
            let mut bound = |t: &'f Option<Text<Expr>>| {
                let t = t.as_ref()?;
                let ir = r.within(&t.src, &t.path, |r| r.data(&t.ast))?;
                Some(Located { ir, src: t.src.clone(), path: t.path.clone() })
            };
            var.lower = bound(&def.lower);
            var.upper = bound(&def.upper);
            var.over = over;
            var.slots = std::mem::take(&mut r.slots);
            self.num_sums = r.next_sum_id;
            if matches!(var.kind, VarType::Semicontinuous | VarType::Semiinteger) && def.upper.is_none() {
                let (what, range) = match var.kind {
                    VarType::Semiinteger => ("semi-integer", "an integer between its bounds"),
                    _ => ("semi-continuous", "between its bounds"),
                };
                self.diags.push(
                    Diagnostic::error(
                        Code::InvalidValue,
                        &def.path,
                        format!("{what} variable `{}` needs a finite upper bound", var.name),
                    )
                    .help(format!("a {what} variable is 0 or {range}; give \"upper\"")),
                );
            }
        }
    }

    // ---------- objective and constraints ----------

    /// One objective, or one level of a lexicographic objective (`several`).
    fn objective(&mut self, def: &super::load::ObjectiveDef, several: bool) -> Option<Objective> {
        let shapes = self.shapes();
        let world = World::new(&self.symbols, &self.sets, &shapes, &self.names);
        let t = &def.expression;
        let mut r = Resolver::new(&world, &t.src, &t.path, &mut self.diags, OBJECTIVE, self.num_sums);
        let ir = r.num(&t.ast);
        self.num_sums = r.next_sum_id;
        let slots = std::mem::take(&mut r.slots);
        let used = std::mem::take(&mut r.vars_used);
        self.used_vars.extend(used);
        let (ir, degree) = ir?;
        if degree == 2 {
            if let Some(v) = self.vars.iter().find(|v| v.kind != VarType::Continuous) {
                self.diags.push(
                    Diagnostic::error(Code::Unsupported, &t.path, format!("a quadratic objective with {} variables (`{}`) is not supported", type_word(v.kind), v.name))
                        .at(&t.src, t.ast.span)
                        .help("HiGHS solves continuous convex QPs only; make the variables continuous or linearize the objective"),
                );
                return None;
            }
            // Each level is kept near its optimum for the next by a linear row, and HiGHS
            // takes no quadratic row (nor a Hessian per level).
            if several {
                self.diags.push(
                    Diagnostic::error(Code::Unsupported, &t.path, format!("objective level `{}` is quadratic, and the levels of a lexicographic objective must be linear", def.name))
                        .at(&t.src, t.ast.span)
                        .help("linearize this level, or make the quadratic objective the only one"),
                );
                return None;
            }
        }
        Some(Objective {
            sense: def.sense,
            expr: Located { ir, src: t.src.clone(), path: t.path.clone() },
            slots,
            name: def.name.clone(),
            tolerance: def.tolerance,
            relative_tolerance: def.relative_tolerance,
        })
    }

    fn constraints(&mut self) -> Vec<Constraint> {
        let shapes = self.shapes();
        let world = World::new(&self.symbols, &self.sets, &shapes, &self.names);
        let mut out = Vec::new();
        for def in &self.f.constraints {
            let t = &def.expression;
            let mut r = Resolver::new(&world, &t.src, &t.path, &mut self.diags, CONSTRAINT, self.num_sums);
            let mut forall = None;
            let mut forall_ok = true;
            if let Some(fa) = &def.forall {
                match r.within(&fa.src, &fa.path, |r| r.open(&fa.ast).0) {
                    Some(lp) => forall = Some(Located { ir: lp, src: fa.src.clone(), path: fa.path.clone() }),
                    None => forall_ok = false,
                }
            }
            let mut parts = Vec::new();
            let mut ok = forall_ok;
            let ranged = t.ast.parts.len() == 3;
            // A proposition (one part, no relation operator) is a logical constraint.
            let is_logic = t.ast.parts.len() == 1 && t.ast.ops.is_empty();
            let logic = if is_logic { r.prop(&t.ast.parts[0]) } else { None };
            ok &= logic.is_some() || !is_logic;
            for (k, part) in t.ast.parts.iter().enumerate().filter(|_| !is_logic) {
                match r.num(part) {
                    Some((n, d)) => {
                        if ranged && k != 1 && d > 0 {
                            let d = Diagnostic::error(Code::NonLinear, &t.path, "the outer sides of a range constraint must be constant")
                                .at(&t.src, part.span)
                                .help("write `lo <= expression <= hi` with lo and hi free of variables, or split it into two constraints");
                            r.push(d);
                            ok = false;
                        }
                        parts.push(n);
                    }
                    None => ok = false,
                }
            }
            for (op, span) in &t.ast.ops {
                if matches!(op, RelOp::Lt | RelOp::Gt) {
                    let fixed = if *op == RelOp::Lt { "<=" } else { ">=" };
                    let d = Diagnostic::warning(Code::StrictInequality, &t.path, format!("strict `{}` is treated as `{fixed}`", op.symbol()))
                        .at(&t.src, *span)
                        .help(format!("LP solvers cannot enforce strict inequalities; write `{fixed}` (subtract a small margin if strictness matters)"));
                    r.push(d);
                }
            }
            let upward = |op: RelOp| matches!(op, RelOp::Le | RelOp::Lt);
            let mixed = ranged && upward(t.ast.ops[0].0) != upward(t.ast.ops[1].0);
            if ranged && (mixed || t.ast.ops.iter().any(|(op, _)| *op == RelOp::Eq)) {
                let d = Diagnostic::error(Code::Syntax, &t.path, "a range constraint uses `<=` twice or `>=` twice")
                    .at(&t.src, t.ast.ops[1].1)
                    .help("write `lo <= expr <= hi` (or `hi >= expr >= lo`), or two separate constraints");
                r.push(d);
                ok = false;
            }
            self.num_sums = r.next_sum_id;
            let slots = std::mem::take(&mut r.slots);
            let used = std::mem::take(&mut r.vars_used);
            self.used_vars.extend(used);
            if ok {
                out.push(Constraint {
                    name: def.name.clone(),
                    path: def.path.clone(),
                    forall,
                    parts,
                    logic,
                    ops: t.ast.ops.iter().map(|(op, _)| *op).collect(),
                    expr_src: t.src.clone(),
                    expr_path: t.path.clone(),
                    slots,
                    description: def.description.clone(),
                });
            }
        }
        out
    }

    fn unused_vars(&mut self) {
        let mut used = vec![false; self.vars.len()];
        for &v in &self.used_vars {
            used[v] = true;
        }
        for (id, var) in self.vars.iter().enumerate() {
            if !used[id] {
                let path = self.f.vars.iter().find(|d| d.name == var.name).map(|d| d.path.clone()).unwrap_or_default();
                self.diags.push(
                    Diagnostic::warning(
                        Code::UnusedVariable,
                        path,
                        format!("variable `{}` appears in no constraint or objective", var.name),
                    )
                    .help("remove it, or use it where it was meant to appear"),
                );
            }
        }
    }
}

fn type_word(t: VarType) -> &'static str {
    match t {
        VarType::Continuous => "continuous",
        VarType::Integer => "integer",
        VarType::Binary => "binary",
        VarType::Semicontinuous => "semi-continuous",
        VarType::Semiinteger => "semi-integer",
    }
}
