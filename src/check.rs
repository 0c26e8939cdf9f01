//! The one driver from a formulation to a compiled instance: load → build → compile. Every
//! command (`check`, `run`, `render`, `solve`, `bench`) and every test goes through
//! [`check`], so none of them can skip a stage's errors: any diagnostic of severity error
//! ends it with `Err`, and a formulation that comes back `Ok` is exactly the one written.

use std::path::Path;

use crate::compile::{compile, Compiled};
use crate::model::diag::with_suggestion_budget;
use crate::model::eval::with_iteration_budget;
use crate::model::{build, load_file, load_str, Code, Diagnostic, Diagnostics, Formulation, Model, Options};

/// Where the formulation text comes from.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    /// A model file; with [`DataAccess::BesideModel`](crate::model::DataAccess) its data
    /// files are read from its folder.
    File(&'a Path),
    /// JSON text (an LLM's answer, stdin, a test); `origin` names it in messages.
    Text { text: &'a str, origin: &'a str },
}

/// A formulation that passed every check, with its instance.
#[derive(Debug)]
pub struct Checked {
    pub formulation: Formulation,
    pub model: Model,
    pub compiled: Compiled,
    /// Warnings only: a checked formulation has no errors.
    pub warnings: Diagnostics,
}

/// Most diagnostics kept from one check. Past it the rest are counted, not listed: a broken
/// generated file can hold thousands of the same mistake, and each costs a "did you mean".
pub const MAX_DIAGNOSTICS: usize = 100;

/// Loads, builds and compiles; `Err` holds every diagnostic (errors and warnings) when any
/// is an error.
pub fn check(source: Source, opts: &Options) -> Result<Checked, Diagnostics> {
    with_suggestion_budget(MAX_DIAGNOSTICS, || check_within_budgets(source, opts))
}

fn check_within_budgets(source: Source, opts: &Options) -> Result<Checked, Diagnostics> {
    let (formulation, mut diags) = match source {
        Source::File(path) => load_file(path, opts),
        Source::Text { text, origin } => load_str(text, origin, opts),
    };
    let go_on = opts.build_after_load_errors || !diags.has_errors();
    let Some(formulation) = formulation.filter(|_| go_on) else { return Err(capped(diags)) };
    let checked = with_iteration_budget(opts.limits.iterations, || {
        let (model, more) = build(&formulation);
        diags.extend(more);
        let model = model.filter(|_| !diags.has_errors())?;
        let (compiled, more) = compile(&model);
        diags.extend(more);
        compiled.filter(|_| !diags.has_errors()).map(|c| (model, c))
    });
    match checked {
        Some((model, compiled)) => Ok(Checked { formulation, model, compiled, warnings: diags }),
        None => Err(capped(diags)),
    }
}

fn capped(mut diags: Diagnostics) -> Diagnostics {
    let n = diags.0.len();
    if n > MAX_DIAGNOSTICS {
        // Errors first, so that what is kept is what must be fixed.
        diags.0.sort_by_key(|d| !d.is_error());
        diags.0.truncate(MAX_DIAGNOSTICS);
        diags.push(Diagnostic::error(
            Code::Limit,
            "",
            format!("{} more diagnostics not shown (the first {MAX_DIAGNOSTICS} are above)", n - MAX_DIAGNOSTICS),
        ));
    }
    diags
}

/// Stack of the threads that check, compile, verify and render. The parser bounds how deep
/// an expression nests (`--max depth`), and every recursive pass over it is proportional to
/// that depth; this stack holds the deepest tree the largest allowed depth can build, with a
/// wide margin, in unoptimised builds too.
pub const STACK_BYTES: usize = 256 << 20;

/// Runs `f` on a thread with [`STACK_BYTES`] of stack (reserved address space: only the
/// pages touched are ever backed by memory). `Err` when no thread can be started.
pub fn on_large_stack<T: Send>(f: impl FnOnce() -> T + Send) -> std::io::Result<T> {
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new().stack_size(STACK_BYTES).spawn_scoped(s, f)?;
        Ok(handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    })
}
