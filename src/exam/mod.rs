//! The candidate's exam pages under `/thi`: signing in with the slip, the lobby and the start,
//! question pages and saving, review and submission, the receipt, the page's heartbeat, and
//! every refusal. They stand on `attempts` (the attempt's rules and storage) and `sessions`
//! (the sitting the attempt belongs to).

pub mod pages;
pub mod ping;
pub mod questions;
pub mod receipt;
pub mod refusal;
pub mod review;
pub mod saving;
pub mod sheet;
pub mod sign_in;
