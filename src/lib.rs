//! optform: optimization modelling from natural language.
//!
//! Data flows one way: [`expr`] (parse) → [`model`] (five elements, checks) → [`compile`]
//! (sparse arrays) → [`solve`] (HiGHS, verification) · [`cli`].

pub mod cli;
pub mod compile;
pub mod expr;
pub mod model;
pub mod solve;
