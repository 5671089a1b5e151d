//! Staff accounts: who may sign in, in which role, to see what.

pub mod auth;
mod edit;
pub mod model;
pub mod pages;
pub mod password;
mod password_page;
pub mod store;
pub mod throttle;
pub mod users;

use actix_web::web;
use anyhow::Context;

use crate::{audit, db::Db, orgs, vocab::Failure};
pub use auth::Staff;
use model::{Email, Role};

/// The signed-in staff member, as every handler sees them.
#[derive(Clone, Debug)]
pub struct SessionUser {
    pub id: String,
    pub email: String,
    pub full_name: String,
    pub role: Role,
    pub organisation_id: String,
    pub organisation_name: String,
    pub department_id: String,
    pub must_change_password: bool,
}

impl SessionUser {
    /// What the page chrome shows of them: name, centre, role and the menus their role opens.
    pub fn viewer(&self) -> crate::web::Viewer {
        crate::web::Viewer {
            id: self.id.clone(),
            full_name: self.full_name.clone(),
            organisation_id: self.organisation_id.clone(),
            organisation_name: self.organisation_name.clone(),
            role_key: self.role.label_key(),
            is_admin: self.role == Role::Admin,
            can_manage_banks: self.role.may(model::Action::ManageBanks),
            can_run_sessions: self.role.may(model::Action::RunSessions),
            can_schedule_sessions: self.role.may(model::Action::ScheduleSessions),
        }
    }
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    pages::routes(cfg);
    password_page::routes(cfg);
    users::routes(cfg);
}

/// The e-mail already belongs to an account.
#[derive(Debug)]
pub struct EmailTaken;

/// Creates an account with a temporary password (to change at first sign-in), audited in the
/// same transaction. Returns the new id and the temporary password, shown once.
pub async fn create_account(
    db: &Db,
    org: &orgs::model::Organisation,
    role: Role,
    email: &Email,
    full_name: &str,
    actor: Option<&str>,
) -> anyhow::Result<Result<(String, String), EmailTaken>> {
    let temporary = model::temporary_password();
    let hash = password::hash(temporary.clone()).await?;
    let mut tx = db.begin_write().await?;
    let new = store::NewUser {
        organisation_id: &org.id,
        email,
        full_name,
        role,
        password_hash: &hash,
        must_change_password: true,
    };
    let id = match store::insert_user(&mut tx, new).await {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => return Ok(Err(EmailTaken)),
        Err(e) => return Err(e.into()),
    };
    let detail = format!("{role} {} at {}", email.as_str(), org.code);
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor,
            action: "user.create",
            subject_id: &id,
            detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Ok((id, temporary)))
}

/// `sathach user add`: creates an account with a temporary password and returns the report.
pub async fn cli_add(
    db: &Db,
    org_code: &str,
    role: Role,
    email: &str,
    name: Option<&str>,
) -> Result<String, Failure> {
    let email = Email::parse(email).map_err(|_| {
        Failure::Content(format!(
            "{email:?} is not an e-mail address (expected name@domain.vn)"
        ))
    })?;
    let full_name = model::clean_name(name.unwrap_or(email.as_str()))
        .map_err(|_| Failure::Content("the name must be 1 to 120 characters".into()))?;
    let org = orgs::store::by_code(&db.read, &org_code.trim().to_uppercase())
        .await
        .context("cannot read organisations")?
        .ok_or_else(|| {
            Failure::Content(format!(
                "no organisation has the code {org_code}; create it with `sathach org add` first"
            ))
        })?;
    if !role.fits_organisation(org.kind()) {
        return Err(Failure::Content(format!(
            "a {role} belongs to a {}, but {} is a {}",
            if role == Role::Admin {
                "department"
            } else {
                "centre"
            },
            org.code,
            org.kind().as_str()
        )));
    }
    let created = create_account(db, &org, role, &email, &full_name, None).await?;
    let temporary = match created {
        Ok((_, temporary)) => temporary,
        Err(EmailTaken) => {
            return Err(Failure::Content(format!(
                "an account for {} already exists",
                email.as_str()
            )));
        }
    };
    Ok(format!(
        "created {role} {} at {}\ntemporary password (change it at first sign-in, within 72 hours): {temporary}",
        email.as_str(),
        org.code
    ))
}
