//! What the API writes for a ledger row and a certificate: one JSON object each, and the same
//! fields flattened into CSV columns (written by `sheets::csv_with_bom`, formulas defused).

use serde_json::{Value, json};

use super::store::EntryRow;
use crate::{
    clock,
    credits::certificate::{CertificateView, State},
};

/// A moment as RFC 3339 in Asia/Ho_Chi_Minh (`2026-11-28T08:05:09+07:00`).
fn moment(ms: i64) -> String {
    clock::format_for_log(ms)
}

pub fn entry_json(e: &EntryRow) -> Value {
    let earlier = e.equivalence.as_ref().map(|equivalence| {
        json!({
            "id": e.earlier_id,
            "equivalence": equivalence,
            "number": e.earlier_number,
            "issuer": e.earlier_issuer,
        })
    });
    json!({
        "id": e.id,
        "kind": e.kind,
        "person": {
            "id": e.person_id,
            "full_name": e.full_name,
            "birth_date": e.birth_date,
            "national_id": e.national_id,
            "other_id": e.other_id,
        },
        "module": e.module,
        "credits": e.credits,
        "date": e.earned_on,
        "centre": e.centre_code,
        "recorded_by_organisation": e.owner_code,
        "attempt_id": e.attempt_id,
        "session_id": e.session_id,
        "earlier_certificate": earlier,
        "revokes": e.revokes_id,
        "cause": e.cause,
        "reason": e.reason,
        "recorded_at": moment(e.created_at),
    })
}

pub const ENTRY_COLUMNS: [&str; 21] = [
    "id",
    "kind",
    "person_id",
    "full_name",
    "birth_date",
    "national_id",
    "other_id",
    "module",
    "credits",
    "date",
    "centre",
    "recorded_by_organisation",
    "attempt_id",
    "session_id",
    "earlier_equivalence",
    "earlier_number",
    "earlier_issuer",
    "revokes",
    "cause",
    "reason",
    "recorded_at",
];

pub fn entry_csv(e: &EntryRow) -> Vec<String> {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        e.id.clone(),
        e.kind.clone(),
        e.person_id.clone(),
        e.full_name.clone(),
        e.birth_date.clone(),
        text(&e.national_id),
        text(&e.other_id),
        text(&e.module),
        e.credits.to_string(),
        e.earned_on.clone(),
        text(&e.centre_code),
        text(&e.owner_code),
        text(&e.attempt_id),
        text(&e.session_id),
        text(&e.equivalence),
        text(&e.earlier_number),
        text(&e.earlier_issuer),
        text(&e.revokes_id),
        text(&e.cause),
        text(&e.reason),
        moment(e.created_at),
    ]
}

/// valid | expired | revoked | replaced, with the cause, reason and replacement when ended.
fn state(c: &CertificateView) -> (&'static str, Option<&str>, Option<&str>, Option<&str>) {
    match &c.state {
        State::Valid => ("valid", None, None, None),
        State::Expired => ("expired", None, None, None),
        State::Revoked { cause, reason } => ("revoked", Some(cause), Some(reason), None),
        State::Replaced { by } => ("replaced", Some("replaced"), None, Some(by)),
    }
}

pub fn certificate_json(c: &CertificateView, verify_url: &str) -> Value {
    let (state, cause, reason, replaced_by) = state(c);
    let modules: Vec<Value> = c
        .printed
        .modules
        .iter()
        .map(|m| json!({"code": m.code, "date": m.date, "place": m.place}))
        .collect();
    let earlier: Vec<Value> = c
        .printed
        .earlier
        .iter()
        .map(|e| {
            json!({"counts_as": e.counts_as, "number": e.number, "issuer": e.issuer,
                   "date": e.date})
        })
        .collect();
    json!({
        "id": c.id,
        "number": c.number,
        "register_number": c.register_number,
        "certificate": c.code,
        "name_vi": c.name_vi(),
        "name_en": c.name_en(),
        "person_id": c.person_id,
        "holder_name": c.holder_name,
        "holder_birth_date": c.holder_birth_date,
        "holder_id_tail": c.holder_id_tail,
        "issuer": c.issuer_code,
        "issued_on": c.issued_on,
        "expires_on": c.expires_on,
        "modules": modules,
        "earlier_certificates": earlier,
        "state": state,
        "cause": cause,
        "reason": reason,
        "replaced_by": replaced_by,
        "ended_at": c.ended_at.map(moment),
        "verify_url": verify_url,
        "recorded_at": moment(c.created_at),
    })
}

pub const CERTIFICATE_COLUMNS: [&str; 19] = [
    "id",
    "number",
    "register_number",
    "certificate",
    "person_id",
    "holder_name",
    "holder_birth_date",
    "holder_id_tail",
    "issuer",
    "issued_on",
    "expires_on",
    "modules",
    "state",
    "cause",
    "reason",
    "replaced_by",
    "ended_at",
    "verify_url",
    "recorded_at",
];

pub fn certificate_csv(c: &CertificateView, verify_url: &str) -> Vec<String> {
    let (state, cause, reason, replaced_by) = state(c);
    let text = |v: Option<&str>| v.unwrap_or_default().to_string();
    vec![
        c.id.clone(),
        c.number.clone(),
        c.register_number.clone(),
        c.code.clone(),
        c.person_id.clone(),
        c.holder_name.clone(),
        c.holder_birth_date.clone(),
        text(c.holder_id_tail.as_deref()),
        c.issuer_code.clone(),
        c.issued_on.clone(),
        text(c.expires_on.as_deref()),
        c.module_codes(),
        state.to_string(),
        text(cause),
        text(reason),
        text(replaced_by),
        c.ended_at.map(moment).unwrap_or_default(),
        verify_url.to_string(),
        moment(c.created_at),
    ]
}
