//! Checking a signed credential offline, as `sathach credential verify` does: the signature
//! against the keys given, the signing key against the issuer, the validity period against
//! today, and revocation against a status list (itself signed by the same issuer).

use serde_json::Value;

use super::{
    jws::{self, JwsError, KeySet},
    model,
};

/// What a check concludes, worst first.
#[derive(Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Not a credential sathach can read, or a status list that cannot be used.
    Invalid(String),
    /// Signed by none of the keys given.
    UnknownKey(String),
    /// The content was changed after signing (or signed by another issuer's key).
    Tampered(String),
    Revoked,
    /// Past its `validUntil` (the date-time stated).
    Expired(String),
    /// Before its `validFrom`.
    NotYetValid(String),
    Valid,
}

impl Verdict {
    /// The message-catalog key naming it.
    pub fn key(&self) -> &'static str {
        match self {
            Verdict::Invalid(_) => "credential.verdict.invalid",
            Verdict::UnknownKey(_) => "credential.verdict.unknown_key",
            Verdict::Tampered(_) => "credential.verdict.tampered",
            Verdict::Revoked => "credential.verdict.revoked",
            Verdict::Expired(_) => "credential.verdict.expired",
            Verdict::NotYetValid(_) => "credential.verdict.not_yet_valid",
            Verdict::Valid => "credential.verdict.valid",
        }
    }

    /// What to add to the message (the key, the date, the reason).
    pub fn detail(&self) -> &str {
        match self {
            Verdict::Invalid(d)
            | Verdict::UnknownKey(d)
            | Verdict::Tampered(d)
            | Verdict::Expired(d)
            | Verdict::NotYetValid(d) => d,
            Verdict::Revoked | Verdict::Valid => "",
        }
    }
}

/// The outcome, with the credential as read (when its signature checked out).
#[derive(Debug)]
pub struct Report {
    pub verdict: Verdict,
    pub credential: Option<Value>,
    /// The status list the credential points to, when no list was given to check it.
    pub status_unchecked: Option<String>,
}

impl Report {
    fn of(verdict: Verdict) -> Report {
        Report {
            verdict,
            credential: None,
            status_unchecked: None,
        }
    }
}

/// Checks `token` (a compact JWS) at `now` (UTC ms) with `keys`, and its revocation with
/// `status_list` (the status list credential's JWS) when given.
pub fn check(token: &str, keys: &KeySet, status_list: Option<&str>, now: i64) -> Report {
    let credential = match signed_by_issuer(token, keys) {
        Ok(credential) => credential,
        Err(verdict) => return Report::of(verdict),
    };
    let mut report = Report::of(Verdict::Valid);
    let status = &credential["credentialStatus"];
    if let Some(list_url) = status["statusListCredential"].as_str() {
        match status_list {
            Some(list) => {
                if let Err(verdict) = check_status(&credential, list_url, list, keys) {
                    report.verdict = verdict;
                }
            }
            None => report.status_unchecked = Some(list_url.to_string()),
        }
    }
    if report.verdict == Verdict::Valid {
        report.verdict = period(&credential, now);
    }
    report.credential = Some(credential);
    report
}

/// The payload, if the signature is right and the key is the issuer's own.
fn signed_by_issuer(token: &str, keys: &KeySet) -> Result<Value, Verdict> {
    let verified = jws::verify(token, keys).map_err(|e| match e {
        JwsError::UnknownKey(kid) => Verdict::UnknownKey(kid),
        JwsError::BadSignature => Verdict::Tampered(e.to_string()),
        other => Verdict::Invalid(other.to_string()),
    })?;
    let issuer = issuer_id(&verified.payload)
        .ok_or_else(|| Verdict::Invalid("the credential names no issuer".into()))?;
    let key_owner = verified.kid.split('#').next().unwrap_or_default();
    if key_owner != issuer {
        return Err(Verdict::Tampered(format!(
            "signed with {} but issued by {issuer}",
            verified.kid
        )));
    }
    Ok(verified.payload)
}

/// `issuer` as a string, or the `id` of an issuer profile.
fn issuer_id(credential: &Value) -> Option<&str> {
    let issuer = &credential["issuer"];
    issuer.as_str().or_else(|| issuer["id"].as_str())
}

/// Revoked, or a list that cannot be used, per the credential's status entry.
fn check_status(
    credential: &Value,
    list_url: &str,
    list: &str,
    keys: &KeySet,
) -> Result<(), Verdict> {
    let unusable = |why: String| Verdict::Invalid(format!("status list: {why}"));
    let list = signed_by_issuer(list, keys).map_err(|v| unusable(format!("{v:?}")))?;
    if list["id"].as_str() != Some(list_url) {
        return Err(unusable(format!(
            "the list given is {}, the credential points to {list_url}",
            list["id"].as_str().unwrap_or("?")
        )));
    }
    if issuer_id(&list) != issuer_id(credential) {
        return Err(unusable("issued by another organisation".into()));
    }
    let subject = &list["credentialSubject"];
    if subject["statusPurpose"] != "revocation" {
        return Err(unusable("its purpose is not revocation".into()));
    }
    let bits = model::decode_list(subject["encodedList"].as_str().unwrap_or_default())
        .map_err(|e| unusable(e.to_string()))?;
    let index: u64 = credential["credentialStatus"]["statusListIndex"]
        .as_str()
        .and_then(|i| i.parse().ok())
        .ok_or_else(|| unusable("the credential's statusListIndex is not a number".into()))?;
    match model::bit(&bits, index) {
        Some(true) => Err(Verdict::Revoked),
        Some(false) => Ok(()),
        None => Err(unusable(format!("index {index} is past the list's end"))),
    }
}

/// Expired or not yet valid at `now`, per validFrom and validUntil.
fn period(credential: &Value, now: i64) -> Verdict {
    let moment = |field: &str| {
        credential[field]
            .as_str()
            .map(|text| (text.to_string(), crate::clock::parse_rfc3339(text)))
    };
    match (moment("validFrom"), moment("validUntil")) {
        (Some((text, None)), _) | (_, Some((text, None))) => {
            Verdict::Invalid(format!("{text} is not an RFC 3339 date-time"))
        }
        (_, Some((text, Some(until)))) if now > until => Verdict::Expired(text),
        (Some((text, Some(from))), _) if now < from => Verdict::NotYetValid(text),
        _ => Verdict::Valid,
    }
}

#[cfg(test)]
#[path = "check_tests.rs"]
mod tests;
