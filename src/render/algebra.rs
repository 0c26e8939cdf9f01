//! What the structure-keeping formats share: the declared names, facts about sets, parameter
//! data as keyed entries, and the index names an entity's `over` binds.

use std::collections::HashMap;

use super::translate::{Kind, SetFacts};
use crate::expr::{Binding, SetKind};
use crate::model::load::{Formulation, ParamSource, Text};
use crate::model::sets::Atom;
use crate::model::Model;

pub struct Names {
    pub kinds: HashMap<String, Kind>,
    pub sets: HashMap<String, SetFacts>,
}

pub fn names(f: &Formulation, m: &Model) -> Names {
    let mut kinds = HashMap::new();
    for s in &f.sets {
        kinds.insert(s.name.clone(), Kind::Set);
    }
    for p in &f.params {
        kinds.insert(p.name.clone(), Kind::Param);
    }
    for v in &f.vars {
        kinds.insert(v.name.clone(), Kind::Var);
    }
    let sets = m
        .sets
        .iter()
        .map(|s| {
            let ints: Option<Vec<i64>> =
                s.elems.iter().map(|a| if let Atom::Int(i) = a { Some(*i) } else { None }).collect();
            let facts = match ints {
                Some(v) if s.arity == 1 => {
                    SetFacts { integer: true, contiguous: v.windows(2).all(|w| w[1] == w[0] + 1) }
                }
                _ => SetFacts::default(),
            };
            (s.name.clone(), facts)
        })
        .collect();
    Names { kinds, sets }
}

/// One element item as data: integers bare, names as the target quotes them.
pub fn atom_text(m: &Model, a: Atom, quote: &dyn Fn(&str) -> String) -> String {
    match a {
        Atom::Int(i) => i.to_string(),
        Atom::Sym(s) => quote(m.names.name(s)),
    }
}

/// Entries of a parameter with data: (key items, value), in set order. Entries equal to the
/// default are left to the default.
pub fn entries(m: &Model, name: &str, default: Option<f64>) -> Vec<(Vec<Atom>, f64)> {
    let Some(p) = m.params.iter().find(|p| p.name == name) else { return Vec::new() };
    let mut out = Vec::new();
    for (off, &v) in p.values.iter().enumerate() {
        if v.is_nan() || default == Some(v) {
            continue;
        }
        let mut rest = off;
        let mut keys = Vec::new();
        for (k, &d) in p.dims.iter().enumerate() {
            let pos = rest / p.strides[k];
            rest %= p.strides[k];
            keys.extend_from_slice(m.sets[d].elem(pos));
        }
        out.push((keys, v));
    }
    out
}

/// Whether a parameter is computed by an expression (rendered as a formula, not data).
pub fn computed(source: &ParamSource) -> Option<&Text<crate::expr::Expr>> {
    match source {
        ParamSource::Expression(t) => Some(t),
        _ => None,
    }
}

/// Index names for an entity's `over`, inventing ones for anonymous items (`i1`, `i2`, …)
/// that do not clash with declared names; and the set each dimension ranges over.
pub fn over_names(
    over: &[Text<Binding>],
    kinds: &HashMap<String, Kind>,
    arity: &dyn Fn(&str) -> usize,
) -> Vec<(Vec<String>, String)> {
    let mut used: Vec<String> = Vec::new();
    over.iter()
        .map(|item| {
            let set = match &item.ast.set.kind {
                SetKind::Named(n) => n.clone(),
                SetKind::Range(..) => item.ast.set.to_string(),
            };
            let names: Vec<String> = if item.ast.names.is_empty() {
                // One index: the set's initial (`p` for `P`); a tuple: `i, j, k`.
                let bases: Vec<String> = match arity(&set) {
                    1 => vec![set.chars().next().map_or('i', |c| c.to_ascii_lowercase()).to_string()],
                    n => (0..n).map(|k| ["i", "j", "k", "l", "m", "n"][k.min(5)].to_string()).collect(),
                };
                bases
                    .into_iter()
                    .map(|base| {
                        let mut k = 0;
                        loop {
                            let cand = if k == 0 { base.clone() } else { format!("{base}{k}") };
                            if !used.contains(&cand) && !kinds.contains_key(&cand) {
                                used.push(cand.clone());
                                break cand;
                            }
                            k += 1;
                        }
                    })
                    .collect()
            } else {
                let n: Vec<String> = item.ast.names.iter().map(|(n, _)| n.clone()).collect();
                used.extend(n.iter().cloned());
                n
            };
            (names, set)
        })
        .collect()
}
