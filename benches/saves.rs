//! The exam under load, end to end over HTTP on SQLite: a room of 50 candidates each saving an
//! answer at the same moment, and each loading a question page, against a baseline measured
//! in the same run (the same 50 requests to `/healthz`, which touches neither the database nor
//! a template). Report the ratios, not the absolute times: they travel between machines.

use std::sync::Arc;

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use futures_util::future::join_all;
use sathach::{clock, config::Settings, db::Db, sessions::start::start, startup::Application};

const ROOM: usize = 50;

/// One candidate's browser, signed in and on question 1, with an answer to send.
struct Candidate {
    client: reqwest::Client,
    csrf: String,
    fields: Vec<(String, String)>,
}

/// Starts the app with the demo, a room of candidates signed in and started; returns its address.
async fn room() -> (String, Vec<Candidate>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings::for_data_dir(dir.path());
    settings.workers = Some(2);
    let db = Db::connect_and_migrate(&settings).await.unwrap();
    let app = Application::build(settings, db.clone()).await.unwrap();
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    sathach::demo::load(&db).await.unwrap();
    let session = support::demo_session(&db).await;
    let ids = support::enrolled(&db, &session, ROOM).await;
    let proctor = support::proctor(&db).await;
    let mut room = Vec::new();
    for id in ids.iter().rev().take(ROOM) {
        support::admit_all(&db, std::slice::from_ref(id), &proctor).await;
        start(&db, id, clock::now_ms()).await.unwrap();
        let (token, _) = support::device_signed_in(&db, id).await;
        room.push(signed_in(&address, &token).await);
    }
    (address, room, dir)
}

async fn signed_in(address: &str, token: &str) -> Candidate {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    jar.add_cookie_str(
        &format!("sathach_exam={token}; Path=/"),
        &address.parse().unwrap(),
    );
    let client = reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = client
        .get(format!("{address}/thi/q/1"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |marker: &str| {
        let start = page.find(marker).unwrap() + marker.len();
        page[start..start + page[start..].find('"').unwrap()].to_string()
    };
    let csrf = value("name=\"csrf\" value=\"");
    // Any control will do: the first radio, check box, or the text box.
    let fields = if page.contains("name=\"answer\" id=\"o0\"") {
        vec![(
            "answer".to_string(),
            value("name=\"answer\" id=\"o0\" value=\""),
        )]
    } else if page.contains("name=\"s0\"") {
        vec![("s0".to_string(), "true".to_string())]
    } else if page.contains("id=\"tf-true\"") {
        vec![("answer".to_string(), "true".to_string())]
    } else {
        vec![("answer".to_string(), "42".to_string())]
    };
    Candidate {
        client,
        csrf,
        fields,
    }
}

fn bench_room(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let (address, room, _dir) = rt.block_on(room());
    let seq = std::sync::atomic::AtomicI64::new(1);
    let mut group = c.benchmark_group("room of 50");
    group.sample_size(30);
    // Every candidate fetches the same page at once.
    let everyone_gets = |path: &'static str| {
        let (room, address) = (&room, &address);
        move || {
            join_all(room.iter().map(move |c| async move {
                let res = c
                    .client
                    .get(format!("{address}{path}"))
                    .send()
                    .await
                    .unwrap();
                res.bytes().await.unwrap()
            }))
        }
    };
    group.bench_function("baseline: 50 × GET /healthz", |b| {
        b.to_async(&rt).iter(everyone_gets("/healthz"))
    });
    group.bench_function("50 × save an answer", |b| {
        b.to_async(&rt).iter(|| {
            let n = seq
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
                .to_string();
            let address = &address;
            join_all(room.iter().map(move |c| {
                let mut form = c.fields.clone();
                form.push(("seq".into(), n.clone()));
                form.push(("csrf".into(), c.csrf.clone()));
                async move {
                    let res = c
                        .client
                        .post(format!("{address}/thi/q/1"))
                        .header("accept", "application/json")
                        .form(&form)
                        .send()
                        .await
                        .unwrap();
                    assert!(res.status().is_success(), "save refused: {}", res.status());
                }
            }))
        })
    });
    group.bench_function("50 × load a question page", |b| {
        b.to_async(&rt).iter(everyone_gets("/thi/q/1"))
    });
    group.finish();
}

criterion_group!(benches, bench_room);
criterion_main!(benches);
