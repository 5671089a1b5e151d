//! The load run's report: plain text for a terminal, and the same figures as JSON, naming the
//! machine (cores, CPU model) and the engine.

use serde_json::{Value, json};

use super::{
    scenario::Outcome,
    stats::{Stats, Step, Summary, time_to_share_of_peak},
};

/// "2 × AMD EPYC" from /proc/cpuinfo and the number of cores this process may use.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cores} cores (nproc), {cpu}")
}

fn table(stats: &Stats, unloaded: Option<&Stats>) -> String {
    let mut out = format!(
        "  {:<14}{:>8}{:>10}{:>10}{:>10}{:>10}{:>8}{:>9}{}\n",
        "step",
        "count",
        "per s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "errors",
        "retries",
        if unloaded.is_some() {
            "  p99 ÷ unloaded"
        } else {
            ""
        }
    );
    for step in Step::ALL {
        let Some(s) = stats.summary(step) else {
            continue;
        };
        let ratio = unloaded
            .and_then(|u| u.summary(step))
            .filter(|u| u.p99_ms > 0.0)
            .map(|u| format!("  {:.1}×", s.p99_ms / u.p99_ms))
            .unwrap_or_default();
        out.push_str(&format!(
            "  {:<14}{:>8}{:>10.1}{:>10.2}{:>10.2}{:>10.2}{:>8}{:>9}{ratio}\n",
            step.name(),
            s.count,
            s.per_second,
            s.p50_ms,
            s.p99_ms,
            s.max_ms,
            s.errors,
            s.retries
        ));
    }
    out
}

/// Saves per second over the load ÷ `/healthz` per second over the baseline.
fn save_ratio(o: &Outcome) -> Option<(f64, f64, f64)> {
    let saves = o.load.summary(Step::Save)?.per_second;
    let healthz = o.baseline.summary(Step::Healthz)?.per_second;
    Some((saves, healthz, saves / healthz))
}

/// The plain-text report.
pub fn text(scenario: &str, candidates: usize, o: &Outcome) -> String {
    let mut out = format!(
        "sathach load: scenario {scenario}, {candidates} candidates\nmachine: {}\nengine: {}, {}\n\n",
        machine(),
        o.engine,
        o.nodes
    );
    out.push_str(&format!(
        "baseline, GET /healthz in a closed loop by {candidates} clients (÷ one client alone):\n{}\n",
        table(&o.baseline, Some(&o.solo))
    ));
    out.push_str(&format!(
        "unloaded, one client alone, then candidates alone one after another:\n{}\n",
        table(&o.solo, None)
    ));
    out.push_str(&format!(
        "load ({:.1} s):\n{}",
        o.load_seconds,
        table(&o.load, Some(&o.solo))
    ));
    if let Some((saves, healthz, ratio)) = save_ratio(o) {
        out.push_str(&format!(
            "saves: {saves:.0}/s = {ratio:.3} × /healthz ({healthz:.0}/s)\n"
        ));
    }
    if let Some((seconds, peak)) = time_to_share_of_peak(&o.load.saves_per_second(), 0.8) {
        out.push_str(&format!(
            "save rate: peak {peak}/s; 80 % of the peak reached {seconds} s after arrival\n"
        ));
    }
    let grown = o
        .memory_after
        .peak_kb
        .saturating_sub(o.memory_before.rss_kb);
    out.push_str(&format!(
        "memory: {} MB resident before the load, peak {} MB: {:.1} KB more per active candidate\n",
        o.memory_before.rss_kb / 1024,
        o.memory_after.peak_kb / 1024,
        grown as f64 / candidates.max(1) as f64
    ));
    if let (Some(r), Some(after)) = (&o.restart, &o.after_restart) {
        out.push_str(&format!(
            "restart after SIGKILL: /healthz after {:.2} s, a question page after {:.2} s (HTTP {}){}\nthen:\n{}",
            r.healthz_s,
            r.question_s,
            r.question_status,
            r.resumed_s
                .map(|s| format!("; paused, all resumed by the proctor after {s:.2} s"))
                .unwrap_or_default(),
            table(after, Some(&o.solo))
        ));
    }
    let v = &o.verdict;
    out.push_str(&format!(
        "errors: {}, busy retries: {}\n",
        o.load.errors() + o.after_restart.as_ref().map_or(0, Stats::errors),
        o.load.retries()
    ));
    let after = o.after_restart.as_ref().map(Stats::error_kinds);
    for (kind, n) in o
        .load
        .error_kinds()
        .into_iter()
        .chain(after.into_iter().flatten())
    {
        out.push_str(&format!("  {n} × {kind}\n"));
    }
    out.push_str(&format!(
        "acknowledged saves: {}, lost: {}; attempts submitted: {}, with a result: {}\n",
        v.acknowledged, v.lost, v.submitted, v.results
    ));
    for example in &v.examples {
        out.push_str(&format!("  lost: {example}\n"));
    }
    out
}

fn summaries(stats: &Stats) -> Value {
    let map: serde_json::Map<String, Value> = Step::ALL
        .iter()
        .filter_map(|&s| {
            let summary: Summary = stats.summary(s)?;
            Some((s.name().to_string(), json!(summary)))
        })
        .collect();
    Value::Object(map)
}

/// The same figures as JSON.
pub fn json(scenario: &str, candidates: usize, o: &Outcome) -> Value {
    json!({
        "scenario": scenario,
        "candidates": candidates,
        "machine": machine(),
        "engine": o.engine,
        "nodes": o.nodes,
        "baseline": summaries(&o.baseline),
        "unloaded": summaries(&o.solo),
        "load": summaries(&o.load),
        "load_seconds": o.load_seconds,
        "saves_per_second_timeline": o.load.saves_per_second(),
        "save_ratio_to_healthz": save_ratio(o).map(|r| r.2),
        "seconds_to_80_percent_of_peak": time_to_share_of_peak(&o.load.saves_per_second(), 0.8).map(|r| r.0),
        "memory_kb": {"before": o.memory_before.rss_kb, "peak": o.memory_after.peak_kb},
        "errors": o.load.error_kinds(),
        "busy_retries": o.load.retries(),
        "restart": o.restart,
        "after_restart": o.after_restart.as_ref().map(summaries),
        "verdict": o.verdict,
    })
}

/// Each step's rate and p99 on several nodes ÷ on one, the two runs made the same way.
fn node_ratios(one: &Outcome, many: &Outcome) -> Vec<(Step, f64, f64)> {
    Step::ALL
        .into_iter()
        .filter_map(|step| {
            let (a, b) = (one.load.summary(step)?, many.load.summary(step)?);
            let rate = b.per_second / a.per_second.max(f64::MIN_POSITIVE);
            let p99 = b.p99_ms / a.p99_ms.max(f64::MIN_POSITIVE);
            Some((step, rate, p99))
        })
        .collect()
}

/// The comparison of `--nodes`: the load's rates and p99s on several nodes ÷ on one node.
pub fn nodes_text(one: &Outcome, many: &Outcome) -> String {
    let mut out = format!(
        "{} ÷ {} (the same load, PostgreSQL, measured in this run):\n  {:<14}{:>10}{:>10}\n",
        many.nodes, one.nodes, "step", "per s", "p99"
    );
    for (step, rate, p99) in node_ratios(one, many) {
        out.push_str(&format!(
            "  {:<14}{:>9.2}×{:>9.2}×\n",
            step.name(),
            rate,
            p99
        ));
    }
    out
}

/// Both runs' figures and the ratios, as JSON.
pub fn nodes_json(scenario: &str, candidates: usize, one: &Outcome, many: &Outcome) -> Value {
    let ratios: serde_json::Map<String, Value> = node_ratios(one, many)
        .into_iter()
        .map(|(step, rate, p99)| {
            (
                step.name().to_string(),
                json!({"per_second": rate, "p99": p99}),
            )
        })
        .collect();
    json!({
        "one_node": json(scenario, candidates, one),
        "nodes": json(scenario, candidates, many),
        "ratio_to_one_node": ratios,
    })
}
