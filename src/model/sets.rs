//! Set elements as interned atoms, so that instantiation compares integers, never strings.

use std::collections::HashMap;
use std::fmt::Write;

/// One element of a set, or one item of a tuple element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Atom {
    Int(i64),
    /// An interned string.
    Sym(u32),
}

/// String table for element names.
#[derive(Debug, Default, Clone)]
pub struct Interner {
    names: Vec<String>,
    ids: HashMap<String, u32>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> Atom {
        if let Some(&id) = self.ids.get(s) {
            return Atom::Sym(id);
        }
        let id = self.names.len() as u32;
        self.names.push(s.to_string());
        self.ids.insert(s.to_string(), id);
        Atom::Sym(id)
    }

    /// The atom of `s` if it was ever interned (a literal naming no element is not interned).
    pub fn lookup(&self, s: &str) -> Option<Atom> {
        self.ids.get(s).map(|&id| Atom::Sym(id))
    }

    pub fn name(&self, id: u32) -> &str {
        &self.names[id as usize]
    }

    /// How an atom reads in names and messages: `chair`, `3`.
    pub fn show(&self, a: Atom) -> String {
        match a {
            Atom::Int(i) => i.to_string(),
            Atom::Sym(s) => self.name(s).to_string(),
        }
    }

    /// A tuple of atoms as written in an index: `carpentry,chair`.
    pub fn show_tuple(&self, atoms: &[Atom]) -> String {
        let mut out = String::new();
        for (k, a) in atoms.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            match a {
                Atom::Int(i) => write!(out, "{i}").expect("write to String"),
                Atom::Sym(s) => out.push_str(self.name(*s)),
            }
        }
        out
    }
}

/// An ordered set: elements in listing order, each a tuple of `arity` atoms.
#[derive(Debug, Clone)]
pub struct SetData {
    pub name: String,
    pub arity: usize,
    /// Flat: element `k` is `elems[k*arity .. (k+1)*arity]`.
    pub elems: Vec<Atom>,
    index1: HashMap<Atom, u32>,
    index_n: HashMap<Vec<Atom>, u32>,
}

impl SetData {
    /// Builds a set; returns the first duplicate element as an error.
    pub fn new(name: &str, arity: usize, elems: Vec<Atom>) -> Result<SetData, Vec<Atom>> {
        let mut s = SetData { name: name.to_string(), arity, elems, index1: HashMap::new(), index_n: HashMap::new() };
        let n = s.len();
        for k in 0..n {
            let fresh = if arity == 1 {
                s.index1.insert(s.elems[k], k as u32).is_none()
            } else {
                s.index_n.insert(s.elem(k).to_vec(), k as u32).is_none()
            };
            if !fresh {
                return Err(s.elem(k).to_vec());
            }
        }
        Ok(s)
    }

    pub fn len(&self) -> usize {
        self.elems.len().checked_div(self.arity).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.elems.is_empty()
    }

    pub fn elem(&self, k: usize) -> &[Atom] {
        &self.elems[k * self.arity..(k + 1) * self.arity]
    }

    /// Position of an element (a tuple of `arity` atoms).
    pub fn position(&self, tuple: &[Atom]) -> Option<u32> {
        if tuple.len() != self.arity {
            return None;
        }
        if self.arity == 1 {
            self.index1.get(&tuple[0]).copied()
        } else {
            self.index_n.get(tuple).copied()
        }
    }

    /// Up to `limit` elements for a message: `'chair', 'table', …`.
    pub fn preview(&self, names: &Interner, limit: usize) -> String {
        let mut parts: Vec<String> = (0..self.len().min(limit))
            .map(|k| {
                let t = names.show_tuple(self.elem(k));
                if self.arity > 1 {
                    format!("({t})")
                } else {
                    t
                }
            })
            .collect();
        if self.len() > limit {
            parts.push("…".into());
        }
        parts.join(", ")
    }
}
