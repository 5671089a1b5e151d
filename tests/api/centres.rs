//! One person per department, matched by CCCD, but each centre sees and changes only what it
//! recorded: centre Y, enrolling a person centre X knows, reads and changes nothing of X's.

use reqwest::StatusCode;
use sathach::accounts::model::Role;

use crate::{
    candidates,
    helpers::{ADMIN, MANAGER, TestApp, spawn_app_with_demo},
    sessions::{schedule, upload},
};

/// Trần Thị Bình, on the demo roster of centre X (Sao Mai), with X's accommodation.
pub(crate) const CCCD: &str = "036185000123";
const HEADER: &str = "Họ và tên,Ngày sinh,Giới tính,Số CCCD,Mã khác,Trường,Đối tượng\n";
const X_REASON: &str = "thị lực kém";

pub(crate) async fn person_id(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT id FROM people WHERE national_id = $1")
        .bind(CCCD)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

/// A manager of centre Y (Hồng Hà), with a proctor there and the demo blueprints shared by
/// the department, so Y can schedule.
pub(crate) async fn centre_y(app: &TestApp) -> TestApp {
    sqlx::query(
        "UPDATE blueprints SET organisation_id =
             (SELECT department_id FROM organisations WHERE code = 'TT-SAOMAI')",
    )
    .execute(&app.db.write)
    .await
    .unwrap();
    sathach::accounts::cli_add(&app.db, "TT-HONGHA", Role::Proctor, "gt@hongha.vn", None)
        .await
        .unwrap();
    app.browser_for_new_account("TT-HONGHA", Role::CentreManager, "ql@hongha.vn")
        .await
}

pub(crate) fn roster(name: &str, birth: &str) -> Vec<u8> {
    format!("{HEADER}{name},{birth},Nữ,{CCCD},,THPT Hồng Hà,Giáo viên\n").into_bytes()
}

#[tokio::test]
async fn centre_y_reads_and_changes_nothing_that_centre_x_recorded() {
    let app = spawn_app_with_demo().await;
    let person = person_id(&app).await;
    // Her sitting at X's demo session (found before Y has a session of its own).
    let (session_x, attempts) = app.demo_session().await;
    let mut sitting = None;
    for i in 0..attempts.len() {
        let s = candidates::unadmitted(&app, i).await;
        let who: String = sqlx::query_scalar("SELECT person_id FROM attempts WHERE id = $1")
            .bind(&s.attempt)
            .fetch_one(&app.db.read)
            .await
            .unwrap();
        if who == person {
            sitting = Some(s);
        }
    }
    let s = sitting.expect("she is on X's roster");
    let y = centre_y(&app).await;
    let session_y = schedule(&y, "Ca Hồng Hà").await;

    // Before Y enrols her, Y does not see her at all.
    let page = format!("/people/{person}");
    assert_eq!(y.get(&page).await.status(), StatusCode::NOT_FOUND);

    // A row with her CCCD but another name: refused, without the stored name or birth date.
    let (status, html) = upload(
        &y,
        &session_y,
        "ds.csv",
        roster("Trần Thị Bính", "12/11/1985"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{html}");
    assert!(html.contains("Số CCCD này đã có trong hệ thống"), "{html}");
    assert!(
        !html.contains("Trần Thị Bình")
            && !html.contains("12/11/1985")
            && !html.contains("1985-11-12")
    );
    let (status, html) = upload(
        &y,
        &session_y,
        "ds.csv",
        roster("Trần Thị Bình", "13/11/1985"),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!html.contains("12/11/1985"), "{html}");
    assert_eq!(
        y.get(&page).await.status(),
        StatusCode::NOT_FOUND,
        "not enrolled"
    );

    // The same person, matched: Y sees her record but not X's accommodation or its reason.
    let (status, html) = upload(
        &y,
        &session_y,
        "ds.csv",
        roster("Trần Thị Bình", "12/11/1985"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    let seen = y.get_text(&page).await;
    assert!(seen.contains("Trần Thị Bình"));
    assert!(!seen.contains(X_REASON) && !seen.contains("25 %"), "{seen}");
    assert!(
        !seen.contains("Trần Thị Bính"),
        "the earlier claim is for the admin only"
    );

    // Y's +100 % with Y's reason: X neither sees it nor gets it at X's sessions.
    let res = y
        .post_form(
            &format!("{page}/accommodations"),
            &[
                ("percent", "100"),
                ("reason", "Lý do của Hồng Hà"),
                ("expires_on", "31/12/2099"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(y.get_text(&page).await.contains("Lý do của Hồng Hà"));
    let x = app.another_browser();
    x.signed_in_as(MANAGER).await;
    let seen_by_x = x.get_text(&page).await;
    assert!(seen_by_x.contains(X_REASON), "X still sees its own");
    assert!(!seen_by_x.contains("Lý do của Hồng Hà") && !seen_by_x.contains("100 %"));

    // Only an admin settles the conflict; Y's attempt to rename her is refused.
    let res = y
        .post_form(&format!("{page}/resolve"), &[("choice", "roster")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = x
        .post_form(&format!("{page}/resolve"), &[("choice", "roster")])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN, "nor X's manager");
    let slips = x.get_text(&format!("/sessions/{session_x}/slips")).await;
    assert!(slips.contains("Trần Thị Bình") && !slips.contains("Trần Thị Bính"));
    let report = x
        .get_text(&format!("/sessions/{session_x}/report.csv"))
        .await;
    assert!(report.contains("Trần Thị Bình") && !report.contains("Trần Thị Bính"));

    // At X's session she gets X's 25 %, not Y's 100 %.
    candidates::admit(&app, &s.session, &s.attempt).await;
    s.started().await;
    assert_eq!(app.clock_of(&s.attempt).await.accommodation_percent, 25);

    // The admin sees the claim and settles it.
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    let seen = admin.get_text(&page).await;
    assert!(
        seen.contains("Trần Thị Bính") || seen.contains("13/11/1985"),
        "{seen}"
    );
    let res = admin
        .post_form(&format!("{page}/resolve"), &[("choice", "keep")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}
