//! Administrators manage the staff of their department: the paged list, creating accounts,
//! disabling (after a confirmation, in `edit`) and re-enabling them, and resetting forgotten
//! passwords (a temporary password shown once). Editing an account is in `edit`.

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
    web::{AppError, AppState, Chrome, FormErrors, pager, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    super::edit::routes(cfg);
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
    /// The accounts on this page.
    users: Vec<UserRow>,
    page: usize,
    pages: usize,
    organisations: Vec<OrgGroup>,
    form: NewUserForm,
    errors: FormErrors,
    /// The notice after a change, filled in.
    done: Option<String>,
    roles: [Role; 3],
}

/// Organisations a staff account may belong to, under the label of the roles that fit them.
pub(super) type OrgGroup = (&'static str, Vec<Organisation>);

/// The department (for administrators), then the centres (for managers and proctors): schools
/// take no staff account, so they are not offered.
pub(super) fn org_groups(organisations: Vec<Organisation>) -> Vec<OrgGroup> {
    let (department, rest): (Vec<_>, Vec<_>) = organisations
        .into_iter()
        .partition(|o| Role::Admin.fits_organisation(o.kind()));
    let centres = rest
        .into_iter()
        .filter(|o| Role::Proctor.fits_organisation(o.kind()))
        .collect();
    vec![
        ("staff.more.group_department", department),
        ("staff.more.group_centres", centres),
    ]
}

/// The organisation chosen on an account form, if it is one this administrator may use for
/// the role (the same rules for a new account and an edited one).
pub(super) async fn chosen_org(
    state: &AppState,
    staff: &Staff,
    organisation_id: &str,
    role: Option<Role>,
    errors: &mut FormErrors,
) -> Result<Option<Organisation>, AppError> {
    let org = orgs::store::by_id(&state.db.read, organisation_id)
        .await?
        .filter(|o| o.visible_to(&staff.user));
    match (&org, role) {
        (None, _) => errors.push(("organisation_id", "error.organisation_invalid")),
        (Some(org), Some(role)) if !role.fits_organisation(org.kind()) => {
            errors.push(("organisation_id", "error.role_organisation_mismatch"));
        }
        _ => {}
    }
    Ok(org)
}

impl UsersPage {
    fn is_me(&self, user: &UserRow) -> bool {
        self.chrome.user.as_ref().is_some_and(|me| me.id == user.id)
    }
    fn page_prefix(&self) -> &'static str {
        "/users?page="
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
struct ListQuery {
    done: Option<String>,
    /// The account a change was made to (named in the notice).
    user: Option<String>,
    page: Option<String>,
}

async fn list(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageUsers)?;
    let query = query.into_inner();
    let key = match query.done.as_deref() {
        Some("disabled") => Some("users.disabled_done"),
        Some("enabled") => Some("users.enabled_done"),
        Some("updated") => Some("staff.more.updated"),
        _ => None,
    };
    let asked = pager::asked(query.page.as_deref());
    let form = NewUserForm::default();
    let Loaded {
        mut page,
        all_users,
    } = users_page(staff, &state, form, FormErrors::default(), asked).await?;
    page.done = key.map(|key| {
        let email = query
            .user
            .and_then(|id| all_users.iter().find(|u| u.id == id))
            .map(|u| u.email.as_str())
            .unwrap_or_default();
        page.chrome.fill(key, &[("email", email)])
    });
    render(&page, 200)
}

/// The users page and every account of the department (the page shows one page of them).
struct Loaded {
    page: UsersPage,
    all_users: Vec<UserRow>,
}

async fn users_page(
    staff: Staff,
    state: &AppState,
    form: NewUserForm,
    errors: FormErrors,
    page: usize,
) -> Result<Loaded, AppError> {
    let department = &staff.user.department_id;
    let all_users = store::users_of_department(&state.db.read, department).await?;
    let (page, shown) = pager::page_of(&all_users, page);
    let organisations = orgs::store::of_department(&state.db.read, department).await?;
    Ok(Loaded {
        page: UsersPage {
            users: shown.to_vec(),
            page,
            pages: pager::page_count(all_users.len()),
            organisations: org_groups(organisations),
            chrome: staff.chrome,
            form,
            errors,
            done: None,
            roles: Role::ALL,
        },
        all_users,
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
    let org = chosen_org(&state, &staff, &form.organisation_id, role, &mut errors).await?;
    let (Some(name), Some(email), Some(role), Some(org), true) =
        (name, email, role, org, errors.is_empty())
    else {
        let page = users_page(staff, &state, form, errors, 1).await?;
        return render(&page.page, 422);
    };
    let temporary =
        match super::create_account(&state.db, &org, role, &email, &name, Some(&staff.user.id))
            .await?
        {
            Ok((_, temporary)) => temporary,
            Err(super::EmailTaken) => {
                let errors = FormErrors::one("email", "error.email_taken");
                let page = users_page(staff, &state, form, errors, 1).await?;
                return render(&page.page, 422);
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
pub(super) async fn target(staff: &Staff, state: &AppState, id: &str) -> Result<UserRow, AppError> {
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
