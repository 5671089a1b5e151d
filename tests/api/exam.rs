//! The candidate's exam over HTTP (no browser): sign-in and its throttle, the lobby, answering
//! every item type, ordered idempotent saves, tampered fields, one device at a time, the
//! deadline's grace, submission with its digest and result, and that no page a candidate can
//! reach carries anything that identifies a key.

use reqwest::StatusCode;
use sathach::{attempts, clock};

use crate::helpers::{PROCTOR, TestApp, csrf_in, location, spawn_app_with_demo};

/// A candidate's browser and what the test knows of their attempt.
pub struct Sitting {
    pub browser: TestApp,
    pub session: String,
    pub attempt: String,
    pub number: String,
    pub code: String,
}

/// The demo session opened by the proctor, candidate `index` checked in and authorised, and a
/// fresh browser for them (not signed in yet).
pub async fn ready(app: &TestApp, index: usize) -> Sitting {
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    let attempt = attempts[index].clone();
    for step in ["check-in", "authorise"] {
        proctor
            .post_form(
                &format!("/sessions/{session}/attempts/{attempt}/{step}"),
                &[],
            )
            .await;
    }
    proctor
        .post_form(&format!("/sessions/{session}/open"), &[])
        .await;
    let secret = sathach::startup::server_secret(&app.db).await.unwrap();
    let number: String = sqlx::query_scalar("SELECT candidate_number FROM attempts WHERE id = $1")
        .bind(&attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    Sitting {
        browser: app.another_browser(),
        session,
        attempt: attempt.clone(),
        number,
        code: attempts::access_code(&secret, &attempt, 1),
    }
}

impl Sitting {
    pub async fn sign_in(&self) -> reqwest::Response {
        let typed = self.code.to_lowercase().replace('-', " ");
        self.browser
            .post_form(
                "/thi",
                &[
                    ("number", &self.number.to_lowercase()),
                    ("code", &typed),
                    ("birth_date", ""),
                ],
            )
            .await
    }

    /// Signs in and starts; returns the first question's page.
    pub async fn started(&self) -> String {
        assert_eq!(location(&self.sign_in().await), "/thi/lobby");
        let lobby = self.browser.get_text("/thi/lobby").await;
        assert!(lobby.contains("Bắt đầu làm bài"), "{lobby}");
        let res = self.browser.post_form("/thi/start", &[]).await;
        assert_eq!(location(&res), "/thi/q/1");
        self.browser.get_text("/thi/q/1").await
    }
}

/// Answers for every control on a question page, as a candidate would pick them: the first
/// option of each radio group, the first checkbox, the first real option of each select, and
/// "42" typed.
pub fn answers_on(page: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    let attr = |tag: &str, name: &str| -> Option<String> {
        let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(tag[start..start + tag[start..].find('"')?].to_string())
    };
    for tag in page.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let name = attr(tag, "name").unwrap_or_default();
        if ["csrf", "seq", "flag", "go", ""].contains(&name.as_str())
            || tag.contains("type=\"hidden\"")
        {
            continue;
        }
        let taken = fields.iter().any(|(n, _)| *n == name);
        if tag.starts_with("input")
            && (tag.contains("type=\"radio\"") || tag.contains("type=\"checkbox\""))
        {
            if !taken {
                fields.push((name, attr(tag, "value").unwrap()));
            }
        } else if tag.starts_with("input") {
            fields.push((name, "42".into()));
        } else if tag.starts_with("select") {
            let rest = &page[page.find(tag).unwrap()..];
            let first = rest.split("<option value=\"").nth(2).unwrap();
            fields.push((name, first[..first.find('"').unwrap()].to_string()));
        }
    }
    fields
}

/// The hidden `seq` field of a question page.
pub fn seq_on(page: &str) -> String {
    let start = page.find("name=\"seq\" value=\"").unwrap() + 18;
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

/// Posts a question's form as the browser would without JavaScript.
async fn post_question(
    s: &Sitting,
    n: usize,
    fields: &[(String, String)],
    go: &str,
) -> reqwest::Response {
    let mut all: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    all.push(("go", go));
    s.browser.post_form(&format!("/thi/q/{n}"), &all).await
}

/// The first question whose controls carry option tokens: (number, page).
async fn first_with_options(s: &Sitting) -> (usize, String) {
    for n in 1..=60 {
        let page = s.browser.get_text(&format!("/thi/q/{n}")).await;
        if answers_on(&page).iter().any(|(_, v)| v.len() == 12) {
            return (n, page);
        }
    }
    panic!("no question with options on the paper");
}

/// Every option control of a page looks the same apart from its token, id and whether the
/// candidate chose it: nothing in the markup tells a key from a distractor.
fn options_look_alike(page: &str) {
    let mut shapes: std::collections::HashMap<String, std::collections::HashSet<String>> =
        Default::default();
    for tag in page.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let kind = if tag.starts_with("input")
            && !tag.contains("type=\"hidden\"")
            && !tag.contains("id=\"flag\"")
        {
            "input"
        } else if tag.starts_with("option") {
            "option"
        } else {
            continue;
        };
        let shape: String = tag
            .split(' ')
            .filter(|a| {
                !a.starts_with("value=")
                    && !a.starts_with("id=")
                    && !a.starts_with("name=")
                    && *a != "checked"
                    && *a != "selected"
            })
            .collect::<Vec<_>>()
            .join(" ");
        shapes.entry(kind.into()).or_default().insert(shape);
    }
    for (kind, set) in shapes {
        assert!(set.len() <= 1, "{kind} controls differ in markup: {set:?}");
    }
}

/// Words and marks that would give a key away.
const TELLTALES: [&str; 7] = [
    "correct",
    "\"key\"",
    "✓",
    "Đáp án",
    "explanation",
    "is_key",
    "data-key",
];

#[tokio::test]
async fn a_candidate_answers_every_question_and_submits_with_a_digest() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let mut page = s.started().await;
    let after = page.split("Câu 1/").nth(1).unwrap();
    let total: usize = after[..after.find(|c: char| !c.is_ascii_digit()).unwrap()]
        .parse()
        .unwrap();
    let mut seen = Vec::new();
    for n in 1..=total {
        let fields = answers_on(&page);
        assert!(!fields.is_empty(), "question {n} has controls: {page}");
        let mut with_seq = fields.clone();
        with_seq.push(("seq".into(), seq_on(&page)));
        let res = post_question(&s, n, &with_seq, if n < total { "next" } else { "review" }).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "question {n}: {}",
            res.text().await.unwrap()
        );
        seen.push(page);
        page = s.browser.get_text(&location(&res)).await;
    }
    assert!(
        page.contains(&format!("Đã trả lời {total}/{total} câu")),
        "{page}"
    );
    seen.push(page);
    let res = s.browser.post_form("/thi/submit", &[]).await;
    assert_eq!(
        location(&res),
        "/thi/review#confirm",
        "submitting needs a confirmation"
    );
    let res = s
        .browser
        .post_form("/thi/submit", &[("confirm", "1")])
        .await;
    assert_eq!(location(&res), "/thi/receipt");
    let receipt = s.browser.get_text("/thi/receipt").await;
    assert!(
        receipt.contains("Đã nộp bài") && receipt.contains("Điểm theo chủ đề"),
        "{receipt}"
    );
    seen.push(receipt.clone());
    let (digest, outcome): (String, String) = sqlx::query_as(
        "SELECT responses_digest, outcome FROM attempt_results WHERE attempt_id = $1",
    )
    .bind(&s.attempt)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert!(receipt.contains(&digest) && digest.len() == 64);
    assert!(["pass", "fail"].contains(&outcome.as_str()));
    let answered: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM responses WHERE attempt_id = $1 AND value IS NOT NULL",
    )
    .bind(&s.attempt)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(answered, total as i64, "every answer is in the database");
    // Submitting again finds the receipt; the question pages send the candidate there too.
    assert_eq!(
        location(
            &s.browser
                .post_form("/thi/submit", &[("confirm", "1")])
                .await
        ),
        "/thi/receipt"
    );
    assert_eq!(location(&s.browser.get("/thi/q/1").await), "/thi/receipt");
    let explanations: Vec<String> = sqlx::query_scalar("SELECT body FROM item_versions")
        .fetch_all(&app.db.read)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|body: String| {
            let item: serde_json::Value = serde_json::from_str(&body).ok()?;
            item["explanation"]["html"].as_str().map(str::to_string)
        })
        .collect();
    assert!(!explanations.is_empty());
    for page in &seen {
        for telltale in TELLTALES {
            assert!(
                !page.contains(telltale),
                "a candidate page contains {telltale}"
            );
        }
        let leaked = explanations.iter().any(|e| page.contains(e.as_str()));
        assert!(!leaked, "an explanation reached the candidate");
        options_look_alike(page);
    }
}

#[tokio::test]
async fn saves_are_ordered_idempotent_and_refuse_tampering() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let fields = answers_on(&page);
    let save = |seq: &str, fields: &[(String, String)]| {
        let mut all: Vec<(String, String)> = fields.to_vec();
        all.push(("seq".into(), seq.into()));
        let browser = &s.browser;
        async move {
            let token = csrf_in(&browser.get_text("/thi/lobby").await).unwrap_or_default();
            let token = if token.is_empty() {
                browser.csrf().await
            } else {
                token
            };
            all.push(("csrf".into(), token));
            browser
                .client
                .post(browser.url("/thi/q/1"))
                .header("accept", "application/json")
                .form(&all)
                .send()
                .await
                .unwrap()
        }
    };
    let res = save("5", &fields).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["seq"], 5);
    let stored = || async {
        sqlx::query_as::<_, (i64, Option<String>)>(
            "SELECT seq, value FROM responses WHERE attempt_id = $1",
        )
        .bind(&s.attempt)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
    };
    let first = stored().await;
    // The same save again (a retry) is answered as saved and changes nothing.
    assert_eq!(save("5", &fields).await.status(), StatusCode::OK);
    assert_eq!(stored().await, first);
    // An older save arriving late never overwrites the newer one.
    let res = save("4", &[]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let text = res.text().await.unwrap();
    assert!(text.contains("câu trả lời mới hơn"), "{text}");
    assert_eq!(stored().await, first);
    // A token that is not this item's, in this attempt (on the first question with options).
    let (n, choice_page) = first_with_options(&s).await;
    let forged: Vec<(String, String)> = answers_on(&choice_page)
        .into_iter()
        .map(|(name, value)| {
            (
                name,
                if value.len() == 12 {
                    "AAAAAAAAAAAA".into()
                } else {
                    value
                },
            )
        })
        .chain([("seq".to_string(), "1".to_string())])
        .collect();
    let token = s.browser.csrf().await;
    let mut all = forged.clone();
    all.push(("csrf".into(), token));
    let res = s
        .browser
        .client
        .post(s.browser.url(&format!("/thi/q/{n}")))
        .header("accept", "application/json")
        .form(&all)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("không thuộc câu hỏi này")
    );
    assert_eq!(stored().await, first);
    // A question that is not on the paper.
    let res = s.browser.post_form("/thi/q/999", &[("seq", "1")]).await;
    assert!(res.status().is_client_error());
    // An oversized payload.
    let huge = vec![("answer".to_string(), "x".repeat(300_000))];
    assert!(save("7", &huge).await.status().is_client_error());
    assert_eq!(stored().await, first);
    // After submitting, nothing more is saved.
    s.browser
        .post_form("/thi/submit", &[("confirm", "1")])
        .await;
    let res = save("8", &fields).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(stored().await, first);
}

#[tokio::test]
async fn guessing_is_throttled_per_candidate_number_not_per_lab() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let other = ready(&app, 1).await;
    for tries_left in (0..5).rev() {
        let res = s
            .browser
            .post_form("/thi", &[("number", &s.number), ("code", "WRONG-CODE1")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            res.text()
                .await
                .unwrap()
                .contains(&format!("Còn {tries_left} lần thử"))
        );
    }
    let res = s.sign_in().await;
    assert_eq!(
        res.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right code waits"
    );
    assert!(res.text().await.unwrap().contains("Hãy đợi 15 phút"));
    assert_eq!(
        location(&other.sign_in().await),
        "/thi/lobby",
        "the lab's other candidates are not affected"
    );
    // The code is never echoed back into the page.
    let page = s
        .browser
        .post_form("/thi", &[("number", &s.number), ("code", &s.code)])
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains(&s.code));
}

#[tokio::test]
async fn a_second_computer_waits_for_the_proctor_and_then_finds_every_answer() {
    let app = spawn_app_with_demo().await;
    let s = ready(&app, 0).await;
    let page = s.started().await;
    let mut fields = answers_on(&page);
    fields.push(("seq".into(), seq_on(&page)));
    post_question(&s, 1, &fields, "next").await;
    // The PC crashed: the candidate signs in on another one.
    let second = Sitting {
        browser: app.another_browser(),
        session: s.session.clone(),
        attempt: s.attempt.clone(),
        number: s.number.clone(),
        code: s.code.clone(),
    };
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
        "/thi/lobby"
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
    assert_eq!(location(&s.browser.get("/thi/q/1").await), "/thi");
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
    while app.clock_of(&s.attempt).await.state != "submitted" && waited < 100 {
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
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    for step in ["check-in", "authorise"] {
        proctor
            .post_form(
                &format!("/sessions/{session}/attempts/{attempt}/{step}"),
                &[],
            )
            .await;
    }
    proctor
        .post_form(&format!("/sessions/{session}/open"), &[])
        .await;
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
    let res = post_question(&s, 1, &fields, "next").await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("không thể quay lại câu đã qua")
    );
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
