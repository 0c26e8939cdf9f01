//! The built-in functions, classified once: name, arity and kind. The resolver decides what a
//! call means from this table, error messages list what exists from it, and the renderers
//! spell each function by matching on it rather than on strings.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Abs,
    Min,
    Max,
    Sqrt,
    Exp,
    Log,
    Floor,
    Ceil,
    Round,
    Card,
    Ord,
    First,
    Last,
    Prev,
    Next,
    Count,
    Pwl,
}

/// What a built-in takes and gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Numbers to a number. On data it is computed; `abs`, `min` and `max` of expressions with
    /// variables are reformulated.
    Numeric,
    /// A set's size or end element: `card(S)`, `first(S)`, `last(S)`.
    OfSet,
    /// An index's position or neighbour: `ord(t)`, `prev(t)`, `next(t)`.
    OfIndex,
    /// How many propositions hold: `count(p, …)`.
    Counting,
    /// Interpolation through points: `pwl(x, (b, v), …)`.
    Piecewise,
}

/// How many arguments a built-in takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arity {
    Exactly(usize),
    AtLeast(usize),
}

impl Arity {
    pub fn accepts(self, n: usize) -> bool {
        match self {
            Arity::Exactly(k) => n == k,
            Arity::AtLeast(k) => n >= k,
        }
    }
}

const TABLE: &[(Builtin, &str, Arity, Kind)] = &[
    (Builtin::Abs, "abs", Arity::Exactly(1), Kind::Numeric),
    (Builtin::Min, "min", Arity::AtLeast(1), Kind::Numeric),
    (Builtin::Max, "max", Arity::AtLeast(1), Kind::Numeric),
    (Builtin::Sqrt, "sqrt", Arity::Exactly(1), Kind::Numeric),
    (Builtin::Exp, "exp", Arity::Exactly(1), Kind::Numeric),
    (Builtin::Log, "log", Arity::Exactly(1), Kind::Numeric),
    (Builtin::Floor, "floor", Arity::Exactly(1), Kind::Numeric),
    (Builtin::Ceil, "ceil", Arity::Exactly(1), Kind::Numeric),
    (Builtin::Round, "round", Arity::Exactly(1), Kind::Numeric),
    (Builtin::Card, "card", Arity::Exactly(1), Kind::OfSet),
    (Builtin::Ord, "ord", Arity::Exactly(1), Kind::OfIndex),
    (Builtin::First, "first", Arity::Exactly(1), Kind::OfSet),
    (Builtin::Last, "last", Arity::Exactly(1), Kind::OfSet),
    (Builtin::Prev, "prev", Arity::Exactly(1), Kind::OfIndex),
    (Builtin::Next, "next", Arity::Exactly(1), Kind::OfIndex),
    (Builtin::Count, "count", Arity::AtLeast(1), Kind::Counting),
    (Builtin::Pwl, "pwl", Arity::AtLeast(3), Kind::Piecewise),
];

impl Builtin {
    pub fn from_name(name: &str) -> Option<Builtin> {
        let name = if name == "ln" { "log" } else { name };
        TABLE.iter().find(|e| e.1 == name).map(|e| e.0)
    }

    fn entry(self) -> &'static (Builtin, &'static str, Arity, Kind) {
        TABLE.iter().find(|e| e.0 == self).expect("every built-in is in the table")
    }

    pub fn name(self) -> &'static str {
        self.entry().1
    }

    pub fn arity(self) -> Arity {
        self.entry().2
    }

    pub fn kind(self) -> Kind {
        self.entry().3
    }

    /// Whether its value is a set element rather than a number (`first(T)`, `prev(t)`).
    pub fn is_element(self) -> bool {
        matches!(self, Builtin::First | Builtin::Last | Builtin::Prev | Builtin::Next)
    }

    /// Every built-in's name, for "did you mean" and lists of what exists.
    pub fn names() -> impl Iterator<Item = &'static str> {
        TABLE.iter().map(|e| e.1)
    }

    /// Whether a call named `name` is an element-valued built-in.
    pub fn names_element(name: &str) -> bool {
        Builtin::from_name(name).is_some_and(Builtin::is_element)
    }
}

impl fmt::Display for Builtin {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_its_builtin() {
        for name in Builtin::names() {
            assert_eq!(Builtin::from_name(name).unwrap().name(), name);
        }
        assert_eq!(Builtin::from_name("ln"), Some(Builtin::Log));
        assert_eq!(Builtin::from_name("sum"), None);
    }
}
