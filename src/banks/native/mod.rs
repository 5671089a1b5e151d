//! sathach's own TOML bank format: the reader (with line-accurate reports) and the writer.

mod body;
pub mod fields;
pub mod read;
pub mod write;

pub use read::{FORMAT, read_bank};
pub use write::write_bank;

#[cfg(test)]
mod tests;
