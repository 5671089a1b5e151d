//! Administrators manage the staff of their department: create accounts, disable and
//! re-enable them, and reset forgotten passwords (a temporary password shown once).

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    Staff,
    model::{self, Action, Email, Role},
    password,
    store::{self, UserRow},
};
use crate::{
    audit,
    orgs::{self, model::Organisation},
    web::{AppError, AppState, Chrome, FormErrors, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(list))
        .route("/users", web::post().to(create))
        .route("/users/{id}/disable", web::post().to(disable))
        .route("/users/{id}/enable", web::post().to(enable))
        .route("/users/{id}/reset-password", web::post().to(reset_password));
}

#[derive(Template)]
#[template(path = "accounts/users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    organisations: Vec<Organisation>,
    form: NewUserForm,
    errors: FormErrors,
    done: Option<&'static str>,
    roles: [Role; 3],
}

impl UsersPage {
    fn is_me(&self, user: &UserRow) -> bool {
        self.chrome.user.as_ref().is_some_and(|me| me.id == user.id)
    }
}

#[derive(Clone, Default, Deserialize)]
struct NewUserForm {
    full_name: String,
    email: String,
    role: String,
    organisation_id: String,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

async fn list(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageUsers)?;
    let done = match query.done.as_deref() {
        Some("disabled") => Some("users.disabled_done"),
        Some("enabled") => Some("users.enabled_done"),
        _ => None,
    };
    let page = users_page(
        staff,
        &state,
        NewUserForm::default(),
        FormErrors::default(),
        done,
    )
    .await?;
    render(&page, 200)
}

async fn users_page(
    staff: Staff,
    state: &AppState,
    form: NewUserForm,
    errors: FormErrors,
    done: Option<&'static str>,
) -> Result<UsersPage, AppError> {
    let department = &staff.user.department_id;
    Ok(UsersPage {
        users: store::users_of_department(&state.db.read, department).await?,
        organisations: orgs::store::of_department(&state.db.read, department).await?,
        chrome: staff.chrome,
        form,
        errors,
        done,
        roles: Role::ALL,
    })
}

#[derive(Template)]
#[template(path = "accounts/temporary_password.html")]
struct TemporaryPasswordPage {
    chrome: Chrome,
    heading_key: &'static str,
    email: String,
    password: String,
}

async fn create(
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<NewUserForm>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageUsers)?;
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    let name = model::clean_name(&form.full_name)
        .map_err(|k| errors.push(("full_name", k)))
        .ok();
    let email = Email::parse(&form.email)
        .map_err(|k| errors.push(("email", k)))
        .ok();
    let role = Role::parse(&form.role);
    if role.is_none() {
        errors.push(("role", "error.role_invalid"));
    }
    let org = orgs::store::by_id(&state.db.read, &form.organisation_id)
        .await?
        .filter(|o| o.visible_to(&staff.user));
    match (&org, role) {
        (None, _) => errors.push(("organisation_id", "error.organisation_invalid")),
        (Some(org), Some(role)) if !role.fits_organisation(org.kind()) => {
            errors.push(("organisation_id", "error.role_organisation_mismatch"));
        }
        _ => {}
    }
    let (Some(name), Some(email), Some(role), Some(org), true) =
        (name, email, role, org, errors.is_empty())
    else {
        let page = users_page(staff, &state, form, errors, None).await?;
        return render(&page, 422);
    };
    let temporary =
        match super::create_account(&state.db, &org, role, &email, &name, Some(&staff.user.id))
            .await?
        {
            Ok((_, temporary)) => temporary,
            Err(super::EmailTaken) => {
                let page = users_page(
                    staff,
                    &state,
                    form,
                    FormErrors::one("email", "error.email_taken"),
                    None,
                )
                .await?;
                return render(&page, 422);
            }
        };
    let page = TemporaryPasswordPage {
        chrome: staff.chrome,
        heading_key: "users.created_heading",
        email: email.as_str().to_string(),
        password: temporary,
    };
    render(&page, 200)
}

/// The account to act on, if it belongs to the administrator's department.
async fn target(staff: &Staff, state: &AppState, id: &str) -> Result<UserRow, AppError> {
    staff.require(Action::ManageUsers)?;
    store::user(&state.db.read, id)
        .await?
        .filter(|u| u.department_id == staff.user.department_id)
        .ok_or(AppError::NotFound)
}

async fn disable(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(staff, state, path.into_inner(), true).await
}

async fn enable(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    set_disabled(staff, state, path.into_inner(), false).await
}

async fn set_disabled(
    staff: Staff,
    state: web::Data<AppState>,
    id: String,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let user = target(&staff, &state, &id).await?;
    if user.id == staff.user.id {
        return Err(AppError::BadRequest("users.cannot_disable_self"));
    }
    let mut tx = state.db.begin_write().await?;
    store::set_disabled(&mut tx, &user.id, disabled).await?;
    if disabled {
        store::revoke_sessions_of(&mut tx, &user.id, None).await?;
    }
    let action = if disabled {
        "user.disable"
    } else {
        "user.enable"
    };
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor: Some(&staff.user.id),
            action,
            subject_id: &user.id,
            detail: user.email.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    let done = if disabled { "disabled" } else { "enabled" };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/users?done={done}")))
        .finish())
}

async fn reset_password(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let user = target(&staff, &state, &path.into_inner()).await?;
    let temporary = model::temporary_password();
    let hash = password::hash(temporary.clone()).await?;
    let mut tx = state.db.begin_write().await?;
    store::set_password(&mut tx, &user.id, &hash, true).await?;
    store::revoke_sessions_of(&mut tx, &user.id, None).await?;
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor: Some(&staff.user.id),
            action: "user.password_reset",
            subject_id: &user.id,
            detail: user.email.clone(),
        },
    )
    .await?;
    tx.commit().await?;
    let page = TemporaryPasswordPage {
        chrome: staff.chrome,
        heading_key: "users.reset_heading",
        email: user.email,
        password: temporary,
    };
    render(&page, 200)
}
