//! The credit ledger and certificates on the real database: approval credits passes in its
//! transaction; six basic modules across centres issue the basic certificate, with its
//! register number at the centre that completed it; "basic + any 3 of 9" the advanced; a
//! regrade that turns a pass into a fail revokes the module and the certificate; the ledger
//! refuses changes in place.

use reqwest::StatusCode;

use crate::{
    credits_fixture::{History, approve, history, passes, sat},
    helpers::{ADMIN, TestApp, spawn_app_with_demo},
    regrade::{correct_keys, finished},
};

/// The person's standing entries: (kind, module, credits), oldest first.
pub async fn standing(app: &TestApp, person: &str) -> Vec<(String, Option<String>, i64)> {
    sqlx::query_as(
        "SELECT e.kind, e.module, e.credits FROM credit_entries e
         WHERE e.person_id = $1 AND e.kind <> 'revoked'
           AND NOT EXISTS (SELECT 1 FROM credit_entries r WHERE r.revokes_id = e.id)
         ORDER BY e.created_at, e.module",
    )
    .bind(person)
    .fetch_all(&app.db.read)
    .await
    .unwrap()
}

/// The person's certificates: (rule, register number, issuer code, in force).
pub async fn certificates(app: &TestApp, person: &str) -> Vec<(String, String, String, i64)> {
    sqlx::query_as(
        "SELECT c.certificate, c.register_number, o.code,
                CASE WHEN EXISTS (SELECT 1 FROM certificate_revocations cr
                                  WHERE cr.certificate_id = c.id) THEN 0 ELSE 1 END
         FROM certificates c JOIN organisations o ON o.id = c.issuer_id
         WHERE c.person_id = $1 ORDER BY c.created_at, c.certificate",
    )
    .bind(person)
    .fetch_all(&app.db.read)
    .await
    .unwrap()
}

const BASIC_ELSEWHERE: [(&str, &str, &str); 5] = [
    ("IU02", "TT-B", "2026-03-02"),
    ("IU03", "TT-B", "2026-03-09"),
    ("IU04", "TT-C", "2026-04-06"),
    ("IU06", "TT-C", "2026-04-20"),
    ("IU05", "TT-D", "2026-05-04"),
];

/// The demo session (IU01 at the demo centre) approved, then the other five basic modules.
async fn basic_certificate(app: &TestApp) -> History {
    let history = history(app).await;
    approve(app, &history.session).await;
    passes(app, &history, &BASIC_ELSEWHERE).await;
    history
}

#[tokio::test]
async fn approval_credits_each_pass_in_its_transaction_and_six_basic_modules_issue_the_certificate()
{
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    assert!(
        standing(&app, &history.person).await.is_empty(),
        "not before approval"
    );
    approve(&app, &history.session).await;
    let earned = standing(&app, &history.person).await;
    assert_eq!(earned, [("earned".into(), Some("IU01".into()), 1)]);
    let failed: i64 = app
        .count(&format!(
            "SELECT COUNT(*) FROM credit_entries e JOIN attempts a ON a.person_id = e.person_id
             WHERE a.id = '{}'",
            history.fail
        ))
        .await;
    assert_eq!(failed, 0, "a fail earns nothing");
    let audit = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'results.approve' AND detail LIKE '%1 passes credited%'")
        .await;
    assert_eq!(audit, 1);

    passes(&app, &history, &BASIC_ELSEWHERE[..4]).await;
    assert!(
        certificates(&app, &history.person).await.is_empty(),
        "five of six"
    );
    passes(&app, &history, &BASIC_ELSEWHERE[4..]).await;
    let held = certificates(&app, &history.person).await;
    let year = sathach::clock::local_date(sathach::clock::now_ms()).0;
    assert_eq!(
        held,
        [(
            "TT03-CB".into(),
            format!("TT-D-{year}-00001"),
            "TT-D".into(),
            1
        )],
        "issued by the centre of the module that completed it"
    );
    let total: i64 = app
        .count(&format!(
            "SELECT CAST(COALESCE(SUM(credits), 0) AS BIGINT) FROM credit_entries WHERE person_id = '{}'",
            history.person
        ))
        .await;
    assert_eq!(total, 6);
    let (modules, number, tail): (String, String, Option<String>) = sqlx::query_as(
        "SELECT modules, number, holder_id_tail FROM certificates WHERE person_id = $1",
    )
    .bind(&history.person)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    for place in [
        "Trung tâm TT-B",
        "Trung tâm TT-C",
        "Trung tâm TT-D",
        "2026-05-04",
    ] {
        assert!(modules.contains(place), "{place} in {modules}");
    }
    assert_eq!(
        sathach::credits::model::normalize_number(&number),
        Some(number)
    );
    assert_eq!(tail.map(|t| t.len()), Some(4));
}

#[tokio::test]
async fn basic_and_any_three_of_nine_issue_the_advanced_certificate() {
    let app = spawn_app_with_demo().await;
    let history = basic_certificate(&app).await;
    passes(
        &app,
        &history,
        &[
            ("IU07", "TT-B", "2026-06-01"),
            ("IU12", "TT-C", "2026-06-08"),
        ],
    )
    .await;
    let codes = |held: Vec<(String, String, String, i64)>| {
        held.into_iter()
            .map(|(c, _, issuer, in_force)| (c, issuer, in_force))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes(certificates(&app, &history.person).await),
        [("TT03-CB".into(), "TT-D".into(), 1)],
        "two advanced modules are not enough"
    );
    passes(&app, &history, &[("IU15", "TT-B", "2026-06-15")]).await;
    assert_eq!(
        codes(certificates(&app, &history.person).await),
        [
            ("TT03-CB".into(), "TT-D".into(), 1),
            ("TT03-NC".into(), "TT-B".into(), 1)
        ]
    );
    // The same module passed again earns its entry but no second certificate.
    passes(&app, &history, &[("IU03", "TT-C", "2026-07-01")]).await;
    assert_eq!(certificates(&app, &history.person).await.len(), 2);
}

#[tokio::test]
async fn a_regrade_that_fails_a_module_revokes_its_credit_and_the_certificate() {
    let app = spawn_app_with_demo().await;
    let history = basic_certificate(&app).await;
    assert_eq!(certificates(&app, &history.person).await.len(), 1);
    // The keys were "true"; corrected to "false", every passing copy of the sitting fails.
    let version = correct_keys(&app, false, "Đáp án câu 1–9 bị nhập sai").await;
    finished(&app, &version).await;
    assert!(standing(&app, &history.person).await.is_empty());
    let revoked: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT cause, reason, recorded_by FROM credit_entries
         WHERE person_id = $1 AND kind = 'revoked' ORDER BY module",
    )
    .bind(&history.person)
    .fetch_all(&app.db.read)
    .await
    .unwrap();
    assert_eq!(revoked.len(), 6, "one revocation per module");
    assert!(revoked.iter().all(|(cause, reason, by)| cause == "regrade"
        && reason == "Đáp án câu 1–9 bị nhập sai"
        && by.is_some()));
    let (cause, reason): (String, String) = sqlx::query_as(
        "SELECT cr.cause, cr.reason FROM certificate_revocations cr
         JOIN certificates c ON c.id = cr.certificate_id WHERE c.person_id = $1",
    )
    .bind(&history.person)
    .fetch_one(&app.db.read)
    .await
    .unwrap();
    assert_eq!(
        (cause.as_str(), reason.as_str()),
        ("regrade", "Đáp án câu 1–9 bị nhập sai")
    );
    let number: String = sqlx::query_scalar("SELECT number FROM certificates WHERE person_id = $1")
        .bind(&history.person)
        .fetch_one(&app.db.read)
        .await
        .unwrap();
    let public = app.get_text(&format!("/verify/{number}")).await;
    assert!(public.contains("Đã thu hồi"), "{public}");
    assert!(
        !public.contains("Đáp án câu 1–9"),
        "the reason as written stays private"
    );

    // Correcting back earns the modules again and issues a new certificate.
    let back = correct_keys(&app, true, "Khôi phục đáp án đúng").await;
    finished(&app, &back).await;
    assert_eq!(standing(&app, &history.person).await.len(), 6);
    let held = certificates(&app, &history.person).await;
    assert_eq!(held.len(), 2);
    assert_eq!(
        (held[0].3, held[1].3),
        (0, 1),
        "the old one stays revoked; a new one"
    );
}

#[tokio::test]
async fn the_ledger_and_certificates_refuse_changes_in_place() {
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    approve(&app, &history.session).await;
    let (_, copy) = sat(
        &app,
        &history,
        &history.pass,
        ("IU02", "TT-B", "2026-03-02"),
    )
    .await;
    assert!(!copy.is_empty());
    for sql in [
        "UPDATE credit_entries SET credits = 5",
        "DELETE FROM credit_entries",
    ] {
        let refused = sqlx::query(sql).execute(&app.db.write).await;
        assert!(
            refused.unwrap_err().to_string().contains("append-only"),
            "{sql}"
        );
    }
    assert_eq!(standing(&app, &history.person).await.len(), 1);
}

#[tokio::test]
async fn two_approvals_completing_the_same_certificate_at_once_issue_it_once() {
    let app = spawn_app_with_demo().await;
    let history = history(&app).await;
    approve(&app, &history.session).await;
    passes(&app, &history, &BASIC_ELSEWHERE[..3]).await;
    // The last two modules are approved at the same moment, in two centres.
    let (first, _) = sat(&app, &history, &history.pass, BASIC_ELSEWHERE[3]).await;
    let (second, _) = sat(&app, &history, &history.pass, BASIC_ELSEWHERE[4]).await;
    let admins = [app.another_browser(), app.another_browser()];
    for admin in &admins {
        admin.signed_in_as(ADMIN).await;
    }
    let paths = [&first, &second].map(|s| format!("/sessions/{s}/results/approve"));
    let (a, b) = tokio::join!(
        admins[0].post_form(&paths[0], &[]),
        admins[1].post_form(&paths[1], &[])
    );
    let (a, b) = (a.status(), b.status());
    assert_eq!((a, b), (StatusCode::SEE_OTHER, StatusCode::SEE_OTHER));
    assert_eq!(standing(&app, &history.person).await.len(), 6);
    let held = certificates(&app, &history.person).await;
    assert_eq!(held.len(), 1, "{held:?}");
    assert_eq!(held[0].3, 1);
}
