//! What the whole-system benchmarks share: the demo session with a roster of generated
//! candidates, opened, and candidates admitted (checked in and authorised) as a proctor does.

use sathach::{
    attempts::{
        clock::Change,
        devices,
        model::access_code_digest,
        store::{self as attempts, Note},
    },
    clock,
    db::Db,
    sessions::{enrolment::enrol, model::ExamSession, roster::parse_roster, store as sessions},
    sheets,
};

/// The demo session (loaded before), as stored now.
pub async fn demo_session(db: &Db) -> ExamSession {
    let id: String = sqlx::query_scalar("SELECT id FROM exam_sessions")
        .fetch_one(&db.read)
        .await
        .unwrap();
    sessions::by_id(&db.read, &id).await.unwrap().unwrap()
}

/// Enrols `n` generated candidates (born 01/01/2008) in the session and opens it; returns
/// every attempt of the session in candidate-number order. Each access code is the one a slip
/// would print: `attempts::access_code(server key, attempt, 1)`.
pub async fn enrolled(db: &Db, session: &ExamSession, n: usize) -> Vec<String> {
    let department: String =
        sqlx::query_scalar("SELECT department_id FROM organisations WHERE id = $1")
            .bind(&session.organisation_id)
            .fetch_one(&db.read)
            .await
            .unwrap();
    let mut csv = String::from("Họ và tên,Ngày sinh,Số CCCD\n");
    for i in 0..n {
        csv.push_str(&format!("Thí sinh {i},01/01/2008,001208{i:06}\n"));
    }
    let (rows, problems) = parse_roster(&sheets::read_csv(&csv).unwrap());
    assert!(problems.is_empty(), "{problems:?}");
    let key = sathach::startup::server_secret(db).await.unwrap();
    let digest = |attempt: &str, generation: i64| {
        access_code_digest(
            &key,
            &sathach::attempts::access_code(&key, attempt, generation),
        )
    };
    let mut tx = db.write.begin().await.unwrap();
    enrol(&mut tx, session, &department, None, &rows, &digest)
        .await
        .unwrap();
    sessions::open(&mut tx, &session.id, clock::now_ms())
        .await
        .unwrap();
    tx.commit().await.unwrap();
    sqlx::query_scalar("SELECT id FROM attempts WHERE session_id = $1 ORDER BY candidate_number")
        .bind(&session.id)
        .fetch_all(&db.read)
        .await
        .unwrap()
}

/// The demo proctor's id.
pub async fn proctor(db: &Db) -> String {
    sqlx::query_scalar("SELECT id FROM users WHERE role = 'proctor'")
        .fetch_one(&db.read)
        .await
        .unwrap()
}

/// Checks the candidates in and authorises them to start, as the proctor does.
pub async fn admit_all(db: &Db, attempts: &[String], proctor: &str) {
    let admit = [
        Change::CheckIn {
            by: proctor.to_string(),
        },
        Change::Authorise,
    ];
    change_all(db, attempts, &admit).await;
}

/// Applies `changes` to each attempt as the console does (a few hundred per transaction).
pub async fn change_all(db: &Db, attempts: &[String], changes: &[Change]) {
    for chunk in attempts.chunks(500) {
        let mut tx = db.write.begin().await.unwrap();
        for attempt in chunk {
            for change in changes {
                attempts::apply(&mut tx, attempt, change, clock::now_ms(), Note::default())
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
    }
}

/// Lets a computer in to an attempt straight in the database, as the sign-in page does with the
/// right code: the device's token (the exam cookie) and its standing.
#[allow(dead_code)] // not every benchmark that shares these helpers signs computers in
pub async fn device_signed_in(db: &Db, attempt: &str) -> (String, devices::Standing) {
    let entry = attempts::entry(&db.read, attempt).await.unwrap().unwrap();
    let mut tx = db.write.begin().await.unwrap();
    let arrival = devices::Arrival {
        address: "",
        computer: "",
    };
    let signed_in = devices::sign_in(&mut tx, &entry, false, arrival)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    signed_in
}
