//! Signed records as a holder, an employer and the province receive them: the demo teacher's
//! certificate as an Open Badges 3.0 credential from its public page, and her whole record as
//! a CLR 2.0 transcript from staff pages; each is a compact JWS (EdDSA, did:web `kid`) that
//! our checker and a second JOSE implementation (josekit, on OpenSSL) both verify, that
//! validates against 1EdTech's JSON Schemas (vendored in tests/schemas), and that fails both
//! once a byte of it changes.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use reqwest::StatusCode;
use sathach::credentials::{
    check::{Verdict, check},
    jws::KeySet,
};
use serde_json::Value;

use crate::{
    api_tokens::{api, token_for},
    credits_access::other_department_admin,
    credits_record::admin,
    helpers::{MANAGER, PROCTOR, TestApp, spawn_app_with_history},
};

/// With the demo's past loaded (`spawn_app_with_history`), Trần Thị Bình holds IU01–IU06
/// (TT-SAOMAI) and TT03-CB. Her id.
pub async fn demo_holder(app: &TestApp) -> String {
    sqlx::query_scalar("SELECT id FROM people WHERE full_name = 'Trần Thị Bình'")
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

/// The public number of the person's (only) certificate.
pub async fn certificate_number(app: &TestApp, person: &str) -> String {
    sqlx::query_scalar("SELECT number FROM certificates WHERE person_id = $1")
        .bind(person)
        .fetch_one(&app.db.read)
        .await
        .unwrap()
}

/// A signed record downloaded by `who`: its JWS, after checking how it is served.
pub async fn download(who: &TestApp, path: &str) -> String {
    let res = who.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    assert_eq!(res.headers()["content-type"], "application/vc+jwt");
    let disposition = res.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename="),
        "{disposition}"
    );
    res.text().await.unwrap()
}

/// The organisation's published keys (JWKS), as text.
pub async fn jwks(app: &TestApp, code: &str) -> String {
    app.get_text(&format!("/orgs/{code}/jwks.json")).await
}

/// A JWS's header and payload, read without checking anything.
pub fn parts(jws: &str) -> (Value, Value) {
    let part = |i: usize| {
        let bytes = URL_SAFE_NO_PAD
            .decode(jws.split('.').nth(i).unwrap())
            .unwrap();
        serde_json::from_slice::<Value>(&bytes).unwrap()
    };
    (part(0), part(1))
}

/// The payload as josekit (OpenSSL) verifies it with the key the header's `kid` names in the
/// JWKS.
pub fn josekit_verify(jws: &str, jwks: &str) -> Result<Value, String> {
    let (header, _) = parts(jws);
    let kid = header["kid"].as_str().unwrap();
    let set = josekit::jwk::JwkSet::from_bytes(jwks).map_err(|e| e.to_string())?;
    let jwk = *set.get(kid).first().ok_or("no such key")?;
    let verifier = josekit::jws::EdDSA
        .verifier_from_jwk(jwk)
        .map_err(|e| e.to_string())?;
    let (payload, header) =
        josekit::jws::deserialize_compact(jws, &verifier).map_err(|e| e.to_string())?;
    assert_eq!(header.algorithm(), Some("EdDSA"));
    serde_json::from_slice(&payload).map_err(|e| e.to_string())
}

/// Whether `instance` satisfies the vendored schema `file`; the errors when not.
pub fn schema_errors(file: &str, instance: &Value) -> Vec<String> {
    let path = format!("{}/tests/schemas/{file}", env!("CARGO_MANIFEST_DIR"));
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

pub const OB_SCHEMA: &str = "ob_v3p0_achievementcredential_schema.json";
const CLR_SCHEMA: &str = "clr_v2p0_clrcredential_schema.json";

/// The JWS with one character of its payload changed (still valid base64url).
pub fn tampered(jws: &str) -> String {
    let (header, payload) = parts(jws);
    let forged = payload
        .to_string()
        .replace("Trần Thị Bình", "Trần Thị Bính");
    assert_ne!(forged, payload.to_string());
    let sig = jws.rsplit('.').next().unwrap();
    let encode = |v: &str| URL_SAFE_NO_PAD.encode(v);
    format!("{}.{}.{sig}", encode(&header.to_string()), encode(&forged))
}

#[tokio::test]
async fn a_certificate_s_credential_verifies_with_two_jose_implementations_and_its_schema() {
    let app = spawn_app_with_history().await;
    let person = demo_holder(&app).await;
    let number = certificate_number(&app, &person).await;
    let page = app.get_text(&format!("/verify/{number}")).await;
    let path = format!("/verify/{number}/credential.jwt");
    assert!(
        page.contains(&format!("href=\"{path}\"")),
        "the public page offers it"
    );
    assert!(page.contains("Tải chứng nhận điện tử (Open Badges 3.0, đã ký số)"));

    // Signed out, as the holder would fetch it for her wallet.
    let jws = download(&app, &path).await;
    let (header, credential) = parts(&jws);
    assert_eq!(header["alg"], "EdDSA");
    assert_eq!(header["typ"], "vc+jwt");
    let keys = jwks(&app, "TT-SAOMAI").await;
    let did = "did:web:127.0.0.1:orgs:TT-SAOMAI";
    let kid = header["kid"].as_str().unwrap();
    assert!(kid.starts_with(&format!("{did}#")), "{kid}");
    let published: Value = serde_json::from_str(&keys).unwrap();
    assert_eq!(
        published["keys"][0]["kid"], kid,
        "the JWKS names the key as the JWS does"
    );

    assert_eq!(credential["type"][1], "OpenBadgeCredential");
    assert_eq!(
        credential["id"],
        format!("http://127.0.0.1/verify/{number}")
    );
    assert_eq!(credential["issuer"]["id"], did);
    let subject = &credential["credentialSubject"];
    assert_eq!(
        subject["achievement"]["id"],
        "urn:sathach:certificate:TT03-CB"
    );
    assert_eq!(subject["achievement"]["achievementType"], "Certificate");
    assert_eq!(subject["identifier"][0]["identityHash"], "Trần Thị Bình");
    assert_eq!(subject["creditsEarned"], 6);
    assert_eq!(
        credential["evidence"].as_array().unwrap().len(),
        6,
        "IU01–IU06"
    );
    assert!(
        credential.get("validUntil").is_none(),
        "Circular 03 does not expire"
    );
    let status = &credential["credentialStatus"];
    assert_eq!(status["type"], "BitstringStatusListEntry");
    assert_eq!(
        status["statusListCredential"],
        "http://127.0.0.1/orgs/TT-SAOMAI/status/0"
    );
    assert_eq!(schema_errors(OB_SCHEMA, &credential), Vec::<String>::new());
    // The schema does refuse what Open Badges requires and a credential lacks.
    let mut incomplete = credential.clone();
    incomplete.as_object_mut().unwrap().remove("validFrom");
    incomplete["credentialSubject"]["achievement"]
        .as_object_mut()
        .unwrap()
        .remove("criteria");
    assert_eq!(schema_errors(OB_SCHEMA, &incomplete).len(), 2);

    // Our checker, and josekit on OpenSSL, agree on the signature.
    let key_set = KeySet::parse(&keys).unwrap();
    let now = sathach::clock::now_ms();
    let list = download(&app, "/orgs/TT-SAOMAI/status/0").await;
    assert_eq!(
        check(&jws, &key_set, Some(&list), now).verdict,
        Verdict::Valid
    );
    assert_eq!(josekit_verify(&jws, &keys).unwrap(), credential);
    let forged = tampered(&jws);
    assert!(matches!(
        check(&forged, &key_set, None, now).verdict,
        Verdict::Tampered(_)
    ));
    assert!(
        josekit_verify(&forged, &keys).is_err(),
        "josekit accepted a forgery"
    );

    // Downloading it again keeps its place in the status list.
    let again = download(&app, &path).await;
    assert_eq!(parts(&again).1["credentialStatus"], *status);
    let unknown = app.get("/verify/0000-0000-0000/credential.jwt").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_transcript_bundles_the_whole_record_for_staff_who_may_see_it() {
    let app = spawn_app_with_history().await;
    let person = demo_holder(&app).await;
    let path = format!("/people/{person}/transcript.jwt");
    let admin = admin(&app).await;
    let page = admin.get_text(&format!("/people/{person}/credits")).await;
    assert!(page.contains(&format!("href=\"{path}\"")));
    assert!(page.contains("Tải hồ sơ tín chỉ điện tử (CLR 2.0, đã ký số)"));
    let credit_links = page.matches("/credential.jwt\" download>").count();
    assert_eq!(credit_links, 7, "six modules and the certificate");

    let jws = download(&admin, &path).await;
    let keys = jwks(&app, "SGD-DEMO").await;
    let report = check(
        &jws,
        &KeySet::parse(&keys).unwrap(),
        None,
        sathach::clock::now_ms(),
    );
    assert_eq!(report.verdict, Verdict::Valid, "signed by the Department");
    let clr = josekit_verify(&jws, &keys).unwrap();
    assert_eq!(clr["type"][1], "ClrCredential");
    assert_eq!(clr["issuer"]["id"], "did:web:127.0.0.1:orgs:SGD-DEMO");
    assert_eq!(schema_errors(CLR_SCHEMA, &clr), Vec::<String>::new());
    let bundled = clr["credentialSubject"]["verifiableCredential"]
        .as_array()
        .unwrap();
    let mut achievements: Vec<&str> = bundled
        .iter()
        .map(|c| {
            c["credentialSubject"]["achievement"]["humanCode"]
                .as_str()
                .unwrap()
        })
        .collect();
    achievements.sort();
    assert_eq!(
        achievements,
        ["IU01", "IU02", "IU03", "IU04", "IU05", "IU06", "TT03-CB"]
    );
    for credential in bundled {
        assert_eq!(schema_errors(OB_SCHEMA, credential), Vec::<String>::new());
        assert_eq!(
            credential["issuer"]["id"],
            "did:web:127.0.0.1:orgs:TT-SAOMAI"
        );
    }
    assert_eq!(
        clr["credentialSubject"]["achievement"]
            .as_array()
            .unwrap()
            .len(),
        7
    );

    // A centre manager of the Department may too; a proctor may not, nor another Department.
    let manager = app.another_browser();
    manager.signed_in_as(MANAGER).await;
    download(&manager, &path).await;
    let proctor = app.another_browser();
    proctor.signed_in_as(PROCTOR).await;
    assert_eq!(proctor.get(&path).await.status(), StatusCode::FORBIDDEN);
    let other = other_department_admin(&app).await;
    assert_eq!(other.get(&path).await.status(), StatusCode::NOT_FOUND);
    let signed_out = app.get(&path).await;
    assert_eq!(signed_out.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_server_without_the_issuer_s_key_file_refuses_to_sign() {
    let app = spawn_app_with_history().await;
    let person = demo_holder(&app).await;
    let folder = app.settings.data_dir.join("keys");
    for file in std::fs::read_dir(&folder).unwrap() {
        let file = file.unwrap().path();
        if file
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("SGD-DEMO-")
        {
            std::fs::remove_file(file).unwrap();
        }
    }
    let admin = admin(&app).await;
    let res = admin.get(&format!("/people/{person}/transcript.jwt")).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("Máy chủ này không giữ khoá ký số của đơn vị cấp"),
        "{body}"
    );
    let keys = app
        .count("SELECT COUNT(*) FROM signing_keys k JOIN organisations o ON o.id = k.organisation_id WHERE o.code = 'SGD-DEMO'")
        .await;
    assert_eq!(keys, 1, "no second key is made");
    // The centre's key is still here: its credentials are signed.
    let number = certificate_number(&app, &person).await;
    download(&app, &format!("/verify/{number}/credential.jwt")).await;
}

#[tokio::test]
async fn the_provincial_api_hands_a_department_the_signed_transcript() {
    let app = spawn_app_with_history().await;
    let person = demo_holder(&app).await;
    let path = format!("/api/v1/people/{person}/transcript");
    let department = token_for(&app, "SGD-DEMO").await;
    let res = reqwest::Client::new()
        .get(app.url(&path))
        .bearer_auth(&department)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/vc+jwt");
    let jws = res.text().await.unwrap();
    let keys = jwks(&app, "SGD-DEMO").await;
    let clr = josekit_verify(&jws, &keys).unwrap();
    assert_eq!(
        clr["credentialSubject"]["verifiableCredential"]
            .as_array()
            .unwrap()
            .len(),
        7
    );

    let centre = token_for(&app, "TT-SAOMAI").await;
    let (status, _, body) = api(&app, Some(&centre), &path).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"], "department_token_required");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("mã truy cập API của Sở")
    );
    let (status, challenge, _) = api(&app, None, &path).await;
    assert_eq!(
        (status, challenge.as_str()),
        (StatusCode::UNAUTHORIZED, "Bearer realm=\"sathach\"")
    );
    let (status, _, _) = api(&app, Some(&department), "/api/v1/people/nobody/transcript").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn simultaneous_first_downloads_give_the_credential_one_place() {
    let app = spawn_app_with_history().await;
    let person = demo_holder(&app).await;
    let number = certificate_number(&app, &person).await;
    let path = format!("/verify/{number}/credential.jwt");
    let downloads = (0..8).map(|_| {
        let browser = app.another_browser();
        let path = path.clone();
        async move { download(&browser, &path).await }
    });
    let places: std::collections::BTreeSet<String> = futures_util::future::join_all(downloads)
        .await
        .iter()
        .map(|jws| parts(jws).1["credentialStatus"]["id"].to_string())
        .collect();
    assert_eq!(places.len(), 1, "{places:?}");
    let rows = app.count("SELECT COUNT(*) FROM credential_status").await;
    assert_eq!(rows, 1);
}
