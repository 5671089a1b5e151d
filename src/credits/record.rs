//! What a person's credit record shows staff, read from the ledger: every line (earned,
//! earlier certificate recorded, revocation) with its centre, author and the line it
//! cancels; the earlier certificates and their scans; the regrades that changed one of their
//! results in the sessions the viewer sees; and which modules an attempt has on the ledger.

use sqlx::{AnyPool, FromRow};

use super::store::STANDING;
use crate::{
    accounts::{SessionUser, model::Role},
    banks::catalog::catalog,
    clock,
    grading::model::Outcome,
    sessions::store::Scope,
    vocab::Lang,
    vocab::display_date,
};

/// One ledger row as the record lists it.
#[derive(Clone, Debug, FromRow)]
pub struct Line {
    pub id: String,
    /// earned | earlier | revoked.
    pub kind: String,
    pub module: Option<String>,
    pub credits: i64,
    pub earned_on: String,
    pub attempt_id: Option<String>,
    pub session_id: Option<String>,
    pub centre: Option<String>,
    /// The examining centre's id (earned lines).
    pub centre_id: Option<String>,
    /// The organisation of whoever recorded the earlier certificate (earlier lines).
    pub recorder_org: Option<String>,
    /// The earlier certificate recorded (or, on a revocation, the one it cancels).
    pub equivalence: Option<String>,
    pub earlier_number: Option<String>,
    pub earlier_issuer: Option<String>,
    /// On a revocation: the kind of the line it cancels.
    pub revokes_kind: Option<String>,
    pub cause: Option<String>,
    pub reason: Option<String>,
    pub author: Option<String>,
    pub created_at: i64,
    /// 1 while no later line cancels it.
    pub standing: i64,
}

impl Line {
    pub fn is_standing(&self) -> bool {
        self.kind != "revoked" && self.standing != 0
    }

    /// An admin may revoke any standing line; a centre manager a module examined at their
    /// centre, or an earlier certificate recorded by their centre's staff.
    pub fn may_revoke(&self, user: &SessionUser) -> bool {
        let own = Some(&user.organisation_id);
        self.is_standing()
            && (user.role == Role::Admin
                || match self.kind.as_str() {
                    "earned" => self.centre_id.as_ref() == own,
                    _ => self.recorder_org.as_ref() == own,
                })
    }

    pub fn date(&self) -> String {
        display_date(&self.earned_on)
    }

    pub fn recorded(&self) -> String {
        clock::format_local(self.created_at)
    }

    /// "IU01 – Hiểu biết về CNTT cơ bản" in the viewer's language.
    pub fn module_name(&self, lang: &Lang) -> String {
        self.module
            .as_deref()
            .map(|code| module_label(code, *lang))
            .unwrap_or_default()
    }

    /// The earlier certificate's kind, by its catalog name.
    pub fn equivalence_name(&self, lang: &Lang) -> String {
        self.equivalence
            .as_deref()
            .map(|code| equivalence_label(code, *lang))
            .unwrap_or_default()
    }

    /// The message key of a revocation's cause.
    pub fn cause_key(&self) -> &'static str {
        cause_key(self.cause.as_deref().unwrap_or_default())
    }
}

/// "IU01 – Hiểu biết về CNTT cơ bản" (the code alone if the catalog no longer has it).
pub fn module_label(code: &str, lang: Lang) -> String {
    match catalog().module(code) {
        Some(m) if lang == Lang::En => format!("{code} – {}", m.name_en),
        Some(m) => format!("{code} – {}", m.name_vi),
        None => code.to_string(),
    }
}

pub fn equivalence_label(code: &str, lang: Lang) -> String {
    match catalog().equivalence(code) {
        Some(e) if lang == Lang::En => e.name_en.clone(),
        Some(e) => e.name_vi.clone(),
        None => code.to_string(),
    }
}

/// The message key naming a revocation's cause (regrade, misconduct, correction, replaced).
pub fn cause_key(cause: &str) -> &'static str {
    match cause {
        "regrade" => "credit.person.cause_regrade",
        "misconduct" => "credit.person.cause_misconduct",
        "replaced" => "credit.person.cause_replaced",
        _ => "credit.person.cause_correction",
    }
}

/// Every ledger line of the person, in the order written.
pub async fn lines(pool: &AnyPool, person_id: &str) -> sqlx::Result<Vec<Line>> {
    sqlx::query_as(&format!(
        "SELECT e.id, e.kind, COALESCE(e.module, t.module) AS module, e.credits, e.earned_on,
                e.attempt_id, e.session_id, o.name AS centre, e.organisation_id AS centre_id,
                ru.organisation_id AS recorder_org, ec.equivalence,
                ec.number AS earlier_number, ec.issuer AS earlier_issuer,
                t.kind AS revokes_kind, e.cause, e.reason, u.full_name AS author, e.created_at,
                CASE WHEN {STANDING} THEN 1 ELSE 0 END AS standing
         FROM credit_entries e
         LEFT JOIN credit_entries t ON t.id = e.revokes_id
         LEFT JOIN organisations o ON o.id = COALESCE(e.organisation_id, t.organisation_id)
         LEFT JOIN earlier_certificates ec ON ec.id = COALESCE(e.earlier_id, t.earlier_id)
         LEFT JOIN users u ON u.id = e.recorded_by
         LEFT JOIN users ru ON ru.id = ec.recorded_by
         WHERE e.person_id = $1
         ORDER BY e.created_at, e.id"
    ))
    .bind(person_id)
    .fetch_all(pool)
    .await
}

/// One standing line of the person that staff may revoke (earned or earlier), if it is one.
pub async fn revocable(
    pool: &AnyPool,
    person_id: &str,
    entry_id: &str,
) -> sqlx::Result<Option<Line>> {
    Ok(lines(pool, person_id)
        .await?
        .into_iter()
        .find(|l| l.id == entry_id && l.is_standing()))
}

/// An earlier certificate on the record.
#[derive(Clone, Debug, FromRow)]
pub struct EarlierLine {
    pub id: String,
    pub equivalence: String,
    pub number: String,
    pub issuer: String,
    pub issued_on: String,
    pub has_scan: i64,
    pub author: String,
    /// 1 while its ledger line stands.
    pub standing: i64,
}

impl EarlierLine {
    pub fn issued(&self) -> String {
        display_date(&self.issued_on)
    }

    pub fn name(&self, lang: &Lang) -> String {
        equivalence_label(&self.equivalence, *lang)
    }
}

/// The person's recorded earlier certificates, oldest issue first.
pub async fn earlier(pool: &AnyPool, person_id: &str) -> sqlx::Result<Vec<EarlierLine>> {
    sqlx::query_as(&format!(
        "SELECT ec.id, ec.equivalence, ec.number, ec.issuer, ec.issued_on,
                CASE WHEN ec.scan_sha256 IS NULL THEN 0 ELSE 1 END AS has_scan,
                u.full_name AS author,
                CASE WHEN EXISTS (SELECT 1 FROM credit_entries e
                                  WHERE e.earlier_id = ec.id AND {STANDING}) THEN 1 ELSE 0 END
                    AS standing
         FROM earlier_certificates ec JOIN users u ON u.id = ec.recorded_by
         WHERE ec.person_id = $1 ORDER BY ec.issued_on, ec.created_at"
    ))
    .bind(person_id)
    .fetch_all(pool)
    .await
}

/// An earlier certificate's scan: (type, bytes, file name).
pub async fn scan(
    pool: &AnyPool,
    person_id: &str,
    earlier_id: &str,
) -> sqlx::Result<Option<(String, Vec<u8>, String)>> {
    sqlx::query_as(
        "SELECT m.mime, m.bytes, COALESCE(ec.scan_name, '') FROM earlier_certificates ec
         JOIN media m ON m.sha256 = ec.scan_sha256
         WHERE ec.id = $1 AND ec.person_id = $2",
    )
    .bind(earlier_id)
    .bind(person_id)
    .fetch_optional(pool)
    .await
}

/// A regrade that changed one of the person's results.
#[derive(Clone, Debug, FromRow)]
pub struct RegradeLine {
    pub regrade_id: String,
    pub reason: String,
    pub session_id: String,
    pub session_code: String,
    pub attempt_id: String,
    pub before_outcome: String,
    pub after_outcome: String,
    pub done_at: i64,
}

impl RegradeLine {
    pub fn when(&self) -> String {
        clock::format_local(self.done_at)
    }

    /// The message keys of the outcome before and after.
    pub fn outcome_keys(&self) -> (&'static str, &'static str) {
        (
            outcome_key(&self.before_outcome),
            outcome_key(&self.after_outcome),
        )
    }
}

fn outcome_key(outcome: &str) -> &'static str {
    match Outcome::parse(outcome) {
        Some(Outcome::Pass) => "exam.outcome_pass",
        Some(Outcome::Fail) => "exam.outcome_fail",
        _ => "exam.outcome_pending",
    }
}

/// The regrades that changed the person's results in the sessions the viewer sees (the
/// results pages' scoping), newest first.
pub async fn regrades(
    pool: &AnyPool,
    person_id: &str,
    scope: Scope<'_>,
) -> sqlx::Result<Vec<RegradeLine>> {
    let (seen, id) = scope.condition(2);
    sqlx::query_as(&format!(
        "SELECT g.id AS regrade_id, g.reason, s.id AS session_id, s.code AS session_code,
                a.id AS attempt_id, rb.outcome AS before_outcome, rn.outcome AS after_outcome,
                ra.done_at
         FROM regrade_attempts ra
         JOIN regrades g ON g.id = ra.regrade_id
         JOIN attempts a ON a.id = ra.attempt_id
         JOIN exam_sessions s ON s.id = a.session_id
         JOIN results rb ON rb.id = ra.before_result_id
         JOIN results rn ON rn.id = ra.after_result_id
         WHERE a.person_id = $1 AND {seen} AND ra.done_at IS NOT NULL
         ORDER BY ra.done_at DESC"
    ))
    .bind(person_id)
    .bind(id)
    .fetch_all(pool)
    .await
}

/// The ids of the person's attempts in the sessions the viewer sees (whose result pages they
/// may open).
pub async fn visible_attempts(
    pool: &AnyPool,
    person_id: &str,
    scope: Scope<'_>,
) -> sqlx::Result<Vec<String>> {
    let (seen, id) = scope.condition(2);
    sqlx::query_scalar(&format!(
        "SELECT a.id FROM attempts a JOIN exam_sessions s ON s.id = a.session_id
         WHERE a.person_id = $1 AND {seen}"
    ))
    .bind(person_id)
    .bind(id)
    .fetch_all(pool)
    .await
}

/// The modules an attempt has on the ledger now (earned and not revoked).
pub async fn attempt_modules(pool: &AnyPool, attempt_id: &str) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar(&format!(
        "SELECT e.module FROM credit_entries e
         WHERE e.attempt_id = $1 AND e.kind = 'earned' AND {STANDING} ORDER BY e.module"
    ))
    .bind(attempt_id)
    .fetch_all(pool)
    .await
}
