//! The offline check's verdicts on credentials signed here with throw-away keys.

use serde_json::{Value, json};

use super::{Verdict, check};
use crate::{
    credentials::{
        jws::{self, KeySet},
        model,
    },
    keys::{self, Signer, model::PublicKey},
};

const NOW: i64 = 1_790_000_000_000;

fn url() -> url::Url {
    url::Url::parse("https://thi.example.vn/").unwrap()
}

fn signer(code: &str) -> Signer {
    Signer::from_key(code, keys::files::generate())
}

/// The JWKS publishing these signers' keys.
fn jwks(signers: &[&Signer]) -> KeySet {
    let published: Vec<PublicKey> = signers
        .iter()
        .map(|s| PublicKey {
            kid: s.kid.clone(),
            organisation_id: "o".into(),
            public_key: keys::model::encode_public(&s.verifying_key()),
            created_at: 0,
            retired_at: None,
        })
        .collect();
    let did = keys::model::did_web(&url(), &signers[0].organisation_code);
    KeySet::parse(&keys::model::jwks(&did, &published).to_string()).unwrap()
}

fn credential(signer: &Signer, fields: Value) -> Value {
    let did = keys::model::did_web(&url(), &signer.organisation_code);
    let mut c = json!({
        "@context": [model::VC_CONTEXT, model::OB_CONTEXT],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": { "id": did, "type": ["Profile"], "name": "TT" },
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": { "type": ["AchievementSubject"] },
    });
    for (k, v) in fields.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

fn signed(signer: &Signer, fields: Value) -> String {
    jws::sign(signer, &url(), &credential(signer, fields)).unwrap()
}

fn list(signer: &Signer, revoked: &[u64]) -> String {
    let issuer = model::Issuer {
        code: signer.organisation_code.clone(),
        did: keys::model::did_web(&url(), &signer.organisation_code),
        name: "TT".into(),
        url: url().to_string(),
    };
    let value = model::status_list(
        "https://thi.example.vn/orgs/TT-1/status/0",
        &issuer,
        0,
        revoked,
    );
    jws::sign(signer, &url(), &value).unwrap()
}

fn status(index: u64) -> Value {
    json!({ "credentialStatus": {
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": index.to_string(),
        "statusListCredential": "https://thi.example.vn/orgs/TT-1/status/0",
    }})
}

#[test]
fn a_credential_in_force_is_valid() {
    let s = signer("TT-1");
    let report = check(&signed(&s, json!({})), &jwks(&[&s]), None, NOW);
    assert_eq!(report.verdict, Verdict::Valid);
    assert_eq!(
        report.credential.unwrap()["credentialSubject"]["type"][0],
        "AchievementSubject"
    );
}

#[test]
fn a_changed_payload_is_tampered() {
    let s = signer("TT-1");
    let token = signed(&s, json!({ "name": "IU01" }));
    let parts: Vec<&str> = token.split('.').collect();
    let forged = credential(&s, json!({ "name": "IU09" }));
    let body = base64::Engine::encode(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD,
        forged.to_string(),
    );
    let token = format!("{}.{body}.{}", parts[0], parts[2]);
    let verdict = check(&token, &jwks(&[&s]), None, NOW).verdict;
    assert!(matches!(verdict, Verdict::Tampered(_)), "{verdict:?}");
}

#[test]
fn another_organisations_key_is_not_the_issuers() {
    let (ours, theirs) = (signer("TT-1"), signer("TT-2"));
    // TT-2 signs a credential that names TT-1 as its issuer.
    let mut c = credential(&ours, json!({}));
    c["name"] = json!("forged");
    let token = jws::sign(&theirs, &url(), &c).unwrap();
    let verdict = check(&token, &jwks(&[&ours, &theirs]), None, NOW).verdict;
    assert!(matches!(verdict, Verdict::Tampered(_)), "{verdict:?}");
    // Without TT-2's key the signature cannot even be checked.
    let verdict = check(&token, &jwks(&[&ours]), None, NOW).verdict;
    assert!(matches!(verdict, Verdict::UnknownKey(_)), "{verdict:?}");
}

#[test]
fn the_validity_period_is_checked() {
    let s = signer("TT-1");
    let expired = signed(&s, json!({ "validUntil": "2026-06-30T16:59:59Z" }));
    assert_eq!(
        check(&expired, &jwks(&[&s]), None, NOW).verdict,
        Verdict::Expired("2026-06-30T16:59:59Z".into())
    );
    let later = signed(&s, json!({ "validFrom": "2030-01-01T00:00:00Z" }));
    assert!(matches!(
        check(&later, &jwks(&[&s]), None, NOW).verdict,
        Verdict::NotYetValid(_)
    ));
}

#[test]
fn the_status_list_says_revoked() {
    let s = signer("TT-1");
    let keys = jwks(&[&s]);
    let token = signed(&s, status(7));
    let unchecked = check(&token, &keys, None, NOW);
    assert_eq!(unchecked.verdict, Verdict::Valid);
    assert_eq!(
        unchecked.status_unchecked.as_deref(),
        Some("https://thi.example.vn/orgs/TT-1/status/0")
    );
    let clear = list(&s, &[3, 8]);
    assert_eq!(
        check(&token, &keys, Some(&clear), NOW).verdict,
        Verdict::Valid
    );
    let revoked = list(&s, &[7]);
    assert_eq!(
        check(&token, &keys, Some(&revoked), NOW).verdict,
        Verdict::Revoked
    );
}

#[test]
fn a_status_list_from_elsewhere_is_not_used() {
    let (s, other) = (signer("TT-1"), signer("TT-2"));
    let keys = jwks(&[&s, &other]);
    let token = signed(&s, status(7));
    // A list signed by another organisation, even at the right address, proves nothing.
    let foreign = {
        let issuer = model::Issuer {
            code: "TT-2".into(),
            did: keys::model::did_web(&url(), "TT-2"),
            name: "TT-2".into(),
            url: url().to_string(),
        };
        let value =
            model::status_list("https://thi.example.vn/orgs/TT-1/status/0", &issuer, 0, &[]);
        jws::sign(&other, &url(), &value).unwrap()
    };
    let verdict = check(&token, &keys, Some(&foreign), NOW).verdict;
    assert!(matches!(verdict, Verdict::Invalid(_)), "{verdict:?}");
    // A tampered list is refused too.
    let mut parts: Vec<String> = list(&s, &[]).split('.').map(String::from).collect();
    parts[2] = parts[2].chars().rev().collect();
    let verdict = check(&token, &keys, Some(&parts.join(".")), NOW).verdict;
    assert!(matches!(verdict, Verdict::Invalid(_)), "{verdict:?}");
}

#[test]
fn garbage_is_invalid_not_a_panic() {
    let s = signer("TT-1");
    for token in ["", "abc", "a.b.c", "..", &"x".repeat(10_000)] {
        let verdict = check(token, &jwks(&[&s]), None, NOW).verdict;
        assert!(
            matches!(verdict, Verdict::Invalid(_) | Verdict::Tampered(_)),
            "{token}: {verdict:?}"
        );
    }
}
