//! Shared vocabulary every layer speaks: calendar dates, the interface language and its
//! catalogs, random tokens and their digests, and a command's failure. It imports nothing
//! from the rest of the crate, so any module may use it without making a cycle.

pub mod date;
pub mod failure;
pub mod lang;
pub mod token;

pub use date::{Date, DateError, display_date};
pub use failure::Failure;
pub use lang::{Both, Lang};
