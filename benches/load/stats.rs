//! What a load run recorded: every request's latency by step, errors (by kind) and "busy,
//! retry" answers counted apart, every acknowledged save, and saves per second since the
//! phase began; and their summaries (rate, p50, p99, max).

use std::{
    collections::BTreeMap,
    sync::Mutex,
    time::{Duration, Instant},
};

/// A step of a candidate's exam (or the baseline).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Step {
    Healthz,
    Entry,
    SignIn,
    Lobby,
    Start,
    Page,
    Save,
    Review,
    Submit,
    Result,
}

impl Step {
    pub const ALL: [Step; 10] = [
        Step::Healthz,
        Step::Entry,
        Step::SignIn,
        Step::Lobby,
        Step::Start,
        Step::Page,
        Step::Save,
        Step::Review,
        Step::Submit,
        Step::Result,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Step::Healthz => "GET /healthz",
            Step::Entry => "sign-in page",
            Step::SignIn => "sign-in",
            Step::Lobby => "lobby",
            Step::Start => "start",
            Step::Page => "question page",
            Step::Save => "save",
            Step::Review => "review page",
            Step::Submit => "submit",
            Step::Result => "result",
        }
    }
}

/// A save the server acknowledged (200 with its `seq`): candidate `candidate`'s answer
/// `fields` to question `question` (1-based, on their paper) under `seq`.
#[derive(Clone, Debug)]
pub struct Ack {
    pub candidate: usize,
    pub question: usize,
    pub seq: i64,
    pub fields: Vec<(String, String)>,
}

#[derive(Default)]
struct Inner {
    /// (end, since the phase began, in ms; latency in µs) per step.
    samples: BTreeMap<Step, Vec<(u32, u32)>>,
    errors: BTreeMap<Step, u64>,
    retries: BTreeMap<Step, u64>,
    /// "step: what went wrong" → how many times.
    error_kinds: BTreeMap<String, u64>,
    acks: Vec<Ack>,
    saves_per_second: Vec<u64>,
}

/// One phase's records (the baseline, the unloaded run, the load).
pub struct Stats {
    began: Instant,
    inner: Mutex<Inner>,
}

/// A step's figures over a phase.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Summary {
    pub count: usize,
    /// Completions per second between the first request's start and the last one's end.
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub errors: u64,
    pub retries: u64,
}

impl Default for Stats {
    fn default() -> Self {
        Self::new()
    }
}

impl Stats {
    pub fn new() -> Self {
        Stats {
            began: Instant::now(),
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn record(&self, step: Step, took: Duration) {
        let end = self.began.elapsed().as_millis() as u32;
        let micros = took.as_micros().min(u128::from(u32::MAX)) as u32;
        self.lock()
            .samples
            .entry(step)
            .or_default()
            .push((end, micros));
    }

    pub fn error(&self, step: Step, what: String) {
        let mut inner = self.lock();
        *inner.errors.entry(step).or_default() += 1;
        *inner
            .error_kinds
            .entry(format!("{}: {what}", step.name()))
            .or_default() += 1;
    }

    pub fn retry(&self, step: Step) {
        *self.lock().retries.entry(step).or_default() += 1;
    }

    pub fn ack(&self, ack: Ack) {
        let second = self.began.elapsed().as_secs() as usize;
        let mut inner = self.lock();
        if inner.saves_per_second.len() <= second {
            inner.saves_per_second.resize(second + 1, 0);
        }
        inner.saves_per_second[second] += 1;
        inner.acks.push(ack);
    }

    pub fn acks(&self) -> Vec<Ack> {
        self.lock().acks.clone()
    }

    pub fn saves_per_second(&self) -> Vec<u64> {
        self.lock().saves_per_second.clone()
    }

    pub fn errors(&self) -> u64 {
        self.lock().errors.values().sum()
    }

    pub fn error_kinds(&self) -> BTreeMap<String, u64> {
        self.lock().error_kinds.clone()
    }

    pub fn retries(&self) -> u64 {
        self.lock().retries.values().sum()
    }

    /// The step's figures; None when it never completed and never failed.
    pub fn summary(&self, step: Step) -> Option<Summary> {
        let inner = self.lock();
        let errors = inner.errors.get(&step).copied().unwrap_or(0);
        let retries = inner.retries.get(&step).copied().unwrap_or(0);
        let samples = inner.samples.get(&step).cloned().unwrap_or_default();
        if samples.is_empty() && errors == 0 {
            return None;
        }
        let mut micros: Vec<u32> = samples.iter().map(|s| s.1).collect();
        micros.sort_unstable();
        let at = |q: f64| {
            micros
                .get(((micros.len() as f64 * q).ceil() as usize).saturating_sub(1))
                .map_or(0.0, |&m| f64::from(m) / 1000.0)
        };
        let first_start = samples
            .iter()
            .map(|&(end, m)| f64::from(end) - f64::from(m) / 1000.0)
            .fold(f64::MAX, f64::min);
        let last_end = samples.iter().map(|s| f64::from(s.0)).fold(0.0, f64::max);
        let span_s = ((last_end - first_start) / 1000.0).max(0.001);
        Some(Summary {
            count: samples.len(),
            per_second: samples.len() as f64 / span_s,
            p50_ms: at(0.50),
            p99_ms: at(0.99),
            max_ms: micros.last().map_or(0.0, |&m| f64::from(m) / 1000.0),
            errors,
            retries,
        })
    }
}

/// Seconds from the phase's start until the save rate first reached `share` of its peak
/// second, and that peak (saves in one second); None without saves.
pub fn time_to_share_of_peak(per_second: &[u64], share: f64) -> Option<(usize, u64)> {
    let peak = per_second.iter().copied().max().filter(|&p| p > 0)?;
    let first = per_second
        .iter()
        .position(|&n| n as f64 >= share * peak as f64)?;
    Some((first + 1, peak))
}
