//! optform: optimization modelling from natural language.
//!
//! Data flows one way: [`expr`] (parse) → [`model`] (five elements, checks) → [`compile`]
//! (sparse arrays) → [`solve`] (HiGHS, verification) · [`cli`].

// Diagnostics travel on error paths only; boxing them would buy nothing and cost clarity.
#![allow(clippy::result_large_err)]

pub mod bench;
pub mod check;
pub mod cli;
pub mod compile;
pub mod expr;
pub mod llm;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod solve;
