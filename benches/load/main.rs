//! The load harness: N simulated candidates drive the real server (`sathach serve`, a child
//! process) over HTTP through the whole exam, one scenario per target of issue 25, with the
//! baseline (`GET /healthz`) and the unloaded latencies measured in the same run, and every
//! acknowledged save checked in the database at the end.
//!
//! Run: `cargo bench --bench load -- --scenario saturate` (see `--help`; the README's "Load
//! harness" section says what each figure means). `--database-url postgres://…` runs on a
//! new PostgreSQL database (created and dropped); without it, on SQLite. `--nodes 2` (on
//! PostgreSQL) runs the scenario twice, on one node and then on two, both behind nginx, and
//! reports the second's figures as ratios to the first's.

use std::time::Duration;

use clap::{Parser, ValueEnum};

#[path = "../support/balancer.rs"]
mod balancer;
mod check;
mod drive;
mod page;
mod prep;
mod report;
mod scenario;
mod server;
mod stats;
#[path = "../support/mod.rs"]
mod support;

use drive::Flow;
use scenario::{Plan, Target};

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Scenario {
    /// A few candidates saving without thinking: saves per second ÷ /healthz per second.
    Saturate,
    /// 1,024 candidates arriving at once, then saving without thinking: seconds until the
    /// save rate reaches 80 % of its peak.
    Crowd,
    /// 10,000 candidates arriving over two minutes, each saving every 4–6 s: page and save
    /// p99 against their unloaded p99.
    Pace,
    /// 10,000 candidates signed in, pressing "Bắt đầu" together.
    SyncStart,
    /// 10,000 candidates who started and answered, submitting together.
    Deadline,
    /// Attempts in progress, the server SIGKILLed and started again: time until /healthz and a
    /// question page answer; then everyone saves once more and submits.
    Restart,
}

#[derive(Parser, Debug)]
#[command(about = "Load harness: simulated candidates against the real sathach server")]
struct Args {
    #[arg(long, value_enum, default_value = "saturate")]
    scenario: Scenario,
    /// Candidates under load [default: the scenario's].
    #[arg(long)]
    candidates: Option<usize>,
    /// Seconds of answering in the load phase [default: the scenario's].
    #[arg(long)]
    duration_secs: Option<u64>,
    /// Think time before each save, in ms: `LOW-HIGH` or one number.
    #[arg(long, value_parser = range)]
    think_ms: Option<(u64, u64)>,
    /// Arrivals spread over this many seconds.
    #[arg(long)]
    ramp_secs: Option<u64>,
    /// Saves (each a new answer, the next seq) after each question page.
    #[arg(long)]
    saves_per_page: Option<usize>,
    /// The chance that a save is sent again with the same seq (a retry).
    #[arg(long, default_value_t = 0.05)]
    retry: f64,
    /// How many candidates may sign in and start at once.
    #[arg(long)]
    setup_limit: Option<usize>,
    /// Seconds of the /healthz baseline.
    #[arg(long, default_value_t = 3)]
    baseline_secs: u64,
    /// Candidates run alone, one after another, for the unloaded latencies.
    #[arg(long, default_value_t = 3)]
    solo: usize,
    /// The server's HTTP workers [default: the server's].
    #[arg(long)]
    workers: Option<usize>,
    /// A PostgreSQL URL whose user may create databases: run there instead of SQLite.
    #[arg(long, env = "LOAD_DATABASE_URL")]
    database_url: Option<String>,
    /// Run on one node behind nginx, then on this many behind nginx (PostgreSQL only), and
    /// report the ratios.
    #[arg(long)]
    nodes: Option<usize>,
    /// Also write the figures as JSON to this file.
    #[arg(long)]
    json: Option<std::path::PathBuf>,
    /// Passed by `cargo bench`; ignored.
    #[arg(long, hide = true)]
    bench: bool,
}

fn range(text: &str) -> Result<(u64, u64), String> {
    let number = |t: &str| t.trim().parse::<u64>().map_err(|e| format!("{t:?}: {e}"));
    match text.split_once('-') {
        Some((low, high)) => Ok((number(low)?, number(high)?)),
        None => number(text).map(|n| (n, n)),
    }
}

/// The scenario's plan, with the arguments' overrides.
fn plan(args: &Args) -> Plan {
    let flow = Flow {
        arrival_ms: 0,
        begin: true,
        think_ms: (0, 0),
        saves_per_page: 4,
        retry: args.retry,
        saves: None,
        until: None,
        submit: true,
    };
    let base = Plan {
        candidates: 8,
        flow,
        duration: Some(Duration::from_secs(20)),
        start_together: true,
        submit_together: false,
        setup_limit: None,
        baseline: Duration::from_secs(args.baseline_secs),
        solo: args.solo,
        restart: false,
    };
    let mut plan = match args.scenario {
        Scenario::Saturate => base,
        Scenario::Crowd => Plan {
            candidates: 1024,
            duration: Some(Duration::from_secs(40)),
            start_together: false,
            ..base
        },
        Scenario::Pace => Plan {
            candidates: 10_000,
            duration: Some(Duration::from_secs(240)),
            start_together: false,
            flow: Flow {
                arrival_ms: 120_000,
                think_ms: (4_000, 6_000),
                saves_per_page: 1,
                ..base.flow.clone()
            },
            ..base
        },
        Scenario::SyncStart => Plan {
            candidates: 10_000,
            duration: None,
            setup_limit: Some(256),
            flow: Flow {
                saves: Some(1),
                saves_per_page: 1,
                ..base.flow.clone()
            },
            ..base
        },
        Scenario::Deadline => Plan {
            candidates: 10_000,
            duration: None,
            start_together: false,
            submit_together: true,
            setup_limit: Some(64),
            flow: Flow {
                saves: Some(2),
                saves_per_page: 1,
                ..base.flow.clone()
            },
            ..base
        },
        Scenario::Restart => Plan {
            candidates: 10_000,
            duration: None,
            start_together: false,
            setup_limit: Some(64),
            restart: true,
            flow: Flow {
                saves: Some(2),
                saves_per_page: 1,
                submit: false,
                ..base.flow.clone()
            },
            ..base
        },
    };
    if let Some(n) = args.candidates {
        plan.candidates = n;
    }
    if let Some(s) = args.duration_secs {
        plan.duration = Some(Duration::from_secs(s));
    }
    if let Some(t) = args.think_ms {
        plan.flow.think_ms = t;
    }
    if let Some(r) = args.ramp_secs {
        plan.flow.arrival_ms = r * 1000;
    }
    if let Some(s) = args.saves_per_page {
        plan.flow.saves_per_page = s;
    }
    if args.setup_limit.is_some() {
        plan.setup_limit = args.setup_limit;
    }
    plan
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    // One connection per candidate on each side: open files for 10,000 of them.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let plan = plan(&args);
    let target = Target {
        binary: env!("CARGO_BIN_EXE_sathach"),
        postgres: args.database_url.as_deref(),
        workers: args.workers,
        behind_nginx: None,
    };
    let name = format!("{:?}", args.scenario).to_lowercase();
    let json = match args.nodes {
        None => {
            eprintln!("preparing {} candidates for {name}…", plan.candidates);
            let outcome = scenario::run(&plan, &target).await?;
            print!("{}", report::text(&name, plan.candidates, &outcome));
            report::json(&name, plan.candidates, &outcome)
        }
        Some(nodes) => {
            anyhow::ensure!(
                target.postgres.is_some(),
                "--nodes needs --database-url postgres://…: nodes share one PostgreSQL database \
                 (a SQLite database has one node)"
            );
            anyhow::ensure!(
                !plan.restart && nodes >= 1,
                "--nodes runs any scenario but restart, on 1 node or more"
            );
            let mut outcomes = Vec::with_capacity(2);
            for count in [1, nodes] {
                eprintln!(
                    "preparing {} candidates for {name}, {count} node(s) behind nginx…",
                    plan.candidates
                );
                let target = Target {
                    behind_nginx: Some(count),
                    ..target
                };
                let outcome = scenario::run(&plan, &target).await?;
                println!("{}", report::text(&name, plan.candidates, &outcome));
                outcomes.push(outcome);
            }
            let (one, many) = (&outcomes[0], &outcomes[1]);
            print!("{}", report::nodes_text(one, many));
            report::nodes_json(&name, plan.candidates, one, many)
        }
    };
    if let Some(path) = &args.json {
        std::fs::write(path, serde_json::to_string_pretty(&json)?)?;
    }
    Ok(())
}
