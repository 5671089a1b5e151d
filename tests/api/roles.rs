//! The role/route matrix: each role reaches exactly what the README's table allows, and no
//! one sees another centre's or another department's records.

use reqwest::StatusCode;
use sathach::accounts::model::Role;

use crate::helpers::{ADMIN, MANAGER, PROCTOR, TestApp, spawn_app_with_demo};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Admin,
    Manager,
    Proctor,
    OtherCentreManager,
    OtherDepartmentAdmin,
}

const ALL: [Who; 6] = [
    Who::Anonymous,
    Who::Admin,
    Who::Manager,
    Who::Proctor,
    Who::OtherCentreManager,
    Who::OtherDepartmentAdmin,
];

/// Creates an account directly and returns its (changed) password.
async fn account(app: &TestApp, org: &str, role: Role, email: &str) -> String {
    app.browser_for_new_account(org, role, email).await;
    crate::helpers::NEW_PASSWORD.to_string()
}

async fn browser_for(app: &TestApp, who: Who, other_pw: &str, other_admin_pw: &str) -> TestApp {
    let browser = app.another_browser();
    match who {
        Who::Anonymous => {}
        Who::Admin => browser.signed_in_as(ADMIN).await,
        Who::Manager => browser.signed_in_as(MANAGER).await,
        Who::Proctor => browser.signed_in_as(PROCTOR).await,
        Who::OtherCentreManager => {
            browser
                .signed_in_as(("quanly@hongha.edu.vn", other_pw))
                .await
        }
        Who::OtherDepartmentAdmin => {
            browser
                .signed_in_as(("admin@sgd-khac.edu.vn", other_admin_pw))
                .await
        }
    }
    browser
}

#[tokio::test]
async fn each_role_reaches_only_what_the_table_allows() {
    use Who::*;
    let app = spawn_app_with_demo().await;
    let other_pw = account(
        &app,
        "TT-HONGHA",
        Role::CentreManager,
        "quanly@hongha.edu.vn",
    )
    .await;
    sathach::orgs::cli_add(
        &app.db,
        "SGD-KHAC",
        "Sở GD&ĐT khác",
        sathach::orgs::model::OrgKind::Department,
        None,
    )
    .await
    .unwrap();
    let other_admin_pw = account(&app, "SGD-KHAC", Role::Admin, "admin@sgd-khac.edu.vn").await;
    let saomai = app.org_id("TT-SAOMAI").await;
    let hongha = app.org_id("TT-HONGHA").await;
    let department = app.org_id("SGD-DEMO").await;
    // The target of user actions is a bystander, so the matrix never locks out its own actors.
    sathach::accounts::cli_add(
        &app.db,
        "TT-SAOMAI",
        Role::Proctor,
        "bystander@demo.sathach.vn",
        None,
    )
    .await
    .unwrap();
    let proctor_id = app.user_id("bystander@demo.sathach.vn").await;
    let person: String = sqlx::query_scalar("SELECT person_id FROM attempts LIMIT 1")
        .fetch_one(&app.db.read)
        .await
        .unwrap();

    let bank: String = sqlx::query_scalar("SELECT id FROM banks WHERE code = 'IU01-MAU'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let blueprint: String = sqlx::query_scalar("SELECT id FROM blueprints WHERE code = 'IU01-THI'")
        .fetch_one(&app.db.read)
        .await
        .unwrap();

    let see_other = StatusCode::SEE_OTHER;
    let ok = StatusCode::OK;
    let forbidden = StatusCode::FORBIDDEN;
    let not_found = StatusCode::NOT_FOUND;
    // (method, path, expected status for each of ALL, in order)
    let table: Vec<(&str, String, [StatusCode; 6])> = vec![
        ("GET", "/".into(), [see_other, ok, ok, ok, ok, ok]),
        (
            "GET",
            "/account/password".into(),
            [see_other, ok, ok, ok, ok, ok],
        ),
        (
            "GET",
            "/orgs".into(),
            [see_other, ok, see_other, see_other, see_other, ok],
        ),
        (
            "GET",
            format!("/orgs/{saomai}"),
            [see_other, ok, ok, ok, not_found, not_found],
        ),
        (
            "GET",
            format!("/orgs/{hongha}"),
            [see_other, ok, not_found, not_found, ok, not_found],
        ),
        (
            "GET",
            format!("/orgs/{department}"),
            [see_other, ok, not_found, not_found, not_found, not_found],
        ),
        (
            "POST",
            "/orgs".into(),
            [
                see_other, see_other, forbidden, forbidden, forbidden, see_other,
            ],
        ),
        (
            "POST",
            format!("/orgs/{saomai}/rooms"),
            [
                see_other, see_other, forbidden, forbidden, forbidden, not_found,
            ],
        ),
        (
            "GET",
            "/users".into(),
            [see_other, ok, forbidden, forbidden, forbidden, ok],
        ),
        (
            "POST",
            "/users".into(),
            [see_other, ok, forbidden, forbidden, forbidden, ok],
        ),
        (
            "POST",
            format!("/users/{proctor_id}/reset-password"),
            [see_other, ok, forbidden, forbidden, forbidden, not_found],
        ),
        (
            "POST",
            format!("/users/{proctor_id}/enable"),
            [
                see_other, see_other, forbidden, forbidden, forbidden, not_found,
            ],
        ),
        (
            "GET",
            "/banks".into(),
            [see_other, ok, ok, forbidden, ok, ok],
        ),
        (
            "GET",
            "/blueprints".into(),
            [see_other, ok, ok, forbidden, ok, ok],
        ),
        (
            "GET",
            format!("/people/{person}/credits"),
            [see_other, ok, ok, forbidden, ok, not_found],
        ),
        (
            "GET",
            format!("/orgs/{saomai}/certificates"),
            [see_other, ok, ok, forbidden, ok, not_found],
        ),
        (
            "GET",
            format!("/orgs/{saomai}/keys"),
            [see_other, ok, ok, forbidden, not_found, not_found],
        ),
        (
            "POST",
            format!("/orgs/{saomai}/keys/rotate"),
            [
                see_other, see_other, forbidden, forbidden, forbidden, not_found,
            ],
        ),
        (
            "GET",
            "/orgs/TT-SAOMAI/jwks.json".into(),
            [ok, ok, ok, ok, ok, ok],
        ),
        ("GET", "/verify".into(), [ok, ok, ok, ok, ok, ok]),
        (
            "GET",
            "/overview".into(),
            [see_other, ok, ok, forbidden, ok, ok],
        ),
        (
            "GET",
            format!("/banks/{bank}/analysis"),
            [see_other, ok, ok, forbidden, not_found, not_found],
        ),
        (
            "GET",
            format!("/blueprints/{blueprint}/analysis.xlsx"),
            [see_other, ok, ok, forbidden, not_found, not_found],
        ),
        (
            "GET",
            "/api-tokens".into(),
            [see_other, ok, forbidden, forbidden, forbidden, ok],
        ),
        ("GET", "/healthz".into(), [ok, ok, ok, ok, ok, ok]),
    ];

    let mut failures = Vec::new();
    for (i, who) in ALL.into_iter().enumerate() {
        let browser = browser_for(&app, who, &other_pw, &other_admin_pw).await;
        let own_department = if who == OtherDepartmentAdmin {
            app.org_id("SGD-KHAC").await
        } else {
            department.clone()
        };
        for (method, path, expected) in &table {
            let code = format!("TT-R{i}");
            let email = format!("moi{i}@demo.sathach.vn");
            let res = match *method {
                "GET" => browser.get(path).await,
                _ => {
                    let fields: Vec<(&str, &str)> = match path.as_str() {
                        "/orgs" => vec![
                            ("kind", "centre"),
                            ("code", &code),
                            ("name", "Trung tâm mới"),
                        ],
                        "/users" => vec![
                            ("full_name", "Người Mới"),
                            ("email", &email),
                            ("role", "admin"),
                            ("organisation_id", &own_department),
                        ],
                        p if p.ends_with("/rooms") => vec![("name", &code), ("seats", "20")],
                        _ => vec![],
                    };
                    browser.post_form(path, &fields).await
                }
            };
            if res.status() != expected[i] {
                failures.push(format!(
                    "{who:?} {method} {path}: expected {}, got {}",
                    expected[i],
                    res.status()
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "role/route matrix broken:\n{}",
        failures.join("\n")
    );
}

#[tokio::test]
async fn a_manager_is_sent_to_their_own_centre() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(MANAGER).await;
    let res = app.get("/orgs").await;
    assert_eq!(
        res.headers()["location"],
        format!("/orgs/{}", app.org_id("TT-SAOMAI").await).as_str()
    );
    let html = app
        .get_text(&format!("/orgs/{}", app.org_id("TT-SAOMAI").await))
        .await;
    assert!(html.contains("Phòng máy 1"));
    assert!(
        !html.contains("Thêm phòng thi"),
        "managers see rooms but do not add them"
    );
}
