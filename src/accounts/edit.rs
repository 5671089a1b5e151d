//! Changing a staff account: its name, role and organisation (by the same rules as creating
//! one, audited), and the confirmation asked before an account is disabled.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    Staff,
    model::{self, Role},
    store::{self, UserRow},
    users::{OrgGroup, chosen_org, org_groups, target},
};
use crate::{
    audit, orgs,
    web::{AppError, AppState, Chrome, FormErrors, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users/{id}/edit", web::get().to(edit_form))
        .route("/users/{id}/edit", web::post().to(edit))
        .route("/users/{id}/disable", web::get().to(disable_confirm));
}

#[derive(Clone, Default, Deserialize)]
struct EditForm {
    full_name: String,
    role: String,
    organisation_id: String,
}

#[derive(Template)]
#[template(path = "accounts/edit.html")]
struct EditPage {
    chrome: Chrome,
    user: UserRow,
    form: EditForm,
    errors: FormErrors,
    organisations: Vec<OrgGroup>,
    roles: [Role; 3],
}

async fn edit_page(
    staff: Staff,
    state: &AppState,
    user: UserRow,
    form: EditForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let organisations =
        orgs::store::of_department(&state.db.read, &staff.user.department_id).await?;
    let status = if errors.is_empty() { 200 } else { 422 };
    let page = EditPage {
        chrome: staff.chrome,
        user,
        form,
        errors,
        organisations: org_groups(organisations),
        roles: Role::ALL,
    };
    render(&page, status)
}

async fn edit_form(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = target(&staff, &state, &path).await?;
    let form = EditForm {
        full_name: user.full_name.clone(),
        role: user.role.clone(),
        organisation_id: user.organisation_id.clone(),
    };
    edit_page(staff, &state, user, form, FormErrors::default()).await
}

/// Saves a new name, role or organisation. An administrator cannot change their own role or
/// organisation (they would lock themselves out of this page); their name they may.
async fn edit(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<EditForm>,
) -> Result<HttpResponse, AppError> {
    let user = target(&staff, &state, &path).await?;
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    let name = model::clean_name(&form.full_name)
        .map_err(|k| errors.push(("full_name", k)))
        .ok();
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.push(("role", "error.role_invalid"));
    }
    let org = chosen_org(&state, &staff, &form.organisation_id, role, &mut errors).await?;
    let own = user.id == staff.user.id;
    if own && (form.role != user.role || form.organisation_id != user.organisation_id) {
        errors.push(("role", "staff.more.own_role"));
    }
    let (Some(name), Some(role), Some(org), true) = (name, role, org, errors.is_empty()) else {
        return edit_page(staff, &state, user, form, errors).await;
    };
    let mut changes = Vec::new();
    if name != user.full_name {
        changes.push(format!("name {:?} -> {name:?}", user.full_name));
    }
    if role != user.role() {
        changes.push(format!("role {} -> {role}", user.role()));
    }
    if org.id != user.organisation_id {
        changes.push(format!(
            "organisation {} -> {}",
            user.organisation_name, org.code
        ));
    }
    if !changes.is_empty() {
        let mut tx = state.db.begin_write().await?;
        store::update_user(&mut tx, &user.id, &name, role, &org.id).await?;
        let entry = audit::AuditEntry {
            actor: Some(&staff.user.id),
            action: "user.update",
            subject_id: &user.id,
            detail: format!("{}: {}", user.email, changes.join("; ")),
        };
        audit::record(&mut tx, entry).await?;
        tx.commit().await?;
    }
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/users?done=updated&user={}", user.id),
        ))
        .finish())
}

#[derive(Template)]
#[template(path = "accounts/disable.html")]
struct DisablePage {
    chrome: Chrome,
    user: UserRow,
}

impl DisablePage {
    fn question(&self) -> String {
        self.chrome.fill(
            "staff.more.disable_question",
            &[("name", &self.user.full_name), ("email", &self.user.email)],
        )
    }
}

/// Asks before disabling an account: its owner is signed out at once.
async fn disable_confirm(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = target(&staff, &state, &path).await?;
    if user.id == staff.user.id {
        return Err(AppError::BadRequest("users.cannot_disable_self"));
    }
    if user.disabled_at.is_some() {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, "/users"))
            .finish());
    }
    render(
        &DisablePage {
            chrome: staff.chrome,
            user,
        },
        200,
    )
}
