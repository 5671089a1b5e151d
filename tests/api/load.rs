//! The load harness's short run (benches/load, the same code): 300 candidates against the real
//! server binary as a child process, signing in, starting together, saving eight answers
//! with think time (re-saving, and retrying some), and submitting; every acknowledged save
//! must be in the database and no request may fail. Timings are printed, not asserted. On PostgreSQL with
//! `TEST_DATABASE_URL` (a database created and dropped for the run), through two nodes behind
//! nginx (`--nodes 2`), so each candidate's requests go to both.

#[path = "../../benches/load/check.rs"]
mod check;
#[path = "../../benches/load/drive.rs"]
mod drive;
#[path = "../../benches/load/page.rs"]
mod page;
#[path = "../../benches/load/prep.rs"]
mod prep;
#[path = "../../benches/load/scenario.rs"]
mod scenario;
#[path = "../../benches/load/server.rs"]
mod server;
#[path = "../../benches/load/stats.rs"]
mod stats;
use crate::{balancer, bench_support as support};

use std::time::Duration;

use drive::Flow;
use page::{Control, pick, question};
use scenario::{Plan, Target};
use stats::{Stats, Step, time_to_share_of_peak};

/// Saves each candidate sends (besides retries), two per question page, 1–2 s apart.
const SAVES: usize = 8;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_candidates_lose_no_answer_and_meet_no_error() {
    let plan = Plan {
        candidates: 300,
        flow: Flow {
            arrival_ms: 0,
            begin: true,
            think_ms: (1_000, 2_000),
            saves_per_page: 2,
            retry: 0.1,
            saves: Some(SAVES),
            until: None,
            submit: true,
        },
        duration: None,
        start_together: true,
        submit_together: false,
        setup_limit: None,
        baseline: Duration::from_secs(1),
        solo: 1,
        restart: false,
    };
    let admin_url = std::env::var("TEST_DATABASE_URL").ok();
    let skip_nginx = std::env::var("SATHACH_SKIP_NGINX_TESTS").is_ok_and(|v| v == "1")
        && balancer::nginx_binary().is_none();
    let target = Target {
        binary: env!("CARGO_BIN_EXE_sathach"),
        postgres: admin_url.as_deref(),
        workers: Some(2),
        // Two nodes behind nginx on PostgreSQL (skipped only where nginx may be missing).
        behind_nginx: (admin_url.is_some() && !skip_nginx).then_some(2),
    };
    let o = scenario::run(&plan, &target).await.expect("the run");
    let errors = o.load.errors() + o.solo.errors() + o.baseline.errors();
    assert_eq!(errors, 0, "{:#?}", o.load.error_kinds());
    let v = &o.verdict;
    assert_eq!(v.lost, 0, "{:#?}", v.examples);
    let saves = o.load.summary(Step::Save).expect("saves were made");
    // Every candidate saved its answers, some twice under one seq, and submitted.
    assert!(saves.count >= 300 * SAVES, "{saves:?}");
    assert_eq!(
        v.acknowledged,
        saves.count + 25,
        "the unloaded run's 25 and the load's"
    );
    assert_eq!((v.submitted, v.results), (301, 301));
    let starts = o.load.summary(Step::Start).expect("starts");
    assert_eq!(starts.count, 300);
    assert!(o.restart.is_none() && o.after_restart.is_none());
    for step in Step::ALL {
        if let Some(s) = o.load.summary(step) {
            eprintln!("{:<14} {s:?}", step.name());
        }
    }
    eprintln!(
        "load on {}, {} ({:.0} s): {} saves ({:.0}/s, p99 {:.1} ms), {} busy retries, {} saves per second, memory {} → {} kB",
        o.engine,
        o.nodes,
        o.load_seconds,
        saves.count,
        saves.per_second,
        saves.p99_ms,
        o.load.retries(),
        o.load.saves_per_second().iter().max().unwrap_or(&0),
        o.memory_before.rss_kb,
        o.memory_after.peak_kb
    );
}

#[test]
fn reads_every_kind_of_control_and_the_number_of_questions() {
    let page = r#"<form><input type="hidden" name="csrf" value="T">
<input type="hidden" name="seq" value="3">
<input type="radio" name="answer" id="o0" value="a1"><input type="radio" name="answer" id="o1" value="a2">
<input type="checkbox" name="box" value="b1"><input type="checkbox" name="box" value="b2">
<input id="answer" name="typed" value="">
<select id="m0" name="m0"><option value="">Chọn</option><option value="r1">x</option></select>
<input type="checkbox" id="flag" name="flag" value="1">
<button type="submit" name="go" value="next">Tiếp</button>
<button type="submit" name="go" value="25" class="cell">25</button></form>"#;
    let q = question(page, 1).unwrap();
    assert_eq!((q.csrf.as_str(), q.seq, q.total), ("T", 3, 25));
    assert_eq!(
        q.controls,
        vec![
            Control::Radio("answer".into(), vec!["a1".into(), "a2".into()]),
            Control::Checkbox("box".into(), vec!["b1".into(), "b2".into()]),
            Control::Text("typed".into()),
            Control::Select("m0".into(), vec!["r1".into()]),
        ]
    );
    let fields = pick(&q.controls, &mut rand::rng());
    assert!(fields.iter().any(|(n, _)| n == "answer"));
    assert!(fields.iter().any(|(n, v)| n == "m0" && v == "r1"));
    assert!(question("<p>lobby</p>", 1).is_none());
}

#[test]
fn percentiles_and_the_time_to_reach_the_peak() {
    let stats = Stats::new();
    for ms in 1..=100 {
        stats.record(Step::Save, Duration::from_millis(ms));
    }
    let s = stats.summary(Step::Save).unwrap();
    assert_eq!(
        (s.count, s.p50_ms, s.p99_ms, s.max_ms),
        (100, 50.0, 99.0, 100.0)
    );
    assert!(stats.summary(Step::Submit).is_none());
    assert_eq!(
        time_to_share_of_peak(&[0, 1, 5, 9, 10, 8], 0.8),
        Some((4, 10))
    );
    assert_eq!(time_to_share_of_peak(&[0, 0], 0.8), None);
}
