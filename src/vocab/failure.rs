//! A command's failure and the exit code it maps to, shared by every domain's command-line part.

/// A command's failure, with the exit code it maps to.
#[derive(Debug)]
pub enum Failure {
    /// The input's content has errors (exit 1); the report was printed.
    Content(String),
    /// Usage or environment error (exit 2).
    Environment(String),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Environment(format!("{e:#}"))
    }
}
