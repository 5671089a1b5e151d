//! Who sees a person's credit record: the department's admin and the manager of any of its
//! centres (credits accumulate across centres), with links to the results behind them only
//! where the results pages let them in; never a proctor or another department. A manager
//! finds someone examined elsewhere by their whole CCCD; the people list pages by 50. The
//! candidate's receipt says which credit a pass earns, and that it was recorded.

use reqwest::StatusCode;
use sathach::accounts::model::Role;

use crate::{
    browser::{axe_source, browser, click, no_axe_violations, wait_for_text},
    browser_practical::staff_signed_in,
    credits_fixture::{approve, centre, history, sat},
    credits_record::{PNG, record_earlier, revoke_link},
    helpers::{ADMIN, MANAGER, PROCTOR, TestApp, spawn_app_with_demo},
    results_fixture::{close, scored_session, sit},
};

pub async fn other_department_admin(app: &TestApp) -> TestApp {
    sathach::orgs::cli_add(
        &app.db,
        "SGD-KHAC",
        "Sở GD&ĐT khác",
        sathach::orgs::model::OrgKind::Department,
        None,
    )
    .await
    .unwrap();
    app.browser_for_new_account("SGD-KHAC", Role::Admin, "admin@sgd-khac.edu.vn")
        .await
}

#[tokio::test]
async fn the_department_s_admin_and_any_of_its_centre_managers_see_the_record_proctors_do_not() {
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    approve(&app, &history.session).await;
    let (elsewhere, attempt) = sat(
        &app,
        &history,
        &history.pass,
        ("IU02", "TT-B", "2026-03-02"),
    )
    .await;
    approve(&app, &elsewhere).await;
    let record = format!("/people/{}/credits", history.person);
    let here = format!("/sessions/{}/results/{}", history.session, history.pass);
    let there = format!("/sessions/{elsewhere}/results/{attempt}");

    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    let page = admin.get_text(&record).await;
    assert!(page.contains("2 tín chỉ") && page.contains(&here) && page.contains(&there));

    // The manager of another centre of the department sees the credits, and the results
    // behind them only at their own centre.
    centre(&app, "TT-B").await;
    let b = app
        .browser_for_new_account("TT-B", Role::CentreManager, "quanly@tt-b.edu.vn")
        .await;
    let res = b.get(&record).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains("Đạt mô đun IU01") && page.contains("Đạt mô đun IU02"));
    assert!(page.contains(&there) && !page.contains(&here), "{page}");
    assert!(
        revoke_link(&page, "IU01").is_none(),
        "examined at the demo centre"
    );
    assert!(revoke_link(&page, "IU02").is_some(), "examined at TT-B");
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let page = manager.get_text(&record).await;
    assert!(page.contains(&here) && !page.contains(&there));

    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    assert_eq!(proctor.get(&record).await.status(), StatusCode::FORBIDDEN);
    let other = other_department_admin(&app).await;
    assert_eq!(other.get(&record).await.status(), StatusCode::NOT_FOUND);
    let scan = format!("{record}/earlier/{}/scan", uuid::Uuid::new_v4());
    assert_eq!(other.get(&scan).await.status(), StatusCode::NOT_FOUND);
    let form = format!("{record}/earlier?csrf={}", other.csrf().await);
    let (status, _) = other.post_file(&form, ("b.png", PNG.to_vec()), &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM earlier_certificates").await,
        0
    );
}

#[tokio::test]
async fn a_manager_finds_someone_examined_elsewhere_only_by_their_whole_cccd() {
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    let (national_id, name): (String, String) =
        sqlx::query_as("SELECT national_id, full_name FROM people WHERE id = $1")
            .bind(&history.person)
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    centre(&app, "TT-B").await;
    let b = app
        .browser_for_new_account("TT-B", Role::CentreManager, "quanly@tt-b.edu.vn")
        .await;
    let found = b.get_text(&format!("/people?q={national_id}")).await;
    assert!(found.contains("Tìm thấy 1 người"), "{found}");
    assert!(found.contains(&format!(
        "href=\"/people/{}/credits\">{name}",
        history.person
    )));
    let part = &national_id[..8];
    let found = b.get_text(&format!("/people?q={part}")).await;
    assert!(
        !found.contains(&name),
        "part of a CCCD finds only one's own rosters"
    );
    let everyone = b.get_text("/people").await;
    assert!(!everyone.contains(&name));
    // Their person page stays their centres' own.
    let res = b.get(&format!("/people/{}", history.person)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_people_list_pages_by_fifty() {
    let app = spawn_app_with_demo().await;
    let department = app.org_id("SGD-DEMO").await;
    for n in 0..55 {
        sqlx::query(
            "INSERT INTO people (id, department_id, other_id, full_name, birth_date, unit,
                                 is_teacher, created_at)
             VALUES ($1, $2, $3, $4, '2008-01-01', 'THPT', 0, 0)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&department)
        .bind(format!("HS-{n:03}"))
        .bind(format!("Lê Văn Số {n:03}"))
        .execute(&app.db.write)
        .await
        .unwrap();
    }
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    let first = admin.get_text("/people?q=le+van+so").await;
    assert!(first.contains("Tìm thấy 55 người"), "{first}");
    assert_eq!(first.matches("Lê Văn Số").count(), 50);
    assert!(first.contains("page=2\""), "{first}");
    let second = admin.get_text("/people?q=le+van+so&page=2").await;
    assert_eq!(second.matches("Lê Văn Số").count(), 5);
}

#[tokio::test]
async fn the_receipt_says_which_credit_a_pass_earns_and_then_that_it_was_recorded() {
    let app = spawn_app_with_demo().await;
    let (session, _) = scored_session(&app, false).await;
    let passed = sit(&app, 0, 9, 4).await;
    let failed = sit(&app, 1, 0, 0).await;
    let pending = "Khi kết quả được phê duyệt, bạn được công nhận mô đun IU01 – ";
    let receipt = passed.browser.get_text("/thi/receipt").await;
    assert!(receipt.contains(pending), "{receipt}");
    assert!(receipt.contains("(1 tín chỉ)."), "{receipt}");
    let receipt = failed.browser.get_text("/thi/receipt").await;
    assert!(
        !receipt.contains("tín chỉ"),
        "a fail earns nothing: {receipt}"
    );

    close(&app, &session).await;
    approve(&app, &session).await;
    let receipt = passed.browser.get_text("/thi/receipt").await;
    assert!(!receipt.contains(pending));
    assert!(
        receipt.contains("Kết quả đã được phê duyệt: mô đun IU01 – ")
            && receipt.contains("(1 tín chỉ) đã được ghi vào sổ tín chỉ của bạn."),
        "{receipt}"
    );
}

#[tokio::test]
async fn the_record_and_revoke_pages_pass_axe() {
    let test = "the_record_and_revoke_pages_pass_axe";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    approve(&app, &history.session).await;
    let admin = app.another_browser();
    admin.signed_in_as(ADMIN).await;
    let fields = [
        ("equivalence", "ICDL-CE-GOC"),
        ("number", "ICDL-998877"),
        ("issuer", "ICDL Việt Nam"),
        ("issued_on", "01/03/2024"),
    ];
    let (status, _) =
        record_earlier(&admin, &history.person, &fields, ("c.png", PNG.to_vec())).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    staff_signed_in(&client, &app, None, ADMIN).await;
    let record = format!("/people/{}/credits", history.person);
    client.goto(&app.url(&record)).await.unwrap();
    wait_for_text(&client, "main h1", "Tín chỉ và chứng chỉ").await;
    no_axe_violations(&client, Some(&axe), &record).await;
    click(
        &client,
        "form[enctype='multipart/form-data'] button[type=submit]",
    )
    .await;
    wait_for_text(&client, ".error-summary", "Chọn loại chứng chỉ").await;
    no_axe_violations(&client, Some(&axe), "the record with the form's errors").await;
    let page = admin.get_text(&record).await;
    let entry = revoke_link(&page, "IU01").expect("a line to revoke");
    let revoke = format!("{record}/entries/{entry}/revoke");
    client.goto(&app.url(&revoke)).await.unwrap();
    wait_for_text(&client, "main h1", "Thu hồi tín chỉ").await;
    click(&client, "main form button[type=submit]").await;
    wait_for_text(&client, ".error-summary", "Chọn lý do thu hồi.").await;
    no_axe_violations(&client, Some(&axe), &revoke).await;
    client.close().await.unwrap();
}
