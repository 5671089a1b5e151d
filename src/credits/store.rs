//! The ledger's SQL: a person's standing entries, recognised earlier certificates and held
//! certificates (what the rules read), and the rows the ledger appends. Every table is
//! append-only: a revocation is a row naming the row it cancels.

use serde::{Deserialize, Serialize};
use sqlx::{AnyConnection, FromRow};

use super::model::{Earlier, Entry, Held, Source};
use crate::{clock, vocab::Date};

/// Why an entry or a certificate was revoked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cause {
    /// A regrade after a key correction turned the pass into a fail.
    Regrade,
    /// Staff revoked it for misconduct (vi phạm quy chế thi).
    Misconduct,
    /// A later result (a practical score entered again) or a record made in error.
    Correction,
}

impl Cause {
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::Regrade => "regrade",
            Cause::Misconduct => "misconduct",
            Cause::Correction => "correction",
        }
    }
}

/// Who or what changes a ledger, and why (the reason is required for a revocation).
#[derive(Clone, Copy, Debug)]
pub struct Change<'a> {
    pub cause: Cause,
    pub reason: &'a str,
    /// The staff member; None for the system.
    pub by: Option<&'a str>,
}

/// A module line as a certificate prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedModule {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// The day it was earned (YYYY-MM-DD).
    pub date: String,
    /// The centre that examined it, or the issuer of the earlier certificate it came from.
    pub place: String,
}

/// An earlier certificate recognised as a whole certificate, as a certificate prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrintedEarlier {
    /// The catalog certificate it counts as.
    pub counts_as: String,
    /// The equivalence's name (what the earlier certificate is).
    pub name_vi: String,
    pub name_en: String,
    pub number: String,
    pub issuer: String,
    pub date: String,
}

/// Everything a certificate lists (the `modules` column).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printed {
    pub modules: Vec<PrintedModule>,
    #[serde(default)]
    pub earlier: Vec<PrintedEarlier>,
}

/// What a certificate rests on (the `basis` column): attempt and earlier-certificate ids.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    pub attempts: Vec<String>,
    pub earlier: Vec<String>,
}

/// "Not cancelled by a later revocation row."
pub const STANDING: &str = "NOT EXISTS (SELECT 1 FROM credit_entries r WHERE r.revokes_id = e.id)";

#[derive(FromRow)]
struct EntryRow {
    module: String,
    earned_on: String,
    organisation_id: String,
    attempt_id: String,
}

/// The person's module entries that stand (earned from an attempt, not revoked). An entry's
/// `centre` is the examining organisation's id.
pub async fn standing_entries(
    conn: &mut AnyConnection,
    person_id: &str,
) -> sqlx::Result<Vec<Entry>> {
    let rows: Vec<EntryRow> = sqlx::query_as(&format!(
        "SELECT e.module, e.earned_on, e.organisation_id, e.attempt_id
         FROM credit_entries e
         WHERE e.person_id = $1 AND e.kind = 'earned' AND {STANDING}
         ORDER BY e.created_at, e.id"
    ))
    .bind(person_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Entry {
                module: r.module,
                date: Date::parse(&r.earned_on)?,
                centre: r.organisation_id,
                source: Source::Attempt(r.attempt_id),
            })
        })
        .collect())
}

#[derive(FromRow)]
struct EarlierRow {
    id: String,
    equivalence: String,
    issued_on: String,
    issuer: String,
}

/// The person's recorded earlier certificates that stand.
pub async fn standing_earlier(
    conn: &mut AnyConnection,
    person_id: &str,
) -> sqlx::Result<Vec<Earlier>> {
    let rows: Vec<EarlierRow> = sqlx::query_as(&format!(
        "SELECT ec.id, ec.equivalence, ec.issued_on, ec.issuer
         FROM credit_entries e JOIN earlier_certificates ec ON ec.id = e.earlier_id
         WHERE e.person_id = $1 AND e.kind = 'earlier' AND {STANDING}
         ORDER BY ec.issued_on, ec.id"
    ))
    .bind(person_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Earlier {
                id: r.id,
                equivalence: r.equivalence,
                date: Date::parse(&r.issued_on)?,
                issuer: r.issuer,
            })
        })
        .collect())
}

/// "Neither revoked nor replaced."
pub const IN_FORCE: &str =
    "NOT EXISTS (SELECT 1 FROM certificate_revocations cr WHERE cr.certificate_id = c.id)";

/// The certificates the person holds (in force).
pub async fn held(conn: &mut AnyConnection, person_id: &str) -> anyhow::Result<Vec<Held>> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(&format!(
        "SELECT c.id, c.certificate, c.modules FROM certificates c
         WHERE c.person_id = $1 AND {IN_FORCE} ORDER BY c.created_at, c.id"
    ))
    .bind(person_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, certificate, modules)| {
            let printed: Printed = serde_json::from_str(&modules)?;
            Ok(Held {
                id,
                certificate,
                modules: printed.modules.into_iter().map(|m| m.code).collect(),
            })
        })
        .collect()
}

/// A new ledger row.
pub struct NewEntry<'a> {
    pub person_id: &'a str,
    pub kind: &'a str,
    pub module: Option<&'a str>,
    pub credits: u32,
    pub earned_on: &'a str,
    pub attempt_id: Option<&'a str>,
    pub session_id: Option<&'a str>,
    pub organisation_id: Option<&'a str>,
    pub earlier_id: Option<&'a str>,
    pub revokes_id: Option<&'a str>,
    pub change: Option<Change<'a>>,
    pub recorded_by: Option<&'a str>,
}

/// Appends a ledger row in the caller's transaction; returns its id.
pub async fn append(conn: &mut AnyConnection, new: NewEntry<'_>) -> sqlx::Result<String> {
    let id = uuid::Uuid::new_v4().to_string();
    sqlx::query(
        "INSERT INTO credit_entries (id, person_id, kind, module, credits, earned_on, attempt_id,
                                     session_id, organisation_id, earlier_id, revokes_id, cause,
                                     reason, recorded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&id)
    .bind(new.person_id)
    .bind(new.kind)
    .bind(new.module)
    .bind(i64::from(new.credits))
    .bind(new.earned_on)
    .bind(new.attempt_id)
    .bind(new.session_id)
    .bind(new.organisation_id)
    .bind(new.earlier_id)
    .bind(new.revokes_id)
    .bind(new.change.map(|c| c.cause.as_str()))
    .bind(new.change.map(|c| c.reason))
    .bind(new.recorded_by)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(id)
}

/// Ends a certificate: revoked for `change`, or replaced by `replaced_by`.
pub async fn end_certificate(
    conn: &mut AnyConnection,
    certificate_id: &str,
    change: Change<'_>,
    replaced_by: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO certificate_revocations (certificate_id, cause, reason, replaced_by,
                                              revoked_by, revoked_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(certificate_id)
    .bind(if replaced_by.is_some() {
        "replaced"
    } else {
        change.cause.as_str()
    })
    .bind(change.reason)
    .bind(replaced_by)
    .bind(change.by)
    .bind(clock::now_ms())
    .execute(conn)
    .await?;
    Ok(())
}
