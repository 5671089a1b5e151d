//! Who may reach a session: a proctor only the sessions assigned to them, a manager only their
//! centre's; everyone else gets "not found" on every route, and a role without the right
//! gets "forbidden".

use reqwest::StatusCode;
use sathach::accounts::model::Role;

use crate::helpers::{PROCTOR, TestApp, spawn_app_with_demo};

/// Every session route, with the method: (GET?, path with `{s}`, `{a}` and `{p}` to fill).
const ROUTES: [(bool, &str); 36] = [
    (true, "/sessions/{s}"),
    (true, "/sessions/{s}/console"),
    (true, "/sessions/{s}/console?part=rows"),
    (true, "/sessions/{s}/slips"),
    (true, "/sessions/{s}/report"),
    (true, "/sessions/{s}/report.csv"),
    (true, "/sessions/{s}/events.csv"),
    (true, "/sessions/{s}/report.xlsx"),
    (true, "/sessions/{s}/attempts/{a}/pause"),
    (true, "/sessions/{s}/room/pause"),
    (true, "/sessions/{s}/room/close"),
    (false, "/sessions/{s}/open"),
    (false, "/sessions/{s}/authorise-all"),
    (false, "/sessions/{s}/incidents"),
    (false, "/sessions/{s}/attempts/{a}/check-in"),
    (false, "/sessions/{s}/attempts/{a}/authorise"),
    (false, "/sessions/{s}/attempts/{a}/pause"),
    (false, "/sessions/{s}/attempts/{a}/extra-time"),
    (false, "/sessions/{s}/attempts/{a}/terminate"),
    (false, "/sessions/{s}/attempts/{a}/code"),
    (true, "/sessions/{s}/attempts/{a}/unlock"),
    (true, "/sessions/{s}/attempts/{a}/reissue"),
    (false, "/sessions/{s}/attempts/{a}/unlock"),
    (false, "/sessions/{s}/attempts/{a}/reissue"),
    (false, "/sessions/{s}/attempts/{a}/approve-device"),
    (false, "/sessions/{s}/room/resume"),
    (false, "/sessions/{s}/room/close"),
    (false, "/sessions/{s}/candidates"),
    (true, "/people/{p}"),
    (true, "/sessions/{s}/results"),
    (false, "/sessions/{s}/results/approve"),
    (true, "/people/{p}/results"),
    (true, "/sessions/{s}/practical"),
    (false, "/sessions/{s}/practical"),
    (true, "/sessions/{s}/practical/template.csv"),
    (false, "/sessions/{s}/practical/import"),
];

/// Routes a proctor may never use (403 before anything is looked up): rosters, people's
/// records and practical scores. (A person's results they see through their own sessions.)
fn managers_only(route: &str) -> bool {
    (route.starts_with("/people") && !route.ends_with("/results"))
        || route.ends_with("/candidates")
        || route.contains("/practical")
}

async fn status_of(browser: &TestApp, get: bool, path: &str) -> StatusCode {
    let fields = [
        ("reason", "technical.other"),
        ("comment", ""),
        ("minutes", "5"),
    ];
    if get {
        browser.get(path).await.status()
    } else {
        browser.post_form(path, &fields).await.status()
    }
}

#[tokio::test]
async fn staff_of_another_centre_or_not_assigned_find_nothing_on_every_route() {
    let app = spawn_app_with_demo().await;
    let (session, attempts) = app.demo_session().await;
    let person: String = sqlx::query_scalar("SELECT person_id FROM attempts WHERE id = $1")
        .bind(&attempts[0])
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let fill = |p: &str| {
        p.replace("{s}", &session)
            .replace("{a}", &attempts[0])
            .replace("{p}", &person)
    };
    let strangers = [
        app.browser_for_new_account("TT-HONGHA", Role::Proctor, "giamthi@hongha.vn")
            .await,
        app.browser_for_new_account("TT-HONGHA", Role::CentreManager, "quanly@hongha.vn")
            .await,
        app.browser_for_new_account("TT-SAOMAI", Role::Proctor, "giamthi2@saomai.vn")
            .await,
    ];
    for (who, browser) in strangers.iter().enumerate() {
        for (get, route) in ROUTES {
            // Proctors (strangers 0 and 2) may not manage rosters or people anywhere: 403
            // before anything is looked up; everything else is not found.
            let expected = if who != 1 && managers_only(route) {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::NOT_FOUND
            };
            assert_eq!(
                status_of(browser, get, &fill(route)).await,
                expected,
                "stranger {who}: {route}"
            );
        }
        assert!(
            !browser.get_text("/sessions").await.contains(&session),
            "not listed for stranger {who}"
        );
    }
    // Nothing the strangers tried changed the attempt or the log.
    assert_eq!(
        app.clock_of(&attempts[0]).await.state.as_str(),
        "not_arrived"
    );
    assert!(
        app.log_of(&session)
            .await
            .iter()
            .all(|l| l.action == "roster_add")
    );

    // The assigned proctor reaches every console route; roster and people routes are the manager's.
    app.signed_in_as(PROCTOR).await;
    for (get, route) in ROUTES {
        let status = status_of(&app, get, &fill(route)).await;
        // Approving results is for the centre manager or an admin.
        if managers_only(route) || route.ends_with("/approve") {
            assert_eq!(status, StatusCode::FORBIDDEN, "{route}");
        } else {
            assert!(
                status.is_success() || status.is_redirection() || status == StatusCode::CONFLICT,
                "{route}: {status}"
            );
        }
    }
}
