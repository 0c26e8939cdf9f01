//! Name resolution and degree analysis: AST → IR. Every unknown name, wrong index count,
//! element outside its set and non-linear term is reported here, with a caret and a fix.

use std::collections::HashMap;

mod reform;

use super::diag::{did_you_mean, Code, Diagnostic, Diagnostics};
use super::ir::*;
use super::load::Text;
use super::sets::{Atom, Interner, SetData};
use crate::expr::builtin::{Arity, Builtin, Kind};
use crate::expr::{BinOp, Binding, Expr, ExprKind, Indexing, ReduceOp, SetExpr, SetKind, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbol {
    Set(SetId),
    Param(ParamId),
    Var(VarId),
    /// Declared, but its definition had errors: references stay quiet to avoid cascades.
    Broken,
}

/// Index sets of every parameter and variable declared so far.
pub struct Shapes {
    pub param_dims: Vec<Vec<SetId>>,
    pub var_dims: Vec<Vec<SetId>>,
    /// Whether each variable is binary (products with binaries are linearized exactly).
    pub var_binary: Vec<bool>,
}

/// What the resolver may consult: the names declared so far and their shapes.
pub struct World<'a> {
    pub symbols: &'a HashMap<String, Symbol>,
    pub sets: &'a [SetData],
    pub param_dims: &'a [Vec<SetId>],
    pub var_dims: &'a [Vec<SetId>],
    pub var_binary: &'a [bool],
    pub names: &'a Interner,
}

impl<'a> World<'a> {
    pub fn new(
        symbols: &'a HashMap<String, Symbol>,
        sets: &'a [SetData],
        shapes: &'a Shapes,
        names: &'a Interner,
    ) -> Self {
        World {
            symbols,
            sets,
            param_dims: &shapes.param_dims,
            var_dims: &shapes.var_dims,
            var_binary: &shapes.var_binary,
            names,
        }
    }

    fn dims_of(&self, sym: Symbol) -> &[SetId] {
        match sym {
            Symbol::Param(p) => &self.param_dims[p],
            Symbol::Var(v) => &self.var_dims[v],
            _ => &[],
        }
    }
    fn describe_dims(&self, dims: &[SetId]) -> String {
        dims.iter().map(|&s| self.sets[s].name.clone()).collect::<Vec<_>>().join(", ")
    }
}

/// What an expression is allowed to contain.
#[derive(Debug, Clone, Copy)]
pub struct Rules {
    /// 0: data only (parameters, bounds, filters); 1: linear (constraints); 2: quadratic (objective).
    pub max_degree: Degree,
    /// `inf` is meaningful in bounds and constraint sides only.
    pub allow_inf: bool,
    /// Wording for errors: "a constraint", "the objective", "a bound".
    pub context: &'static str,
}

pub struct Resolver<'a, 'w> {
    world: &'a World<'w>,
    src: &'a str,
    path: &'a str,
    diags: &'a mut Diagnostics,
    rules: Rules,
    scope: Vec<(String, Slot)>,
    pub slots: Vec<SlotInfo>,
    pub next_sum_id: usize,
    pub vars_used: Vec<VarId>,
    pub params_used: Vec<ParamId>,
}

impl<'a, 'w> Resolver<'a, 'w> {
    pub fn new(
        world: &'a World<'w>,
        src: &'a str,
        path: &'a str,
        diags: &'a mut Diagnostics,
        rules: Rules,
        next_sum_id: usize,
    ) -> Self {
        Resolver {
            world,
            src,
            path,
            diags,
            rules,
            scope: Vec::new(),
            slots: Vec::new(),
            next_sum_id,
            vars_used: Vec::new(),
            params_used: Vec::new(),
        }
    }

    /// Resolves `f` against another text of the same element (a `forall` beside its
    /// expression, an `over` item beside a bound), in the same slot space.
    pub fn within<T>(&mut self, src: &'a str, path: &'a str, f: impl FnOnce(&mut Self) -> T) -> T {
        let saved = (self.src, self.path);
        (self.src, self.path) = (src, path);
        let out = f(self);
        (self.src, self.path) = saved;
        out
    }

    /// Binds an entity's `over` items (each read from its own text); `None` if any fails.
    pub fn bind_over(&mut self, over: &'a [Text<Binding>]) -> Option<Loop> {
        let mut bindings = Vec::new();
        let mut ok = true;
        for item in over {
            match self.within(&item.src, &item.path, |r| r.binding(&item.ast, false)) {
                Some(b) => bindings.push(b),
                None => ok = false,
            }
        }
        ok.then_some(Loop { bindings, filter: None })
    }

    pub fn set_rules(&mut self, rules: Rules) {
        self.rules = rules;
    }

    fn error(&mut self, code: Code, span: Span, msg: impl Into<String>, help: Option<String>) {
        let d = Diagnostic::error(code, self.path, msg).at(self.src, span).help_opt(help);
        self.diags.push(d);
    }

    fn warn(&mut self, code: Code, span: Span, msg: impl Into<String>, help: Option<String>) {
        let d = Diagnostic::warning(code, self.path, msg).at(self.src, span).help_opt(help);
        self.diags.push(d);
    }

    fn text(&self, span: Span) -> &str {
        self.src.get(span.start..span.end).unwrap_or("")
    }

    fn dummy(&self, name: &str) -> Option<Slot> {
        self.scope.iter().rev().find(|(n, _)| n == name).map(|&(_, s)| s)
    }

    fn all_names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.world.symbols.keys().map(String::as_str).collect();
        v.extend(self.scope.iter().map(|(n, _)| n.as_str()));
        v.sort_unstable();
        v
    }

    fn unknown_name(&mut self, name: &str, span: Span, what: &str) {
        // Building the sorted list of every name costs more than the suggestion itself.
        let mut help = if super::diag::may_suggest() { did_you_mean(name, self.all_names()) } else { None };
        if help.is_none() && self.world.names.lookup(name).is_some() {
            help = Some(format!("`{name}` is a set element; write it in quotes: '{name}'"));
        }
        if help.is_none() && self.scope.is_empty() {
            help = Some(
                "declare it under sets, parameters or variables, or bind it as an index (`forall`, `sum{…}`)".into(),
            );
        }
        self.error(Code::UnknownName, span, format!("unknown {what} `{name}`"), help);
    }

    fn set_id(&mut self, name: &str, span: Span) -> Option<SetId> {
        match self.world.symbols.get(name) {
            Some(Symbol::Set(s)) => Some(*s),
            Some(Symbol::Broken) => None,
            Some(_) => {
                self.error(Code::WrongKind, span, format!("`{name}` is not a set"), None);
                None
            }
            None => {
                let sets: Vec<&str> = self.world.sets.iter().map(|s| s.name.as_str()).collect();
                let help = did_you_mean(name, sets.iter().copied())
                    .or_else(|| Some(format!("declared sets: {}", sets.join(", "))));
                self.error(Code::UnknownName, span, format!("unknown set `{name}`"), help);
                None
            }
        }
    }

    // ---------- bindings ----------

    /// Opens the bindings of an index in scope; call `close` with the returned mark. The names
    /// stay in scope even when the index has errors, so its body is still checked.
    pub fn open(&mut self, ix: &Indexing) -> (Option<Loop>, usize) {
        let mark = self.scope.len();
        let mut bindings = Vec::new();
        let mut ok = true;
        for b in &ix.bindings {
            match self.binding(b, true) {
                Some(lb) => bindings.push(lb),
                None => ok = false,
            }
        }
        let filter = match &ix.filter {
            Some(f) => self.cond(f),
            None => Some(Cond::Const(true)),
        };
        match (ok, filter) {
            (true, Some(filter)) => {
                let filter = if matches!(filter, Cond::Const(true)) { None } else { Some(filter) };
                (Some(Loop { bindings, filter }), mark)
            }
            _ => (None, mark),
        }
    }

    pub fn close(&mut self, mark: usize) {
        self.scope.truncate(mark);
    }

    /// Resolves one binding and brings its names into scope. `named`: whether the binding must
    /// name its indices (sums and foralls do; `over` may be anonymous).
    pub fn binding(&mut self, b: &Binding, named: bool) -> Option<LoopBinding> {
        if named && b.names.is_empty() {
            self.error(Code::Syntax, b.set.span, "an index needs a name here", Some(format!("write `i in {}`", b.set)));
            return None;
        }
        let resolved = match &b.set.kind {
            SetKind::Named(name) => {
                self.set_id(name, b.set.span).map(|id| (SetRef::Named(id), Some(id), self.world.sets[id].arity))
            }
            SetKind::Range(lo, hi) => {
                let lo = self.data(lo);
                let hi = self.data(hi);
                lo.zip(hi).map(|(lo, hi)| (SetRef::Range(Box::new(lo), Box::new(hi), b.set.span), None, 1))
            }
        };
        let Some((set, set_id, arity)) = resolved else {
            // Still bind the names, so that uses of them do not report "unknown name" too.
            for (n, _) in &b.names {
                self.scope.push((n.clone(), self.slots.len()));
                self.slots.push(SlotInfo { name: n.clone(), set: None, comp: 0 });
            }
            return None;
        };
        if !b.names.is_empty() && b.names.len() != arity {
            let msg = format!(
                "`{}` has elements of {arity} item{}, but {} index name{} bound",
                b.set,
                if arity == 1 { "" } else { "s" },
                b.names.len(),
                if b.names.len() == 1 { " is" } else { "s are" }
            );
            let help = if arity > 1 {
                let names: Vec<String> = (0..arity).map(|k| format!("i{}", k + 1)).collect();
                format!("write `({}) in {}`", names.join(","), b.set)
            } else {
                format!("write `i in {}`", b.set)
            };
            self.error(Code::IndexCount, b.set.span, msg, Some(help));
            return None;
        }
        let first_slot = self.slots.len();
        for comp in 0..arity {
            let name = b.names.get(comp).map(|(n, _)| n.clone()).unwrap_or_default();
            if let Some((n, span)) = b.names.get(comp) {
                if self.dummy(n).is_some() {
                    self.error(
                        Code::DuplicateName,
                        *span,
                        format!("index `{n}` is already bound here"),
                        Some("use another name for this index".into()),
                    );
                } else if let Some(sym) = self.world.symbols.get(n) {
                    let what = match sym {
                        Symbol::Set(_) => "set",
                        Symbol::Param(_) => "parameter",
                        _ => "variable",
                    };
                    self.error(
                        Code::DuplicateName,
                        *span,
                        format!("index `{n}` has the name of a {what}"),
                        Some("index names must differ from declared names; try a short lowercase letter".into()),
                    );
                }
                self.scope.push((n.clone(), self.slots.len()));
            }
            self.slots.push(SlotInfo { name, set: set_id, comp });
        }
        Some(LoopBinding { first_slot, arity, set })
    }

    // ---------- numbers ----------

    /// A data expression: no variables allowed.
    pub fn data(&mut self, e: &Expr) -> Option<Num> {
        let saved = self.rules;
        self.rules.max_degree = 0;
        let r = self.num(e).map(|(n, _)| n);
        self.rules = saved;
        r
    }

    pub fn num(&mut self, e: &Expr) -> Option<(Num, Degree)> {
        match &e.kind {
            ExprKind::Num(n) => Some((Num::Const(*n), 0)),
            ExprKind::Inf => {
                if self.rules.allow_inf {
                    Some((Num::Const(f64::INFINITY), 0))
                } else {
                    self.error(
                        Code::InvalidValue,
                        e.span,
                        format!("`inf` is not allowed in {}", self.rules.context),
                        Some("`inf` only makes sense as a bound".into()),
                    );
                    None
                }
            }
            ExprKind::Str(s) => {
                self.error(
                    Code::WrongKind,
                    e.span,
                    format!("the element '{s}' is not a number"),
                    Some("element literals index parameters and variables, e.g. `profit['chair']`".into()),
                );
                None
            }
            ExprKind::Name(name) => self.name(name, e.span),
            ExprKind::Index { name, name_span, args } => self.index(name, *name_span, args, e.span),
            ExprKind::Call { func, args } => self.call(func, args, e.span),
            ExprKind::Neg(a) => {
                let (a, d) = self.num(a)?;
                Some((fold1(a, |x| -x, Num::Neg), d))
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(*op, lhs, rhs, e.span),
            ExprKind::Sum { over, body } => {
                let id = self.next_sum_id;
                self.next_sum_id += 1;
                let (lp, mark) = self.open(over);
                let body = self.num(body);
                self.close(mark);
                let ((body, d), lp) = (body?, lp?);
                Some((Num::Sum { id, over: Box::new(lp), body: Box::new(body), span: e.span }, d))
            }
            ExprKind::Reduce(r) if r.op == ReduceOp::Count => {
                let (lp, mark) = self.open(&r.over);
                let p = self.prop(&r.body);
                self.close(mark);
                let (p, lp) = (p?, lp?);
                Some(count(Terms::Over { over: Box::new(lp), body: Box::new(p) }, e.span))
            }
            ExprKind::Reduce(r) => {
                let (lp, mark) = self.open(&r.over);
                let b = self.num(&r.body);
                self.close(mark);
                let ((body, d), lp) = (b?, lp?);
                let terms = Terms::Over { over: Box::new(lp), body: Box::new(body) };
                self.extreme(r.op == ReduceOp::Max, terms, d, e.span)
            }
            ExprKind::If { cond, then, otherwise } => {
                let c = self.cond(cond);
                let t = self.num(then);
                let o = self.num(otherwise);
                let ((t, dt), (o, dn), c) = (t?, o?, c?);
                Some((Num::If(Box::new(c), Box::new(t), Box::new(o)), dt.max(dn)))
            }
            ExprKind::Not(_) | ExprKind::In { .. } => {
                self.error(
                    Code::WrongKind,
                    e.span,
                    "a condition is not a number",
                    Some("use `if condition then a else b` to choose a value".into()),
                );
                None
            }
        }
    }

    fn name(&mut self, name: &str, span: Span) -> Option<(Num, Degree)> {
        if let Some(slot) = self.dummy(name) {
            return Some((Num::Elem(AtomExpr::Dummy(slot), span), 0));
        }
        match self.world.symbols.get(name).copied() {
            Some(Symbol::Broken) => None,
            Some(Symbol::Set(_)) => {
                self.error(
                    Code::WrongKind,
                    span,
                    format!("`{name}` is a set, not a value"),
                    Some(format!("use `card({name})` for its size, or `sum{{i in {name}}} …`")),
                );
                None
            }
            Some(sym @ (Symbol::Param(_) | Symbol::Var(_))) => {
                let dims = self.world.dims_of(sym);
                if !dims.is_empty() {
                    let kind = if matches!(sym, Symbol::Param(_)) { "parameter" } else { "variable" };
                    let n: usize = dims.iter().map(|&s| self.world.sets[s].arity).sum();
                    let help = self.index_hint(name, dims);
                    self.error(
                        Code::IndexCount,
                        span,
                        format!(
                            "{kind} `{name}` is indexed over {} and needs {n} ind{}",
                            self.world.describe_dims(dims),
                            if n == 1 { "ex" } else { "ices" }
                        ),
                        Some(help),
                    );
                    return None;
                }
                self.entity(sym, Index::new(Vec::new(), &[], span), span)
            }
            None => {
                self.unknown_name(name, span, "name");
                None
            }
        }
    }

    /// `write `cap[r]` with r bound by `forall r in Resources` or `sum{r in Resources}``.
    fn index_hint(&self, name: &str, dims: &[SetId]) -> String {
        let sets: Vec<&str> = dims.iter().map(|&d| self.world.sets[d].name.as_str()).collect();
        let idx: Vec<String> =
            sets.iter().map(|s| s.chars().next().unwrap_or('i').to_lowercase().to_string()).collect();
        let over: Vec<String> = sets.iter().zip(&idx).map(|(s, i)| format!("{i} in {s}")).collect();
        format!(
            "write `{name}[{}]`, with the ind{} bound by `forall` or `sum{{{}}}`",
            idx.join(","),
            if idx.len() == 1 { "ex" } else { "ices" },
            over.join(", ")
        )
    }

    fn entity(&mut self, sym: Symbol, index: Index, span: Span) -> Option<(Num, Degree)> {
        match sym {
            Symbol::Param(id) => {
                self.params_used.push(id);
                Some((Num::Param { id, index }, 0))
            }
            Symbol::Var(id) => {
                if self.rules.max_degree == 0 {
                    self.error(Code::WrongKind, span, format!("variables cannot appear in {}", self.rules.context), Some("data expressions (parameters, bounds, filters, index arithmetic) use only parameters and constants".into()));
                    return None;
                }
                self.vars_used.push(id);
                Some((Num::Var { id, index }, 1))
            }
            _ => None,
        }
    }

    fn index(&mut self, name: &str, name_span: Span, args: &[Expr], span: Span) -> Option<(Num, Degree)> {
        let sym = match self.world.symbols.get(name).copied() {
            Some(Symbol::Broken) => return None,
            Some(s @ (Symbol::Param(_) | Symbol::Var(_))) => s,
            Some(Symbol::Set(_)) => {
                self.error(
                    Code::WrongKind,
                    name_span,
                    format!("`{name}` is a set and cannot be indexed"),
                    Some(format!("to test membership write `i in {name}`")),
                );
                return None;
            }
            None if self.dummy(name).is_some() => {
                self.error(Code::WrongKind, name_span, format!("`{name}` is an index and cannot be indexed"), None);
                return None;
            }
            None => {
                self.unknown_name(name, name_span, "parameter or variable");
                return None;
            }
        };
        let dims = self.world.dims_of(sym).to_vec();
        let kind = if matches!(sym, Symbol::Param(_)) { "parameter" } else { "variable" };
        let need: usize = dims.iter().map(|&s| self.world.sets[s].arity).sum();
        if need != args.len() {
            let msg = if dims.is_empty() {
                format!("{kind} `{name}` is a scalar and takes no index")
            } else {
                format!(
                    "{kind} `{name}` takes {need} ind{} ({}), found {}",
                    if need == 1 { "ex" } else { "ices" },
                    self.world.describe_dims(&dims),
                    args.len()
                )
            };
            let help = if dims.is_empty() { Some(format!("write `{name}`")) } else { None };
            self.error(Code::IndexCount, span, msg, help);
            return None;
        }
        let mut out = Vec::new();
        let mut ok = true;
        let mut k = 0;
        for &set in &dims {
            let arity = self.world.sets[set].arity;
            match self.dim(&args[k..k + arity], set) {
                Some(d) => out.push(d),
                None => ok = false,
            }
            k += arity;
        }
        if !ok {
            return None;
        }
        let sizes: Vec<usize> = dims.iter().map(|&d| self.world.sets[d].len()).collect();
        self.entity(sym, Index::new(out, &sizes, span), span)
    }

    fn dim(&mut self, args: &[Expr], set: SetId) -> Option<Dim> {
        let slots: Vec<Option<Slot>> = args
            .iter()
            .map(|a| match &a.kind {
                ExprKind::Name(n) => self.dummy(n),
                _ => None,
            })
            .collect();
        if let Some(Some(first)) = slots.first() {
            let direct = slots.iter().enumerate().all(|(c, s)| {
                s.is_some_and(|s| s == first + c && self.slots[s].set == Some(set) && self.slots[s].comp == c)
            });
            if direct {
                return Some(if args.len() == 1 { Dim::Pos(*first) } else { Dim::PosTuple(*first) });
            }
        }
        let mut atoms = Vec::new();
        let mut ok = true;
        for a in args {
            match self.atom(a) {
                Some(x) => atoms.push(x),
                None => ok = false,
            }
        }
        if !ok {
            return None;
        }
        self.check_literals(&atoms, args, set);
        Some(Dim::Lookup(atoms))
    }

    /// A literal index outside its set is a typo caught before instantiation.
    fn check_literals(&mut self, atoms: &[AtomExpr], args: &[Expr], set: SetId) {
        let s = &self.world.sets[set];
        if s.arity != 1 {
            return;
        }
        let bad = match &atoms[0] {
            AtomExpr::Lit(a) => s.position(&[*a]).is_none(),
            AtomExpr::Unknown(_) => true,
            _ => false,
        };
        if bad {
            let shown = self.text(args[0].span).to_string();
            let elems: Vec<String> = (0..s.len()).map(|k| self.world.names.show_tuple(s.elem(k))).collect();
            let stripped = shown.trim_matches(|c| c == '\'' || c == '"');
            let help = did_you_mean(stripped, elems.iter().map(String::as_str))
                .map(|h| h.replace('`', "'"))
                .unwrap_or_else(|| format!("elements of {}: {}", s.name, s.preview(self.world.names, 8)));
            let msg = format!("{shown} is not an element of set `{}`", s.name);
            self.error(Code::NotInSet, args[0].span, msg, Some(help));
        }
    }

    /// An element-valued expression (an index argument or an operand of a comparison).
    fn atom(&mut self, e: &Expr) -> Option<AtomExpr> {
        match &e.kind {
            ExprKind::Name(n) => {
                if let Some(slot) = self.dummy(n) {
                    return Some(AtomExpr::Dummy(slot));
                }
            }
            ExprKind::Str(s) => {
                return Some(match self.world.names.lookup(s) {
                    Some(a) => AtomExpr::Lit(a),
                    None => AtomExpr::Unknown(s.clone()),
                });
            }
            ExprKind::Num(n) if n.fract() == 0.0 => return Some(AtomExpr::Lit(Atom::Int(*n as i64))),
            ExprKind::Binary { op: op @ (BinOp::Add | BinOp::Sub), lhs, rhs } => {
                if let (ExprKind::Name(n), ExprKind::Num(k)) = (&lhs.kind, &rhs.kind) {
                    if let (Some(slot), true) = (self.dummy(n), k.fract() == 0.0) {
                        let by = if *op == BinOp::Add { *k as i64 } else { -(*k as i64) };
                        return Some(AtomExpr::Shift { slot, by, positional: false, span: e.span });
                    }
                }
            }
            ExprKind::Call { func, args } if Builtin::names_element(func) => {
                let f = Builtin::from_name(func)?;
                return self.set_function(f, args, e.span);
            }
            _ => {}
        }
        let n = self.data(e)?;
        Some(AtomExpr::Num(Box::new(n), e.span))
    }

    fn set_function(&mut self, func: Builtin, args: &[Expr], span: Span) -> Option<AtomExpr> {
        let arg = self.single_name(func, args, span)?;
        match func {
            Builtin::First | Builtin::Last => {
                let id = self.set_id(&arg.0, arg.1)?;
                Some(if func == Builtin::First { AtomExpr::First(id, span) } else { AtomExpr::Last(id, span) })
            }
            _ => {
                let Some(slot) = self.dummy(&arg.0) else {
                    self.error(
                        Code::WrongKind,
                        arg.1,
                        format!("`{func}` takes an index, e.g. `{func}(t)` inside `forall t in T`"),
                        None,
                    );
                    return None;
                };
                if let Some(tuples) = self.tuple_component(slot) {
                    self.error(
                        Code::WrongKind,
                        arg.1,
                        format!("`{func}({})` is ambiguous: `{}` is one item of a tuple of `{tuples}`", arg.0, arg.0),
                        Some(format!("bind `{}` to its own set to step through it", arg.0)),
                    );
                    return None;
                }
                Some(AtomExpr::Shift { slot, by: if func == Builtin::Prev { -1 } else { 1 }, positional: true, span })
            }
        }
    }

    /// The tuple set a slot takes one item of (a binding `(i,j) in Arcs`, or a filtered `over`),
    /// where positions are the tuples', not the item's.
    fn tuple_component(&self, slot: Slot) -> Option<String> {
        let set = &self.world.sets[self.slots[slot].set?];
        (set.arity > 1).then(|| set.name.clone())
    }

    fn single_name(&mut self, func: Builtin, args: &[Expr], span: Span) -> Option<(String, Span)> {
        match args {
            [Expr { kind: ExprKind::Name(n), span }] => Some((n.clone(), *span)),
            _ => {
                self.error(Code::Syntax, span, format!("`{func}` takes one name"), Some(format!("e.g. `{func}(T)`")));
                None
            }
        }
    }

    fn call(&mut self, func: &str, args: &[Expr], span: Span) -> Option<(Num, Degree)> {
        let Some(f) = Builtin::from_name(func) else {
            let names: Vec<&str> = Builtin::names().collect();
            let help = did_you_mean(func, names.iter().copied())
                .or_else(|| Some(format!("available functions: {}", names.join(", "))));
            self.error(Code::UnknownName, span, format!("unknown function `{func}`"), help);
            return None;
        };
        match f.kind() {
            Kind::OfSet if f == Builtin::Card => {
                let (name, nspan) = self.single_name(f, args, span)?;
                let id = self.set_id(&name, nspan)?;
                return Some((Num::Card(SetRef::Named(id)), 0));
            }
            Kind::OfIndex if f == Builtin::Ord => {
                let (name, nspan) = self.single_name(f, args, span)?;
                let Some(slot) = self.dummy(&name) else {
                    self.error(Code::WrongKind, nspan, "`ord` takes an index, e.g. `ord(t)`", None);
                    return None;
                };
                if let Some(tuples) = self.tuple_component(slot) {
                    self.error(
                        Code::WrongKind,
                        nspan,
                        format!("`ord({name})` is ambiguous: `{name}` is one item of a tuple of `{tuples}`"),
                        Some(format!("the tuple's position is not `{name}`'s position in its own set; bind `{name}` to its own set (`{name} in Q`, with the pairs as a filter), or give the order as data (a parameter over that set)")),
                    );
                    return None;
                }
                return Some((Num::Ord { slot, span }, 0));
            }
            Kind::OfSet | Kind::OfIndex => {
                let a = self.set_function(f, args, span)?;
                return Some((Num::Elem(a, span), 0));
            }
            Kind::Counting => {
                let props: Vec<Option<Prop>> = args.iter().map(|a| self.prop(a)).collect();
                return Some(count(Terms::List(props.into_iter().collect::<Option<_>>()?), span));
            }
            Kind::Piecewise => return self.pwl(args, span),
            Kind::Numeric => {}
        }
        if !f.arity().accepts(args.len()) {
            let takes = if f.arity() == Arity::Exactly(1) { "one argument" } else { "one or more arguments" };
            self.error(Code::Syntax, span, format!("`{func}` takes {takes}"), None);
            return None;
        }
        let mut out = Vec::new();
        let mut deg = 0;
        for a in args {
            let (n, d) = self.num(a)?;
            deg = deg.max(d);
            out.push(n);
        }
        match f {
            Builtin::Abs if deg > 0 => return self.reformulated(Num::Abs(Box::new(out.remove(0)), span), deg, span),
            Builtin::Min | Builtin::Max if deg > 0 => {
                return self.extreme(f == Builtin::Max, Terms::List(out), deg, span)
            }
            _ => {}
        }
        if deg > 0 {
            let help = "only constants and parameters may appear inside functions";
            self.error(
                Code::NonLinear,
                span,
                format!("`{}` is non-linear: `{func}` of an expression with variables", self.text(span)),
                Some(help.into()),
            );
            return None;
        }
        if out.iter().all(|n| matches!(n, Num::Const(_))) {
            let vals: Vec<f64> = out.iter().map(|n| if let Num::Const(c) = n { *c } else { 0.0 }).collect();
            return Some((Num::Const(apply_func(f, &vals)), 0));
        }
        Some((Num::Func(f, out, span), 0))
    }

    fn binary(&mut self, op: BinOp, lhs: &Expr, rhs: &Expr, span: Span) -> Option<(Num, Degree)> {
        if op.is_comparison() || matches!(op, BinOp::And | BinOp::Or | BinOp::Implies | BinOp::Iff) {
            let help = "use `if condition then a else b` to choose a value; a constraint compares its two sides once"
                .to_string();
            self.error(Code::WrongKind, span, format!("a condition (`{}`) is not a number", op.symbol()), Some(help));
            return None;
        }
        let l = self.num(lhs);
        let r = self.num(rhs);
        let ((l, dl), (r, dr)) = (l?, r?);
        let max = self.rules.max_degree;
        match op {
            BinOp::Add => Some((fold2(l, r, |a, b| a + b, Num::Add), dl.max(dr))),
            BinOp::Sub => Some((fold2(l, r, |a, b| a - b, Num::Sub), dl.max(dr))),
            BinOp::Mul => {
                let d = dl + dr;
                if dl > 0 && dr > 0 && max > 0 {
                    if let Some(product) = self.binary_product(l.clone(), r.clone(), dl.max(dr), span) {
                        return product;
                    }
                }
                if dl > 0 && dr > 0 && (has_reform(&l) || has_reform(&r)) {
                    self.error(
                        Code::NonLinear,
                        span,
                        format!(
                            "`{}` multiplies `abs`, `max`, `min`, `count` or `pwl` by an expression with variables",
                            self.text(span)
                        ),
                        Some("multiply them only by constants, parameters or binary variables".into()),
                    );
                    return None;
                }
                if d > max && dl > 0 && dr > 0 {
                    let help = if max == 1 {
                        "constraints must be linear: multiply variables only by constants or parameters; a product with a binary variable is allowed (optform linearizes it exactly)"
                    } else {
                        "the objective may be at most quadratic"
                    };
                    self.error(
                        Code::NonLinear,
                        span,
                        format!(
                            "`{}` is non-linear in {}: a product of expressions with variables",
                            self.text(span),
                            self.rules.context
                        ),
                        Some(help.into()),
                    );
                    return None;
                }
                let n = match (dl, dr) {
                    (0, _) => fold2(l, r, |a, b| a * b, Num::Mul),
                    (_, 0) => Num::Mul(Box::new(r), Box::new(l)),
                    _ => Num::Quad(Box::new(l), Box::new(r)),
                };
                Some((n, d))
            }
            BinOp::Div => {
                if dr > 0 {
                    self.error(
                        Code::NonLinear,
                        span,
                        format!("`{}` is non-linear: division by an expression with variables", self.text(span)),
                        Some(
                            "multiply both sides by the divisor (when its sign is known), or divide by a constant"
                                .into(),
                        ),
                    );
                    return None;
                }
                if let Num::Const(c) = r {
                    if c == 0.0 {
                        self.error(Code::Arithmetic, rhs.span, "division by zero", None);
                        return None;
                    }
                }
                Some((fold2(l, r, |a, b| a / b, |a, b| Num::Div(a, b, span)), dl))
            }
            BinOp::Pow => {
                if dr > 0 {
                    self.error(
                        Code::NonLinear,
                        span,
                        format!("`{}` is non-linear: an exponent with variables", self.text(span)),
                        None,
                    );
                    return None;
                }
                if dl == 0 {
                    return Some((fold2(l, r, f64::powf, |a, b| Num::Pow(a, b, span)), 0));
                }
                let k = match r {
                    Num::Const(k) if k.fract() == 0.0 && (0.0..=2.0).contains(&k) => k as u8,
                    _ => {
                        self.error(
                            Code::NonLinear,
                            span,
                            format!("`{}` is non-linear: a power of an expression with variables", self.text(span)),
                            Some("only `expr^2` (in the objective) and `expr^1` are allowed on variables".into()),
                        );
                        return None;
                    }
                };
                let d = dl * k;
                if k == 2 && has_reform(&l) {
                    self.error(
                        Code::NonLinear,
                        span,
                        format!("`{}` squares `abs`, `max`, `min`, `count` or `pwl`", self.text(span)),
                        Some("square the expression inside instead, or leave the square out".into()),
                    );
                    return None;
                }
                if d > max {
                    self.error(
                        Code::NonLinear,
                        span,
                        format!("`{}` is non-linear in {}", self.text(span), self.rules.context),
                        Some(if max == 1 {
                            "constraints must be linear; squares are allowed only in the objective".into()
                        } else {
                            "the objective may be at most quadratic".into()
                        }),
                    );
                    return None;
                }
                let n = match k {
                    0 => Num::Const(1.0),
                    1 => l,
                    _ => Num::Square(Box::new(l)),
                };
                Some((n, d))
            }
            BinOp::Mod => self.modulo(l, r, (dl, dr), rhs.span, span),
            _ => unreachable!("comparisons handled above"),
        }
    }

    /// `a mod b`: data only, folded when both sides are constants.
    fn modulo(&mut self, l: Num, r: Num, degrees: (Degree, Degree), rhs: Span, span: Span) -> Option<(Num, Degree)> {
        if degrees != (0, 0) {
            self.error(
                Code::NonLinear,
                span,
                format!("`{}` is non-linear: `mod` of an expression with variables", self.text(span)),
                Some("`mod` takes data only (numbers, parameters, indices); model a remainder with an integer variable: x == k*q + r".into()),
            );
            return None;
        }
        if let (Num::Const(a), Num::Const(b)) = (&l, &r) {
            return match super::eval::modulo(*a, *b) {
                Ok(v) => Some((Num::Const(v), 0)),
                Err((msg, help)) => {
                    self.error(Code::Arithmetic, if *b == 0.0 { rhs } else { span }, msg, Some(help));
                    None
                }
            };
        }
        Some((Num::Mod(Box::new(l), Box::new(r), span), 0))
    }

    // ---------- conditions ----------

    pub fn cond(&mut self, e: &Expr) -> Option<Cond> {
        match &e.kind {
            ExprKind::Binary { op: BinOp::And, lhs, rhs } => {
                let (l, r) = (self.cond(lhs), self.cond(rhs));
                Some(Cond::And(Box::new(l?), Box::new(r?)))
            }
            ExprKind::Binary { op: BinOp::Or, lhs, rhs } => {
                let (l, r) = (self.cond(lhs), self.cond(rhs));
                Some(Cond::Or(Box::new(l?), Box::new(r?)))
            }
            ExprKind::Binary { op: op @ (BinOp::Implies | BinOp::Iff), lhs, rhs } => {
                let (l, r) = (self.cond(lhs), self.cond(rhs));
                let (l, r) = (l?, r?);
                let not = |c: &Cond| Box::new(Cond::Not(Box::new(c.clone())));
                Some(match op {
                    BinOp::Implies => Cond::Or(not(&l), Box::new(r)),
                    _ => Cond::Or(
                        Box::new(Cond::And(Box::new(l.clone()), Box::new(r.clone()))),
                        Box::new(Cond::And(not(&l), not(&r))),
                    ),
                })
            }
            ExprKind::Not(a) => Some(Cond::Not(Box::new(self.cond(a)?))),
            ExprKind::Binary { op, lhs, rhs } if op.is_comparison() => {
                let (l, r) = (self.val(lhs), self.val(rhs));
                Some(Cond::Cmp(cmp_op(*op), l?, r?, e.span))
            }
            ExprKind::In { items, set } => {
                let set_ref = self.set_ref(set);
                let mut atoms = Vec::new();
                for i in items {
                    atoms.push(self.atom(i));
                }
                let atoms: Option<Vec<AtomExpr>> = atoms.into_iter().collect();
                Some(Cond::In(atoms?, set_ref?, e.span))
            }
            _ => {
                self.error(
                    Code::WrongKind,
                    e.span,
                    "expected a condition",
                    Some("e.g. `i != j`, `cost[i,j] > 0`, `(i,j) in Arcs`".into()),
                );
                None
            }
        }
    }

    fn set_ref(&mut self, s: &SetExpr) -> Option<SetRef> {
        match &s.kind {
            SetKind::Named(n) => Some(SetRef::Named(self.set_id(n, s.span)?)),
            SetKind::Range(lo, hi) => {
                let (lo, hi) = (self.data(lo), self.data(hi));
                Some(SetRef::Range(Box::new(lo?), Box::new(hi?), s.span))
            }
        }
    }

    fn val(&mut self, e: &Expr) -> Option<Val> {
        let is_element = match &e.kind {
            ExprKind::Name(n) => self.dummy(n).is_some(),
            ExprKind::Str(_) => true,
            ExprKind::Call { func, .. } => Builtin::names_element(func),
            _ => false,
        };
        if is_element {
            let a = self.atom(e)?;
            if let AtomExpr::Unknown(s) = &a {
                self.warn(
                    Code::NotInSet,
                    e.span,
                    format!("'{s}' is not an element of any set, so this comparison never holds"),
                    Some("check the spelling against the set's elements".into()),
                );
            }
            return Some(Val::Atom(a));
        }
        let saved = self.rules;
        self.rules.max_degree = 0;
        self.rules.context = "a condition";
        let r = self.num(e).map(|(n, _)| Val::Num(n));
        self.rules = saved;
        r
    }
}

fn cmp_op(op: BinOp) -> CmpOp {
    match op {
        BinOp::Eq => CmpOp::Eq,
        BinOp::Ne => CmpOp::Ne,
        BinOp::Lt => CmpOp::Lt,
        BinOp::Le => CmpOp::Le,
        BinOp::Gt => CmpOp::Gt,
        _ => CmpOp::Ge,
    }
}

/// `count` of propositions: a number with variables when any proposition has them.
fn count(terms: Terms<Prop>, span: Span) -> (Num, Degree) {
    let has_vars = match &terms {
        Terms::List(ps) => ps.iter().any(prop_has_vars),
        Terms::Over { body, .. } => prop_has_vars(body),
    };
    (Num::Count { terms, span }, Degree::from(has_vars))
}

/// Whether a proposition involves a variable.
pub fn prop_has_vars(p: &Prop) -> bool {
    match p {
        Prop::Rel { .. } | Prop::Lit(..) => true,
        Prop::Data(_) => false,
        Prop::Not(a) => prop_has_vars(a),
        Prop::And(a, b) | Prop::Or(a, b) | Prop::Implies(a, b) | Prop::Iff(a, b) => {
            prop_has_vars(a) || prop_has_vars(b)
        }
    }
}

/// Whether `n` holds a node that compiles to auxiliary columns (`abs`, `max`, `count`, …).
pub fn has_reform(n: &Num) -> bool {
    n.any(&mut |n| {
        matches!(n, Num::Abs(..) | Num::Extreme { .. } | Num::Count { .. } | Num::BinMul(..) | Num::Pwl { .. })
    })
}

fn fold1(a: Num, f: impl Fn(f64) -> f64, make: impl Fn(Box<Num>) -> Num) -> Num {
    match a {
        Num::Const(x) => Num::Const(f(x)),
        a => make(Box::new(a)),
    }
}

fn fold2(a: Num, b: Num, f: impl Fn(f64, f64) -> f64, make: impl Fn(Box<Num>, Box<Num>) -> Num) -> Num {
    match (a, b) {
        (Num::Const(x), Num::Const(y)) => Num::Const(f(x, y)),
        (a, b) => make(Box::new(a), Box::new(b)),
    }
}

/// The value of a numeric built-in on data.
pub fn apply_func(f: Builtin, v: &[f64]) -> f64 {
    match f {
        Builtin::Abs => v[0].abs(),
        Builtin::Min => v.iter().copied().fold(f64::INFINITY, f64::min),
        Builtin::Max => v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        Builtin::Sqrt => v[0].sqrt(),
        Builtin::Exp => v[0].exp(),
        Builtin::Log => v[0].ln(),
        Builtin::Floor => v[0].floor(),
        Builtin::Ceil => v[0].ceil(),
        Builtin::Round => v[0].round(),
        other => unreachable!("`{other}` is not a numeric built-in"),
    }
}

impl Resolver<'_, '_> {
    /// Adds a diagnostic found by the caller while this resolver holds the list.
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
}
