//! Reading a formulation file: JSON text → the five elements, with every structural problem
//! (unknown key, wrong type, unparsable expression) reported by its element path.

use std::path::Path;

use serde_json::{Map, Value};

use super::data::{infinity, DataAccess};
use super::diag::{did_you_mean, Code, Diagnostic, Diagnostics};
use super::limits::{raise_hint, Limits};
use super::Options;
use crate::expr::{self, Binding, Indexing, Relation, SetExpr, SetKind, SetTerm, SetTermKind, Span};

/// An expression as written, with where it was written.
#[derive(Debug, Clone)]
pub struct Text<T> {
    pub src: String,
    pub path: String,
    pub ast: T,
}

#[derive(Debug, Clone)]
pub enum SetSource {
    /// Elements as JSON values: strings, integers or arrays of them (tuples).
    List(Vec<Value>),
    /// `"1..N"`.
    Range(Box<(Text<expr::Expr>, Text<expr::Expr>)>),
    File {
        file: String,
        columns: Vec<String>,
    },
    /// A set-builder or set algebra over sets declared before it: `"{i in N, j in N: i != j}"`,
    /// `"A union B"`. A filtered `over` declares one of these too (see [`implicit_set_name`]).
    Derived(Box<Text<expr::SetTerm>>),
}

#[derive(Debug, Clone)]
pub struct SetDef {
    pub name: String,
    pub path: String,
    pub source: SetSource,
}

#[derive(Debug, Clone)]
pub enum ParamSource {
    Scalar(f64),
    /// Nested map or positional arrays, in `over` order.
    Values(Value),
    /// Rows `[k1, …, kn, value]`.
    Rows(Vec<Value>),
    Expression(Text<expr::Expr>),
    Csv {
        file: String,
        keys: Option<Vec<String>>,
        column: Option<String>,
    },
    Json {
        file: String,
    },
    /// Only a default was given: every entry has the default value.
    DefaultOnly,
}

#[derive(Debug, Clone)]
pub struct ParamDef {
    pub name: String,
    pub path: String,
    pub over: Vec<Text<Binding>>,
    pub source: ParamSource,
    pub default: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum VarType {
    Continuous,
    Integer,
    Binary,
    Semicontinuous,
    /// 0, or an integer between its bounds (HiGHS's semi-integer).
    Semiinteger,
}

#[derive(Debug, Clone)]
pub struct VarDef {
    pub name: String,
    pub path: String,
    pub over: Vec<Text<Binding>>,
    pub kind: VarType,
    pub lower: Option<Text<expr::Expr>>,
    pub upper: Option<Text<expr::Expr>>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Sense {
    Minimize,
    Maximize,
}

#[derive(Debug, Clone)]
pub struct ObjectiveDef {
    pub sense: Sense,
    pub expression: Text<expr::Expr>,
    /// `objective`, or `objective[k]` for a level of a list.
    pub path: String,
    /// The level's name: given in a list, else `level1`, `level2`, … by position.
    pub name: String,
    /// Absolute slack this level may lose when it is fixed for the levels after it.
    pub tolerance: f64,
    /// Slack relative to `|optimum|`; the looser of the two applies.
    pub relative_tolerance: f64,
}

#[derive(Debug, Clone)]
pub struct ConstraintDef {
    pub name: String,
    pub path: String,
    pub forall: Option<Text<Indexing>>,
    pub expression: Text<Relation>,
    pub description: Option<String>,
}

/// A formulation as written: structure checked, expressions parsed, nothing resolved yet.
#[derive(Debug, Clone, Default)]
pub struct Formulation {
    pub name: String,
    pub description: Option<String>,
    pub sets: Vec<SetDef>,
    pub params: Vec<ParamDef>,
    pub vars: Vec<VarDef>,
    /// The objective, or the first (highest-priority) level of a lexicographic list.
    pub objective: Option<ObjectiveDef>,
    /// The levels after the first, in priority order (empty for a single objective).
    pub extra_objectives: Vec<ObjectiveDef>,
    pub constraints: Vec<ConstraintDef>,
    /// Which data files the formulation may read.
    pub data: DataAccess,
    pub limits: Limits,
}

/// Reads a formulation file. I/O and JSON errors come back as diagnostics too.
///
/// Data files are read relative to the model file's folder unless `opts.data` says otherwise.
pub fn load_file(path: &Path, opts: &Options) -> (Option<Formulation>, Diagnostics) {
    let shown = path.display().to_string();
    let fail = |msg: String, help: Option<String>| {
        let d = Diagnostic::error(Code::Io, &shown, msg).help_opt(help);
        (None, Diagnostics(vec![d]))
    };
    let size = match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => return fail("the model file is not a regular file".into(), None),
        Ok(m) => m.len(),
        Err(e) => return fail(format!("cannot read the model file: {e}"), None),
    };
    if size > opts.limits.model_bytes {
        let help = raise_hint("model_bytes", opts.limits.model_bytes);
        return fail(format!("the model file has {size} bytes, more than the limit"), Some(help));
    }
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let data = match &opts.data {
                DataAccess::BesideModel => {
                    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
                    DataAccess::Within(dir.to_path_buf())
                }
                other => other.clone(),
            };
            load_str(&text, &shown, &Options { data, ..opts.clone() })
        }
        Err(e) => fail(format!("cannot read the model file: {e}"), None),
    }
}

/// Parses formulation JSON; `origin` names it in messages.
pub fn load_str(text: &str, origin: &str, opts: &Options) -> (Option<Formulation>, Diagnostics) {
    let mut diags = Diagnostics::default();
    let value: Value = match super::json::parse_strict(text) {
        Ok(v) => v,
        Err(e) => {
            diags.push(json_error(text, origin, &e));
            return (None, diags);
        }
    };
    let parse_limits = expr::ParseLimits { max_depth: opts.limits.depth, max_len: opts.limits.expression_bytes };
    let mut l = Loader { diags: &mut diags, parse_limits, implicit: Vec::new() };
    let Some(mut f) = l.formulation(value) else { return (None, diags) };
    // Text has no folder of its own: `BesideModel` means none.
    f.data = match &opts.data {
        DataAccess::BesideModel => DataAccess::Denied,
        other => other.clone(),
    };
    f.limits = opts.limits;
    (Some(f), diags)
}

/// A JSON syntax error, with a caret under the character where it was found.
fn json_error(text: &str, origin: &str, e: &serde_json::Error) -> Diagnostic {
    let line = text.lines().nth(e.line().saturating_sub(1)).unwrap_or("");
    // serde_json counts columns in bytes; the caret must sit on a whole character.
    let mut col = e.column().saturating_sub(1).min(line.len());
    while !line.is_char_boundary(col) {
        col -= 1;
    }
    let end = line[col..].chars().next().map_or(col, |c| col + c.len_utf8());
    let msg = e.to_string();
    let msg = msg.split(" at line").next().unwrap_or(&msg).to_string();
    let (code, help) = if msg.starts_with("duplicate key") {
        (Code::DuplicateName, "each key may appear once in an object")
    } else {
        (
            Code::InvalidJson,
            "the file must be one JSON object; strings in double quotes, no trailing commas or comments",
        )
    };
    Diagnostic::error(code, format!("{origin}:{}:{}", e.line(), e.column()), format!("invalid JSON: {msg}"))
        .at(line, Span::new(col, end))
        .help(help)
}

/// Names of sets, parameters, variables and constraints: `[A-Za-z_][A-Za-z0-9_]*`, at most
/// this long. They appear in expressions, solver files and generated code, so they are
/// identifiers everywhere; free text belongs in `description`.
pub const MAX_NAME_LEN: usize = 64;
/// The model's `name` is a title of at most this length (see [`is_model_name`]).
pub const MAX_MODEL_NAME_LEN: usize = 200;

/// Punctuation a model name may hold besides letters, digits and spaces: enough for a title,
/// none of the quotes, backslashes, braces or `$ % #` that end a string or a comment.
pub const MODEL_NAME_PUNCTUATION: &str = "_-.,:;()/&+'!?";

/// Whether `name` is a valid model name (a title; renderers escape it all the same).
pub fn is_model_name(name: &str) -> bool {
    name.chars().count() <= MAX_MODEL_NAME_LEN
        && name.chars().all(|c| c.is_alphanumeric() || c == ' ' || MODEL_NAME_PUNCTUATION.contains(c))
}

/// Whether `name` has the identifier grammar `[A-Za-z_][A-Za-z0-9_]*`, whatever its length:
/// the names every code target takes (renderers check generated names with it too).
pub fn identifier_syntax(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `name` is a valid entity name: the identifier grammar, at most [`MAX_NAME_LEN`].
pub fn is_identifier(name: &str) -> bool {
    identifier_syntax(name) && name.len() <= MAX_NAME_LEN
}

struct Loader<'a> {
    diags: &'a mut Diagnostics,
    parse_limits: expr::ParseLimits,
    /// Sets declared by filtered `over`s, added after the declared sets.
    implicit: Vec<SetDef>,
}

/// The set a filtered `over` of `entity` declares: `"x": {"over": ["i in N, j in N: i != j"]}`
/// indexes `x` over the set `x_over` of the pairs that pass, as if it were declared as
/// `"x_over": "{i in N, j in N: i != j}"` and `x` over `(i,j) in x_over`.
pub fn implicit_set_name(entity: &str) -> String {
    format!("{entity}_over")
}

const TOP_KEYS: &[&str] = &["name", "description", "sets", "parameters", "variables", "objective", "constraints"];
/// Keys of a single objective, as they have always been.
const OBJECTIVE_KEYS: &[&str] = &["sense", "expression", "description"];
/// Keys of one level of a lexicographic objective list.
const LEVEL_KEYS: &[&str] = &["sense", "expression", "description", "name", "tolerance", "relative_tolerance"];

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Loader<'_> {
    fn err(&mut self, code: Code, path: &str, msg: impl Into<String>) -> &mut Diagnostic {
        self.diags.push(Diagnostic::error(code, path, msg));
        self.diags.0.last_mut().expect("just pushed")
    }

    fn object<'v>(&mut self, v: &'v Value, path: &str, what: &str) -> Option<&'v Map<String, Value>> {
        match v {
            Value::Object(m) => Some(m),
            other => {
                self.err(Code::InvalidValue, path, format!("{what} must be an object, found {}", type_name(other)));
                None
            }
        }
    }

    fn check_keys(&mut self, m: &Map<String, Value>, path: &str, allowed: &[&str]) {
        for k in m.keys() {
            if !allowed.contains(&k.as_str()) {
                let help = did_you_mean(k, allowed.iter().copied())
                    .unwrap_or_else(|| format!("allowed keys: {}", allowed.join(", ")));
                self.err(Code::UnknownKey, &join(path, k), format!("unknown key `{k}`")).help = Some(help);
            }
        }
    }

    fn string(&mut self, v: &Value, path: &str) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            other => {
                self.err(Code::InvalidValue, path, format!("expected a string, found {}", type_name(other)));
                None
            }
        }
    }

    fn number(&mut self, v: &Value, path: &str) -> Option<f64> {
        match v.as_f64() {
            Some(n) => Some(n),
            None => {
                self.err(Code::InvalidValue, path, format!("expected a number, found {}", type_name(v)));
                None
            }
        }
    }

    /// A data value: a number, or `"inf"` / `"-inf"`.
    fn data_value(&mut self, v: &Value, path: &str) -> Option<f64> {
        match infinity(v.as_str().unwrap_or_default()) {
            Some(x) => Some(x),
            None => self.number(v, path),
        }
    }

    fn parse<T>(
        &mut self,
        src: &str,
        path: &str,
        f: fn(&str, &expr::ParseLimits) -> Result<T, expr::ParseError>,
    ) -> Option<Text<T>> {
        match f(src, &self.parse_limits) {
            Ok(ast) => Some(Text { src: src.to_string(), path: path.to_string(), ast }),
            Err(e) => {
                self.diags.push(Diagnostic::from_parse(path, src, e));
                None
            }
        }
    }

    /// Takes the document by value: large data (set lists, parameter values) moves into the
    /// formulation instead of being copied.
    fn formulation(&mut self, mut v: Value) -> Option<Formulation> {
        let Value::Object(m) = &mut v else {
            self.object(&v, "", "the formulation");
            return None;
        };
        // An editor's `"$schema"` (see `optform schema`) is accepted and ignored.
        m.remove("$schema");
        self.check_keys(m, "", TOP_KEYS);
        let name = match m.get("name") {
            Some(v) => self.model_name(v).unwrap_or_default(),
            None => String::from("model"),
        };
        let mut f = Formulation { name, ..Default::default() };
        f.description = m.get("description").and_then(|v| self.string(v, "description"));
        if let Some(sets) = m.get_mut("sets").filter(|v| self.object(v, "sets", "`sets`").is_some()) {
            for (name, v) in sets.as_object_mut().expect("checked") {
                if let Some(s) = self.set(name, v) {
                    f.sets.push(s);
                }
            }
        }
        if let Some(ps) = m.get_mut("parameters").filter(|v| self.object(v, "parameters", "`parameters`").is_some()) {
            for (name, v) in ps.as_object_mut().expect("checked") {
                if let Some(p) = self.param(name, v) {
                    f.params.push(p);
                }
            }
        }
        match m.get("variables").and_then(|v| self.object(v, "variables", "`variables`")) {
            Some(vs) if !vs.is_empty() => {
                for (name, v) in vs {
                    if let Some(var) = self.var(name, v) {
                        f.vars.push(var);
                    }
                }
            }
            Some(_) => {
                self.err(Code::InvalidValue, "variables", "the formulation has no variables").help =
                    Some("declare at least one decision variable, e.g. \"x\": {}".into());
            }
            None if !m.contains_key("variables") => {
                self.err(Code::InvalidValue, "variables", "missing element `variables`").help =
                    Some("declare the decision variables, e.g. \"variables\": {\"x\": {}}".into());
            }
            None => {}
        }
        match m.get("objective") {
            Some(Value::Array(levels)) => {
                let mut levels = self.objective_levels(levels).into_iter();
                f.objective = levels.next();
                f.extra_objectives = levels.collect();
            }
            Some(v) => f.objective = self.objective(v, "objective", OBJECTIVE_KEYS),
            None => {
                self.err(Code::InvalidValue, "objective", "missing element `objective`").help = Some(
                    "add \"objective\": {\"sense\": \"minimize\", \"expression\": \"…\"} (use 0 for a feasibility problem)"
                        .into(),
                );
            }
        }
        if let Some(cs) = m.get("constraints").and_then(|v| self.object(v, "constraints", "`constraints`")) {
            for (name, v) in cs {
                if let Some(c) = self.constraint(name, v) {
                    f.constraints.push(c);
                }
            }
        }
        self.add_implicit_sets(&mut f);
        Some(f)
    }

    /// The sets of filtered `over`s, after the declared ones (they may use any of them), unless
    /// their name is taken.
    fn add_implicit_sets(&mut self, f: &mut Formulation) {
        for def in std::mem::take(&mut self.implicit) {
            let names = f.sets.iter().map(|s| &s.name).chain(f.params.iter().map(|p| &p.name));
            if names.chain(f.vars.iter().map(|v| &v.name)).any(|n| *n == def.name) {
                self.err(
                    Code::DuplicateName,
                    &def.path,
                    format!("this filtered `over` declares the set `{}`, but that name is taken", def.name),
                )
                .help = Some(format!(
                    "rename the other `{0}`, or declare the set yourself (\"{0}\": \"{{…}}\") and index over it",
                    def.name
                ));
                continue;
            }
            f.sets.push(def);
        }
    }

    /// Entity names are identifiers; a bad one is an error, but the element is still read so
    /// that references to it do not cascade into "unknown name" errors.
    fn entity_name(&mut self, name: &str, path: &str, what: &str) {
        if is_identifier(name) {
            return;
        }
        let shown: String = name.chars().take(MAX_NAME_LEN).collect();
        let suggestion: String =
            shown.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect::<String>();
        let suggestion = if suggestion.starts_with(|c: char| c.is_ascii_digit()) || suggestion.is_empty() {
            format!("_{suggestion}")
        } else {
            suggestion
        };
        let msg = if name.len() > MAX_NAME_LEN {
            format!("{what} name `{shown}…` is longer than {MAX_NAME_LEN} characters")
        } else {
            format!("{what} name `{}` is not an identifier", name.escape_debug())
        };
        self.err(Code::InvalidValue, path, msg).help = Some(format!(
            "names are letters, digits and `_`, not starting with a digit (e.g. `{suggestion}`); put free text in \"description\""
        ));
    }

    fn model_name(&mut self, v: &Value) -> Option<String> {
        let name = self.string(v, "name")?;
        if !is_model_name(&name) {
            let shown: String = name.chars().take(60).collect();
            self.err(Code::InvalidValue, "name", format!("model name `{}` is not a title", shown.escape_debug())).help =
                Some(format!(
                    "the model name is at most {MAX_MODEL_NAME_LEN} letters, digits, spaces and {MODEL_NAME_PUNCTUATION} on one line; put other text in \"description\""
                ));
        }
        Some(name)
    }

    fn set(&mut self, name: &str, v: &mut Value) -> Option<SetDef> {
        let path = join("sets", name);
        self.entity_name(name, &path, "set");
        let source = match v {
            Value::Array(items) => SetSource::List(std::mem::take(items)),
            Value::String(s) if expr::looks_like_set_term(s) => {
                SetSource::Derived(Box::new(self.parse(s, &path, expr::parse_set_with)?))
            }
            Value::String(s) => {
                let Some((lo, hi)) = s.split_once("..") else {
                    self.err(Code::InvalidValue, &path, format!("`{s}` is not a set")).help =
                        Some("give a list of elements, e.g. [\"a\", \"b\"], or an integer range \"1..12\"".into());
                    return None;
                };
                let off = lo.len() + 2;
                let lo_t = self.parse(lo, &path, expr::parse_expr_with);
                let hi_t = match expr::parse_expr_with(hi, &self.parse_limits) {
                    Ok(ast) => Some(Text { src: hi.to_string(), path: path.clone(), ast }),
                    Err(mut e) => {
                        e.span = Span::new(e.span.start + off, e.span.end + off);
                        self.diags.push(Diagnostic::from_parse(&path, s, e));
                        None
                    }
                };
                SetSource::Range(Box::new((lo_t?, hi_t?)))
            }
            Value::Object(m) => {
                self.check_keys(m, &path, &["file", "columns", "column"]);
                let file = self.string(m.get("file").unwrap_or(&Value::Null), &join(&path, "file"))?;
                let columns = match (m.get("columns"), m.get("column")) {
                    (Some(Value::Array(cols)), _) => cols.iter().filter_map(|c| c.as_str().map(String::from)).collect(),
                    (_, Some(Value::String(c))) => vec![c.clone()],
                    _ => Vec::new(),
                };
                SetSource::File { file, columns }
            }
            other => {
                self.err(
                    Code::InvalidValue,
                    &path,
                    format!("a set must be a list, a range or a file, found {}", type_name(other)),
                )
                .help = Some("e.g. \"Products\": [\"chair\", \"table\"] or \"Months\": \"1..12\"".into());
                return None;
            }
        };
        Some(SetDef { name: name.to_string(), path, source })
    }

    fn over(&mut self, entity: &str, v: Option<&Value>, path: &str) -> Vec<Text<Binding>> {
        let path = join(path, "over");
        let items: Vec<String> = match v {
            None => return Vec::new(),
            Some(Value::String(s)) => vec![s.clone()],
            Some(Value::Array(a)) => {
                a.iter().enumerate().filter_map(|(k, item)| self.string(item, &format!("{path}[{k}]"))).collect()
            }
            Some(other) => {
                self.err(
                    Code::InvalidValue,
                    &path,
                    format!("`over` must be a list of sets, found {}", type_name(other)),
                )
                .help = Some("e.g. \"over\": [\"Products\"] or [\"i in I\", \"j in J\"]".into());
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        let mut filtered = false;
        // A filtered `over` is read as one index once every item parses and only the last
        // one has the filter.
        let mut readable = true;
        for (k, item) in items.iter().enumerate() {
            let p = if v.is_some_and(Value::is_array) { format!("{path}[{k}]") } else { path.clone() };
            let Some(ix) = self.parse(item, &p, expr::parse_indexing_with) else {
                readable = false;
                continue;
            };
            if ix.ast.filter.is_some() {
                filtered = true;
                if k + 1 != items.len() {
                    readable = false;
                    self.err(Code::InvalidValue, &p, "only the last item of `over` may have a filter").help = Some(
                        "the filter restricts the whole index and may use every index name, e.g. \"over\": [\"i in N\", \"j in N: i != j\"]".into(),
                    );
                }
            }
            for b in ix.ast.bindings {
                out.push(Text { src: item.clone(), path: p.clone(), ast: b });
            }
        }
        if filtered && readable {
            if let Some(over) = self.filtered_over(entity, &path, &items) {
                return vec![over];
            }
        }
        out
    }

    /// A filtered `over` (its items read as one index, `i in N, j in N: i != j`): declares the
    /// set of the index tuples that pass (see [`implicit_set_name`]) and returns the one
    /// binding over it, `(i,j) in x_over`.
    fn filtered_over(&mut self, entity: &str, path: &str, items: &[String]) -> Option<Text<Binding>> {
        let src = items.join(", ");
        let ix = self.parse(&src, path, expr::parse_indexing_with)?;
        if let Some(b) = ix.ast.bindings.iter().find(|b| b.names.is_empty()) {
            let set = b.set.to_string();
            let letter = set.chars().next().unwrap_or('i').to_lowercase();
            self.err(Code::InvalidValue, path, "a filtered `over` must name its indices").help =
                Some(format!("write \"{letter} in {set}\", so that the filter can use `{letter}`"));
            return None;
        }
        let name = implicit_set_name(entity);
        let whole = Span::new(0, src.len());
        let names = ix.ast.bindings.iter().flat_map(|b| b.names.iter().cloned()).collect();
        let term = SetTerm { kind: SetTermKind::Builder { head: None, over: ix.ast }, span: whole };
        let binding = Binding { names, set: SetExpr { kind: SetKind::Named(name.clone()), span: whole } };
        self.implicit.push(SetDef {
            name,
            path: path.to_string(),
            source: SetSource::Derived(Box::new(Text { src: src.clone(), path: path.to_string(), ast: term })),
        });
        Some(Text { src, path: path.to_string(), ast: binding })
    }

    fn param(&mut self, name: &str, v: &mut Value) -> Option<ParamDef> {
        let path = join("parameters", name);
        self.entity_name(name, &path, "parameter");
        let mut def = ParamDef {
            name: name.to_string(),
            path: path.clone(),
            over: Vec::new(),
            source: ParamSource::DefaultOnly,
            default: None,
        };
        match v {
            Value::Number(n) => def.source = ParamSource::Scalar(n.as_f64()?),
            Value::String(s) if infinity(s).is_some() => def.source = ParamSource::Scalar(infinity(s)?),
            Value::String(s) => {
                def.source = ParamSource::Expression(self.parse(s, &path, expr::parse_expr_with)?);
            }
            Value::Object(m) => {
                self.check_keys(
                    m,
                    &path,
                    &["over", "values", "rows", "default", "expression", "file", "keys", "column", "description"],
                );
                def.over = self.over(name, m.get("over"), &path);
                def.default = m.get("default").and_then(|d| self.data_value(d, &join(&path, "default")));
                let given: Vec<&str> =
                    ["values", "rows", "expression", "file"].into_iter().filter(|k| m.contains_key(*k)).collect();
                if given.len() > 1 {
                    self.err(
                        Code::InvalidValue,
                        &path,
                        format!("give the data one way, found {}", given.join(" and ")),
                    );
                    return None;
                }
                def.source = match given.first().copied() {
                    Some("values") => ParamSource::Values(m.get_mut("values").map(Value::take).unwrap_or_default()),
                    Some("rows") => match m.get_mut("rows").expect("given") {
                        Value::Array(rows) => ParamSource::Rows(std::mem::take(rows)),
                        other => {
                            self.err(
                                Code::InvalidValue,
                                &join(&path, "rows"),
                                format!("`rows` must be an array of rows, found {}", type_name(other)),
                            );
                            return None;
                        }
                    },
                    Some("expression") => {
                        let src = self.string(&m["expression"], &join(&path, "expression"))?;
                        ParamSource::Expression(self.parse(&src, &join(&path, "expression"), expr::parse_expr_with)?)
                    }
                    Some(_) => {
                        let file = self.string(&m["file"], &join(&path, "file"))?;
                        if file.to_lowercase().ends_with(".json") {
                            ParamSource::Json { file }
                        } else {
                            let keys = m.get("keys").and_then(|k| {
                                k.as_array().map(|a| a.iter().filter_map(|x| x.as_str().map(String::from)).collect())
                            });
                            let column = m.get("column").and_then(|c| self.string(c, &join(&path, "column")));
                            ParamSource::Csv { file, keys, column }
                        }
                    }
                    None if def.default.is_some() => ParamSource::DefaultOnly,
                    None => {
                        self.err(Code::MissingData, &path, format!("parameter `{name}` has no data")).help =
                            Some("give \"values\", \"rows\", \"expression\", \"file\" or a \"default\"".into());
                        return None;
                    }
                };
            }
            other => {
                self.err(
                    Code::InvalidValue,
                    &path,
                    format!("a parameter must be a number or an object, found {}", type_name(other)),
                )
                .help = Some("e.g. \"budget\": 1000 or \"profit\": {\"over\": [\"P\"], \"values\": {…}}".into());
                return None;
            }
        }
        Some(def)
    }

    fn bound(&mut self, v: Option<&Value>, path: &str) -> Option<Text<expr::Expr>> {
        let v = v?;
        let src = match v {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            Value::Null => "inf".to_string(),
            other => {
                self.err(
                    Code::InvalidValue,
                    path,
                    format!("a bound must be a number or an expression, found {}", type_name(other)),
                );
                return None;
            }
        };
        self.parse(&src, path, expr::parse_expr_with)
    }

    fn var(&mut self, name: &str, v: &Value) -> Option<VarDef> {
        let path = join("variables", name);
        self.entity_name(name, &path, "variable");
        let mut def = VarDef {
            name: name.to_string(),
            path: path.clone(),
            over: Vec::new(),
            kind: VarType::Continuous,
            lower: None,
            upper: None,
            description: None,
        };
        let m = match v {
            Value::String(t) => {
                def.kind = self.var_type(t, &path)?;
                return Some(def);
            }
            Value::Object(m) => m,
            other => {
                self.err(
                    Code::InvalidValue,
                    &path,
                    format!("a variable must be an object, found {}", type_name(other)),
                )
                .help = Some("e.g. \"x\": {\"type\": \"integer\"} or \"x\": {}".into());
                return None;
            }
        };
        self.check_keys(m, &path, &["over", "type", "lower", "upper", "description"]);
        def.over = self.over(name, m.get("over"), &path);
        if let Some(t) = m.get("type") {
            let t = self.string(t, &join(&path, "type"))?;
            def.kind = self.var_type(&t, &join(&path, "type"))?;
        }
        def.lower = self.bound(m.get("lower"), &join(&path, "lower"));
        def.upper = self.bound(m.get("upper"), &join(&path, "upper"));
        def.description = m.get("description").and_then(|d| self.string(d, &join(&path, "description")));
        Some(def)
    }

    fn var_type(&mut self, t: &str, path: &str) -> Option<VarType> {
        Some(match t.to_lowercase().replace(['-', '_'], "").as_str() {
            "continuous" | "real" | "float" => VarType::Continuous,
            "integer" | "int" | "general" => VarType::Integer,
            "binary" | "bool" | "boolean" => VarType::Binary,
            "semicontinuous" => VarType::Semicontinuous,
            "semiinteger" => VarType::Semiinteger,
            _ => {
                let types = ["continuous", "integer", "binary", "semicontinuous", "semiinteger"];
                let help = did_you_mean(t, types).unwrap_or_else(|| format!("one of: {}", types.join(", ")));
                self.err(Code::InvalidValue, path, format!("unknown variable type `{t}`")).help = Some(help);
                return None;
            }
        })
    }

    /// One objective (`path` is `objective`) or one level of a list (`objective[k]`).
    fn objective(&mut self, v: &Value, path: &str, keys: &[&str]) -> Option<ObjectiveDef> {
        let m = self.object(v, path, "`objective`")?;
        self.check_keys(m, path, keys);
        let sense_path = join(path, "sense");
        // Keep going after a bad sense, so that the expression is checked too.
        let sense = match m.get("sense").map(|s| self.string(s, &sense_path)) {
            Some(Some(s)) => match s.to_lowercase().as_str() {
                "minimize" | "min" | "minimise" => Some(Sense::Minimize),
                "maximize" | "max" | "maximise" => Some(Sense::Maximize),
                _ => {
                    self.err(Code::InvalidValue, &sense_path, format!("unknown sense `{s}`")).help =
                        Some("use \"minimize\" or \"maximize\"".into());
                    None
                }
            },
            Some(None) => None,
            None => {
                self.err(Code::InvalidValue, &sense_path, "missing `sense`").help =
                    Some("add \"sense\": \"minimize\" or \"maximize\"".into());
                None
            }
        };
        let expr_path = join(path, "expression");
        let src = match m.get("expression") {
            Some(Value::Number(n)) => n.to_string(),
            Some(e) => self.string(e, &expr_path)?,
            None => {
                self.err(Code::InvalidValue, &expr_path, "missing `expression`");
                return None;
            }
        };
        let expression = self.parse(&src, &expr_path, expr::parse_expr_with)?;
        Some(ObjectiveDef {
            sense: sense?,
            expression,
            path: path.to_string(),
            name: String::from("level1"),
            tolerance: 0.0,
            relative_tolerance: 0.0,
        })
    }

    /// A lexicographic objective: a list of levels in priority order, each an objective with
    /// an optional `name`, `tolerance` and `relative_tolerance`.
    fn objective_levels(&mut self, items: &[Value]) -> Vec<ObjectiveDef> {
        if items.is_empty() {
            self.err(Code::InvalidValue, "objective", "the objective list is empty").help = Some(
                "give one objective {\"sense\": …, \"expression\": …}, or a list of them in priority order".into(),
            );
            return Vec::new();
        }
        let mut levels = Vec::new();
        let mut names: Vec<String> = Vec::new();
        for (k, v) in items.iter().enumerate() {
            let path = format!("objective[{k}]");
            let level = self.objective(v, &path, LEVEL_KEYS);
            let Some(m) = v.as_object() else { continue };
            let name = match m.get("name").and_then(|n| self.string(n, &join(&path, "name"))) {
                Some(name) => {
                    self.entity_name(&name, &join(&path, "name"), "objective level");
                    name
                }
                None => format!("level{}", k + 1),
            };
            if names.contains(&name) {
                self.err(
                    Code::DuplicateName,
                    &join(&path, "name"),
                    format!("two objective levels are named `{name}`"),
                )
                .help = Some("give each level its own \"name\" (unnamed levels are `level1`, `level2`, …)".into());
            }
            names.push(name.clone());
            let tolerance = self.tolerance(m, &path, "tolerance");
            let relative_tolerance = self.tolerance(m, &path, "relative_tolerance");
            let last = k + 1 == items.len();
            if last && items.len() > 1 && (tolerance > 0.0 || relative_tolerance > 0.0) {
                self.diags.push(
                    Diagnostic::warning(
                        Code::InvalidValue,
                        &path,
                        "the last objective level's tolerance has no effect",
                    )
                    .help(
                        "a tolerance is the slack a level gives the levels after it; the last level has none after it",
                    ),
                );
            }
            if let Some(level) = level {
                levels.push(ObjectiveDef { name, tolerance, relative_tolerance, ..level });
            }
        }
        levels
    }

    /// A level's `tolerance` or `relative_tolerance`: a finite number ≥ 0, 0 when absent.
    fn tolerance(&mut self, m: &Map<String, Value>, path: &str, key: &str) -> f64 {
        let path = join(path, key);
        match m.get(key).map(|v| self.number(v, &path)) {
            Some(Some(t)) if t.is_finite() && t >= 0.0 => t,
            Some(Some(t)) => {
                self.err(Code::InvalidValue, &path, format!("`{key}` is {t}, not a number ≥ 0")).help =
                    Some("the slack a level may lose for the levels after it: 0 keeps it at its optimum".into());
                0.0
            }
            _ => 0.0,
        }
    }

    fn constraint(&mut self, name: &str, v: &Value) -> Option<ConstraintDef> {
        let path = join("constraints", name);
        self.entity_name(name, &path, "constraint");
        let (forall, expr_src, description) = match v {
            Value::String(s) => (None, s.clone(), None),
            Value::Object(m) => {
                self.check_keys(m, &path, &["forall", "expression", "description"]);
                let forall = m
                    .get("forall")
                    .and_then(|f| self.string(f, &join(&path, "forall")))
                    .and_then(|f| self.parse(&f, &join(&path, "forall"), expr::parse_indexing_with));
                let Some(e) = m.get("expression") else {
                    self.err(Code::InvalidValue, &join(&path, "expression"), "missing `expression`");
                    return None;
                };
                let e = self.string(e, &join(&path, "expression"))?;
                let d = m.get("description").and_then(|d| self.string(d, &join(&path, "description")));
                if m.contains_key("forall") && forall.is_none() {
                    return None;
                }
                (forall, e, d)
            }
            other => {
                self.err(
                    Code::InvalidValue,
                    &path,
                    format!("a constraint must be a string or an object, found {}", type_name(other)),
                );
                return None;
            }
        };
        let expr_path = if v.is_string() { path.clone() } else { join(&path, "expression") };
        let expression = self.parse(&expr_src, &expr_path, expr::parse_constraint_with)?;
        Some(ConstraintDef { name: name.to_string(), path, forall, expression, description })
    }
}
