//! The accuracy components of the pipeline, each switchable so that its effect can be
//! measured on its own (README, "Accuracy: the ablation").

use serde::Serialize;

/// How a repair round asks again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum RepairMode {
    /// Continue the conversation: the broken answer, then the errors.
    Continue,
    /// A new request with the errors as a hint and a new seed; the broken answer is not shown,
    /// so the model cannot copy it.
    Fresh,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Engine {
    /// Fix unambiguous mechanical slips (`≤`, `=`, `2x`, joined relations) before checking.
    pub slip_fixes: bool,
    /// Library examples retrieved per request; 0 uses the original prompt's two fixed examples.
    pub examples: usize,
    pub repair: RepairMode,
    /// One more round when a solved formulation's numbers do not match the text's; the new
    /// answer replaces the old only if it solves and is better grounded.
    pub grounding_round: bool,
    /// When the optimum is all zeros, read `<=` constraints whose bound the text states as a
    /// requirement ("needs 1,200") as `>=`, kept if that solves non-trivially (no tokens).
    pub requirement_fix: bool,
}

impl Engine {
    /// The pipeline before any of these components: the reference row of the ablation.
    pub const BASELINE: Engine = Engine {
        slip_fixes: false,
        examples: 0,
        repair: RepairMode::Continue,
        grounding_round: false,
        requirement_fix: false,
    };
}

/// What runs by default: only what did not lose on the dev split (README, "Accuracy"), and
/// costs no tokens. Retrieved examples, fresh repairs and the grounding round each measured
/// worse or no better there, so they stay available behind their flags but are off.
impl Default for Engine {
    fn default() -> Self {
        Engine { slip_fixes: true, requirement_fix: true, ..Engine::BASELINE }
    }
}
