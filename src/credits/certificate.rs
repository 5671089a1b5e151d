//! A certificate as every page shows it (verification, printing, the register, a person's
//! record): what it prints, its issuer under its Department, and its state today (valid,
//! expired, revoked or replaced), read by id, by public number, or for a person or an issuer.

use anyhow::Context;
use sqlx::FromRow;

use super::store::Printed;
use crate::{
    banks::catalog::{Certificate, catalog},
    clock,
    vocab::{Date, display_date},
};

/// Where a certificate stands today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    Valid,
    /// Past its last valid day (`expires_on`).
    Expired,
    /// Revoked: the cause (`regrade`, `misconduct`, `correction`) and the reason.
    Revoked {
        cause: String,
        reason: String,
    },
    /// Replaced by a newer certificate (its public number).
    Replaced {
        by: String,
    },
}

impl State {
    /// The message-catalog key naming the state.
    pub fn key(&self) -> &'static str {
        match self {
            State::Valid => "credit.state.valid",
            State::Expired => "credit.state.expired",
            State::Revoked { .. } => "credit.state.revoked",
            State::Replaced { .. } => "credit.state.replaced",
        }
    }

    pub fn is_valid(&self) -> bool {
        *self == State::Valid
    }
}

/// One issued certificate, read for display.
#[derive(Clone, Debug)]
pub struct CertificateView {
    pub id: String,
    pub number: String,
    pub register_number: String,
    pub person_id: String,
    /// The catalog certificate's code (TT03-CB …).
    pub code: String,
    pub holder_name: String,
    /// YYYY-MM-DD.
    pub holder_birth_date: String,
    /// The national ID's last digits, when the holder has one.
    pub holder_id_tail: Option<String>,
    pub printed: Printed,
    pub issued_on: String,
    pub expires_on: Option<String>,
    pub issuer_id: String,
    pub issuer_code: String,
    pub issuer_name: String,
    pub department_name: String,
    pub created_at: i64,
    pub state: State,
    /// When it was revoked or replaced (UTC ms).
    pub ended_at: Option<i64>,
}

impl CertificateView {
    /// The catalog's rule it was issued under (None if the catalog no longer has it).
    pub fn rule(&self) -> Option<&'static Certificate> {
        catalog().certificate(&self.code)
    }

    pub fn name_vi(&self) -> &str {
        self.rule().map_or(&self.code, |c| &c.name_vi)
    }

    pub fn name_en(&self) -> &str {
        self.rule().map_or(&self.code, |c| &c.name_en)
    }

    /// Neither revoked nor replaced (an expired certificate still attests what it did).
    pub fn in_force(&self) -> bool {
        matches!(self.state, State::Valid | State::Expired)
    }

    /// The national ID as shown: all but its last digits hidden (`********1234`).
    pub fn holder_id_shown(&self) -> Option<String> {
        self.holder_id_tail.as_ref().map(|t| format!("********{t}"))
    }

    pub fn holder_birth_display(&self) -> String {
        display_date(&self.holder_birth_date)
    }

    pub fn issued_display(&self) -> String {
        display_date(&self.issued_on)
    }

    pub fn expires_display(&self) -> Option<String> {
        self.expires_on.as_deref().map(display_date)
    }

    /// The codes of the modules it lists, comma-separated (for the register).
    pub fn module_codes(&self) -> String {
        self.printed
            .modules
            .iter()
            .map(|m| m.code.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[derive(FromRow)]
struct Row {
    id: String,
    number: String,
    register_number: String,
    person_id: String,
    certificate: String,
    holder_name: String,
    holder_birth_date: String,
    holder_id_tail: Option<String>,
    modules: String,
    issued_on: String,
    expires_on: Option<String>,
    issuer_id: String,
    issuer_code: String,
    issuer_name: String,
    department_name: String,
    created_at: i64,
    end_cause: Option<String>,
    end_reason: Option<String>,
    replaced_by: Option<String>,
    ended_at: Option<i64>,
}

const SELECT: &str = "SELECT c.id, c.number, c.register_number, c.person_id, c.certificate,
        c.holder_name, c.holder_birth_date, c.holder_id_tail, c.modules, c.issued_on,
        c.expires_on, c.issuer_id, o.code AS issuer_code, o.name AS issuer_name,
        d.name AS department_name, c.created_at, cr.cause AS end_cause,
        cr.reason AS end_reason, rc.number AS replaced_by, cr.revoked_at AS ended_at
    FROM certificates c
    JOIN organisations o ON o.id = c.issuer_id
    JOIN organisations d ON d.id = COALESCE(o.department_id, o.id)
    LEFT JOIN certificate_revocations cr ON cr.certificate_id = c.id
    LEFT JOIN certificates rc ON rc.id = cr.replaced_by";

impl Row {
    fn view(self, today: Date) -> anyhow::Result<CertificateView> {
        let printed: Printed =
            serde_json::from_str(&self.modules).context("a certificate's printed modules")?;
        let expired = self
            .expires_on
            .as_deref()
            .and_then(Date::parse)
            .is_some_and(|last| today > last);
        let state = match (self.end_cause, self.replaced_by) {
            (Some(_), Some(by)) => State::Replaced { by },
            (Some(cause), None) => State::Revoked {
                cause,
                reason: self.end_reason.unwrap_or_default(),
            },
            (None, _) if expired => State::Expired,
            (None, _) => State::Valid,
        };
        Ok(CertificateView {
            id: self.id,
            number: self.number,
            register_number: self.register_number,
            person_id: self.person_id,
            code: self.certificate,
            holder_name: self.holder_name,
            holder_birth_date: self.holder_birth_date,
            holder_id_tail: self.holder_id_tail,
            printed,
            issued_on: self.issued_on,
            expires_on: self.expires_on,
            issuer_id: self.issuer_id,
            issuer_code: self.issuer_code,
            issuer_name: self.issuer_name,
            department_name: self.department_name,
            created_at: self.created_at,
            state,
            ended_at: self.ended_at,
        })
    }
}

fn today() -> Date {
    clock::local_date(clock::now_ms())
}

async fn one<'e, E>(
    executor: E,
    column: &str,
    value: &str,
) -> anyhow::Result<Option<CertificateView>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row: Option<Row> = sqlx::query_as(&format!("{SELECT} WHERE c.{column} = $1"))
        .bind(value)
        .fetch_optional(executor)
        .await?;
    row.map(|r| r.view(today())).transpose()
}

/// The certificate with this id.
pub async fn by_id<'e, E>(executor: E, id: &str) -> anyhow::Result<Option<CertificateView>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    one(executor, "id", id).await
}

/// The certificates with these ids, in the order given (ids with no certificate are left
/// out); one query for the whole list.
pub async fn by_ids<'e, E>(executor: E, ids: &[String]) -> anyhow::Result<Vec<CertificateView>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT} WHERE c.id IN {}",
        crate::db::values_list(1, ids.len())
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for id in ids {
        query = query.bind(id);
    }
    let today = today();
    let mut found: std::collections::HashMap<String, CertificateView> = query
        .fetch_all(executor)
        .await?
        .into_iter()
        .map(|r| r.view(today).map(|v| (v.id.clone(), v)))
        .collect::<anyhow::Result<_>>()?;
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// The certificate with this public number (in its printed form, `7KQ2-M9XD-4TRB`).
pub async fn by_number<'e, E>(executor: E, number: &str) -> anyhow::Result<Option<CertificateView>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    one(executor, "number", number).await
}

/// Every certificate of a person, newest first.
pub async fn of_person<'e, E>(executor: E, person_id: &str) -> anyhow::Result<Vec<CertificateView>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE c.person_id = $1 ORDER BY c.created_at DESC, c.id"
    ))
    .bind(person_id)
    .fetch_all(executor)
    .await?;
    let today = today();
    rows.into_iter().map(|r| r.view(today)).collect()
}

/// An issuer's register (sổ cấp chứng chỉ), in register order. `year` limits it to the
/// certificates issued that year.
pub async fn register<'e, E>(
    executor: E,
    issuer_id: &str,
    year: Option<i32>,
) -> anyhow::Result<Vec<CertificateView>>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let rows: Vec<Row> = sqlx::query_as(&format!(
        "{SELECT} WHERE c.issuer_id = $1 AND ($2 = '' OR c.issued_on LIKE $2)
         ORDER BY c.created_at, c.register_number"
    ))
    .bind(issuer_id)
    .bind(year.map_or(String::new(), |y| format!("{y}-%")))
    .fetch_all(executor)
    .await?;
    let today = today();
    rows.into_iter().map(|r| r.view(today)).collect()
}
