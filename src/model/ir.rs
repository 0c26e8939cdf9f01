//! The resolved form of expressions: names replaced by ids, indices by slots, and index
//! accesses pre-classified so that instantiation does no name lookups and, on the common
//! path, no hashing at all.

use crate::expr::Span;

use super::sets::Atom;

pub type SetId = usize;
pub type ParamId = usize;
pub type VarId = usize;
/// Position of an index variable (`i`, `p`) in the evaluation environment.
pub type Slot = usize;

/// How many variables an expression multiplies together: constant, linear, quadratic.
pub type Degree = u8;

/// The numeric built-ins applied to data (`abs`, `min`, `sqrt`, …).
pub use crate::expr::builtin::Builtin as Func;

/// A number-valued expression, possibly involving variables.
#[derive(Debug, Clone)]
pub enum Num {
    Const(f64),
    Param {
        id: ParamId,
        index: Index,
    },
    Var {
        id: VarId,
        index: Index,
    },
    /// The numeric value of an integer element (`t` in `2*t`, `first(T)`).
    Elem(AtomExpr, Span),
    Neg(Box<Num>),
    Add(Box<Num>, Box<Num>),
    Sub(Box<Num>, Box<Num>),
    /// `data * expr`: the resolver puts the variable-free factor first.
    Mul(Box<Num>, Box<Num>),
    /// A product of two expressions with variables (objective only).
    Quad(Box<Num>, Box<Num>),
    /// `expr^2` of an expression with variables (objective only).
    Square(Box<Num>),
    Div(Box<Num>, Box<Num>, Span),
    /// A power of data (no variables).
    Pow(Box<Num>, Box<Num>, Span),
    /// `a mod b` of data (integers; see [`super::eval::modulo`]).
    Mod(Box<Num>, Box<Num>, Span),
    Func(Func, Vec<Num>, Span),
    If(Box<Cond>, Box<Num>, Box<Num>),
    /// `id` numbers the sum within its formulation, to report sums that never iterate.
    Sum {
        id: usize,
        over: Box<Loop>,
        body: Box<Num>,
        span: Span,
    },
    Card(SetRef),
    /// 1-based position of an index in the set it iterates.
    Ord {
        slot: Slot,
        span: Span,
    },
    // The nodes below hold variables in positions no linear row can: compilation replaces each
    // by auxiliary columns and rows (`compile::reform`), and verification evaluates them as
    // written, so a wrong reformulation shows up as a violated constraint or objective.
    /// `abs(e)` of an expression with variables.
    Abs(Box<Num>, Span),
    /// `max(a, b, …)`, `max{i in I} e` (`max: false` for `min`), with variables.
    Extreme {
        max: bool,
        terms: Terms<Num>,
        span: Span,
    },
    /// `count(p, q, …)`, `count{i in I} p`: how many of the propositions hold.
    Count {
        terms: Terms<Prop>,
        span: Span,
    },
    /// `a * b` where `a` is a product of binary variables (and data) and `b` is linear.
    BinMul(Box<Num>, Box<Num>, Span),
    /// `pwl(x, (b1,v1), (b2,v2), …)`: linear interpolation between the points, `x` within
    /// `[b1, bn]`; breakpoints strictly increasing.
    Pwl {
        x: Box<Num>,
        points: Vec<(Num, Num)>,
        span: Span,
    },
}

impl Num {
    /// Calls `f` on each direct sub-expression (not on conditions, loop filters or the
    /// propositions of `count`): the one traversal the tree walks below build on.
    pub fn each_child<'a>(&'a self, f: &mut dyn FnMut(&'a Num)) {
        match self {
            Num::Neg(a) | Num::Square(a) | Num::Abs(a, _) => f(a),
            Num::Add(a, b)
            | Num::Sub(a, b)
            | Num::Mul(a, b)
            | Num::Quad(a, b)
            | Num::Div(a, b, _)
            | Num::Pow(a, b, _)
            | Num::Mod(a, b, _)
            | Num::BinMul(a, b, _)
            | Num::If(_, a, b) => {
                f(a);
                f(b);
            }
            Num::Func(_, args, _) | Num::Extreme { terms: Terms::List(args), .. } => args.iter().for_each(f),
            Num::Sum { body, .. } | Num::Extreme { terms: Terms::Over { body, .. }, .. } => f(body),
            Num::Pwl { x, points, .. } => {
                f(x);
                for (b, v) in points {
                    f(b);
                    f(v);
                }
            }
            Num::Const(_)
            | Num::Param { .. }
            | Num::Var { .. }
            | Num::Elem(..)
            | Num::Card(_)
            | Num::Ord { .. }
            | Num::Count { .. } => {}
        }
    }

    /// Whether any node of the tree satisfies `p`.
    pub fn any(&self, p: &mut dyn FnMut(&Num) -> bool) -> bool {
        if p(self) {
            return true;
        }
        let mut found = false;
        self.each_child(&mut |c| found = found || c.any(p));
        found
    }
}

/// The items of `max`, `min` and `count`: listed, or one body per index combination.
#[derive(Debug, Clone)]
pub enum Terms<T> {
    List(Vec<T>),
    Over { over: Box<Loop>, body: Box<T> },
}

/// A proposition of a logical constraint or of `count`.
#[derive(Debug, Clone)]
pub enum Prop {
    /// `lhs op rhs` with variables on either side.
    Rel {
        lhs: Num,
        op: CmpOp,
        rhs: Num,
        span: Span,
    },
    /// A binary variable as a proposition: true when it is 1.
    Lit(Num, Span),
    /// A condition on data alone: a constant in each instance.
    Data(Cond),
    Not(Box<Prop>),
    And(Box<Prop>, Box<Prop>),
    Or(Box<Prop>, Box<Prop>),
    Implies(Box<Prop>, Box<Prop>),
    Iff(Box<Prop>, Box<Prop>),
}

/// An index access `name[a, b, …]`, grouped per dimension of the indexed entity.
#[derive(Debug, Clone)]
pub struct Index {
    pub dims: Vec<Dim>,
    /// When every dimension is a direct position: `(slot, stride)` pairs, so the offset is
    /// `Σ pos[slot]·stride` with no per-dimension dispatch (the instantiation hot path).
    pub direct: Option<Vec<(Slot, usize)>>,
    pub span: Span,
}

impl Index {
    pub fn new(dims: Vec<Dim>, sizes: &[usize], span: Span) -> Index {
        let mut stride = 1;
        let mut strides = vec![0; sizes.len()];
        for k in (0..sizes.len()).rev() {
            strides[k] = stride;
            stride *= sizes[k];
        }
        let direct = dims
            .iter()
            .zip(&strides)
            .map(|(d, &st)| match d {
                Dim::Pos(s) | Dim::PosTuple(s) => Some((*s, st)),
                Dim::Lookup(_) => None,
            })
            .collect();
        Index { dims, direct, span }
    }
}

#[derive(Debug, Clone)]
pub enum Dim {
    /// The index iterates exactly this dimension's set: its position is the offset.
    Pos(Slot),
    /// A tuple binding `(i,j) in Arcs` used as `x[i,j]` over `Arcs`: first slot's position.
    PosTuple(Slot),
    /// Anything else: compute the atoms and look the element up.
    Lookup(Vec<AtomExpr>),
}

/// An expression whose value is a set element (atom).
#[derive(Debug, Clone)]
pub enum AtomExpr {
    Dummy(Slot),
    Lit(Atom),
    /// A literal that names no element of any set; lookups with it always fail.
    Unknown(String),
    /// `t-1`, `t+1` (arithmetic on integers, positional on names) and `prev(t)`, `next(t)`
    /// (always positional in the set `t` iterates).
    Shift {
        slot: Slot,
        by: i64,
        positional: bool,
        span: Span,
    },
    First(SetId, Span),
    Last(SetId, Span),
    /// A numeric expression used as an integer element.
    Num(Box<Num>, Span),
}

#[derive(Debug, Clone)]
pub enum Cond {
    Const(bool),
    Cmp(CmpOp, Val, Val, Span),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
    Not(Box<Cond>),
    In(Vec<AtomExpr>, SetRef, Span),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A comparison operand: an element or a number.
#[derive(Debug, Clone)]
pub enum Val {
    Atom(AtomExpr),
    Num(Num),
}

#[derive(Debug, Clone)]
pub enum SetRef {
    Named(SetId),
    Range(Box<Num>, Box<Num>, Span),
}

/// `i in I, (j,k) in Arcs: filter`: bindings fill consecutive slots.
#[derive(Debug, Clone)]
pub struct Loop {
    pub bindings: Vec<LoopBinding>,
    pub filter: Option<Cond>,
}

#[derive(Debug, Clone)]
pub struct LoopBinding {
    pub first_slot: Slot,
    pub arity: usize,
    pub set: SetRef,
}

/// Static facts about one slot.
#[derive(Debug, Clone)]
pub struct SlotInfo {
    pub name: String,
    /// The named set the slot iterates (component `comp` of its tuples), if any.
    pub set: Option<SetId>,
    pub comp: usize,
}
