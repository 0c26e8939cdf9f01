//! Template context of the structure-keeping formats: the five elements with every
//! expression translated by the target, and the data as keyed entries.

use serde::Serialize;

use super::algebra::{atom_text, computed, entries, names, over_names};
use super::translate::{indexing, relation, tr, Scope, Target};
use super::Unsupported;
use crate::expr::SetKind;
use crate::model::load::{Formulation, SetSource, Text, VarType};
use crate::model::{Model, Sense};

#[derive(Serialize)]
pub struct SetCtx {
    name: String,
    dimen: usize,
    /// Elements as the target writes them in data (tuples as `(a,b)` items).
    elements: Vec<Vec<String>>,
    /// `lo..hi` when the formulation declared an integer range.
    range: Option<(i64, i64)>,
    size: usize,
}

#[derive(Serialize)]
pub struct EntryCtx {
    keys: Vec<String>,
    value: String,
}

/// One binding of an index: names, the target's set expression, and the bare set name.
#[derive(Serialize)]
pub struct BindCtx {
    /// As the target binds them (templates write these as parameters).
    names: Vec<String>,
    /// As written, for translating (the target maps them itself).
    #[serde(skip)]
    written: Vec<String>,
    set: String,
    set_name: Option<String>,
}

#[derive(Serialize)]
pub struct ParamCtx {
    name: String,
    over: Vec<BindCtx>,
    /// The index names, comma-separated, as the target writes names (`r,p`).
    subscript: String,
    /// The whole index in the target's syntax (`p in P, r in R`).
    index: String,
    default: Option<String>,
    formula: Option<String>,
    scalar: Option<String>,
    entries: Vec<EntryCtx>,
    /// For small 1–2 dimensional data: a table (row keys × column keys).
    table: Option<TableCtx>,
}

#[derive(Serialize)]
pub struct TableCtx {
    columns: Vec<String>,
    rows: Vec<(String, Vec<String>)>,
}

#[derive(Serialize)]
pub struct VarCtx {
    name: String,
    over: Vec<BindCtx>,
    subscript: String,
    index: String,
    kind: &'static str,
    lower: Option<String>,
    upper: Option<String>,
    description: Option<String>,
}

#[derive(Serialize)]
pub struct ConCtx {
    name: String,
    over: Vec<BindCtx>,
    index: Option<String>,
    filter: Option<String>,
    sides: Vec<String>,
    ops: Vec<String>,
    description: Option<String>,
}

/// One level of a lexicographic objective, in priority order.
#[derive(Serialize)]
pub struct LevelCtx {
    priority: usize,
    name: String,
    maximize: bool,
    objective: String,
    /// The slack the level gives the later ones, when it has any.
    tolerance: Option<String>,
    relative_tolerance: Option<String>,
}

#[derive(Serialize)]
pub struct Algebra {
    name: String,
    description: Option<String>,
    sets: Vec<SetCtx>,
    params: Vec<ParamCtx>,
    vars: Vec<VarCtx>,
    maximize: bool,
    objective: String,
    /// A lexicographic objective's levels (the first is `objective`); empty for one objective.
    levels: Vec<LevelCtx>,
    quadratic: bool,
    constraints: Vec<ConCtx>,
}

/// Largest parameter shown as a table in documents.
const TABLE_LIMIT: usize = 12;

pub fn algebra(f: &Formulation, m: &Model, t: &dyn Target, quadratic: bool) -> Result<Algebra, Unsupported> {
    let n = names(f, m);
    let mut scope = Scope::new(&n.kinds, &n.sets);
    let quote = |s: &str| t.string(s);
    let arity = |set: &str| m.sets.iter().find(|s| s.name == set).map_or(1, |s| s.arity);

    let sets = f
        .sets
        .iter()
        .filter_map(|def| m.sets.iter().find(|s| s.name == def.name).map(|s| (def, s)))
        .map(|(def, s)| SetCtx {
            name: t.ident(&s.name),
            dimen: s.arity,
            elements: (0..s.len()).map(|k| s.elem(k).iter().map(|&a| atom_text(m, a, &quote)).collect()).collect(),
            range: match (&def.source, s.elems.first(), s.elems.last()) {
                (
                    SetSource::Range(_),
                    Some(crate::model::sets::Atom::Int(lo)),
                    Some(crate::model::sets::Atom::Int(hi)),
                ) => Some((*lo, *hi)),
                _ => None,
            },
            size: s.len(),
        })
        .collect();

    let bind =
        |scope: &mut Scope, over: &[Text<crate::expr::Binding>]| -> Result<(Vec<BindCtx>, String), Unsupported> {
            let named = over_names(over, &n.kinds, &arity);
            let mut out = Vec::new();
            for (item, (names, set)) in over.iter().zip(named) {
                let set_text = match &item.ast.set.kind {
                    SetKind::Named(s) => t.set(scope, s),
                    SetKind::Range(..) => return Err(Unsupported::new("a range in `over` (declare it as a set)")),
                };
                let mut b = item.ast.clone();
                b.names = names.iter().map(|n| (n.clone(), Default::default())).collect();
                scope.push(&b);
                out.push(BindCtx {
                    names: names.iter().map(|n| t.dummy(n)).collect(),
                    written: names,
                    set: set_text,
                    set_name: Some(t.ident(&set)),
                });
            }
            let index = out.iter().map(|b| t.binding(&b.written, b.set.clone())).collect::<Vec<_>>().join(", ");
            Ok((out, index))
        };

    let mut params = Vec::new();
    for def in &f.params {
        let mark = scope.mark();
        let (over, index) = bind(&mut scope, &def.over)?;
        let formula = match computed(&def.source) {
            Some(e) => Some(tr(t, &mut scope, &e.ast)?),
            None => None,
        };
        scope.pop_to(mark);
        let data = if formula.is_some() { Vec::new() } else { entries(m, &def.name, def.default) };
        let scalar =
            (def.over.is_empty() && formula.is_none()).then(|| data.first().map(|(_, v)| t.number(*v))).flatten();
        let entries: Vec<EntryCtx> = if def.over.is_empty() {
            Vec::new()
        } else {
            data.iter()
                .map(|(keys, v)| EntryCtx {
                    keys: keys.iter().map(|&a| atom_text(m, a, &quote)).collect(),
                    value: t.number(*v),
                })
                .collect()
        };
        let table = table(m, &def.name, def.default, &entries, &quote);
        params.push(ParamCtx {
            name: t.ident(&def.name),
            subscript: subscript(t, &scope, &over),
            over,
            index,
            default: def.default.map(|d| t.number(d)),
            formula,
            scalar,
            entries,
            table,
        });
    }

    let mut vars = Vec::new();
    for def in &f.vars {
        let mark = scope.mark();
        let (over, index) = bind(&mut scope, &def.over)?;
        let mut bound = |b: &Option<Text<crate::expr::Expr>>| -> Result<Option<String>, Unsupported> {
            match b {
                Some(b) if !matches!(b.ast.kind, crate::expr::ExprKind::Inf) => {
                    let is_neg_inf = matches!(&b.ast.kind, crate::expr::ExprKind::Neg(a) if matches!(a.kind, crate::expr::ExprKind::Inf));
                    if is_neg_inf {
                        Ok(None)
                    } else {
                        tr(t, &mut scope, &b.ast).map(Some)
                    }
                }
                _ => Ok(None),
            }
        };
        let lower = match &def.lower {
            None => Some(t.number(0.0)),
            b => bound(b)?,
        };
        let upper = bound(&def.upper)?;
        scope.pop_to(mark);
        vars.push(VarCtx {
            name: t.ident(&def.name),
            subscript: subscript(t, &scope, &over),
            over,
            index,
            kind: match def.kind {
                VarType::Continuous => "continuous",
                VarType::Integer => "integer",
                VarType::Binary => "binary",
                VarType::Semicontinuous => "semicontinuous",
                VarType::Semiinteger => "semiinteger",
            },
            lower,
            upper,
            description: def.description.clone(),
        });
    }

    let objective = match &f.objective {
        Some(o) => tr(t, &mut scope, &o.expression.ast)?,
        None => String::new(),
    };
    let mut levels = Vec::new();
    if !f.extra_objectives.is_empty() {
        for (k, def) in f.objective.iter().chain(&f.extra_objectives).enumerate() {
            let slack = |v: f64| (v > 0.0).then(|| t.number(v));
            levels.push(LevelCtx {
                priority: k + 1,
                name: def.name.clone(),
                maximize: def.sense == Sense::Maximize,
                objective: tr(t, &mut scope, &def.expression.ast)?,
                tolerance: slack(def.tolerance),
                relative_tolerance: slack(def.relative_tolerance),
            });
        }
    }

    let mut constraints = Vec::new();
    for def in &f.constraints {
        let mark = scope.mark();
        let (over, index, filter) = match &def.forall {
            Some(fa) => {
                let index = indexing(t, &mut Scope::new(&n.kinds, &n.sets), &fa.ast)?;
                let mut binds = Vec::new();
                for b in &fa.ast.bindings {
                    let (set, set_name) = match &b.set.kind {
                        SetKind::Named(s) => (t.set(&scope, s), Some(t.ident(s))),
                        SetKind::Range(lo, hi) => {
                            let (lo, hi) = (tr(t, &mut scope, lo)?, tr(t, &mut scope, hi)?);
                            (t.range(lo, hi), None)
                        }
                    };
                    scope.push(b);
                    let written: Vec<String> = b.names.iter().map(|(n, _)| n.clone()).collect();
                    binds.push(BindCtx { names: written.iter().map(|n| t.dummy(n)).collect(), written, set, set_name });
                }
                let filter = match &fa.ast.filter {
                    Some(flt) => Some(tr(t, &mut scope, flt)?),
                    None => None,
                };
                (binds, Some(index), filter)
            }
            None => (Vec::new(), None, None),
        };
        let sides = relation(t, &mut scope, &def.expression.ast)?;
        scope.pop_to(mark);
        let ops = def.expression.ast.ops.iter().map(|(op, _)| t.relop(*op).to_string()).collect();
        constraints.push(ConCtx {
            name: t.ident(&def.name),
            over,
            index,
            filter,
            sides,
            ops,
            description: def.description.clone(),
        });
    }

    Ok(Algebra {
        name: f.name.clone(),
        description: f.description.clone(),
        sets,
        params,
        vars,
        maximize: m.objective.sense == Sense::Maximize,
        objective,
        levels,
        quadratic,
        constraints,
    })
}

fn subscript(t: &dyn Target, scope: &Scope, over: &[BindCtx]) -> String {
    over.iter().flat_map(|b| b.written.iter()).map(|n| t.name(scope, n)).collect::<Vec<_>>().join(",")
}

/// A small 1- or 2-dimensional parameter as a table (row key × column key).
fn table(
    m: &Model,
    name: &str,
    default: Option<f64>,
    _entries: &[EntryCtx],
    quote: &dyn Fn(&str) -> String,
) -> Option<TableCtx> {
    let p = m.params.iter().find(|p| p.name == name)?;
    let show = |a: crate::model::sets::Atom| atom_text(m, a, quote);
    let value = |v: f64| {
        if v.is_nan() {
            default.map(crate::expr::print::format_number).unwrap_or_default()
        } else {
            crate::expr::print::format_number(v)
        }
    };
    match p.dims.as_slice() {
        [d] if m.sets[*d].arity == 1 && m.sets[*d].len() <= TABLE_LIMIT => {
            let s = &m.sets[*d];
            Some(TableCtx {
                columns: (0..s.len()).map(|k| show(s.elem(k)[0])).collect(),
                rows: vec![(String::new(), p.values.iter().map(|&v| value(v)).collect())],
            })
        }
        [r, c]
            if m.sets[*r].arity == 1
                && m.sets[*c].arity == 1
                && m.sets[*r].len() <= TABLE_LIMIT
                && m.sets[*c].len() <= TABLE_LIMIT =>
        {
            let (rs, cs) = (&m.sets[*r], &m.sets[*c]);
            Some(TableCtx {
                columns: (0..cs.len()).map(|k| show(cs.elem(k)[0])).collect(),
                rows: (0..rs.len())
                    .map(|i| (show(rs.elem(i)[0]), (0..cs.len()).map(|j| value(p.values[i * cs.len() + j])).collect()))
                    .collect(),
            })
        }
        _ => None,
    }
}
