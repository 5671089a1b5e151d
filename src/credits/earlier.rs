//! Staff changes to a person's ledger: recording a recognised earlier certificate (with its
//! scan), and revoking an entry (a module earned here, for misconduct; an earlier certificate
//! recorded in error). Each is audited, and the person's certificates follow in the same
//! transaction.

use sqlx::AnyConnection;

use super::{
    ledger,
    store::{self, Change, NewEntry},
};
use crate::{
    audit::{self, AuditEntry},
    banks::catalog::catalog,
    clock,
    vocab::Date,
};

/// An earlier certificate as staff enter it.
pub struct NewEarlier<'a> {
    /// A code from the catalog's `[[equivalences]]`.
    pub equivalence: &'a str,
    pub number: &'a str,
    pub issuer: &'a str,
    pub issued_on: Date,
    /// The scan, already stored in `media` (its SHA-256), and the file's name.
    pub scan: Option<(&'a str, &'a str)>,
}

/// Why an earlier certificate cannot be recorded.
#[derive(Debug, thiserror::Error)]
pub enum EarlierRefusal {
    #[error("not an equivalence of the catalog")]
    UnknownEquivalence,
    /// Issued on or after the day the catalog stops recognising it.
    #[error("issued too late to be recognised")]
    TooLate(Date),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// Records an earlier certificate and its ledger entry, audited; returns the record's id.
pub async fn record(
    conn: &mut AnyConnection,
    person_id: &str,
    new: &NewEarlier<'_>,
    by: &str,
) -> Result<String, EarlierRefusal> {
    let equivalence = catalog()
        .equivalence(new.equivalence)
        .ok_or(EarlierRefusal::UnknownEquivalence)?;
    if let Some(day) = equivalence
        .issued_before
        .filter(|day| new.issued_on >= *day)
    {
        return Err(EarlierRefusal::TooLate(day));
    }
    let credits = equivalence
        .modules
        .iter()
        .filter_map(|m| catalog().module(m))
        .map(|m| m.credits)
        .sum();
    let id = uuid::Uuid::new_v4().to_string();
    let issued_on = new.issued_on.iso();
    sqlx::query(
        "INSERT INTO earlier_certificates (id, person_id, equivalence, number, issuer, issued_on,
                                           scan_sha256, scan_name, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(person_id)
    .bind(new.equivalence)
    .bind(new.number)
    .bind(new.issuer)
    .bind(&issued_on)
    .bind(new.scan.map(|s| s.0))
    .bind(new.scan.map(|s| s.1))
    .bind(by)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await
    .map_err(anyhow::Error::from)?;
    store::append(
        conn,
        NewEntry {
            person_id,
            kind: "earlier",
            module: None,
            credits,
            earned_on: &issued_on,
            attempt_id: None,
            session_id: None,
            organisation_id: None,
            earlier_id: Some(&id),
            revokes_id: None,
            change: None,
            recorded_by: Some(by),
        },
    )
    .await
    .map_err(anyhow::Error::from)?;
    audit::record(
        conn,
        AuditEntry {
            actor: Some(by),
            action: "credits.earlier_record",
            subject_id: person_id,
            detail: format!(
                "{} {} ({}, {issued_on})",
                new.equivalence, new.number, new.issuer
            ),
        },
    )
    .await
    .map_err(anyhow::Error::from)?;
    let recording = Change {
        cause: store::Cause::Correction,
        reason: "ghi nhận chứng chỉ đã có",
        by: Some(by),
    };
    ledger::settle(conn, person_id, recording).await?;
    Ok(id)
}

/// Revokes one standing entry of the person (earned or earlier) for `change`, audited, and
/// settles their certificates. Returns false when the entry is not the person's or no longer
/// stands.
pub async fn revoke(
    conn: &mut AnyConnection,
    person_id: &str,
    entry_id: &str,
    change: Change<'_>,
) -> anyhow::Result<bool> {
    let found: Option<(String, Option<String>)> = sqlx::query_as(&format!(
        "SELECT e.kind, e.module FROM credit_entries e
         WHERE e.id = $1 AND e.person_id = $2 AND e.kind IN ('earned', 'earlier') AND {}",
        store::STANDING
    ))
    .bind(entry_id)
    .bind(person_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((kind, module)) = found else {
        return Ok(false);
    };
    let module = module.unwrap_or_default();
    ledger::revoke_entries(
        conn,
        person_id,
        &[(entry_id.to_string(), module.clone())],
        change,
    )
    .await?;
    audit::record(
        conn,
        AuditEntry {
            actor: change.by,
            action: "credits.revoke",
            subject_id: person_id,
            detail: format!(
                "{kind} {module} ({}): {}",
                change.cause.as_str(),
                change.reason
            ),
        },
    )
    .await?;
    ledger::settle(conn, person_id, change).await?;
    Ok(true)
}
