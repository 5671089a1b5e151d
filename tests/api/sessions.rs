//! Scheduling sessions and filling rosters over HTTP: form errors named by field, roster files
//! (CSV and `.xlsx`) checked row by row and imported all or nothing, one person across the
//! department's sessions, accommodations, and access codes that can be reissued.

use reqwest::StatusCode;
use sathach::{attempts::model::access_code_digest, clock, sessions::start::start};

use crate::helpers::{ADMIN, MANAGER, PROCTOR, TestApp, csrf_in, location, spawn_app_with_demo};

/// Schedules a session at the demo centre through the form, on 05/12/2030 07:30–09:00;
/// returns its id.
pub(crate) async fn schedule(app: &TestApp, title: &str) -> String {
    schedule_at(app, title, ("07:30", "09:00")).await
}

/// Schedules a session at the demo centre through the form on 05/12/2030 (the demo has one
/// room: two sessions at once would be an overlap to confirm); returns its id.
pub(crate) async fn schedule_at(app: &TestApp, title: &str, (start, end): (&str, &str)) -> String {
    let form = app.get_text("/sessions/new").await;
    let pick = |name: &str| {
        let start = form.find(&format!("name=\"{name}\"")).unwrap();
        let value = form[start..].find("value=\"").unwrap() + start + 7;
        let value = if name == "proctor" {
            value
        } else {
            form[value..].find("value=\"").unwrap() + value + 7
        };
        form[value..value + form[value..].find('"').unwrap()].to_string()
    };
    let (blueprint, room, proctor) = (pick("blueprint"), pick("room"), pick("proctor"));
    let fields = [
        ("title", title),
        ("blueprint", blueprint.as_str()),
        ("room", room.as_str()),
        ("date", "05/12/2030"),
        ("start", start),
        ("end", end),
        ("late_entry", "15"),
        ("proctor", proctor.as_str()),
        ("reauthorise", "on"),
    ];
    let res = app.post_form("/sessions", &fields).await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    location(&res).trim_start_matches("/sessions/").to_string()
}

/// Uploads a roster file to a session.
pub(crate) async fn upload(
    app: &TestApp,
    session: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, String) {
    let page = app.get_text(&format!("/sessions/{session}")).await;
    let token = csrf_in(&page).unwrap();
    let path = format!("/sessions/{session}/roster?csrf={token}");
    app.post_file(&path, (name, bytes), &[]).await
}

#[tokio::test]
async fn a_manager_schedules_a_session_and_every_bad_field_is_named() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let fields = [
        ("title", " "),
        ("date", "31/11/2026"),
        ("start", "7:30"),
        ("end", "9:00"),
        ("late_entry", "-1"),
    ];
    let res = app.post_form("/sessions", &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    for message in [
        "Hãy nhập tên ca thi",
        "Hãy chọn ma trận đề.",
        "Hãy chọn phòng thi của trung tâm.",
        "Hãy chọn ít nhất một giám thị",
        "Hãy nhập ngày đúng dạng dd/mm/yyyy.",
        "Số phút vào muộn là số nguyên từ 0 đến 240.",
    ] {
        assert!(page.contains(message), "{message} missing");
    }
    let id = schedule(&app, "Ca 2 – IU01, sáng 05/12").await;
    let page = app.get_text(&format!("/sessions/{id}")).await;
    assert!(page.contains("Ca 2 – IU01, sáng 05/12") && page.contains("05/12/2030 07:30–09:00"));
    assert!(page.contains("07:45"), "the late-entry cut-off is shown");
    let log = app.log_of(&id).await;
    assert_eq!(
        (log[0].action.as_str(), log[0].email.as_deref()),
        ("session_schedule", Some(MANAGER.0))
    );
    // A proctor sees the session only once assigned, and may not schedule.
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    assert_eq!(
        proctor.get("/sessions/new").await.status(),
        StatusCode::FORBIDDEN
    );
    assert!(proctor.get_text("/sessions").await.contains("Ca 2 – IU01"));
}

#[tokio::test]
async fn a_roster_with_bad_rows_names_each_and_imports_nothing() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let id = schedule(&app, "Ca có danh sách lỗi").await;
    let csv = "Họ và tên;Ngày sinh;Giới tính;Số CCCD;Trường\n\
               Nguyễn Văn An;05/03/2008;Nam;001208012345;THPT A\n\
               ;01/01/2009;Nam;001209000002;THPT A\n\
               Lê Văn C;31/02/2009;Nam;001209000003;THPT A\n\
               Phạm Thị D;01/01/2009;Nữ;999309000004;THPT A\n\
               Trần Văn E;01/01/2009;Nam;001208012345;THPT A\n";
    let (status, page) = upload(&app, &id, "danh-sach.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "Dòng 3: Thiếu họ và tên.",
        "Dòng 4 (“31/02/2009”): Ngày sinh không có trong lịch",
        "Dòng 5 (“999309000004”): Ba chữ số đầu của số CCCD không phải mã tỉnh",
        "Dòng 6: Số CCCD bị trùng: 001208012345 (2).",
    ] {
        assert!(page.contains(expected), "{expected} missing from {page}");
    }
    assert!(page.contains("chưa thí sinh nào được nhập"));
    let sql = format!("SELECT COUNT(*) FROM attempts WHERE session_id = '{id}'");
    assert_eq!(app.count(&sql).await, 0, "nothing is half-imported");

    let (status, page) = upload(
        &app,
        &id,
        "danh-sach.xlsx",
        b"PK\x03\x04 not really".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Không đọc được tệp .xlsx"));
    let latin1 = b"H\xf4 t\xean,Ng\xe0y sinh\n".to_vec();
    let (status, page) = upload(&app, &id, "danh-sach.csv", latin1).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("CSV UTF-8"),
        "says how to save the file: {page}"
    );
}

/// An `.xlsx` roster as Excel leaves it: CCCD numbers typed as numbers (leading zeros lost).
fn xlsx_roster(rows: &[(&str, &str, &str, f64)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Trường"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    for (r, (name, birth, sex, id)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *name).unwrap();
        sheet.write_string(r, 1, *birth).unwrap();
        sheet.write_string(r, 2, *sex).unwrap();
        sheet.write_number(r, 3, *id).unwrap();
        sheet.write_string(r, 4, "THPT Chu Văn An").unwrap();
    }
    book.save_to_buffer().unwrap()
}

#[tokio::test]
async fn an_xlsx_roster_is_repaired_and_people_are_matched_across_sessions() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let first = schedule(&app, "Ca sáng").await;
    let people_before = app.count("SELECT COUNT(*) FROM people").await;
    let rows = [
        ("Ngô Thị Lan", "04/04/2008", "Nữ", 1_308_012_399.0),
        ("Nguyễn Văn An", "05/03/2008", "Nam", 1_208_012_345.0),
    ];
    let (status, page) = upload(&app, &first, "ds.xlsx", xlsx_roster(&rows)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("Đã thêm 2 thí sinh"));
    assert!(
        page.contains("Dòng 2 (“001308012399”): Số CCCD bị mất số 0 ở đầu"),
        "the repair is reported: {page}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people").await,
        people_before + 1,
        "Nguyễn Văn An was already known from the demo"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE national_id = '001308012399'")
            .await,
        1
    );

    // The same person on another session under a different name: refused and flagged for an
    // admin, the only one who settles it; one record still.
    let second = schedule_at(&app, "Ca chiều", ("13:30", "15:00")).await;
    let rows = [("Ngô Thị Lan Anh", "04/04/2008", "Nữ", 1_308_012_399.0)];
    let (status, page) = upload(&app, &second, "ds.xlsx", xlsx_roster(&rows)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("Dòng 2: Số CCCD này đã có trong hệ thống"),
        "{page}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM people WHERE national_id = '001308012399'")
            .await,
        1
    );
    let person: String =
        sqlx::query_scalar("SELECT id FROM people WHERE national_id = '001308012399'")
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    let page = app.get_text(&format!("/people/{person}")).await;
    assert!(page.contains("Dữ liệu không khớp") && page.contains("Chỉ quản trị viên"));
    let res = app
        .post_form(
            &format!("/people/{person}/resolve"),
            &[("choice", "roster")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    let page = admin.get_text(&format!("/people/{person}")).await;
    assert!(page.contains("Dữ liệu không khớp") && page.contains("Ngô Thị Lan Anh"));
    let res = admin
        .post_form(
            &format!("/people/{person}/resolve"),
            &[("choice", "roster")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (name, flag): (String, Option<String>) =
        sqlx::query_as("SELECT full_name, flag FROM people WHERE id = $1")
            .bind(&person)
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    assert_eq!((name.as_str(), flag), ("Ngô Thị Lan Anh", None));
    let (_, page) = upload(&app, &second, "ds.xlsx", xlsx_roster(&rows)).await;
    assert!(page.contains("Đã thêm 1 thí sinh"), "{page}");
    // Importing the same file again adds nobody twice.
    let (_, page) = upload(&app, &second, "ds.xlsx", xlsx_roster(&rows)).await;
    assert!(
        page.contains("Đã thêm 0 thí sinh; 1 người đã có trong danh sách."),
        "{page}"
    );
}

#[tokio::test]
async fn one_candidate_is_added_after_the_manager_confirms_what_looks_wrong() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let (session, _) = app.demo_session().await;
    let mut fields = vec![
        ("full_name", "Đỗ Thu Trang"),
        ("birth_date", "09/09/2007"),
        ("sex", "female"),
        ("national_id", "001308000777"),
        ("unit", "THPT Chu Văn An"),
        ("group", "student"),
    ];
    let res = app
        .post_form(&format!("/sessions/{session}/candidates"), &fields)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Năm sinh trong số CCCD khác năm sinh trong danh sách.")
    );
    fields.push(("confirm", "on"));
    let res = app
        .post_form(&format!("/sessions/{session}/candidates"), &fields)
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_text(&location(&res)).await;
    assert!(page.contains("Đã thêm thí sinh, số báo danh") && page.contains("Đỗ Thu Trang"));
    let res = app
        .post_form(
            &format!("/sessions/{session}/candidates"),
            &[("full_name", "X"), ("birth_date", "1/1/2009")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Thiếu số CCCD"));
}

#[tokio::test]
async fn a_reissued_access_code_replaces_the_old_one_on_the_slip() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(PROCTOR).await;
    let (session, attempts) = app.demo_session().await;
    let slips = app.get_text(&format!("/sessions/{session}/slips")).await;
    let stored = |app: &TestApp| {
        let (db, id) = (app.db.read.clone(), attempts[0].clone());
        async move {
            sqlx::query_scalar::<_, String>("SELECT access_code_digest FROM attempts WHERE id = $1")
                .bind(id)
                .fetch_one(&db)
                .await
                .unwrap()
        }
    };
    let key = sathach::startup::server_secret(&app.db).await.unwrap();
    let old_digest = stored(&app).await;
    let old_code = code_on(&slips, 0);
    assert_eq!(
        access_code_digest(&key, &old_code),
        old_digest,
        "the slip's code is the stored one"
    );
    assert!(
        !slips.contains(&old_digest),
        "only the code is printed, never the digest"
    );
    let res = app
        .post_form(
            &format!("/sessions/{session}/attempts/{}/code", attempts[0]),
            &[],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let slip = app.get_text(&location(&res)).await;
    let new_code = code_on(&slip, 0);
    assert_ne!(new_code, old_code);
    assert_eq!(access_code_digest(&key, &new_code), stored(&app).await);
    assert_ne!(
        access_code_digest(&key, &old_code),
        stored(&app).await,
        "the old code stops working"
    );
    assert!(
        app.log_of(&session)
            .await
            .iter()
            .any(|l| l.action == "code_reissue" && l.email.as_deref() == Some(PROCTOR.0))
    );
}

/// The n-th access code printed on a page of slips.
fn code_on(page: &str, n: usize) -> String {
    let marker = "Mật khẩu dự thi</dt><dd class=\"secret\">";
    let start = page.match_indices(marker).nth(n).unwrap().0 + marker.len();
    page[start..start + 11].to_string()
}

#[tokio::test]
async fn an_accommodation_follows_the_person_into_the_deadline() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let (session, attempts) = app.demo_session().await;
    let person: String = sqlx::query_scalar("SELECT person_id FROM attempts WHERE id = $1")
        .bind(&attempts[0])
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let bad = [
        ("percent", "150"),
        ("reason", ""),
        ("expires_on", "01/01/2020"),
    ];
    let res = app
        .post_form(&format!("/people/{person}/accommodations"), &bad)
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(
        page.contains("từ 1 đến 100")
            && page.contains("Hãy ghi lý do")
            && page.contains("không sớm hơn hôm nay")
    );
    let good = [
        ("percent", "50"),
        ("reason", "Khiếm thị, có giấy xác nhận"),
        ("expires_on", "31/12/2099"),
    ];
    assert_eq!(
        app.post_form(&format!("/people/{person}/accommodations"), &good)
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    for step in ["check-in", "authorise"] {
        app.post_form(
            &format!("/sessions/{session}/attempts/{}/{step}", attempts[0]),
            &[],
        )
        .await;
    }
    app.post_form(&format!("/sessions/{session}/open"), &[])
        .await;
    let clock = start(&app.db, &attempts[0], clock::now_ms()).await.unwrap();
    assert_eq!(clock.accommodation_percent, 50);
    assert_eq!(
        clock.deadline_at,
        Some(clock.started_at.unwrap() + 45 * 60_000),
        "30 minutes + 50 %"
    );
}

#[tokio::test]
async fn a_schedule_can_change_until_the_session_opens() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let id = schedule(&app, "Ca gõ nhầm giờ").await;
    let form = app.get_text(&format!("/sessions/{id}/edit")).await;
    assert!(
        form.contains("value=\"05/12/2030\"") && form.contains("value=\"07:30\""),
        "prefilled"
    );
    let value = |name: &str| {
        let start = form.find(&format!("name=\"{name}\"")).unwrap();
        let tag = &form[start..start + form[start..].find('>').unwrap()];
        let v = tag.find("value=\"").map(|i| &tag[i + 7..]).unwrap_or("");
        v[..v.find('"').unwrap_or(0)].to_string()
    };
    let selected = |name: &str| {
        let start = form.find(&format!("name=\"{name}\"")).unwrap();
        let rest = &form[start..];
        let chosen = &rest[..rest.find(" selected").unwrap()];
        let v = &chosen[chosen.rfind("value=\"").unwrap() + 7..];
        v[..v.find('"').unwrap()].to_string()
    };
    let (blueprint, room, proctor) = (selected("blueprint"), selected("room"), value("proctor"));
    let fields = [
        ("title", "Ca gõ nhầm giờ"),
        ("blueprint", blueprint.as_str()),
        ("room", room.as_str()),
        ("date", "05/12/2030"),
        ("start", "08:00"),
        ("end", "09:30"),
        ("late_entry", "10"),
        ("proctor", proctor.as_str()),
    ];
    let res = app
        .post_form(&format!("/sessions/{id}/edit"), &fields)
        .await;
    assert_eq!(
        res.status(),
        StatusCode::SEE_OTHER,
        "{}",
        res.text().await.unwrap()
    );
    let page = app.get_text(&format!("/sessions/{id}")).await;
    assert!(
        page.contains("05/12/2030 08:00–09:30") && page.contains("08:10"),
        "{page}"
    );
    let log = app.log_of(&id).await;
    assert_eq!(log.last().unwrap().action, "session_reschedule");
    let proctor_browser = app.another_browser();
    proctor_browser.signed_in_as(PROCTOR).await;
    assert_eq!(
        proctor_browser
            .get(&format!("/sessions/{id}/edit"))
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    // Opened (here directly: the proctor may open it only near its start, years away).
    let mut tx = app.db.begin_write().await.unwrap();
    assert!(
        sathach::sessions::store::open(&mut tx, &id, clock::now_ms())
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    assert_eq!(
        app.get(&format!("/sessions/{id}/edit")).await.status(),
        StatusCode::CONFLICT
    );
    let res = app
        .post_form(&format!("/sessions/{id}/edit"), &fields)
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}
