//! The candidate's exam under the session's rules, over HTTP: a second computer waits for the
//! proctor, saves in flight within the deadline's grace, the date of birth at sign-in, retakes,
//! sequential papers, and pages that allow no inline script.

use reqwest::StatusCode;
use sathach::{attempts, clock};

use crate::{
    candidates::{admit, answers_on, post_question, ready, seq_on},
    helpers::{PROCTOR, location, spawn_app_with_demo},
};

#[tokio::test]
async fn a_second_computer_waits_for_the_proctor_and_then_finds_every_answer() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let mut fields = answers_on(&page);
    fields.push(("seq".into(), seq_on(&page)));
    post_question(&s, 1, &fields, "next").await;
    // The PC crashed: the candidate signs in on another one.
    let second = s.on_another_computer(&app);
    assert_eq!(location(&second.sign_in().await), "/thi/lobby");
    assert!(
        second
            .browser
            .get_text("/thi/lobby")
            .await
            .contains("đang chờ giám thị cho phép")
    );
    assert_eq!(
        location(&second.browser.get("/thi/q/1").await),
        "/thi/lobby?q=1",
        "the lobby, which brings the candidate back to this question once approved"
    );
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let console = proctor
        .get_text(&format!("/sessions/{}/console", s.session))
        .await;
    assert!(console.contains("Máy mới đang chờ cho phép"));
    let res = proctor
        .post_form(
            &format!(
                "/sessions/{}/attempts/{}/approve-device",
                s.session, s.attempt
            ),
            &[],
        )
        .await;
    assert!(location(&res).contains("console.device_approved"));
    // The new computer continues with the saved answer; the old one is signed out.
    let resumed = second.browser.get_text("/thi/q/1").await;
    assert!(
        resumed.contains(&format!("value=\"{}\"", fields[0].1)),
        "{resumed}"
    );
    assert!(resumed.contains("Đã lưu lúc"));
    assert_eq!(
        location(&s.browser.get("/thi/q/1").await),
        "/thi?notice=exam.device_replaced",
        "the sign-in page tells the old computer why"
    );
    let log = app.log_of(&s.session).await;
    assert!(
        log.iter()
            .any(|l| l.action == "device_approved" && l.email.as_deref() == Some(PROCTOR.0))
    );
}

#[tokio::test]
async fn saves_in_flight_within_the_grace_count_then_the_server_submits_at_the_deadline() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let deadline = clock::now_ms() - 5_000;
    let set_deadline = |at: i64| {
        let (db, id) = (app.db.write.clone(), s.attempt.clone());
        async move {
            sqlx::query("UPDATE attempts SET deadline_at = $1 WHERE id = $2")
                .bind(at)
                .bind(id)
                .execute(&db)
                .await
                .unwrap();
        }
    };
    set_deadline(deadline).await;
    assert!(
        s.browser
            .get_text("/thi/q/1")
            .await
            .contains("Hết giờ làm bài")
    );
    let mut fields = answers_on(&page);
    fields.push(("seq".into(), seq_on(&page)));
    let res = post_question(&s, 1, &fields, "next").await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "a save five seconds late is within the grace"
    );
    set_deadline(clock::now_ms() - 31_000).await;
    let mut waited = 0;
    while app.clock_of(&s.attempt).await.state.as_str() != "submitted" && waited < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    let clock = app.clock_of(&s.attempt).await;
    assert_eq!(clock.end_cause.as_deref(), Some("deadline"));
    let receipt = s.browser.get_text("/thi/receipt").await;
    assert!(receipt.contains("Đã nộp bài"));
    let answered: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE attempt_id = $1")
        .bind(&s.attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    assert_eq!(answered, 1, "the late save was kept");
}

#[tokio::test]
async fn the_birth_date_is_asked_when_the_session_says_so() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    sqlx::query("UPDATE exam_sessions SET ask_birth_date = 1")
        .execute(&app.db.write)
        .await
        .unwrap();
    let res = s.sign_in().await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "the code alone is not enough"
    );
    let fields = [
        ("number", s.number.as_str()),
        ("code", s.code.as_str()),
        ("birth_date", "05/03/2008"),
    ];
    assert_eq!(
        location(&s.browser.post_form("/thi", &fields).await),
        "/thi/lobby"
    );
    let slips = app.another_browser();
    slips.signed_in_as(PROCTOR).await;
    let page = slips
        .get_text(&format!("/sessions/{}/slips", s.session))
        .await;
    assert!(page.contains("nhập cả ngày sinh"));
}

#[tokio::test]
async fn a_retake_waits_as_long_as_the_blueprint_says() {
    use sathach::sessions::{
        model::Schedule,
        start::{StartError, start},
        store as sessions,
    };
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    s.started().await;
    s.browser
        .post_form("/thi/submit", &[("confirm", "1")])
        .await;
    // The same person on a second sitting of the same blueprint, the next hour.
    let first = sessions::by_id(&app.db.read, &s.session)
        .await
        .unwrap()
        .unwrap();
    let person: String = sqlx::query_scalar("SELECT person_id FROM attempts WHERE id = $1")
        .bind(&s.attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let proctor = app.user_id(PROCTOR.0).await;
    let now = clock::now_ms();
    let schedule = Schedule {
        title: "Thi lại".into(),
        starts_at: now - 60_000,
        ends_at: now + 3_600_000,
        late_entry_minutes: 15,
        reauthorise_on_return: true,
        allow_reopen: true,
        ask_birth_date: false,
    };
    let mut tx = app.db.write.begin().await.unwrap();
    let new = sessions::NewSession {
        organisation_id: &first.organisation_id,
        blueprint_version_id: &first.blueprint_version_id,
        room_id: &first.room_id,
        duration_minutes: 30,
        schedule: &schedule,
        proctors: &[proctor],
        created_by: None,
    };
    let (session, code) = sessions::insert(&mut tx, new).await.unwrap();
    let (attempt, _) =
        attempts::store::add_to_roster(&mut tx, &session, &code, &person, &|_, _| "digest".into())
            .await
            .unwrap()
            .unwrap();
    tx.commit().await.unwrap();
    admit(&app, &session, &attempt).await;
    let refused = start(&app.db, &attempt, clock::now_ms()).await;
    assert!(
        matches!(
            refused,
            Err(StartError::Refused(
                attempts::model::StartRefusal::RetakeTooSoon
            ))
        ),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_sequential_paper_goes_forward_only() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    // A version of the demo blueprint with next-only navigation, for this session.
    let (version, source): (String, String) = sqlx::query_as(
        "SELECT v.id, v.source FROM blueprint_versions v JOIN exam_sessions s ON s.blueprint_version_id = v.id WHERE s.id = $1",
    )
    .bind(&s.session)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    let sequential = source.replace("navigation = \"free\"", "navigation = \"sequential\"");
    assert_ne!(sequential, source);
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO blueprint_versions (id, blueprint_id, number, source, content_hash, created_at)
         SELECT $1, blueprint_id, number + 100, $2, 'test', created_at FROM blueprint_versions WHERE id = $3",
    )
    .bind(&id)
    .bind(&sequential)
    .bind(&version)
    .execute(&app.db.write)
    .await
    .unwrap();
    sqlx::query("UPDATE exam_sessions SET blueprint_version_id = $1")
        .bind(&id)
        .execute(&app.db.write)
        .await
        .unwrap();
    let page = s.started().await;
    assert!(
        !page.contains("value=\"prev\"") && !page.contains("name=\"go\" value=\"2\""),
        "no way back, no jumps"
    );
    let mut fields = answers_on(&page);
    fields.push(("seq".into(), seq_on(&page)));
    assert_eq!(
        location(&post_question(&s, 1, &fields, "next").await),
        "/thi/q/2"
    );
    assert_eq!(
        location(&s.browser.get("/thi/q/1").await),
        "/thi/q/2",
        "a question left stays closed"
    );
    // Without JavaScript: back to the open question, which says why (never a 400 page).
    let res = post_question(&s, 1, &fields, "next").await;
    assert_eq!(location(&res), "/thi/q/2?notice=exam.question_closed");
    let text = s.browser.get_text(&location(&res)).await;
    assert!(text.contains("không thể quay lại câu đã qua"), "{text}");
    assert_eq!(
        location(&s.browser.get("/thi/lobby").await),
        "/thi/q/2",
        "signing in again resumes where the candidate was"
    );
}

#[tokio::test]
async fn candidate_pages_allow_no_inline_script() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let res = s.browser.get("/thi/q/1").await;
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    for chunk in page.split("<script").skip(1) {
        assert!(
            chunk.trim_start().starts_with("src="),
            "every script is a file: <script{chunk}"
        );
    }
}
