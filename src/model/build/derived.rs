//! Sets defined from other sets: set-builders (`{i in N, j in N: i != j}`,
//! `{(j,i) : (i,j) in Arcs}`) and set algebra (`A union B`, `A diff B`, `A inter B`). A builder's
//! index is resolved and iterated exactly as a `sum`'s, by the one resolver and evaluator, so
//! it means here what it means everywhere else.

use std::cell::Cell;
use std::collections::HashSet;

use super::super::eval::{Env, Eval, EvalError};
use super::super::ir::Slot;
use super::super::limits::raise_hint;
use super::super::load::Text;
use super::super::resolve::{Resolver, Symbol, World};
use super::super::sets::{Atom, SetData};
use super::order::{set_refs, Ref};
use super::{Builder, SET};
use crate::expr::{Indexing, SetOp, SetTerm, SetTermKind, Span};
use crate::model::diag::{did_you_mean, Code, Diagnostic};

/// The elements of a set being computed: distinct tuples of `arity` atoms, flat, in order.
struct Tuples {
    arity: usize,
    elems: Vec<Atom>,
}

impl Tuples {
    fn iter(&self) -> std::slice::ChunksExact<'_, Atom> {
        self.elems.chunks_exact(self.arity)
    }
}

impl<'f> Builder<'f> {
    /// The set declared `k`-th, defined by `t`; it may use the sets declared before it.
    pub(super) fn derived_set(&mut self, k: usize, t: &'f Text<SetTerm>) -> Option<SetData> {
        let def = &self.f.sets[k];
        let refs = set_refs(&def.source);
        let bound = |name: &str| refs.iter().any(|r| r.bound && r.name == name);
        // The resolver reports an index named like a declared element.
        for &Ref { name, span, .. } in refs.iter().filter(|r| !r.bound && !bound(r.name)) {
            if self.f.vars.iter().any(|v| v.name == name) {
                self.diags.push(
                    Diagnostic::error(Code::WrongKind, &t.path, format!("variables cannot appear in {}", SET.context))
                        .at(&t.src, span)
                        .help("a set is data: its definition uses sets and parameters only"),
                );
                return None;
            }
            let Some(at) = self.f.sets.iter().position(|s| s.name == name) else { continue };
            if at < k {
                continue;
            }
            let (msg, help) = if at == k {
                (format!("set `{name}` is defined in terms of itself"), "define it from other sets".to_string())
            } else {
                (
                    format!("set `{name}` is declared after `{}`", def.name),
                    format!("a set may use only the sets declared before it; move `{name}` above `{}`", def.name),
                )
            };
            self.diags.push(Diagnostic::error(Code::InvalidValue, &t.path, msg).at(&t.src, span).help(help));
            return None;
        }
        let tuples = self.tuples(t, &t.ast)?;
        if !self.set_size_ok(tuples.iter().len() as u128, &t.path) {
            return None;
        }
        self.finish_set(&def.name, &t.path, tuples.arity, tuples.elems)
    }

    fn tuples(&mut self, t: &'f Text<SetTerm>, term: &'f SetTerm) -> Option<Tuples> {
        match &term.kind {
            SetTermKind::Named(name) => self.named(t, name, term.span),
            SetTermKind::Builder { head, over } => self.builder(t, head.as_deref(), over),
            SetTermKind::Op { op, lhs, rhs } => {
                let (l, r) = (self.tuples(t, lhs), self.tuples(t, rhs));
                let (l, r) = (l?, r?);
                if l.arity != r.arity {
                    let text = |s: Span| t.src.get(s.start..s.end).unwrap_or("").to_string();
                    let items = |n: usize| if n == 1 { "1 item".to_string() } else { format!("{n} items") };
                    let msg = format!(
                        "`{}` has elements of {} and `{}` of {}: `{}` needs both alike",
                        text(lhs.span),
                        items(l.arity),
                        text(rhs.span),
                        items(r.arity),
                        op.word()
                    );
                    self.diags.push(
                        Diagnostic::error(Code::IndexCount, &t.path, msg)
                            .at(&t.src, term.span)
                            .help("reorder or project tuples with a set-builder, e.g. {(j,i) : (i,j) in Arcs} or {i : (i,j) in Arcs}"),
                    );
                    return None;
                }
                Some(combine(*op, l, r))
            }
        }
    }

    fn named(&mut self, t: &Text<SetTerm>, name: &str, span: Span) -> Option<Tuples> {
        match self.symbols.get(name) {
            Some(Symbol::Set(id)) => {
                let s = &self.sets[*id];
                Some(Tuples { arity: s.arity, elems: s.elems.clone() })
            }
            Some(Symbol::Broken) => None,
            Some(_) => {
                self.diags.push(
                    Diagnostic::error(Code::WrongKind, &t.path, format!("`{name}` is not a set"))
                        .at(&t.src, span)
                        .help("set algebra combines sets: `A union B`, `A diff B`, `A inter B`"),
                );
                None
            }
            None => {
                let sets: Vec<&str> = self.sets.iter().map(|s| s.name.as_str()).collect();
                let help = did_you_mean(name, sets.iter().copied())
                    .unwrap_or_else(|| format!("sets declared before it: {}", sets.join(", ")));
                self.diags.push(
                    Diagnostic::error(Code::UnknownName, &t.path, format!("unknown set `{name}`"))
                        .at(&t.src, span)
                        .help(help),
                );
                None
            }
        }
    }

    /// `{head : over}`: the head's tuple (without one, every bound index) for each binding
    /// of `over` that passes its filter, in iteration order, each once.
    fn builder(&mut self, t: &Text<SetTerm>, head: Option<&[(String, Span)]>, over: &Indexing) -> Option<Tuples> {
        let shapes = self.shapes();
        let world = World::new(&self.symbols, &self.sets, &shapes, &self.names);
        let mut r = Resolver::new(&world, &t.src, &t.path, &mut self.diags, SET, self.num_sums);
        let (lp, _) = r.open(over);
        self.num_sums = r.next_sum_id;
        let slots = std::mem::take(&mut r.slots);
        let lp = lp?;
        let bound: Vec<(&str, Slot)> = over
            .bindings
            .iter()
            .zip(&lp.bindings)
            .flat_map(|(b, lb)| b.names.iter().enumerate().map(move |(c, (n, _))| (n.as_str(), lb.first_slot + c)))
            .collect();
        let picks: Vec<Slot> = match head {
            None => bound.iter().map(|&(_, s)| s).collect(),
            Some(head) => {
                let mut picks = Vec::new();
                for (name, span) in head {
                    match bound.iter().find(|(n, _)| n == name) {
                        Some(&(_, slot)) => picks.push(slot),
                        None => {
                            let names: Vec<&str> = bound.iter().map(|(n, _)| *n).collect();
                            self.diags.push(
                                Diagnostic::error(
                                    Code::UnknownName,
                                    &t.path,
                                    format!("`{name}` is not an index bound in this set-builder"),
                                )
                                .at(&t.src, *span)
                                .help(format!(
                                    "the head before `:` lists indices bound after it ({}), e.g. {{(j,i) : (i,j) in Arcs}}",
                                    names.join(", ")
                                )),
                            );
                            return None;
                        }
                    }
                }
                picks
            }
        };
        // Without a head every binding gives a distinct tuple; a head may repeat them (`{i : (i,j) in Arcs}`).
        let mut seen: Option<HashSet<Vec<Atom>>> = head.map(|_| HashSet::new());
        let limit = self.f.limits.set_size;
        let hits = vec![Cell::new(false); self.num_sums];
        let ev = Eval {
            names: &self.names,
            sets: &self.sets,
            params: &self.params,
            vars: &[],
            slots: &slots,
            sums_hit: &hits,
        };
        let mut elems = Vec::new();
        let mut count = 0usize;
        let mut env = Env::new(slots.len());
        let res = ev.for_each(&lp, &mut env, &mut |env| {
            let tuple = picks.iter().map(|&s| env.atoms[s]);
            if let Some(seen) = &mut seen {
                if !seen.insert(tuple.clone().collect()) {
                    return Ok(());
                }
            }
            elems.extend(tuple);
            count += 1;
            if count > limit {
                let mut e = EvalError::new(
                    Code::Limit,
                    format!("the set has more than {limit} elements, the limit"),
                    Span::new(0, t.src.len()),
                );
                e.help = Some(raise_hint("set_size", limit));
                return Err(e);
            }
            Ok(())
        });
        if let Err(e) = res {
            let span = if (e.span.start, e.span.end) == (0, 0) { Span::new(0, t.src.len()) } else { e.span };
            self.diags.push(Diagnostic::error(e.code, &t.path, e.message).at(&t.src, span).help_opt(e.help));
            return None;
        }
        Some(Tuples { arity: picks.len(), elems })
    }
}

/// `l op r` for sets of the same arity: the left's elements first, in order, then (`union`)
/// the right's that are new.
fn combine(op: SetOp, l: Tuples, r: Tuples) -> Tuples {
    let right: HashSet<&[Atom]> = r.iter().collect();
    let mut elems = Vec::with_capacity(l.elems.len());
    match op {
        SetOp::Union => {
            let left: HashSet<&[Atom]> = l.iter().collect();
            elems.extend_from_slice(&l.elems);
            r.iter().filter(|e| !left.contains(e)).for_each(|e| elems.extend_from_slice(e));
        }
        SetOp::Diff => l.iter().filter(|e| !right.contains(e)).for_each(|e| elems.extend_from_slice(e)),
        SetOp::Inter => l.iter().filter(|e| right.contains(e)).for_each(|e| elems.extend_from_slice(e)),
    }
    Tuples { arity: l.arity, elems }
}
