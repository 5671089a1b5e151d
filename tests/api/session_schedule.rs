//! Scheduling with sensible defaults and checks: a start in the past is refused, an overlap in
//! the room is a warning the manager confirms, a short window names the exam's length; the
//! proctor opens at most `open_early_minutes` before the start, and until the session opens
//! the candidate's lobby says when it starts.

use reqwest::StatusCode;
use sathach::{clock, sessions::model::Schedule, sessions::store as sessions};

use crate::{
    candidates::unadmitted,
    helpers::{
        MANAGER, PROCTOR, TestApp, fresh_settings, location, spawn_app_with_demo, spawn_demo_on,
    },
    sessions::{schedule, schedule_at},
};

/// The value of a form field on a page (the first `value="…"` after its name).
fn value_of(page: &str, name: &str) -> String {
    let start = page.find(&format!("name=\"{name}\"")).unwrap();
    let tag = &page[start..start + page[start..].find('>').unwrap()];
    let v = tag.find("value=\"").map(|i| &tag[i + 7..]).unwrap_or("");
    v[..v.find('"').unwrap_or(0)].to_string()
}

/// The scheduling form's choices at the demo centre: (blueprint, room, proctor).
async fn choices(app: &TestApp) -> (String, String, String) {
    let form = app.get_text("/sessions/new").await;
    let after = |name: &str, skip: usize| {
        let start = form.find(&format!("name=\"{name}\"")).unwrap();
        let mut rest = &form[start..];
        for _ in 0..=skip {
            rest = &rest[rest.find("value=\"").unwrap() + 7..];
        }
        rest[..rest.find('"').unwrap()].to_string()
    };
    (after("blueprint", 1), after("room", 1), after("proctor", 0))
}

#[tokio::test]
async fn the_new_form_starts_at_the_next_full_hour_with_room_for_the_exam() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let before = clock::now_ms();
    let form = app.get_text("/sessions/new").await;
    let hour = 3_600_000;
    let starts = [before, clock::now_ms()].map(|t| (t / hour + 1) * hour);
    let (date, start, end) = (
        value_of(&form, "date"),
        value_of(&form, "start"),
        value_of(&form, "end"),
    );
    assert!(
        starts
            .iter()
            .any(|s| clock::local_date(*s).display() == date
                && clock::format_local_time(*s) == start),
        "{date} {start}"
    );
    assert!(!end.is_empty());
    // As offered, the form is valid: the window fits the exam, and the start is to come.
    let (blueprint, room, proctor) = choices(&app).await;
    let fields = [
        ("title", "Ca theo giờ gợi ý"),
        ("blueprint", blueprint.as_str()),
        ("room", room.as_str()),
        ("date", date.as_str()),
        ("start", start.as_str()),
        ("end", end.as_str()),
        ("late_entry", "15"),
        ("proctor", proctor.as_str()),
        ("overlap_ok", "on"),
    ];
    let res = app.post_form("/sessions", &fields).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
}

#[tokio::test]
async fn a_start_in_the_past_and_a_window_shorter_than_the_exam_are_refused_with_why() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let (blueprint, room, proctor) = choices(&app).await;
    let yesterday = clock::local_date(clock::now_ms() - 86_400_000).display();
    for (date, end) in [(yesterday.as_str(), "11:00"), ("05/12/2030", "07:59")] {
        let fields = [
            ("title", "Ca lỗi"),
            ("blueprint", blueprint.as_str()),
            ("room", room.as_str()),
            ("date", date),
            ("start", "07:30"),
            ("end", end),
            ("proctor", proctor.as_str()),
        ];
        let res = app.post_form("/sessions", &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = res.text().await.unwrap();
        if end == "11:00" {
            assert!(page.contains("Giờ bắt đầu đã qua"), "{page}");
            continue;
        }
        // The message names the exam's length: more than the 29 minutes given.
        let marker = "ngắn hơn thời gian làm bài (";
        let at = page.find(marker).expect("the short-window message") + marker.len();
        let minutes: i64 = page[at..at + page[at..].find(" phút)").unwrap()]
            .parse()
            .unwrap();
        assert!(minutes > 29, "{minutes}");
    }
}

#[tokio::test]
async fn an_overlap_in_the_same_room_is_scheduled_only_once_the_manager_confirms() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let first = schedule(&app, "Ca sáng").await;
    let code: String = sqlx::query_scalar("SELECT code FROM exam_sessions WHERE id = $1")
        .bind(&first)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let (blueprint, room, proctor) = choices(&app).await;
    let mut fields = vec![
        ("title", "Ca trùng giờ"),
        ("blueprint", blueprint.as_str()),
        ("room", room.as_str()),
        ("date", "05/12/2030"),
        ("start", "08:30"),
        ("end", "10:00"),
        ("proctor", proctor.as_str()),
    ];
    let res = app.post_form("/sessions", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("đã có ca thi khác trùng giờ") && page.contains(&code));
    assert!(page.contains("name=\"overlap_ok\""));
    let count = || app.count("SELECT COUNT(*) FROM exam_sessions");
    let before = count().await;
    fields.push(("overlap_ok", "on"));
    let res = app.post_form("/sessions", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(count().await, before + 1);
    // Back to back is no overlap; nor is a session with itself when it is rescheduled.
    schedule_at(&app, "Ca liền sau", ("10:00", "11:30")).await;
}

/// A session of the demo centre starting `minutes` from now, with one roster candidate.
async fn starting_in(app: &TestApp, minutes: i64) -> String {
    let (demo, _) = app.demo_session().await;
    let first = sessions::by_id(&app.db.read, &demo).await.unwrap().unwrap();
    let now = clock::now_ms();
    let schedule = Schedule {
        title: format!("Ca sau {minutes} phút"),
        starts_at: now + minutes * 60_000,
        ends_at: now + (minutes + 120) * 60_000,
        late_entry_minutes: 15,
        reauthorise_on_return: true,
        allow_reopen: true,
        ask_birth_date: false,
    };
    let proctor = app.user_id(PROCTOR.0).await;
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
    let (session, _) = sessions::insert(&mut tx, new).await.unwrap();
    tx.commit().await.unwrap();
    session
}

#[tokio::test]
async fn the_proctor_opens_at_most_open_early_minutes_before_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = fresh_settings(dir.path()).await;
    settings.open_early_minutes = 30;
    let app = spawn_demo_on(settings, dir).await;
    app.signed_in_as(PROCTOR).await;
    let soon = starting_in(&app, 20).await;
    let later = starting_in(&app, 90).await;
    let res = app.post_form(&format!("/sessions/{later}/open"), &[]).await;
    let notice = app.get_text(&location(&res)).await;
    let later_session = sessions::by_id(&app.db.read, &later)
        .await
        .unwrap()
        .unwrap();
    let from = clock::format_local(later_session.starts_at - 30 * 60_000);
    assert!(
        notice.contains(&format!("ca thi này mở được từ {from}"))
            && notice.contains("open_early_minutes"),
        "{notice}"
    );
    let opened = |id: String| {
        let app = &app;
        async move {
            let s = sessions::by_id(&app.db.read, &id).await.unwrap().unwrap();
            s.opened_at.is_some()
        }
    };
    assert!(!opened(later.clone()).await);
    let res = app.post_form(&format!("/sessions/{soon}/open"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(opened(soon).await);
}

#[tokio::test]
async fn by_default_a_session_opens_only_from_its_start() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let soon = starting_in(&app, 5).await;
    let res = app.post_form(&format!("/sessions/{soon}/open"), &[]).await;
    assert!(location(&res).contains("open_early_not_allowed"));
    let s = sessions::by_id(&app.db.read, &soon).await.unwrap().unwrap();
    assert!(s.opened_at.is_none());
}

#[tokio::test]
async fn before_the_session_opens_the_lobby_says_when_it_starts() {
    let app = spawn_app_with_demo().await;
    let s = unadmitted(&app, 0).await;
    assert_eq!(location(&s.sign_in().await), "/thi/lobby");
    let session = sessions::by_id(&app.db.read, &s.session)
        .await
        .unwrap()
        .unwrap();
    let at = clock::format_local_time(session.starts_at);
    let lobby = s.browser.get_text("/thi/lobby").await;
    assert!(
        lobby.contains(&format!("Chưa đến giờ thi: ca thi bắt đầu lúc {at}.")),
        "{lobby}"
    );
    crate::candidates::admit(&app, &s.session, &s.attempt).await;
    let lobby = s.browser.get_text("/thi/lobby").await;
    assert!(!lobby.contains("Chưa đến giờ thi"), "opened: {lobby}");
}
