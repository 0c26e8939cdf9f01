//! Rendering a checked formulation as solver input and documents through minijinja
//! templates: instantiated formats (LP, MPS) list every row and column; structure-keeping
//! formats (Pyomo, MathProg, LaTeX, Markdown) translate the formulation's own expressions.

mod algebra;
mod ampl;
mod context;
pub mod escape;
mod instance;
mod latex;
mod names;
mod pyomo;
mod translate;

use std::fmt;

use crate::compile::Compiled;
use crate::model::load::{Formulation, VarType};
use crate::model::Model;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// CPLEX LP, every row and column.
    Lp,
    /// Free MPS, every row and column.
    Mps,
    /// An abstract Pyomo model with its data, solved with HiGHS.
    Pyomo,
    /// A GNU MathProg (AMPL subset) model and data section for `glpsol --math`.
    Ampl,
    /// A standalone LaTeX document of the five elements.
    Latex,
    /// The five elements in Markdown with `$…$` / `$$…$$` math.
    Markdown,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Lp => "lp",
            Format::Mps => "mps",
            Format::Pyomo => "pyomo",
            Format::Ampl => "ampl",
            Format::Latex => "latex",
            Format::Markdown => "markdown",
        }
    }

    /// The template compiled into the binary (a file under `templates/`).
    pub fn builtin_template(self) -> &'static str {
        match self {
            Format::Lp => include_str!("../../templates/model.lp.j2"),
            Format::Mps => include_str!("../../templates/model.mps.j2"),
            Format::Pyomo => include_str!("../../templates/pyomo.py.j2"),
            Format::Ampl => include_str!("../../templates/ampl.mod.j2"),
            Format::Latex => include_str!("../../templates/latex.tex.j2"),
            Format::Markdown => include_str!("../../templates/markdown.md.j2"),
        }
    }
}

/// A construct the chosen format cannot express.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsupported {
    pub construct: String,
}

impl Unsupported {
    pub fn new(construct: impl Into<String>) -> Self {
        Unsupported { construct: construct.into() }
    }
}

#[derive(Debug)]
pub enum RenderError {
    Unsupported { format: Format, construct: String },
    Template(minijinja::Error),
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            RenderError::Unsupported { format, construct } => {
                write!(f, "the {} format cannot express {construct}", format.name())
            }
            RenderError::Template(e) => {
                write!(f, "template error: {e}")?;
                if let Some(detail) = e.detail() {
                    write!(f, " ({detail})")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RenderError {}

/// What no target of the format can take, checked before translating.
fn format_limits(format: Format, f: &Formulation, m: &Model, c: &Compiled) -> Result<(), Unsupported> {
    // A solver file holds one objective: the first level alone would be a different model.
    if m.is_lexicographic() && !matches!(format, Format::Latex | Format::Markdown) {
        let names: Vec<String> = m.objectives().map(|o| format!("`{}`", o.name)).collect();
        return Err(Unsupported::new(format!(
            "a lexicographic objective ({} levels: {}), since it holds one objective (render the levels with `latex` or `markdown`, solve them with `optform run`)",
            names.len(),
            names.join(", ")
        )));
    }
    if matches!(format, Format::Pyomo | Format::Ampl) {
        let declared = f.sets.iter().map(|s| s.name.as_str()).chain(f.params.iter().map(|p| p.name.as_str()));
        let declared = declared.chain(f.vars.iter().map(|v| v.name.as_str()));
        if let Some(name) = escape::unidentifiable(declared.chain(f.constraints.iter().map(|c| c.name.as_str()))) {
            return Err(Unsupported::new(format!(
                "the name `{}` as code (rename it to letters, digits and `_`, not starting with a digit)",
                name.escape_debug()
            )));
        }
    }
    if format == Format::Ampl {
        if let Some(p) = m.params.iter().find(|p| p.values.iter().any(|v| v.is_infinite())) {
            return Err(Unsupported::new(format!(
                "the infinite data of `{}` (GLPK reads Infinity as the largest number, and overflows on it)",
                p.name
            )));
        }
        if let Some(long) = escape::mathprog_too_long(m) {
            return Err(Unsupported::new(format!(
                "the element `{}` (GLPK takes at most {} characters in a string, escapes counted)",
                long.escape_debug(),
                escape::MATHPROG_MAX_LITERAL
            )));
        }
    }
    if matches!(format, Format::Pyomo | Format::Ampl) {
        if let Some(what) = reformulated(m, c) {
            return Err(Unsupported::new(format!(
                "{what}, which optform reformulates itself (render `lp` or `mps` for the reformulated instance, or `latex`/`markdown` for the algebra as written)"
            )));
        }
    }
    let semi = f.vars.iter().find(|v| matches!(v.kind, VarType::Semicontinuous | VarType::Semiinteger));
    match format {
        Format::Ampl if c.hessian.is_some() => {
            Err(Unsupported::new("a quadratic objective (GLPK solves LP and MILP only; use `lp`, `mps` or `pyomo`)"))
        }
        Format::Ampl | Format::Pyomo if semi.is_some() => {
            let (kind, name) = semi.map_or(("", ""), |v| (semi_word(v.kind), v.name.as_str()));
            Err(Unsupported::new(format!("the {kind} variable `{name}`")))
        }
        Format::Pyomo => {
            let ranged = f.constraints.iter().find(|c| {
                c.forall.as_ref().is_some_and(|fa| {
                    fa.ast.bindings.iter().any(|b| matches!(b.set.kind, crate::expr::SetKind::Range(..)))
                })
            });
            match ranged {
                Some(c) => Err(Unsupported::new(format!(
                    "the `forall` over a range in `{}` (declare the range as a set)",
                    c.name
                ))),
                None => Ok(()),
            }
        }
        _ => Ok(()),
    }
}

/// The first construct that optform reformulates into auxiliary columns and rows, if any:
/// rendering it as algebra for another tool would need that tool's own logic support.
fn reformulated(m: &Model, c: &Compiled) -> Option<String> {
    if let Some(con) = m.constraints.iter().find(|con| con.logic.is_some()) {
        return Some(format!("the logical constraint `{}`", con.name));
    }
    let first = c.aux.cols.first().or(c.aux.rows.first())?;
    let place = match first.owner {
        crate::compile::Owner::Objective => "the objective".to_string(),
        crate::compile::Owner::Row(r) => format!("`{}`", c.row_name(m, r as usize)),
        crate::compile::Owner::Logic { constraint, .. } => format!("`{}`", m.constraints[constraint as usize].name),
    };
    Some(format!("`abs`, `max`, `min`, `count`, `pwl` or a product with a binary variable (in {place})"))
}

fn semi_word(kind: VarType) -> &'static str {
    if kind == VarType::Semiinteger {
        "semi-integer"
    } else {
        "semi-continuous"
    }
}

/// Renders with the built-in template, or with `template` (the text of a replacement).
pub fn render(
    f: &Formulation,
    m: &Model,
    c: &Compiled,
    format: Format,
    template: Option<&str>,
) -> Result<String, RenderError> {
    let unsupported = |u: Unsupported| RenderError::Unsupported { format, construct: u.construct };
    format_limits(format, f, m, c).map_err(unsupported)?;
    let ctx = match format {
        Format::Lp | Format::Mps => minijinja::Value::from_serialize(instance::instance(m, c, format == Format::Mps)),
        Format::Ampl => {
            minijinja::Value::from_serialize(context::algebra(f, m, &ampl::Ampl, false).map_err(unsupported)?)
        }
        Format::Pyomo => minijinja::Value::from_serialize(
            context::algebra(f, m, &pyomo::Pyomo, c.hessian.is_some()).map_err(unsupported)?,
        ),
        Format::Latex | Format::Markdown => minijinja::Value::from_serialize(
            context::algebra(f, m, &latex::Latex, c.hessian.is_some()).map_err(unsupported)?,
        ),
    };
    let mut env = minijinja::Environment::new();
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    add_escape_filters(&mut env);
    let source = template.unwrap_or(format.builtin_template());
    env.add_template("model", source).map_err(RenderError::Template)?;
    env.get_template("model").and_then(|t| t.render(ctx)).map_err(RenderError::Template)
}

/// The escaping of every target as a filter, in every format, so that a replacement template
/// can write free text (the model's name, descriptions) safely into any target.
fn add_escape_filters(env: &mut minijinja::Environment) {
    // Python: `py` is a whole literal, `py_escape` the inside of one (any quotes).
    env.add_filter("py", |s: String| escape::py_str(&s));
    env.add_filter("py_escape", |s: String| escape::py_escape(&s));
    // MathProg: `mathprog` is a whole literal, `mathprog_escape` text for a `#` comment.
    env.add_filter("mathprog", |s: String| escape::mathprog_str(&s));
    env.add_filter("mathprog_escape", |s: String| escape::mathprog_escape(&s));
    // LaTeX text (also inside `\text{…}` in math), and a name in math (`\mathit{make}`).
    env.add_filter("tex", |s: String| escape::tex_text(&s));
    env.add_filter("math_name", |s: String| escape::tex_ident(&s));
    env.add_filter("md", |s: String| escape::md_text(&s));
    // Any line comment (`%`, `#`, `\`, `*`): line breaks become spaces.
    env.add_filter("comment", |s: String| escape::one_line(&s));
}
