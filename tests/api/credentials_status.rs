//! Signed records after the day they were issued: a revocation on the record sets the
//! credential's bit in its issuer's published status list (and the offline command says
//! "revoked"), a key rotation leaves what the old key signed verifiable, and
//! `sathach credential verify` tells valid, tampered, expired and revoked apart offline.

use std::process::{Command, Output};

use reqwest::StatusCode;
use sathach::credentials::{
    check::{Verdict, check},
    jws::KeySet,
};
use serde_json::json;

use crate::{
    credentials::{
        certificate_number, demo_holder, download, josekit_verify, jwks, parts, tampered,
    },
    credits_record::{admin, revoke_link},
    helpers::{location, spawn_app_with_demo, spawn_app_with_history},
};

/// Runs `sathach credential verify` on these files (written to a temporary folder).
fn verify_offline(credential: &str, jwks: Option<&str>, list: Option<&str>, lang: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_sathach"));
    command
        .args(["--lang", lang, "credential", "verify"])
        .arg(write("credential.jwt", credential));
    if let Some(keys) = jwks {
        command.arg("--jwks").arg(write("jwks.json", keys));
    }
    if let Some(list) = list {
        command.arg("--status-list").arg(write("status.jwt", list));
    }
    command.output().unwrap()
}

fn says(out: &Output, code: i32, text: &str) {
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(code), "{stdout}{stderr}");
    assert!(
        stdout.contains(text) || stderr.contains(text),
        "{text:?} not in: {stdout}{stderr}"
    );
}

#[tokio::test]
async fn a_revoked_module_and_its_certificate_are_revoked_in_the_published_list() {
    let app = spawn_app_with_history().await;
    let person = demo_holder(&app).await;
    let admin = admin(&app).await;
    let record = format!("/people/{person}/credits");
    let page = admin.get_text(&record).await;
    let entry = revoke_link(&page, "IU03").unwrap();
    let credit_path = format!("/people/{person}/credits/{entry}/credential.jwt");
    assert!(page.contains(&format!("href=\"{credit_path}\"")));
    let credit = download(&admin, &credit_path).await;
    let number = certificate_number(&app, &person).await;
    let certificate = download(&app, &format!("/verify/{number}/credential.jwt")).await;
    let (_, payload) = parts(&credit);
    assert_eq!(
        payload["credentialSubject"]["achievement"]["id"],
        "urn:sathach:module:IU03"
    );
    let index = |jws: &str| parts(jws).1["credentialStatus"]["statusListIndex"].clone();
    assert_ne!(
        index(&credit),
        index(&certificate),
        "each has its own place"
    );

    let keys = jwks(&app, "TT-SAOMAI").await;
    let key_set = KeySet::parse(&keys).unwrap();
    let now = sathach::clock::now_ms();
    let list = download(&app, "/orgs/TT-SAOMAI/status/0").await;
    josekit_verify(&list, &keys).expect("the list is signed too");
    for jws in [&credit, &certificate] {
        assert_eq!(
            check(jws, &key_set, Some(&list), now).verdict,
            Verdict::Valid
        );
    }
    says(
        &verify_offline(&credit, Some(&keys), Some(&list), "vi"),
        0,
        "HỢP LỆ",
    );
    let unchecked = verify_offline(&credit, Some(&keys), None, "vi");
    says(&unchecked, 0, "Chưa kiểm tra thu hồi");
    says(&unchecked, 0, "Người được cấp: Trần Thị Bình");
    says(
        &verify_offline(&credit, None, None, "vi"),
        2,
        "https://127.0.0.1/orgs/TT-SAOMAI/did.json",
    );
    says(
        &verify_offline(&tampered(&credit), Some(&keys), None, "vi"),
        1,
        "ĐÃ BỊ SỬA",
    );

    let res = admin
        .post_form(
            &format!("{record}/entries/{entry}/revoke"),
            &[("cause", "misconduct"), ("reason", "Quyết định 7/QĐ-SGDĐT")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", location(&res));

    let list = download(&app, "/orgs/TT-SAOMAI/status/0").await;
    for jws in [&credit, &certificate] {
        assert_eq!(
            check(jws, &key_set, Some(&list), now).verdict,
            Verdict::Revoked
        );
    }
    says(
        &verify_offline(&credit, Some(&keys), Some(&list), "vi"),
        1,
        "ĐÃ BỊ THU HỒI",
    );
    says(
        &verify_offline(&certificate, Some(&keys), Some(&list), "en"),
        1,
        "REVOKED",
    );
    // The revoked module is no longer offered, nor served.
    let page = admin.get_text(&record).await;
    assert!(!page.contains(&credit_path));
    assert_eq!(
        admin.get(&credit_path).await.status(),
        StatusCode::NOT_FOUND
    );
    // A list past the last one in use does not exist.
    let past = app.get("/orgs/TT-SAOMAI/status/1").await;
    assert_eq!(past.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn after_a_rotation_old_credentials_still_verify_and_new_ones_use_the_new_key() {
    let app = spawn_app_with_history().await;
    let person = demo_holder(&app).await;
    let admin = admin(&app).await;
    let page = admin.get_text(&format!("/people/{person}/credits")).await;
    let entry = revoke_link(&page, "IU01").unwrap();
    let path = format!("/people/{person}/credits/{entry}/credential.jwt");
    let old = download(&admin, &path).await;

    let centre = app.org_id("TT-SAOMAI").await;
    let (retired, _) = sathach::keys::rotate(&app.db, &centre, "TT-SAOMAI", None)
        .await
        .unwrap();
    let new = download(&admin, &path).await;
    let kid = |jws: &str| parts(jws).0["kid"].as_str().unwrap().to_string();
    assert!(kid(&old).ends_with(&format!("#{}", retired.unwrap())));
    assert_ne!(kid(&old), kid(&new));
    assert_eq!(
        parts(&old).1["credentialStatus"],
        parts(&new).1["credentialStatus"],
        "the same credit keeps its place"
    );

    let keys = jwks(&app, "TT-SAOMAI").await;
    let key_set = KeySet::parse(&keys).unwrap();
    let now = sathach::clock::now_ms();
    for jws in [&old, &new] {
        assert_eq!(check(jws, &key_set, None, now).verdict, Verdict::Valid);
        josekit_verify(jws, &keys).unwrap();
    }
    // The DID document is a key file the command accepts as well.
    let did = app.get_text("/orgs/TT-SAOMAI/did.json").await;
    says(&verify_offline(&old, Some(&did), None, "en"), 0, "VALID");
}

#[tokio::test]
async fn the_offline_command_says_expired_and_unknown_key_in_words() {
    let app = spawn_app_with_demo().await;
    let centre = app.org_id("TT-SAOMAI").await;
    let signer = sathach::keys::signer(&app.db, &centre).await.unwrap();
    let public_url = &app.settings.public_url;
    let did = sathach::keys::model::did_web(public_url, "TT-SAOMAI");
    let credential = json!({
        "@context": [sathach::credentials::model::VC_CONTEXT, sathach::credentials::model::OB_CONTEXT],
        "id": "urn:uuid:5b0f3c2e-8d1a-4c57-9a55-2f1e0c3d4b6a",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": did, "type": ["Profile"], "name": "Trung tâm Sao Mai" },
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2025-12-31T16:59:59Z",
        "name": "ICDL-CE",
        "credentialSubject": { "type": ["AchievementSubject"] },
    });
    let jws = sathach::credentials::jws::sign(&signer, public_url, &credential).unwrap();
    let keys = jwks(&app, "TT-SAOMAI").await;
    says(
        &verify_offline(&jws, Some(&keys), None, "vi"),
        1,
        "HẾT HIỆU LỰC",
    );
    says(&verify_offline(&jws, Some(&keys), None, "en"), 1, "EXPIRED");
    let other = jwks(&app, "SGD-DEMO").await;
    says(
        &verify_offline(&jws, Some(&other), None, "vi"),
        1,
        "KHÔNG KIỂM TRA ĐƯỢC",
    );
    says(
        &verify_offline("không phải JWS", Some(&keys), None, "vi"),
        1,
        "KHÔNG ĐỌC ĐƯỢC",
    );
}
