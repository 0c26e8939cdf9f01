//! The one interpreter of IR: iterating index bindings, evaluating data expressions, locating
//! parameter entries and variable columns. Compilation, verification and computed parameters
//! all go through it, so they can never disagree about what an expression means.

use std::cell::Cell;

use super::infinite::Misuse;
use super::ir::*;
use super::resolve::apply_func;
use super::sets::{Atom, Interner, SetData};
use super::{Param, Var};
use crate::expr::Span;

mod reform;
pub use reform::{negate, Pieces, HOLDS_TOLERANCE};

/// A failure while instantiating: an element outside its set, missing data, bad arithmetic.
#[derive(Debug, Clone)]
pub struct EvalError {
    pub code: super::Code,
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

impl EvalError {
    pub fn new(code: super::Code, message: String, span: Span) -> Box<Self> {
        Box::new(EvalError { code, message, span, help: None })
    }
}

trait Help {
    fn help(self, h: impl Into<String>) -> Self;
}

impl Help for Box<EvalError> {
    fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
}

/// Boxed, so that the `Ok` path of the hot recursive evaluators stays two words wide.
pub type EvalResult<T> = Result<T, Box<EvalError>>;

/// Values of the index slots of the expression being evaluated.
#[derive(Debug, Clone)]
pub struct Env {
    pub atoms: Vec<Atom>,
    /// Position of the slot's current element in the set it iterates (tuple position for
    /// tuple bindings); meaningful for slots that iterate a named set.
    pub pos: Vec<u32>,
}

impl Env {
    pub fn new(slots: usize) -> Env {
        Env { atoms: vec![Atom::Int(0); slots], pos: vec![0; slots] }
    }
}

pub struct Eval<'m> {
    pub names: &'m Interner,
    pub sets: &'m [SetData],
    pub params: &'m [Param],
    pub vars: &'m [Var],
    pub slots: &'m [SlotInfo],
    /// Set when a `sum` iterated at least once, by sum id (for the empty-sum warning).
    pub sums_hit: &'m [Cell<bool>],
}

thread_local! {
    /// Index combinations this thread may still visit. A budget per thread rather than per
    /// evaluator: one instantiation runs many evaluators (bounds, objective, each constraint)
    /// and the limit is on their sum. Unlimited unless [`with_iteration_budget`] sets it.
    static BUDGET: Cell<u64> = const { Cell::new(u64::MAX) };
}

/// Runs `f` with at most `limit` index combinations visited by every loop and sum in it.
pub fn with_iteration_budget<T>(limit: u64, f: impl FnOnce() -> T) -> T {
    let before = BUDGET.with(|b| b.replace(limit));
    let out = f();
    BUDGET.with(|b| b.set(before));
    out
}

/// Takes `n` iterations from the budget before a loop spends them: one check per loop, not
/// per element, so the hot path stays as it was.
fn charge(n: u64, span: Span) -> EvalResult<()> {
    BUDGET.with(|b| match b.get().checked_sub(n) {
        Some(left) => {
            b.set(left);
            Ok(())
        }
        None => {
            b.set(0);
            Err(EvalError::new(
                super::Code::Limit,
                "instantiating this visits more index combinations than the limit".into(),
                span,
            )
            .help(
                "filter the loops (a tuple set of the combinations that exist), or raise the limit with `--max iterations=N`",
            ))
        }
    })
}

impl<'m> Eval<'m> {
    /// Calls `f` once per combination of the loop's bindings that passes its filter.
    pub fn for_each(&self, lp: &Loop, env: &mut Env, f: &mut dyn FnMut(&mut Env) -> EvalResult<()>) -> EvalResult<()> {
        self.bind_from(lp, 0, env, f)
    }

    fn bind_from(
        &self,
        lp: &Loop,
        k: usize,
        env: &mut Env,
        f: &mut dyn FnMut(&mut Env) -> EvalResult<()>,
    ) -> EvalResult<()> {
        let Some(b) = lp.bindings.get(k) else {
            if let Some(filter) = &lp.filter {
                if !self.cond(filter, env)? {
                    return Ok(());
                }
            }
            return f(env);
        };
        let s = b.first_slot;
        match &b.set {
            SetRef::Named(id) => {
                let set = &self.sets[*id];
                let arity = set.arity;
                let innermost = k + 1 == lp.bindings.len() && lp.filter.is_none();
                charge(set.len() as u64, Span::default())?;
                for p in 0..set.len() {
                    let elem = set.elem(p);
                    env.atoms[s..s + arity].copy_from_slice(elem);
                    env.pos[s..s + arity].fill(p as u32);
                    if innermost {
                        f(env)?;
                    } else {
                        self.bind_from(lp, k + 1, env, f)?;
                    }
                }
            }
            SetRef::Range(lo, hi, span) => {
                let lo = self.int(lo, *span)?;
                let hi = self.int(hi, *span)?;
                charge((i128::from(hi) - i128::from(lo) + 1).clamp(0, i128::from(u64::MAX)) as u64, *span)?;
                for (p, v) in (lo..=hi).enumerate() {
                    env.atoms[s] = Atom::Int(v);
                    env.pos[s] = p as u32;
                    self.bind_from(lp, k + 1, env, f)?;
                }
            }
        }
        Ok(())
    }

    fn int(&self, n: &Num, span: Span) -> EvalResult<i64> {
        let v = self.num(n, &mut Env::new(0), None)?;
        if v.fract() != 0.0 {
            return Err(EvalError::new(super::Code::Arithmetic, format!("range bound {v} is not an integer"), span));
        }
        Ok(v as i64)
    }

    /// Value of a data expression; with `x`, variables take their values from it.
    pub fn num(&self, n: &Num, env: &mut Env, x: Option<&[f64]>) -> EvalResult<f64> {
        Ok(match n {
            Num::Const(c) => *c,
            Num::Param { id, index } => self.param(*id, index, env)?,
            Num::Var { id, index } => match x {
                Some(x) => x[self.col(*id, index, env)?],
                None => unreachable!("variables are only evaluated with a point"),
            },
            Num::Elem(a, span) => match self.atom(a, env)? {
                Atom::Int(i) => i as f64,
                Atom::Sym(s) => {
                    let msg = format!("the element '{}' is not a number", self.names.name(s));
                    return Err(EvalError::new(super::Code::WrongKind, msg, *span)
                        .help("only elements of integer sets (like 1..12) can be used in arithmetic; use ord(t) for a position"));
                }
            },
            Num::Neg(a) => -self.num(a, env, x)?,
            Num::Add(a, b) => self.num(a, env, x)? + self.num(b, env, x)?,
            Num::Sub(a, b) => self.num(a, env, x)? - self.num(b, env, x)?,
            Num::Mul(a, b) | Num::Quad(a, b) => self.num(a, env, x)? * self.num(b, env, x)?,
            Num::Square(a) => self.num(a, env, x)?.powi(2),
            Num::Div(a, b, span) => {
                let d = self.num(b, env, x)?;
                if d == 0.0 {
                    return Err(EvalError::new(super::Code::Arithmetic, "division by zero".into(), *span));
                }
                self.num(a, env, x)? / d
            }
            Num::Pow(a, b, _) => self.num(a, env, x)?.powf(self.num(b, env, x)?),
            Num::Mod(a, b, span) => {
                let (a, b) = (self.num(a, env, x)?, self.num(b, env, x)?);
                modulo(a, b).map_err(|(msg, help)| EvalError::new(super::Code::Arithmetic, msg, *span).help(help))?
            }
            Num::Func(f, args, _) => {
                let mut v = Vec::with_capacity(args.len());
                for a in args {
                    v.push(self.num(a, env, x)?);
                }
                apply_func(*f, &v)
            }
            Num::If(c, a, b) => {
                if self.cond(c, env)? {
                    self.num(a, env, x)?
                } else {
                    self.num(b, env, x)?
                }
            }
            Num::Sum { id, over, body, .. } => {
                let mut total = 0.0;
                self.for_each(over, env, &mut |env| {
                    self.sums_hit[*id].set(true);
                    total += self.num(body, env, x)?;
                    Ok(())
                })?;
                total
            }
            Num::Card(s) => match s {
                SetRef::Named(id) => self.sets[*id].len() as f64,
                SetRef::Range(lo, hi, span) => (self.int(hi, *span)? - self.int(lo, *span)? + 1).max(0) as f64,
            },
            Num::Ord { slot, .. } => (env.pos[*slot] + 1) as f64,
            Num::Abs(a, _) => self.num(a, env, x)?.abs(),
            Num::Extreme { max, terms, .. } => self.extreme(*max, terms, env, x)?,
            Num::Count { terms, .. } => self.count(terms, env, x)?,
            Num::BinMul(a, b, _) => self.num(a, env, x)? * self.num(b, env, x)?,
            Num::Pwl { x: arg, points, span } => {
                let at = self.num(arg, env, x)?;
                self.pwl(at, points, env, *span)?
            }
        })
    }

    pub fn cond(&self, c: &Cond, env: &mut Env) -> EvalResult<bool> {
        Ok(match c {
            Cond::Const(b) => *b,
            Cond::And(a, b) => self.cond(a, env)? && self.cond(b, env)?,
            Cond::Or(a, b) => self.cond(a, env)? || self.cond(b, env)?,
            Cond::Not(a) => !self.cond(a, env)?,
            Cond::Cmp(op, a, b, span) => {
                let (va, vb) = (self.val(a, env)?, self.val(b, env)?);
                if matches!(va, Value::Num(v) if v.is_nan()) || matches!(vb, Value::Num(v) if v.is_nan()) {
                    let roots: Vec<&Num> =
                        [a, b].into_iter().filter_map(|v| if let Val::Num(n) = v { Some(n) } else { None }).collect();
                    return Err(self.misuse(Misuse::NotANumber("a side of this comparison"), &roots, env, *span));
                }
                let (a, b) = (va, vb);
                compare(*op, a, b).ok_or_else(|| {
                    EvalError::new(
                        super::Code::WrongKind,
                        "cannot order an element name against a number".into(),
                        *span,
                    )
                })?
            }
            Cond::In(items, set, _) => {
                let mut tuple = Vec::with_capacity(items.len());
                for i in items {
                    match self.atom(i, env) {
                        Ok(a) => tuple.push(a),
                        Err(_) => return Ok(false),
                    }
                }
                match set {
                    SetRef::Named(id) => self.sets[*id].position(&tuple).is_some(),
                    SetRef::Range(lo, hi, span) => match tuple.as_slice() {
                        [Atom::Int(v)] => (self.int(lo, *span)?..=self.int(hi, *span)?).contains(v),
                        _ => false,
                    },
                }
            }
        })
    }

    fn val(&self, v: &Val, env: &mut Env) -> EvalResult<Value> {
        Ok(match v {
            Val::Num(n) => Value::Num(self.num(n, env, None)?),
            Val::Atom(AtomExpr::Unknown(_)) => Value::Missing,
            Val::Atom(a) => match self.atom(a, env)? {
                Atom::Int(i) => Value::Num(i as f64),
                Atom::Sym(s) => Value::Sym(s),
            },
        })
    }

    pub fn atom(&self, a: &AtomExpr, env: &mut Env) -> EvalResult<Atom> {
        Ok(match a {
            AtomExpr::Dummy(s) => env.atoms[*s],
            AtomExpr::Lit(a) => *a,
            AtomExpr::Unknown(s) => {
                return Err(EvalError::new(
                    super::Code::NotInSet,
                    format!("'{s}' is not an element of any set"),
                    Span::default(),
                ));
            }
            AtomExpr::Shift { slot, by, positional, span } => match (env.atoms[*slot], self.slots[*slot].set) {
                (Atom::Int(i), set) if !*positional || set.is_none() => Atom::Int(i + by),
                (_, None) => unreachable!("names come from named sets"),
                (_, Some(set_id)) if self.sets[set_id].arity > 1 => {
                    // The slot's position is its tuple's: stepping by it would land on another
                    // tuple's item, not on this item's neighbour.
                    let info = &self.slots[*slot];
                    let msg = format!(
                        "`{0}-1` / `{0}+1` on a name that is one item of a tuple of `{1}` has no order to step by",
                        info.name, self.sets[set_id].name
                    );
                    return Err(EvalError::new(super::Code::WrongKind, msg, *span)
                        .help(format!("bind `{}` to its own set to step through it", info.name)));
                }
                (_, Some(set_id)) => {
                    let info = &self.slots[*slot];
                    let set = &self.sets[set_id];
                    let p = env.pos[*slot] as i64 + by;
                    if p < 0 || p >= set.len() as i64 {
                        let edge = if p < 0 { "before the first" } else { "after the last" };
                        let msg = format!("`{}` steps {edge} element of `{}`", info.name, set.name);
                        return Err(EvalError::new(super::Code::NotInSet, msg, *span).help(format!(
                            "guard the boundary, e.g. `forall: \"{0} in {1}: {0} != first({1})\"` or `if {0} == first({1}) then … else …`",
                            info.name, set.name
                        )));
                    }
                    set.elem(p as usize)[info.comp]
                }
            },
            AtomExpr::First(id, span) | AtomExpr::Last(id, span) => {
                let set = &self.sets[*id];
                if set.is_empty() {
                    return Err(EvalError::new(super::Code::NotInSet, format!("set `{}` is empty", set.name), *span));
                }
                let p = if matches!(a, AtomExpr::First(..)) { 0 } else { set.len() - 1 };
                set.elem(p)[0]
            }
            AtomExpr::Num(n, span) => {
                let v = self.num(n, env, None)?;
                if v.fract() != 0.0 {
                    return Err(EvalError::new(
                        super::Code::NotInSet,
                        format!("index value {v} is not an integer"),
                        *span,
                    ));
                }
                Atom::Int(v as i64)
            }
        })
    }

    /// Flat offset of an index into an entity over `dims` with `strides`.
    #[inline]
    fn offset(&self, index: &Index, dims: &[SetId], strides: &[usize], env: &mut Env, what: &str) -> EvalResult<usize> {
        match &index.direct {
            Some(direct) => Ok(direct.iter().map(|&(s, st)| env.pos[s] as usize * st).sum()),
            None => self.offset_by_lookup(index, dims, strides, env, what),
        }
    }

    #[inline(never)]
    fn offset_by_lookup(
        &self,
        index: &Index,
        dims: &[SetId],
        strides: &[usize],
        env: &mut Env,
        what: &str,
    ) -> EvalResult<usize> {
        let mut off = 0;
        for (k, d) in index.dims.iter().enumerate() {
            let p = match d {
                Dim::Pos(s) | Dim::PosTuple(s) => env.pos[*s] as usize,
                Dim::Lookup(items) => {
                    let set = &self.sets[dims[k]];
                    let mut tuple = [Atom::Int(0); 8];
                    let mut atoms: Vec<Atom>;
                    let t: &[Atom] = if items.len() <= tuple.len() {
                        for (c, i) in items.iter().enumerate() {
                            tuple[c] = self.atom(i, env)?;
                        }
                        &tuple[..items.len()]
                    } else {
                        atoms = Vec::with_capacity(items.len());
                        for i in items {
                            atoms.push(self.atom(i, env)?);
                        }
                        &atoms
                    };
                    match set.position(t) {
                        Some(p) => p as usize,
                        None => {
                            let msg = format!(
                                "{what}[{}]: `{}` is not an element of set `{}`",
                                self.show_index(index, dims, env),
                                self.names.show_tuple(t),
                                set.name
                            );
                            return Err(EvalError::new(super::Code::NotInSet, msg, index.span).help(format!(
                                "elements of {}: {}; restrict the index with a filter or `if`",
                                set.name,
                                set.preview(self.names, 6)
                            )));
                        }
                    }
                }
            };
            off += p * strides[k];
        }
        Ok(off)
    }

    /// The index as written with current values, for messages; unresolvable items show as `?`.
    pub(super) fn show_index(&self, index: &Index, dims: &[SetId], env: &mut Env) -> String {
        let mut parts = Vec::new();
        for (k, d) in index.dims.iter().enumerate() {
            match d {
                Dim::Pos(s) => parts.push(self.names.show(env.atoms[*s])),
                Dim::PosTuple(s) => {
                    let arity = self.sets[dims[k]].arity;
                    parts.push(self.names.show_tuple(&env.atoms[*s..s + arity]));
                }
                Dim::Lookup(items) => {
                    for i in items {
                        parts.push(match self.atom(i, env) {
                            Ok(a) => self.names.show(a),
                            Err(_) => "?".into(),
                        });
                    }
                }
            }
        }
        parts.join(",")
    }

    #[inline]
    pub fn param(&self, id: ParamId, index: &Index, env: &mut Env) -> EvalResult<f64> {
        let p = &self.params[id];
        let off = self.offset(index, &p.dims, &p.strides, env, &p.name)?;
        let v = p.values[off];
        if v.is_nan() {
            let shown = self.show_index(index, &p.dims, env);
            let msg = format!("no data for {}[{shown}]", p.name);
            return Err(EvalError::new(super::Code::MissingData, msg, index.span)
                .help(format!("add this entry to {}, or give the parameter a \"default\"", p.path)));
        }
        Ok(v)
    }

    /// Column of a variable entry.
    #[inline]
    pub fn col(&self, id: VarId, index: &Index, env: &mut Env) -> EvalResult<usize> {
        let v = &self.vars[id];
        Ok(v.offset + self.offset(index, &v.dims, &v.strides, env, &v.name)?)
    }
}

/// Integers this large and beyond are not all exact in a float.
const EXACT_INTEGERS: f64 = 9.0e15;

/// `a mod b` for integers: the remainder of the division rounded down, so it takes the sign
/// of the divisor (`-1 mod 7 == 6`, as Python's `%` and MathProg's `mod`). Non-integers and a
/// zero divisor are errors (message, help), never a NaN.
pub fn modulo(a: f64, b: f64) -> Result<f64, (String, String)> {
    let integer = |v: f64| v.fract() == 0.0 && v.abs() < EXACT_INTEGERS;
    if !integer(a) || !integer(b) {
        let bad = if integer(a) { b } else { a };
        return Err((
            format!("`mod` takes integers, found {}", crate::expr::print::format_number(bad)),
            "`mod` is integer arithmetic: round the operand with floor(), ceil() or round()".into(),
        ));
    }
    if b == 0.0 {
        return Err(("`mod` by zero".into(), "the divisor evaluates to 0; guard it with a filter or `if`".into()));
    }
    let (a, b) = (a as i64, b as i64);
    let r = a % b;
    // `%` truncates toward zero; step into the divisor's sign.
    Ok((if r != 0 && (r < 0) != (b < 0) { r + b } else { r }) as f64)
}

#[derive(Debug, Clone, Copy)]
enum Value {
    Num(f64),
    Sym(u32),
    Missing,
}

fn compare(op: CmpOp, a: Value, b: Value) -> Option<bool> {
    use std::cmp::Ordering;
    let ord = match (a, b) {
        (Value::Num(x), Value::Num(y)) => x.partial_cmp(&y),
        (Value::Sym(x), Value::Sym(y)) if x == y => Some(Ordering::Equal),
        // Different names, or a name against a number: only (in)equality is meaningful.
        _ => None,
    };
    match (op, ord) {
        (CmpOp::Eq, o) => Some(o == Some(Ordering::Equal)),
        (CmpOp::Ne, o) => Some(o != Some(Ordering::Equal)),
        (_, None) => None,
        (CmpOp::Lt, Some(o)) => Some(o == Ordering::Less),
        (CmpOp::Le, Some(o)) => Some(o != Ordering::Greater),
        (CmpOp::Gt, Some(o)) => Some(o == Ordering::Greater),
        (CmpOp::Ge, Some(o)) => Some(o != Ordering::Less),
    }
}
