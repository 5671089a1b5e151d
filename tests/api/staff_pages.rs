//! The staff pages a centre runs without help: an administrator edits an account's name, role
//! and organisation (by the rules of creating one, audited), confirms before disabling one;
//! the organisation list offers no school; each role's home offers what that role does; the
//! staff sign-in links to the candidates'; headings are not repeated as table captions; long
//! lists are paged. In headless Chromium the same steps pass axe-core.

use reqwest::StatusCode;

use crate::{
    browser::{axe_source, browser, click, no_axe_violations, wait_for_text},
    browser_practical::staff_signed_in,
    helpers::{ADMIN, MANAGER, PROCTOR, TestApp, location, spawn_app_with_demo},
};

/// The `<select>` of organisations on an account form.
fn org_select(page: &str) -> &str {
    let start = page
        .find("<select id=\"organisation_id\"")
        .expect("the select");
    &page[start..start + page[start..].find("</select>").unwrap()]
}

async fn audit_details(app: &TestApp, subject: &str, action: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT detail FROM audit_events WHERE subject_id = $1 AND action = $2")
        .bind(subject)
        .bind(action)
        .fetch_all(&app.db.read)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_edits_an_account_by_the_rules_of_creating_one() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let proctor = app.user_id(PROCTOR.0).await;
    let (hongha, school) = (app.org_id("TT-HONGHA").await, app.org_id("THPT-CVA").await);
    let list = app.get_text("/users").await;
    assert!(list.contains(&format!("href=\"/users/{proctor}/edit\"")));

    let form = app.get_text(&format!("/users/{proctor}/edit")).await;
    assert!(form.contains("value=\"Lê Thị Giám Thị\"") && form.contains("giamthi@demo.sathach.vn"));
    assert!(form.contains("id=\"role-proctor\" name=\"role\" value=\"proctor\" checked"));
    // No school is offered: no staff role belongs to one.
    let select = org_select(&form);
    assert!(!select.contains(&school) && !select.contains("Trường THPT Chu Văn An"));
    assert!(select.contains("<optgroup label=\"Sở (cho quản trị viên)\">"));
    assert!(select.contains("<optgroup label=\"Trung tâm (cho quản lý trung tâm và giám thị)\">"));

    // A school, a department for a proctor, an empty name: each refused at its field.
    let path = format!("/users/{proctor}/edit");
    for (name, role, org, message) in [
        (
            "Lê Thị Giám Thị",
            "proctor",
            school.as_str(),
            "error.role_organisation_mismatch",
        ),
        ("  ", "proctor", hongha.as_str(), "full_name"),
        (
            "Lê Thị Giám Thị",
            "admin",
            hongha.as_str(),
            "error.role_organisation_mismatch",
        ),
        ("Lê Thị Giám Thị", "chief", hongha.as_str(), "role"),
    ] {
        let fields = [
            ("full_name", name),
            ("role", role),
            ("organisation_id", org),
        ];
        let res = app.post_form(&path, &fields).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{message}");
        assert!(
            res.text().await.unwrap().contains("error-summary"),
            "{message}"
        );
    }
    let sessions_before = app
        .count(&format!(
            "SELECT COUNT(*) FROM staff_sessions WHERE user_id = '{proctor}'"
        ))
        .await;
    let fields = [
        ("full_name", "Lê  Thị Giám Sát"),
        ("role", "centre_manager"),
        ("organisation_id", hongha.as_str()),
    ];
    let res = app.post_form(&path, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let target = location(&res);
    assert_eq!(target, format!("/users?done=updated&user={proctor}"));
    let list = app.get_text(&target).await;
    assert!(
        list.contains("Đã lưu thay đổi của tài khoản giamthi@demo.sathach.vn."),
        "{list}"
    );
    let (name, role, org): (String, String, String) =
        sqlx::query_as("SELECT full_name, role, organisation_id FROM users WHERE id = $1")
            .bind(&proctor)
            .fetch_one(&app.db.read)
            .await
            .unwrap();
    assert_eq!(
        (name.as_str(), role.as_str(), org.as_str()),
        ("Lê Thị Giám Sát", "centre_manager", hongha.as_str())
    );
    assert_eq!(
        audit_details(&app, &proctor, "user.update").await,
        [
            "giamthi@demo.sathach.vn: name \"Lê Thị Giám Thị\" -> \"Lê Thị Giám Sát\"; \
             role proctor -> centre_manager; organisation Trung tâm Tin học Sao Mai -> TT-HONGHA"
        ]
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM staff_sessions WHERE user_id = '{proctor}'"
        ))
        .await,
        sessions_before
    );
    // Saving without a change records nothing.
    let same = [
        ("full_name", "Lê Thị Giám Sát"),
        ("role", "centre_manager"),
        ("organisation_id", hongha.as_str()),
    ];
    assert_eq!(
        app.post_form(&path, &same).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(audit_details(&app, &proctor, "user.update").await.len(), 1);

    // An administrator renames themself but cannot change their own role or organisation.
    let me = app.user_id(ADMIN.0).await;
    let department = app.org_id("SGD-DEMO").await;
    let own = format!("/users/{me}/edit");
    let res = app
        .post_form(
            &own,
            &[
                ("full_name", "Nguyễn Thị Quản Trị"),
                ("role", "centre_manager"),
                ("organisation_id", &hongha),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Bạn không thể tự đổi vai trò")
    );
    let rename = [
        ("full_name", "Nguyễn Thị Quản Trị Viên"),
        ("role", "admin"),
        ("organisation_id", department.as_str()),
    ];
    assert_eq!(
        app.post_form(&own, &rename).await.status(),
        StatusCode::SEE_OTHER
    );

    // Only administrators edit accounts.
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    assert_eq!(manager.get(&path).await.status(), StatusCode::FORBIDDEN);
    let res = manager.post_form(&path, &same).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn disabling_an_account_asks_first() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let proctor = app.user_id(PROCTOR.0).await;
    let list = app.get_text("/users").await;
    // Disabling is a link to a confirmation, not a button that acts at once.
    assert!(list.contains(&format!(
        "<a class=\"button small secondary\" href=\"/users/{proctor}/disable\">"
    )));
    assert!(!list.contains(&format!("action=\"/users/{proctor}/disable\"")));
    let confirm = app.get_text(&format!("/users/{proctor}/disable")).await;
    assert!(
        confirm.contains("Khoá tài khoản của Lê Thị Giám Thị (giamthi@demo.sathach.vn)?"),
        "{confirm}"
    );
    assert!(confirm.contains("bị đăng xuất ngay"));
    assert!(confirm.contains(&format!("action=\"/users/{proctor}/disable\"")));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = '{proctor}' AND disabled_at IS NOT NULL"
        ))
        .await,
        0
    );
    let res = app
        .post_form(&format!("/users/{proctor}/disable"), &[])
        .await;
    assert_eq!(location(&res), "/users?done=disabled");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = '{proctor}' AND disabled_at IS NOT NULL"
        ))
        .await,
        1
    );
    // A disabled account is enabled again in one step; its confirmation page goes back.
    let res = app.get(&format!("/users/{proctor}/disable")).await;
    assert_eq!(location(&res), "/users");
    let me = app.user_id(ADMIN.0).await;
    assert_eq!(
        app.get(&format!("/users/{me}/disable")).await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn each_home_offers_what_its_role_does_and_the_sign_in_page_sends_candidates_on() {
    let app = spawn_app_with_demo().await;
    let sign_in = app.get_text("/sign-in").await;
    assert!(sign_in.contains("<a href=\"/thi\">Trang đăng nhập của thí sinh</a>"));

    app.signed_in_as(MANAGER).await;
    let home = app.get_text("/").await;
    for card in ["/banks", "/blueprints", "/sessions", "/people"] {
        assert!(
            home.contains(&format!("<a class=\"card\" href=\"{card}\">")),
            "{card}"
        );
    }
    assert!(home.contains("Lên lịch ca thi"));

    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let home = proctor.get_text("/").await;
    assert!(home.contains("<a class=\"card\" href=\"/sessions\">"));
    assert!(home.contains("Các ca thi được phân công"));
    assert!(!home.contains("Lên lịch"), "{home}");
    assert!(!home.contains("<a class=\"card\" href=\"/banks\">"));
    assert!(!home.contains("<a class=\"card\" href=\"/people\">"));
}

#[tokio::test]
async fn staff_lists_are_paged_and_do_not_repeat_their_heading_as_a_caption() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let department = app.org_id("SGD-DEMO").await;
    let centre = app.org_id("TT-SAOMAI").await;
    let (session, _) = app.demo_session().await;
    let now = sathach::clock::now_ms();
    let mut tx = app.db.begin_write().await.unwrap();
    for i in 0..55_i64 {
        let code = format!("TRUONG-{i:02}");
        let name = format!("Trường Tiểu học số {i:02}");
        sathach::orgs::store::insert(
            &mut tx,
            sathach::orgs::model::OrgKind::School,
            &code,
            &name,
            Some(&department),
        )
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO users (id, organisation_id, email, full_name, role, password_hash,
                                must_change_password, created_at)
             VALUES ($1, $2, $3, $4, 'proctor', 'x', 1, $5)",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&centre)
        .bind(format!("giamthi{i:02}@saomai.edu.vn"))
        .bind(format!("Giám Thị {i:02}"))
        .bind(now)
        .execute(&mut *tx)
        .await
        .unwrap();
        // Earlier sittings like the demo's, a day apart.
        sqlx::query(
            "INSERT INTO exam_sessions (id, code, organisation_id, blueprint_version_id, room_id,
                 title, duration_minutes, starts_at, ends_at, late_entry_minutes,
                 reauthorise_on_return, allow_reopen, created_at)
             SELECT $1, $2, organisation_id, blueprint_version_id, room_id, $3,
                 duration_minutes, starts_at - $4, ends_at - $4, late_entry_minutes,
                 reauthorise_on_return, allow_reopen, created_at
             FROM exam_sessions WHERE id = $5",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(format!("Z{i:03}"))
        .bind(format!("Ca thi cũ {i:02}"))
        .bind((i + 1) * 86_400_000_i64)
        .bind(&session)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();

    let pages = [
        ("/users", "SELECT COUNT(*) FROM users"),
        ("/orgs", "SELECT COUNT(*) FROM organisations"),
        ("/sessions", "SELECT COUNT(*) FROM exam_sessions"),
    ];
    for (list, count) in pages {
        let total = usize::try_from(app.count(count).await).unwrap();
        assert!(total > 55, "{list}: {total}");
        let first = app.get_text(list).await;
        let second = format!("{list}?page=2");
        assert!(
            first.contains(&format!("href=\"{second}\"")),
            "{list}: {first}"
        );
        assert!(first.contains("aria-current=\"page\">1<"), "{list}");
        // A header row and fifty rows, then the rest.
        assert_eq!(first.matches("<tr>").count(), 51, "{list}");
        let next = app.get_text(&second).await;
        assert_eq!(next.matches("<tr>").count(), total - 50 + 1, "{list}");
        assert!(next.contains("aria-current=\"page\">2<"), "{list}");
        assert!(!first.contains("<caption"), "{list}");
    }
    // The newest session first; the oldest copy on the second page.
    let second = app.get_text("/sessions?page=2").await;
    assert!(second.contains("Ca thi cũ 54"));
    for list in [
        "/banks",
        "/blueprints",
        "/people",
        "/api-tokens",
        &format!("/orgs/{centre}"),
    ] {
        let page = app.get_text(list).await;
        assert!(!page.contains("<caption"), "{list}: {page}");
    }
}

#[tokio::test]
async fn in_a_browser_the_account_pages_pass_axe_and_editing_and_disabling_work() {
    let test = "in_a_browser_the_account_pages_pass_axe_and_editing_and_disabling_work";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    client.goto(&app.url("/sign-in")).await.unwrap();
    no_axe_violations(&client, Some(&axe), "/sign-in").await;
    staff_signed_in(&client, &app, None, ADMIN).await;
    no_axe_violations(&client, Some(&axe), "the admin's home").await;
    let proctor = app.user_id(PROCTOR.0).await;
    client.goto(&app.url("/users")).await.unwrap();
    no_axe_violations(&client, Some(&axe), "/users").await;
    click(&client, &format!("a[href='/users/{proctor}/edit']")).await;
    wait_for_text(&client, "main h1", "Sửa tài khoản").await;
    no_axe_violations(&client, Some(&axe), "the edit form").await;
    let name = client
        .find(fantoccini::Locator::Css("#full_name"))
        .await
        .unwrap();
    name.clear().await.unwrap();
    name.send_keys("Lê Thị Giám Sát").await.unwrap();
    click(&client, "main form button[type=submit]").await;
    wait_for_text(
        &client,
        "main .notice",
        "Đã lưu thay đổi của tài khoản giamthi",
    )
    .await;
    // An empty name is refused on the form, next to the field, and the page still passes.
    click(&client, &format!("a[href='/users/{proctor}/edit']")).await;
    wait_for_text(&client, "main h1", "Sửa tài khoản").await;
    client
        .find(fantoccini::Locator::Css("#full_name"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    click(&client, "main form button[type=submit]").await;
    wait_for_text(&client, ".error-summary", "").await;
    no_axe_violations(&client, Some(&axe), "the edit form with an error").await;

    client.goto(&app.url("/users")).await.unwrap();
    click(&client, &format!("a[href='/users/{proctor}/disable']")).await;
    wait_for_text(&client, "main h1", "Khoá tài khoản").await;
    no_axe_violations(&client, Some(&axe), "the disable confirmation").await;
    click(&client, "main form button[type=submit]").await;
    wait_for_text(&client, "main .notice", "Đã khoá tài khoản").await;
    let disabled = app
        .count(&format!(
            "SELECT COUNT(*) FROM users WHERE id = '{proctor}' AND disabled_at IS NOT NULL"
        ))
        .await;
    assert_eq!(disabled, 1);
    for page in ["/orgs", "/sessions", "/banks", "/blueprints"] {
        client.goto(&app.url(page)).await.unwrap();
        no_axe_violations(&client, Some(&axe), page).await;
    }
    client.close().await.unwrap();
}
