//! Organisations and rooms: the department, its training centres and schools.

pub mod model;
pub mod pages;
pub mod store;

use anyhow::Context;

use crate::{audit, db::Db, vocab::Failure};
use model::OrgKind;

pub use pages::routes;

/// The organisation, if this staff member may see it (their department's for an admin, their
/// own centre otherwise); anything else is "not found", so its existence is not revealed.
pub async fn visible_to(
    db: &Db,
    user: &crate::accounts::SessionUser,
    id: &str,
) -> Result<model::Organisation, crate::web::AppError> {
    store::by_id(&db.read, id)
        .await?
        .filter(|o| o.visible_to(user))
        .ok_or(crate::web::AppError::NotFound)
}

/// An organisation named on the command line by its code, or a content error saying so.
pub async fn by_code_for_cli(db: &Db, code: &str) -> Result<model::Organisation, Failure> {
    store::by_code(&db.read, &code.trim().to_uppercase())
        .await
        .context("cannot read organisations")?
        .ok_or_else(|| Failure::Content(format!("no organisation has the code {code}")))
}

/// `sathach org add`: creates a department, or a centre or school of an existing department.
pub async fn cli_add(
    db: &Db,
    code: &str,
    name: &str,
    kind: OrgKind,
    department: Option<&str>,
) -> Result<String, Failure> {
    let code = model::parse_code(code).map_err(|_| {
        Failure::Content(format!(
            "{code:?} is not a valid code: use 2–32 letters, digits, - or _ (e.g. SGD-HN)"
        ))
    })?;
    let name = model::parse_name(name)
        .map_err(|_| Failure::Content("the name must be 1 to 200 characters".into()))?;
    let department_id = match (kind, department) {
        (OrgKind::Department, None) => None,
        (OrgKind::Department, Some(_)) => {
            return Err(Failure::Content(
                "a department belongs to no other organisation: drop --department".into(),
            ));
        }
        (_, None) => {
            return Err(Failure::Content(format!(
                "a {} belongs to a department: add --department CODE",
                kind.as_str()
            )));
        }
        (_, Some(parent)) => {
            let parent_code = parent.trim().to_uppercase();
            let parent = store::by_code(&db.read, &parent_code)
                .await
                .context("cannot read organisations")?
                .filter(|o| o.kind() == OrgKind::Department)
                .ok_or_else(|| {
                    Failure::Content(format!("no department has the code {parent_code}"))
                })?;
            Some(parent.id)
        }
    };
    let mut tx = db
        .begin_write()
        .await
        .context("cannot start a transaction")?;
    let id = match store::insert(&mut tx, kind, &code, &name, department_id.as_deref()).await {
        Ok(id) => id,
        Err(e) if crate::db::is_unique_violation(&e) => {
            return Err(Failure::Content(format!(
                "an organisation with the code {code} already exists"
            )));
        }
        Err(e) => return Err(anyhow::Error::from(e).into()),
    };
    crate::keys::issue_first(&mut tx, &db.keys.signing, &id, &code).await?;
    let entry = audit::AuditEntry {
        actor: None,
        action: "org.create",
        subject_id: &id,
        detail: code.clone(),
    };
    audit::record(&mut tx, entry)
        .await
        .context("cannot write the audit entry")?;
    tx.commit().await.context("cannot commit")?;
    Ok(format!("created {} {code}: {name}", kind.as_str()))
}
