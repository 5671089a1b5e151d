//! People (thí sinh): teachers and students, one record per person across every session of a
//! department, matched by national ID, so credits accumulate on one person; and their
//! accommodations (extra time), which follow them to every session they sit.

pub mod model;
pub mod national_id;
pub mod pages;
pub mod store;

pub use pages::routes;
