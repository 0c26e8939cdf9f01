//! The order sets and parameters are built in. Sets are built in declaration order. A derived
//! set whose definition reads a parameter waits until that parameter has its data; a parameter
//! waits for the sets it is indexed over and, when computed, for the sets and parameters its
//! expression reads. So `dist` over `N × N`, then `"Near": "{i in N, j in N: dist[i,j] < 5}"`,
//! then `cap` over `Near` are built in that order, whatever order the parameters are listed in.

use std::collections::HashSet;

use super::super::load::{ParamDef, ParamSource, SetSource};
use super::Builder;
use crate::expr::{Expr, ExprKind, Indexing, SetExpr, SetKind, SetTerm, SetTermKind, Span};
use crate::model::diag::{Code, Diagnostic};

impl Builder<'_> {
    pub(super) fn sets_and_params(&mut self) {
        let f = self.f;
        let param_names: HashSet<&str> = f.params.iter().map(|p| p.name.as_str()).collect();
        let set_names: HashSet<&str> = f.sets.iter().map(|s| s.name.as_str()).collect();
        let mut next_set = 0;
        let mut pending: Vec<usize> = (0..f.params.len()).collect();
        loop {
            // Sets in order, up to the first that reads a parameter still without data.
            while let Some(def) = f.sets.get(next_set) {
                let waits = set_refs(&def.source).iter().any(|r| {
                    !r.bound && param_names.contains(r.name) && pending.iter().any(|&p| f.params[p].name == r.name)
                });
                if waits {
                    break;
                }
                self.set(next_set);
                next_set += 1;
            }
            let batch = self.ready(&pending, &set_names, &param_names);
            if !batch.is_empty() {
                pending.retain(|p| !batch.contains(p));
                self.params(&batch);
                continue;
            }
            let Some(def) = f.sets.get(next_set) else { break };
            // The set reads a parameter that needs this set (or a later one) first.
            let Ref { name, span, .. } = set_refs(&def.source)
                .into_iter()
                .find(|r| !r.bound && pending.iter().any(|&p| f.params[p].name == r.name))
                .expect("the set waits for a pending parameter");
            let src = match &def.source {
                SetSource::Derived(t) => t.src.as_str(),
                _ => "",
            };
            self.diags.push(
                Diagnostic::error(
                    Code::InvalidValue,
                    &def.path,
                    format!("set `{}` uses parameter `{name}`, which needs `{}` or a set declared after it", def.name, def.name),
                )
                .at(src, span)
                .help(format!(
                    "a set may use parameters indexed over the sets declared before it; declare the sets `{name}` needs above `{}`",
                    def.name
                )),
            );
            self.declare(&def.name, &def.path, super::Symbol::Broken);
            next_set += 1;
        }
        // What is left names no set that will ever exist: its errors are reported as usual.
        if !pending.is_empty() {
            self.params(&pending);
        }
    }

    /// The pending parameters that can be built now: every set they name is built (or is no
    /// declared set at all), and every parameter a computed one reads is built or ready too.
    fn ready(&self, pending: &[usize], set_names: &HashSet<&str>, param_names: &HashSet<&str>) -> Vec<usize> {
        let refs: Vec<Vec<&str>> = pending.iter().map(|&p| param_refs(&self.f.params[p])).collect();
        let mut ready: Vec<bool> = refs
            .iter()
            .map(|names| names.iter().all(|n| !set_names.contains(n) || self.symbols.contains_key(*n)))
            .collect();
        loop {
            let pending_names: HashSet<&str> = pending
                .iter()
                .zip(&ready)
                .filter(|(_, r)| !**r)
                .map(|(&p, _)| self.f.params[p].name.as_str())
                .collect();
            let mut changed = false;
            for (k, names) in refs.iter().enumerate() {
                let own = self.f.params[pending[k]].name.as_str();
                if ready[k] && names.iter().any(|n| *n != own && param_names.contains(n) && pending_names.contains(n)) {
                    ready[k] = false;
                    changed = true;
                }
            }
            if !changed {
                return pending.iter().zip(&ready).filter(|(_, r)| **r).map(|(&p, _)| p).collect();
            }
        }
    }
}

/// A name a definition mentions, with where; `bound` when it is an index it binds.
pub(super) struct Ref<'a> {
    pub name: &'a str,
    pub span: Span,
    pub bound: bool,
}

/// Names a parameter's definition reads: the sets of its `over` and what its expression names.
fn param_refs(def: &ParamDef) -> Vec<&str> {
    let mut out = Vec::new();
    for item in &def.over {
        set_expr_refs(&item.ast.set, &mut out);
    }
    if let ParamSource::Expression(t) = &def.source {
        expr_refs(&t.ast, &mut out);
    }
    out.into_iter().filter(|r| !r.bound).map(|r| r.name).collect()
}

/// Names a set's definition mentions (derived sets only; the others read none).
pub(super) fn set_refs(source: &SetSource) -> Vec<Ref<'_>> {
    let mut out = Vec::new();
    if let SetSource::Derived(t) = source {
        term_refs(&t.ast, &mut out);
    }
    out
}

/// Every name a tree mentions (sets, parameters, variables, indices), with its span. A name
/// that is not bound here and equals a declared name refers to it (index names may not
/// reuse declared names).
fn term_refs<'a>(t: &'a SetTerm, out: &mut Vec<Ref<'a>>) {
    match &t.kind {
        SetTermKind::Named(n) => out.push(Ref { name: n, span: t.span, bound: false }),
        SetTermKind::Builder { over, .. } => indexing_refs(over, out),
        SetTermKind::Op { lhs, rhs, .. } => {
            term_refs(lhs, out);
            term_refs(rhs, out);
        }
    }
}

fn indexing_refs<'a>(ix: &'a Indexing, out: &mut Vec<Ref<'a>>) {
    for b in &ix.bindings {
        set_expr_refs(&b.set, out);
        out.extend(b.names.iter().map(|(n, span)| Ref { name: n, span: *span, bound: true }));
    }
    if let Some(f) = &ix.filter {
        expr_refs(f, out);
    }
}

fn set_expr_refs<'a>(s: &'a SetExpr, out: &mut Vec<Ref<'a>>) {
    match &s.kind {
        SetKind::Named(n) => out.push(Ref { name: n, span: s.span, bound: false }),
        SetKind::Range(lo, hi) => {
            expr_refs(lo, out);
            expr_refs(hi, out);
        }
    }
}

fn expr_refs<'a>(e: &'a Expr, out: &mut Vec<Ref<'a>>) {
    match &e.kind {
        ExprKind::Num(_) | ExprKind::Str(_) | ExprKind::Inf => {}
        ExprKind::Name(n) => out.push(Ref { name: n, span: e.span, bound: false }),
        ExprKind::Index { name, name_span, args } => {
            out.push(Ref { name, span: *name_span, bound: false });
            args.iter().for_each(|a| expr_refs(a, out));
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| expr_refs(a, out)),
        ExprKind::Neg(a) | ExprKind::Not(a) => expr_refs(a, out),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr_refs(lhs, out);
            expr_refs(rhs, out);
        }
        ExprKind::Sum { over, body } => {
            indexing_refs(over, out);
            expr_refs(body, out);
        }
        ExprKind::Reduce(r) => {
            indexing_refs(&r.over, out);
            expr_refs(&r.body, out);
        }
        ExprKind::If { cond, then, otherwise } => {
            expr_refs(cond, out);
            expr_refs(then, out);
            expr_refs(otherwise, out);
        }
        ExprKind::In { items, set } => {
            items.iter().for_each(|a| expr_refs(a, out));
            set_expr_refs(set, out);
        }
    }
}
