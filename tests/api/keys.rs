//! Organisations' signing keys as the world sees them: a key for every organisation from the
//! moment it exists, its did:web document and JWKS, rotation that keeps old signatures
//! verifiable, and the staff page of key fingerprints.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use ed25519_dalek::{Signature, Verifier, VerifyingKey};
use reqwest::StatusCode;
use serde_json::Value;

use crate::{
    browser::{axe_source, browser, no_axe_violations, wait_for_text},
    browser_practical::staff_signed_in,
    helpers::{ADMIN, MANAGER, PROCTOR, TestApp, location, spawn_app_with_demo},
};

pub async fn json(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let res = app.get(path).await;
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The public key a JWKS publishes under `kid`.
pub fn key_in(jwks: &Value, kid: &str) -> VerifyingKey {
    let jwk = jwks["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"].as_str().unwrap().ends_with(&format!("#{kid}")))
        .unwrap_or_else(|| panic!("{kid} is not published in {jwks}"));
    assert_eq!(
        (jwk["kty"].as_str(), jwk["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    let x = URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap();
    VerifyingKey::from_bytes(&x.try_into().unwrap()).unwrap()
}

#[tokio::test]
async fn the_demo_department_publishes_its_did_document_and_jwks_at_once() {
    let app = spawn_app_with_demo().await;
    let res = app.get("/orgs/SGD-DEMO/did.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let cache = res.headers()["cache-control"].to_str().unwrap().to_string();
    assert!(cache.starts_with("public"), "{cache}");
    let doc: Value = res.json().await.unwrap();
    let did = "did:web:127.0.0.1:orgs:SGD-DEMO";
    assert_eq!(doc["id"], did);
    let methods = doc["verificationMethod"].as_array().unwrap();
    assert_eq!(methods.len(), 1, "{doc}");
    let method = &methods[0];
    let id = method["id"].as_str().unwrap();
    assert_eq!(
        method["publicKeyJwk"]["kid"], id,
        "the JWK names itself as the method"
    );
    let kid = id.strip_prefix(&format!("{did}#")).unwrap().to_string();
    assert_eq!(method["type"], "JsonWebKey");
    assert_eq!(method["controller"], did);
    assert_eq!(method["publicKeyJwk"]["kty"], "OKP");
    assert_eq!(method["publicKeyJwk"]["crv"], "Ed25519");
    assert!(
        method["publicKeyJwk"].get("d").is_none(),
        "a private key is published"
    );
    assert_eq!(
        doc["assertionMethod"],
        serde_json::json!([format!("{did}#{kid}")])
    );

    let (status, jwks) = json(&app, "/orgs/SGD-DEMO/jwks.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    let published = key_in(&jwks, &kid);
    let department = app.org_id("SGD-DEMO").await;
    let signer = sathach::keys::signer(&app.db, &department).await.unwrap();
    assert_eq!(signer.kid, kid);
    let signature = Signature::from_bytes(&signer.sign(b"chung chi"));
    assert!(published.verify(b"chung chi", &signature).is_ok());
    assert!(published.verify(b"chung chi!", &signature).is_err());

    for code in ["TT-SAOMAI", "TT-HONGHA", "THPT-CVA"] {
        let (status, jwks) = json(&app, &format!("/orgs/{code}/jwks.json")).await;
        assert_eq!(status, StatusCode::OK, "{code}");
        assert_eq!(jwks["keys"].as_array().unwrap().len(), 1, "{code}");
    }
    assert_eq!(
        app.get("/orgs/NO-SUCH/did.json").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/orgs/NO-SUCH/jwks.json").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_new_centre_has_a_key_file_of_its_own_at_once() {
    let app = spawn_app_with_demo().await;
    app.signed_in_as(ADMIN).await;
    let fields = [
        ("kind", "centre"),
        ("code", "tt-moi"),
        ("name", "Trung tâm Mới"),
    ];
    let res = app.post_form("/orgs", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, jwks) = json(&app, "/orgs/TT-MOI/jwks.json").await;
    assert_eq!(status, StatusCode::OK);
    let kid = jwks["keys"][0]["kid"].as_str().unwrap();
    let kid = kid.rsplit('#').next().unwrap();
    let file = app
        .settings
        .data_dir
        .join("keys")
        .join(format!("TT-MOI-{kid}.pem"));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.starts_with("-----BEGIN PRIVATE KEY-----"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600, "the key file is private");
        assert_eq!(mode(&app.settings.data_dir.join("keys")), 0o700);
    }
    let created = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'key.create'")
        .await;
    assert_eq!(created, 5, "four demo organisations and the new centre");

    // `sathach org add` gives a department its key in the same way.
    sathach::orgs::cli_add(
        &app.db,
        "SGD-HP",
        "Sở GD&ĐT Hải Phòng",
        sathach::orgs::model::OrgKind::Department,
        None,
    )
    .await
    .unwrap();
    let (status, doc) = json(&app, "/orgs/SGD-HP/did.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["verificationMethod"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn rotation_keeps_the_old_key_published_and_its_signatures_valid() {
    let app = spawn_app_with_demo().await;
    let department = app.org_id("SGD-DEMO").await;
    let old = sathach::keys::signer(&app.db, &department).await.unwrap();
    let old_signature = Signature::from_bytes(&old.sign(b"tin chi IU01"));

    app.signed_in_as(ADMIN).await;
    let res = app
        .post_form(&format!("/orgs/{department}/keys/rotate"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), format!("/orgs/{department}/keys"));

    let new = sathach::keys::signer(&app.db, &department).await.unwrap();
    assert_ne!(new.kid, old.kid);
    let (_, jwks) = json(&app, "/orgs/SGD-DEMO/jwks.json").await;
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2);
    assert!(
        key_in(&jwks, &old.kid)
            .verify(b"tin chi IU01", &old_signature)
            .is_ok()
    );
    let new_signature = Signature::from_bytes(&new.sign(b"tin chi IU02"));
    assert!(
        key_in(&jwks, &new.kid)
            .verify(b"tin chi IU02", &new_signature)
            .is_ok()
    );
    assert!(
        key_in(&jwks, &new.kid)
            .verify(b"tin chi IU01", &old_signature)
            .is_err()
    );

    let (_, doc) = json(&app, "/orgs/SGD-DEMO/did.json").await;
    let listed: Vec<&str> = doc["assertionMethod"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().any(|m| m.ends_with(&format!("#{}", old.kid))));
    let published = sathach::keys::published(&app.db, &department)
        .await
        .unwrap();
    assert_eq!(published.iter().filter(|k| k.is_current()).count(), 1);
    assert_eq!(
        published.iter().find(|k| k.is_current()).unwrap().kid,
        new.kid
    );

    let rotations = app
        .count("SELECT COUNT(*) FROM audit_events WHERE action = 'key.rotate' AND actor_user_id IS NOT NULL")
        .await;
    assert_eq!(rotations, 1);
    let page = app.get_text(&format!("/orgs/{department}/keys")).await;
    assert!(page.contains(&old.kid) && page.contains(&new.kid), "{page}");
}

#[tokio::test]
async fn the_keys_page_is_for_admins_and_the_centre_s_own_manager() {
    let app = spawn_app_with_demo().await;
    let department = app.org_id("SGD-DEMO").await;
    let centre = app.org_id("TT-SAOMAI").await;
    let other = app.org_id("TT-HONGHA").await;
    let published = sathach::keys::published(&app.db, &centre).await.unwrap();
    let fingerprint = published[0].fingerprint();

    let anonymous = app.get(&format!("/orgs/{centre}/keys")).await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(location(&anonymous).starts_with("/sign-in"));

    app.signed_in_as(ADMIN).await;
    let page = app.get_text(&format!("/orgs/{centre}/keys")).await;
    assert!(page.contains(&published[0].kid), "{page}");
    assert!(page.contains(&fingerprint), "{page}");
    assert!(page.contains("Tạo khoá mới"), "admins may rotate: {page}");
    let detail = app.get_text(&format!("/orgs/{centre}")).await;
    assert!(detail.contains(&format!("/orgs/{centre}/keys")));

    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    let res = manager.get(&format!("/orgs/{centre}/keys")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let page = res.text().await.unwrap();
    assert!(page.contains(&fingerprint));
    assert!(
        !page.contains("/keys/rotate"),
        "managers do not rotate: {page}"
    );
    for org in [&department, &other] {
        let res = manager.get(&format!("/orgs/{org}/keys")).await;
        assert_eq!(
            res.status(),
            StatusCode::NOT_FOUND,
            "another organisation's keys"
        );
    }
    let res = manager
        .post_form(&format!("/orgs/{centre}/keys/rotate"), &[])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        sathach::keys::published(&app.db, &centre)
            .await
            .unwrap()
            .len(),
        1
    );

    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    let res = proctor.get(&format!("/orgs/{centre}/keys")).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_keys_page_passes_axe() {
    let test = "the_keys_page_passes_axe";
    let Some((_driver, client)) = browser(test, true).await else {
        return;
    };
    let axe = axe_source();
    let app = spawn_app_with_demo().await;
    let department = app.org_id("SGD-DEMO").await;
    sathach::keys::rotate(&app.db, &department, "SGD-DEMO", None)
        .await
        .unwrap();
    staff_signed_in(&client, &app, None, ADMIN).await;
    let page = format!("/orgs/{department}/keys");
    client.goto(&app.url(&page)).await.unwrap();
    wait_for_text(&client, "main h1", "Khoá ký số").await;
    no_axe_violations(&client, Some(&axe), &page).await;
    client.close().await.unwrap();
}
