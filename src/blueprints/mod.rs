//! Blueprints and randomized papers: what a paper must contain, and the reproducible,
//! exposure-aware, difficulty-balanced draw of each candidate's paper.

pub mod check;
pub mod draw;
pub mod model;
pub mod read;
pub mod rng;
