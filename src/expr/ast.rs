//! The syntax tree of expressions, relations and index bindings.

/// Byte range of a node in its source string.
///
/// Spans never take part in equality: two trees are equal when they have the same shape,
/// wherever they were written. That is what the print/re-parse round trip relies on.
#[derive(Debug, Clone, Copy, Default, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl PartialEq for Span {
    fn eq(&self, _: &Span) -> bool {
        true
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    /// `a mod b`: the remainder of integer division, with the sign of the divisor.
    Mod,
    Pow,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    And,
    Or,
    /// `p => q`: if `p` holds then `q` must.
    Implies,
    /// `p <=> q`: `p` holds exactly when `q` does.
    Iff,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Mod => "mod",
            BinOp::Pow => "^",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Implies => "=>",
            BinOp::Iff => "<=>",
        }
    }

    /// Binding strength: higher binds tighter.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Implies | BinOp::Iff => 0,
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div | BinOp::Mod => 6,
            BinOp::Pow => 8,
        }
    }

    pub fn is_comparison(self) -> bool {
        self.precedence() == 4
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    Num(f64),
    /// An element literal: `'chair'`.
    Str(String),
    /// `inf`, allowed in bounds.
    Inf,
    /// A bare name: scalar parameter or variable, index, or set (as in `card(S)`).
    Name(String),
    /// `name[args]`.
    Index {
        name: String,
        name_span: Span,
        args: Vec<Expr>,
    },
    /// `func(args)`.
    Call {
        func: String,
        args: Vec<Expr>,
    },
    Neg(Box<Expr>),
    Not(Box<Expr>),
    Binary {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Sum {
        over: Indexing,
        body: Box<Expr>,
    },
    /// `max{i in I} e`, `min{…} e`, `count{…} (proposition)`: a sum's indexing with another
    /// fold. Boxed, so that this rare node does not make every expression node larger (the
    /// parser's frames hold them, and the deepest trees accepted must parse on a small stack).
    Reduce(Box<Reduce>),
    If {
        cond: Box<Expr>,
        then: Box<Expr>,
        otherwise: Box<Expr>,
    },
    /// Membership test `(i,j) in Arcs` or `i in S`.
    In {
        items: Vec<Expr>,
        set: SetExpr,
    },
}

/// `op{over} body`.
#[derive(Debug, Clone, PartialEq)]
pub struct Reduce {
    pub op: ReduceOp,
    pub over: Indexing,
    pub body: Expr,
}

/// The folds written like a sum: `max{…}`, `min{…}`, `count{…}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReduceOp {
    Max,
    Min,
    Count,
}

impl ReduceOp {
    pub fn from_name(name: &str) -> Option<ReduceOp> {
        Some(match name {
            "max" => ReduceOp::Max,
            "min" => ReduceOp::Min,
            "count" => ReduceOp::Count,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            ReduceOp::Max => "max",
            ReduceOp::Min => "min",
            ReduceOp::Count => "count",
        }
    }
}

/// `i in I, (j,k) in Arcs: filter`.
#[derive(Debug, Clone, PartialEq)]
pub struct Indexing {
    pub bindings: Vec<Binding>,
    pub filter: Option<Box<Expr>>,
    pub span: Span,
}

/// One `names in set` item. `names` is empty for an anonymous item (`"over": ["P"]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    pub names: Vec<(String, Span)>,
    pub set: SetExpr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SetExpr {
    pub kind: SetKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SetKind {
    Named(String),
    Range(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelOp {
    Le,
    Ge,
    Eq,
    /// Strict `<`: accepted with a warning and treated as `<=`.
    Lt,
    Gt,
}

impl RelOp {
    pub fn symbol(self) -> &'static str {
        match self {
            RelOp::Le => "<=",
            RelOp::Ge => ">=",
            RelOp::Eq => "==",
            RelOp::Lt => "<",
            RelOp::Gt => ">",
        }
    }
}

/// `lhs op rhs`, a range `lo op mid op hi`, or (one part, no operator) a proposition that must
/// hold: `y == 0 => x <= 0`, `a <= 5 or b <= 3`.
#[derive(Debug, Clone, PartialEq)]
pub struct Relation {
    pub parts: Vec<Expr>,
    pub ops: Vec<(RelOp, Span)>,
}
