//! One load run, start to end: a fresh database with a roster, the real server as a child
//! process, then in the same run the baseline (`GET /healthz` in a closed loop at the load's
//! concurrency), the unloaded run (a few candidates alone, one after another), the load
//! itself, optionally a SIGKILL and restart with the attempts in progress, and the check
//! that every acknowledged save is stored.

use std::{sync::Arc, time::Duration};

use tokio::{
    sync::{Barrier, Semaphore},
    time::Instant,
};

use super::{
    check::{self, Verdict},
    drive::{Candidate, Flow, Gates},
    prep::{self, Data},
    server::{Fleet, Memory},
    stats::Stats,
};

/// What to run.
#[derive(Clone, Debug)]
pub struct Plan {
    pub candidates: usize,
    pub flow: Flow,
    /// The load phase's answering ends this long after it began.
    pub duration: Option<Duration>,
    pub start_together: bool,
    pub submit_together: bool,
    /// How many may sign in and start at once (None: everyone).
    pub setup_limit: Option<usize>,
    pub baseline: Duration,
    /// Candidates run alone before the load, for the unloaded latencies.
    pub solo: usize,
    /// After the load (which then must not submit): SIGKILL, restart, then every candidate
    /// saves once more and submits.
    pub restart: bool,
}

/// Where to run it.
pub struct Target<'a> {
    pub binary: &'a str,
    /// PostgreSQL's maintenance URL (a database is created and dropped); None: SQLite.
    pub postgres: Option<&'a str>,
    pub workers: Option<usize>,
    /// Several nodes behind nginx (PostgreSQL only), or None for one node reached directly.
    pub behind_nginx: Option<usize>,
}

/// After a SIGKILL: how long until `/healthz` said 200, and until a question page answered
/// (with that status: 200 the question, 303 the lobby of a paused attempt).
#[derive(Debug, serde::Serialize)]
pub struct Restart {
    pub healthz_s: f64,
    pub question_s: f64,
    pub question_status: u16,
    /// When the attempts were paused: seconds until the harness, as the proctor, had resumed
    /// them all.
    pub resumed_s: Option<f64>,
}

pub struct Outcome {
    pub engine: String,
    /// "one node", "2 nodes behind nginx".
    pub nodes: String,
    pub baseline: Stats,
    pub solo: Stats,
    pub load: Stats,
    pub after_restart: Option<Stats>,
    pub restart: Option<Restart>,
    /// Before the load (after the baseline and the unloaded run), and at its end.
    pub memory_before: Memory,
    pub memory_after: Memory,
    pub load_seconds: f64,
    pub verdict: Verdict,
}

pub async fn run(plan: &Plan, target: &Target<'_>) -> anyhow::Result<Outcome> {
    let data = Data::create(target.postgres).await?;
    let outcome = run_on(plan, target, &data).await;
    data.drop_database().await?;
    outcome
}

async fn run_on(plan: &Plan, target: &Target<'_>, data: &Data) -> anyhow::Result<Outcome> {
    let settings = &data.settings;
    let seats = prep::roster(settings, plan.solo + plan.candidates).await?;
    let engine = {
        let db = sathach::db::Db::connect(settings).await?;
        let engine = data.engine(&db).await;
        db.close().await;
        engine
    };
    let mut fleet = Fleet::start(
        target.binary,
        settings,
        target.workers,
        target.behind_nginx,
        plan.candidates + plan.solo,
    )
    .await?;
    let address = fleet.address().to_string();
    let make = |i: usize| Candidate::new(i, seats[i].clone(), &address);
    let mut crowd: Vec<Candidate> = (plan.solo..seats.len()).map(make).collect();

    let baseline = Arc::new(Stats::new());
    let until = Instant::now() + plan.baseline;
    crowd = together(crowd, |c| {
        let stats = baseline.clone();
        async move {
            c.healthz_until(&stats, until).await;
            c
        }
    })
    .await;

    let solo = Stats::new();
    let alone = Flow {
        arrival_ms: 0,
        think_ms: (0, 0),
        saves_per_page: 1,
        retry: 0.0,
        saves: None,
        until: None,
        submit: true,
        begin: true,
    };
    // `/healthz` by one client alone: how far the crowd's concurrency by itself takes even a
    // memory read from its unloaded p99 (the baseline's ratio in the report).
    make(0)
        .healthz_until(&solo, Instant::now() + Duration::from_secs(1))
        .await;
    for i in 0..plan.solo {
        let mut c = make(i);
        // One save per question of the demo paper (25 questions).
        let mut flow = alone.clone();
        flow.saves = Some(25);
        c.sit(&solo, &flow, &Gates::default()).await;
    }

    let memory_before = fleet.memory();
    let load = Arc::new(Stats::new());
    let n = crowd.len();
    let gates = Gates {
        start: plan.start_together.then(|| Arc::new(Barrier::new(n))),
        submit: plan.submit_together.then(|| Arc::new(Barrier::new(n))),
        setup: plan.setup_limit.map(|l| Arc::new(Semaphore::new(l))),
    };
    let mut flow = plan.flow.clone();
    flow.until = plan.duration.map(|d| Instant::now() + d);
    let began = Instant::now();
    crowd = together(crowd, |mut c| {
        let (stats, flow, gates) = (load.clone(), flow.clone(), gates.clone());
        async move {
            c.sit(&stats, &flow, &gates).await;
            c
        }
    })
    .await;
    let load_seconds = began.elapsed().as_secs_f64();

    let (mut restart, mut after_restart) = (None, None);
    if plan.restart {
        let killed = Instant::now();
        let server = fleet.first();
        server.restart(settings)?;
        let healthz = server.ready(Duration::from_secs(600)).await?;
        let probe = &crowd[0];
        let path = format!("/thi/q/{}", probe.current());
        let question_status = loop {
            if let Some(status) = probe.probe(&path).await {
                break status;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        let question_s = killed.elapsed().as_secs_f64();
        // A restart pauses the attempts (unless another node stayed alive): the proctor resumes.
        let paused = question_status == 303;
        if paused {
            prep::resume(settings, &seats[plan.solo..]).await?;
        }
        restart = Some(Restart {
            healthz_s: healthz.as_secs_f64(),
            question_s,
            question_status,
            resumed_s: paused.then(|| killed.elapsed().as_secs_f64()),
        });
        let again = Arc::new(Stats::new());
        let flow = Flow {
            begin: false,
            saves: Some(1),
            until: None,
            submit: true,
            ..plan.flow.clone()
        };
        together(crowd, |mut c| {
            let (stats, flow) = (again.clone(), flow.clone());
            async move {
                c.sit(&stats, &flow, &Gates::default()).await;
                c
            }
        })
        .await;
        after_restart = Some(unwrap_stats(again));
    }
    let memory_after = fleet.memory();
    let nodes = fleet.describe();
    drop(fleet);

    let (baseline, load) = (unwrap_stats(baseline), unwrap_stats(load));
    let mut acks = solo.acks();
    acks.extend(load.acks());
    if let Some(after) = &after_restart {
        acks.extend(after.acks());
    }
    let verdict = check::check(settings, &seats, &acks).await?;
    Ok(Outcome {
        engine,
        nodes,
        baseline,
        solo,
        load,
        after_restart,
        restart,
        memory_before,
        memory_after,
        load_seconds,
        verdict,
    })
}

/// Runs `each` for every candidate at once, each on its own task; the candidates back.
async fn together<F, Fut>(crowd: Vec<Candidate>, each: F) -> Vec<Candidate>
where
    F: Fn(Candidate) -> Fut,
    Fut: std::future::Future<Output = Candidate> + Send + 'static,
{
    let tasks: Vec<_> = crowd.into_iter().map(|c| tokio::spawn(each(c))).collect();
    let mut back = Vec::with_capacity(tasks.len());
    for task in tasks {
        back.push(task.await.expect("a candidate's task"));
    }
    back
}

fn unwrap_stats(stats: Arc<Stats>) -> Stats {
    Arc::into_inner(stats).expect("every task has ended")
}
