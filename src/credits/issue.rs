//! Issuing a certificate: its public number, its register number in the issuing centre's
//! book for the year, and what it prints (the holder as on the day, the modules with their
//! dates and centres, the earlier certificates it recognises). The issuer is the centre that
//! examined the module completing the rule; its Department stands above it on the paper.

use anyhow::Context;
use sqlx::AnyConnection;

use super::{
    model::{self, Satisfied, Source},
    store::{Basis, Printed, PrintedEarlier, PrintedModule},
};
use crate::{
    audit::{self, AuditEntry},
    banks::catalog::catalog,
    clock, db, orgs,
};

/// The last characters of a national ID a certificate shows.
const ID_TAIL: usize = 4;

/// Issues the certificate `met` describes to the person, in the caller's transaction;
/// returns its id.
pub async fn issue(
    conn: &mut AnyConnection,
    person_id: &str,
    met: &Satisfied,
    by: Option<&str>,
) -> anyhow::Result<String> {
    let (full_name, birth_date, national_id): (String, String, Option<String>) =
        sqlx::query_as("SELECT full_name, birth_date, national_id FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_one(&mut *conn)
            .await?;
    let completing = met
        .entries
        .iter()
        .filter(|e| matches!(e.source, Source::Attempt(_)))
        .max_by(|a, b| (a.date, &a.source).cmp(&(b.date, &b.source)))
        .context("a certificate sathach issues rests on a module examined here")?;
    let issuer = orgs::store::by_id(&mut *conn, &completing.centre)
        .await?
        .context("the examining centre exists")?;
    let mut printed = Printed::default();
    let mut basis = Basis::default();
    for entry in &met.entries {
        let module = catalog()
            .module(&entry.module)
            .context("a catalog module")?;
        let place = match &entry.source {
            Source::Attempt(attempt) => {
                basis.attempts.push(attempt.clone());
                orgs::store::by_id(&mut *conn, &entry.centre)
                    .await?
                    .map_or_else(|| entry.centre.clone(), |o| o.name)
            }
            Source::Earlier(id) => {
                basis.earlier.push(id.clone());
                entry.centre.clone()
            }
        };
        printed.modules.push(PrintedModule {
            code: module.code.clone(),
            name_vi: module.name_vi.clone(),
            name_en: module.name_en.clone(),
            date: entry.date.iso(),
            place,
        });
    }
    for id in &met.earlier {
        printed.earlier.push(recognised(conn, id).await?);
        basis.earlier.push(id.clone());
    }
    basis.earlier.sort();
    basis.earlier.dedup();
    let today = clock::local_date(clock::now_ms());
    let register = db::next_number(
        conn,
        &format!("certificate-register:{}:{}", issuer.id, today.0),
        0,
    )
    .await?;
    let register_number = format!("{}-{}-{register:05}", issuer.code, today.0);
    let number = fresh_number(conn).await?;
    let id = uuid::Uuid::new_v4().to_string();
    let id_tail = national_id.map(|n| {
        let digits: Vec<char> = n.chars().collect();
        digits[digits.len().saturating_sub(ID_TAIL)..]
            .iter()
            .collect::<String>()
    });
    sqlx::query(
        "INSERT INTO certificates (id, number, register_number, person_id, certificate,
                                   issuer_id, issued_on, expires_on, holder_name,
                                   holder_birth_date, holder_id_tail, modules, basis, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(&id)
    .bind(&number)
    .bind(&register_number)
    .bind(person_id)
    .bind(&met.certificate)
    .bind(&issuer.id)
    .bind(today.iso())
    .bind(met.expires_on.map(|d| d.iso()))
    .bind(&full_name)
    .bind(&birth_date)
    .bind(id_tail)
    .bind(serde_json::to_string(&printed)?)
    .bind(serde_json::to_string(&basis)?)
    .bind(clock::now_ms())
    .execute(&mut *conn)
    .await?;
    audit::record(
        conn,
        AuditEntry {
            actor: by,
            action: "credits.certificate_issue",
            subject_id: &id,
            detail: format!(
                "{} {number} ({register_number}) to {full_name}",
                met.certificate
            ),
        },
    )
    .await?;
    Ok(id)
}

/// A public number no certificate has yet (a clash of 60 random bits is all but impossible,
/// and is retried).
async fn fresh_number(conn: &mut AnyConnection) -> anyhow::Result<String> {
    for _ in 0..4 {
        let number = model::certificate_number();
        let taken: Option<i64> = sqlx::query_scalar("SELECT 1 FROM certificates WHERE number = $1")
            .bind(&number)
            .fetch_optional(&mut *conn)
            .await?;
        if taken.is_none() {
            return Ok(number);
        }
    }
    anyhow::bail!("no free certificate number after four draws")
}

/// An earlier certificate recognised as a whole certificate, as printed.
async fn recognised(conn: &mut AnyConnection, id: &str) -> anyhow::Result<PrintedEarlier> {
    let (equivalence, number, issuer, date): (String, String, String, String) = sqlx::query_as(
        "SELECT equivalence, number, issuer, issued_on FROM earlier_certificates WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let recognised = catalog()
        .equivalence(&equivalence)
        .context("a catalog equivalence")?;
    Ok(PrintedEarlier {
        counts_as: recognised
            .certificate
            .clone()
            .context("an equivalence recognised as a whole certificate")?,
        name_vi: recognised.name_vi.clone(),
        name_en: recognised.name_en.clone(),
        number,
        issuer,
        date,
    })
}
