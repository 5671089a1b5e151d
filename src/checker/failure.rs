//! Why a check gave no result, read from how the child ended, and the sentence the uploader
//! reads: "Không kiểm tra được tệp này: …".

use std::process::ExitStatus;

use super::CheckerSettings;
use crate::banks::{
    report::{Msg, args},
    source::human_size,
};

/// A check that gave no result. The server is unaffected; only this upload is refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckFailed {
    #[error("the checker could not be started: {0}")]
    Start(String),
    #[error("the checker ran out of its memory limit")]
    Memory,
    #[error("the checker used up its CPU-time limit")]
    Cpu,
    #[error("the checker overflowed its stack")]
    Stack,
    #[error("the checker did not finish in time and was killed")]
    TimedOut,
    #[error("the checker was stopped by signal {0}")]
    Signal(i32),
    #[error("the checker exited with code {0}")]
    Exit(i32),
    #[error("the checker's output is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the checker's output is unreadable: {0}")]
    Unreadable(String),
}

impl CheckFailed {
    /// How a child that did not succeed ended, from its status and what it wrote on stderr
    /// (the Rust runtime names allocation failures and stack overflows there before aborting).
    pub fn from_exit(status: ExitStatus, stderr: &str) -> Self {
        use std::os::unix::process::ExitStatusExt;
        if stderr.contains("memory allocation of") || stderr.contains("Cannot allocate memory") {
            return CheckFailed::Memory;
        }
        if stderr.contains("has overflowed its stack") {
            return CheckFailed::Stack;
        }
        match (status.signal(), status.code()) {
            (Some(libc::SIGXCPU), _) => CheckFailed::Cpu,
            (Some(signal), _) => CheckFailed::Signal(signal),
            (None, Some(code)) => CheckFailed::Exit(code),
            (None, None) => CheckFailed::Signal(0),
        }
    }

    /// The report message: `checker.failed` ("Không kiểm tra được tệp này: …") with the reason.
    pub fn message(&self, settings: &CheckerSettings) -> Msg {
        ("checker.failed", args![value = self.reason(settings)])
    }

    /// What happened, as the uploader reads it ("hết giới hạn bộ nhớ (1024 MB)").
    pub fn reason(&self, settings: &CheckerSettings) -> Msg {
        match self {
            CheckFailed::Start(_) => ("checker.start", vec![]),
            CheckFailed::Memory => {
                let limit = usize::try_from(settings.memory_bytes).unwrap_or(usize::MAX);
                ("checker.memory", args![limit = human_size(limit)])
            }
            CheckFailed::Cpu => (
                "checker.cpu",
                args![seconds = settings.cpu_seconds.to_string()],
            ),
            CheckFailed::Stack => ("checker.stack", vec![]),
            CheckFailed::TimedOut => (
                "checker.timeout",
                args![seconds = settings.timeout.as_secs().to_string()],
            ),
            CheckFailed::Signal(signal) => ("checker.signal", args![signal = *signal]),
            CheckFailed::Exit(code) => ("checker.exit", args![code = *code]),
            CheckFailed::TooLarge(_) => ("checker.too_large", vec![]),
            CheckFailed::Unreadable(_) => ("checker.unreadable", vec![]),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::process::ExitStatusExt;

    use super::*;
    use crate::{banks::report::render, vocab::Lang};

    fn killed_by(signal: i32) -> ExitStatus {
        ExitStatus::from_raw(signal)
    }

    #[test]
    fn the_way_a_child_ended_names_the_limit() {
        let abort = killed_by(libc::SIGABRT);
        assert_eq!(
            CheckFailed::from_exit(abort, "memory allocation of 67108864 bytes failed\n"),
            CheckFailed::Memory
        );
        assert_eq!(
            CheckFailed::from_exit(abort, "thread 'main' has overflowed its stack\n"),
            CheckFailed::Stack
        );
        assert_eq!(
            CheckFailed::from_exit(killed_by(libc::SIGXCPU), ""),
            CheckFailed::Cpu
        );
        assert_eq!(CheckFailed::from_exit(abort, ""), CheckFailed::Signal(6));
        assert_eq!(
            CheckFailed::from_exit(ExitStatus::from_raw(2 << 8), ""),
            CheckFailed::Exit(2)
        );
    }

    #[test]
    fn the_uploader_reads_what_happened_in_their_language() {
        let settings = CheckerSettings::default();
        let (key, args) = CheckFailed::Memory.message(&settings);
        assert_eq!(
            render(Lang::Vi, key, &args),
            "Không kiểm tra được tệp này: hết giới hạn bộ nhớ (1024 MB). Máy chủ vẫn hoạt động bình thường; hãy xem lại tệp (hoặc chia nhỏ) rồi tải lên lại."
        );
        let (key, args) = CheckFailed::Signal(6).message(&settings);
        assert!(render(Lang::En, key, &args).contains("signal 6"));
    }
}
