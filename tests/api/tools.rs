//! The tools the browser and printing tests need (Chromium, chromedriver, axe-core,
//! pdftotext), and the setting that lets a machine without them skip those tests.

/// The setting that lets a machine without Chromium, chromedriver, axe-core or pdftotext skip
/// the browser and printing tests; without it their absence fails them.
pub const SKIP_BROWSER_TESTS: &str = "SATHACH_SKIP_BROWSER_TESTS";

/// True (with a notice naming the test) when the browser tests are skipped on purpose.
pub fn browser_tests_skipped(test: &str) -> bool {
    let skipped = std::env::var(SKIP_BROWSER_TESTS).is_ok_and(|v| v == "1");
    if skipped {
        eprintln!("skipping {test}: {SKIP_BROWSER_TESTS}=1");
    }
    skipped
}

/// A tool the browser tests need, or a failure saying how to install it or skip them.
pub fn browser_tool(candidates: &[&str], install: &str) -> std::path::PathBuf {
    candidates
        .iter()
        .filter(|c| !c.is_empty())
        .map(std::path::PathBuf::from)
        .find(|p| p.exists())
        .unwrap_or_else(|| {
            panic!(
                "none of {candidates:?} exists: {install}, or set {SKIP_BROWSER_TESTS}=1 to skip \
                 the browser tests"
            )
        })
}
