//! The console a proctor reads under pressure: the notice after an action names what was done
//! to whom, terminating says what happens to the attempt, "the session ended as scheduled" is
//! only a reason for closing, a closed session stops saying (and doing) that it refreshes; and in
//! headless Chromium at 1024×768 with thirty candidates the table starts on the first screen,
//! its buttons line up and axe-core finds nothing.

use reqwest::StatusCode;
use sathach::{clock, sessions::start::start};
use serde_json::Value;

use crate::{
    browser::{axe_source, browser, no_axe_violations, wait_until},
    browser_practical::staff_signed_in,
    helpers::{MANAGER, PROCTOR, TestApp, location, spawn_app_with_demo},
    sessions::upload,
};

/// Posts a console action, follows its redirect and returns the console page.
async fn act(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> String {
    let res = app.post_form(path, fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
    app.get_text(&location(&res)).await
}

/// The notice at the top of a console page.
fn notice(page: &str) -> &str {
    let start = page.find("class=\"notice").expect("a notice");
    let start = page[start..].find('>').unwrap() + start + 1;
    &page[start..start + page[start..].find("</div>").unwrap()]
}

/// The candidate number and name of an attempt.
async fn who(app: &TestApp, attempt: &str) -> String {
    let (number, name): (String, String) = sqlx::query_as(
        "SELECT a.candidate_number, p.full_name FROM attempts a JOIN people p ON p.id = a.person_id
         WHERE a.id = $1",
    )
    .bind(attempt)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    format!("{name} (SBD {number})")
}

#[tokio::test]
async fn the_console_names_what_was_done_to_whom_and_stops_refreshing_once_closed() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    let (base, a) = (format!("/sessions/{session}"), attempts[0].as_str());
    let to = |action: &str| format!("{base}/attempts/{a}/{action}");
    let who = who(&app, a).await;

    let page = act(&app, &to("check-in"), &[]).await;
    assert_eq!(
        notice(&page),
        format!("Đã xác nhận danh tính thí sinh {who}.")
    );
    let page = act(&app, &to("authorise"), &[]).await;
    assert_eq!(
        notice(&page),
        format!("Đã cho phép thí sinh {who} làm bài.")
    );
    act(&app, &format!("{base}/open"), &[]).await;
    start(&app.db, a, clock::now_ms()).await.unwrap();
    let fields = [
        ("minutes", "10"),
        ("reason", "environment.noise"),
        ("comment", ""),
    ];
    let page = act(&app, &to("extra-time"), &fields).await;
    assert_eq!(notice(&page), format!("Đã cộng 10 phút cho {who}."));
    // Anything in the address that is not a number of minutes is not shown.
    let forged = app
        .get_text(&format!(
            "{base}/console?notice=staff.more.done_extra_time&who=x&n=%3Cb%3E"
        ))
        .await;
    assert_eq!(notice(&forged), "Đã ghi nhận cho thí sinh x.");
    let page = act(
        &app,
        &to("pause"),
        &[("reason", "technical.freeze"), ("comment", "")],
    )
    .await;
    assert_eq!(notice(&page), format!("Đã tạm dừng bài thi của {who}."));
    let incident = [
        ("attempt", a),
        ("reason", "candidate.illness"),
        ("comment", ""),
    ];
    let page = act(&app, &format!("{base}/incidents"), &incident).await;
    assert_eq!(
        notice(&page),
        format!("Đã ghi sự cố của thí sinh {who} vào biên bản.")
    );
    // The incident form waits below the table, folded.
    let table = page.find("<table class=\"table progress\"").unwrap();
    let incident_form = page
        .find("<details class=\"console-more\" id=\"incident\"")
        .unwrap();
    assert!(table < incident_form);

    // Terminating says what becomes of the attempt, and does not offer "ended as scheduled".
    let form = app.get_text(&to("terminate")).await;
    assert!(
        form.contains("Các câu trả lời đã lưu được giữ nguyên nhưng bài không được chấm"),
        "{form}"
    );
    assert!(form.contains("Ca thi này cho phép mở lại"), "{form}");
    assert!(!form.contains("value=\"schedule.end\""), "{form}");
    assert!(!form.contains("Kết thúc ca thi theo lịch"));
    let res = app
        .post_form(
            &to("terminate"),
            &[("reason", "schedule.end"), ("comment", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("chỉ dùng khi kết thúc cả ca thi")
    );
    assert_eq!(app.clock_of(a).await.state.as_str(), "paused");
    let page = act(
        &app,
        &to("terminate"),
        &[("reason", "candidate.behaviour"), ("comment", "")],
    )
    .await;
    assert_eq!(notice(&page), format!("Đã đình chỉ thi thí sinh {who}."));
    assert_eq!(app.clock_of(a).await.state.as_str(), "terminated");
    let page = act(
        &app,
        &to("reopen"),
        &[("reason", "staff.error"), ("comment", "")],
    )
    .await;
    assert_eq!(notice(&page), format!("Đã mở lại bài thi của {who}."));

    // Only closing offers and accepts "ended as scheduled"; a room pause does not.
    let pause = app.get_text(&format!("{base}/room/pause")).await;
    assert!(!pause.contains("value=\"schedule.end\""));
    let close = app.get_text(&format!("{base}/room/close")).await;
    assert!(close.contains("value=\"schedule.end\""));
    assert!(page.contains("data-refresh=") && page.contains("Bảng tự cập nhật 10 giây một lần."));
    let page = act(
        &app,
        &format!("{base}/room/close"),
        &[("reason", "schedule.end"), ("comment", "")],
    )
    .await;
    assert!(!page.contains("data-refresh="), "{page}");
    assert!(!page.contains("tự cập nhật 10 giây"), "{page}");
    assert!(page.contains("Ca thi đã kết thúc: bảng không còn tự cập nhật."));
    let part = app.get_text(&format!("{base}/console?part=rows")).await;
    assert!(!part.contains("data-refresh=") && part.contains("không còn tự cập nhật"));
}

#[tokio::test]
async fn terminating_where_reopening_is_not_allowed_says_so() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    sqlx::query("UPDATE exam_sessions SET allow_reopen = 0 WHERE id = $1")
        .bind(&session)
        .execute(&app.db.write)
        .await
        .unwrap();
    let base = format!("/sessions/{session}/attempts/{}", attempts[1]);
    act(&app, &format!("{base}/check-in"), &[]).await;
    let form = app.get_text(&format!("{base}/terminate")).await;
    assert!(
        form.contains("Ca thi này không cho phép mở lại bài thi đã bị đình chỉ"),
        "{form}"
    );
    assert!(!form.contains("Ca thi này cho phép mở lại"));
}

/// Twenty-four more candidates for the demo roster (which has six): thirty in the room.
fn more_candidates() -> Vec<u8> {
    let mut csv = String::from("Họ và tên,Ngày sinh,Giới tính,Số CCCD,Mã khác,Trường,Đối tượng\n");
    for i in 0..24 {
        csv.push_str(&format!(
            "Nguyễn Thị Phương Thảo {i},0{}/0{}/2008,Nữ,,HS-2008-{i:04},Trường THPT Chu Văn An,Học sinh\n",
            1 + i % 9,
            1 + i % 9
        ));
    }
    csv.into_bytes()
}

async fn script(client: &fantoccini::Client, js: &str) -> Value {
    client.execute(js, vec![]).await.unwrap()
}

/// Where the progress table and its first row sit, and the window's size.
const GEOMETRY: &str = "const t = document.querySelector('table.progress');
    const first = t.querySelector('tbody tr');
    return {top: t.getBoundingClientRect().top, first: first.getBoundingClientRect().bottom,
            height: window.innerHeight, width: window.innerWidth, scroll: window.scrollY,
            rows: t.querySelectorAll('tbody tr').length,
            head: t.querySelector('thead').getBoundingClientRect().bottom,
            main: document.querySelector('main').getBoundingClientRect().top,
            cells: [...first.children].map(c => Math.round(c.getBoundingClientRect().width)),
            buttons: [...first.querySelectorAll('.button')].map(b => b.textContent.trim())};";

/// Buttons in each row of the table: those on one line share their top and their height.
const ALIGNMENT: &str = "const bad = [];
    document.querySelectorAll('table.progress tbody tr').forEach((tr, i) => {
      const boxes = [...tr.querySelectorAll('.actions .button')].map(b => b.getBoundingClientRect());
      boxes.forEach(a => boxes.forEach(b => {
        const sameLine = Math.abs(a.top - b.top) < a.height / 2;
        if (sameLine && (Math.abs(a.top - b.top) > 0.5 || Math.abs(a.height - b.height) > 0.5)) {
          bad.push(i + ': ' + a.top + '/' + a.height + ' vs ' + b.top + '/' + b.height);
        }
      }));
    });
    return bad;";

#[tokio::test]
async fn at_1024x768_the_console_of_thirty_candidates_shows_its_table_on_the_first_screen() {
    let test = "at_1024x768_the_console_of_thirty_candidates_shows_its_table_on_the_first_screen";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let (session, attempts) = app.demo_session().await;
    let (status, page) = upload(&app, &session, "them.csv", more_candidates()).await;
    assert!(status.is_success() || status.is_redirection(), "{page}");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM attempts WHERE session_id = '{session}'"
        ))
        .await,
        30
    );
    // The room at work: some checked in and authorised, the session open, two sitting.
    let base = format!("/sessions/{session}");
    for a in &attempts[..4] {
        act(&app, &format!("{base}/attempts/{a}/check-in"), &[]).await;
    }
    act(
        &app,
        &format!("{base}/attempts/{}/authorise", attempts[0]),
        &[],
    )
    .await;
    act(
        &app,
        &format!("{base}/attempts/{}/authorise", attempts[1]),
        &[],
    )
    .await;
    act(&app, &format!("{base}/open"), &[]).await;
    for a in &attempts[..2] {
        start(&app.db, a, clock::now_ms()).await.unwrap();
    }

    staff_signed_in(&client, &app, None, PROCTOR).await;
    let who = who(&app, &attempts[0]).await;
    let number = who.rsplit(' ').next().unwrap().trim_end_matches(')');
    // As the proctor sees it after an action: the notice above the table.
    let console = format!("{base}/console?notice=staff.more.done_pause&who={number}");
    client.goto(&app.url(&console)).await.unwrap();
    let notice = client
        .find(fantoccini::Locator::Css("main .notice"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(notice, format!("Đã tạm dừng bài thi của {who}."));
    let at = script(&client, GEOMETRY).await;
    assert_eq!(at["rows"], 30, "{at}");
    assert_eq!(at["scroll"], 0, "{at}");
    assert!(
        at["width"].as_f64().unwrap() <= 1024.0 && at["height"].as_f64().unwrap() <= 768.0,
        "{at}"
    );
    assert!(
        at["first"].as_f64().unwrap() <= at["height"].as_f64().unwrap(),
        "the table's first row is below the first screen: {at}"
    );
    assert_eq!(script(&client, ALIGNMENT).await, Value::Array(vec![]));
    no_axe_violations(&client, Some(&axe), "the console with thirty candidates").await;

    // The terminate form explains itself and passes axe-core.
    client
        .goto(&app.url(&format!("{base}/attempts/{}/terminate", attempts[0])))
        .await
        .unwrap();
    wait_until(&client, "#terminate-effect", "không được chấm", 5).await;
    no_axe_violations(&client, Some(&axe), "the terminate form").await;

    // Closed by another proctor: the open console's script stops saying it refreshes.
    client
        .goto(&app.url(&format!("{base}/console")))
        .await
        .unwrap();
    wait_until(
        &client,
        "#progress .console-summary",
        "tự cập nhật 10 giây",
        5,
    )
    .await;
    let close = app.get_text(&format!("{base}/room/close")).await;
    assert!(close.contains("schedule.end"));
    act(
        &app,
        &format!("{base}/room/close"),
        &[("reason", "schedule.end"), ("comment", "")],
    )
    .await;
    wait_until(
        &client,
        "#progress .console-summary",
        "bảng không còn tự cập nhật",
        15,
    )
    .await;
    let refresh = script(
        &client,
        "return document.getElementById('progress').hasAttribute('data-refresh');",
    )
    .await;
    assert_eq!(refresh, Value::Bool(false));
    client
        .goto(&app.url(&format!("{base}/console")))
        .await
        .unwrap();
    no_axe_violations(&client, Some(&axe), "the closed console").await;
    client.close().await.unwrap();
}
