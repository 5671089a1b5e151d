//! Grading: exact, explainable scoring of a frozen paper, and item statistics — pure
//! functions, so delivery can score at submit and results can regrade and analyse.

pub mod cli;
pub mod model;
pub mod practical;
pub mod rules;
#[cfg(test)]
mod rules_tests;
pub mod score;
pub mod simulate;
pub mod stats;
pub mod store;
#[cfg(test)]
mod tests;
