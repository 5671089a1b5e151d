//! The API tokens page (`/api-tokens`): an admin lists the tokens of their Department and its
//! centres, creates one (shown once, on the answer to the form) and revokes one. Centre
//! managers and proctors may not: sharing the Department's data with another system is the
//! Department's decision.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::tokens::{self, TokenRow};
use crate::{
    accounts::{Staff, model::Action},
    orgs::{model::OrgKind, model::Organisation, store as orgs},
    web::{AppError, AppState, Chrome, FormErrors, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api-tokens", web::get().to(list))
        .route("/api-tokens", web::post().to(create))
        .route("/api-tokens/{id}/revoke", web::post().to(revoke));
}

#[derive(Template)]
#[template(path = "api/tokens.html")]
struct TokensPage {
    chrome: Chrome,
    tokens: Vec<TokenRow>,
    /// The Department and its centres: the organisations a token may be for.
    organisations: Vec<Organisation>,
    form: NewTokenForm,
    errors: FormErrors,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "api/token_created.html")]
struct CreatedPage {
    chrome: Chrome,
    name: String,
    organisation: Organisation,
    token: String,
}

#[derive(Clone, Default, Deserialize)]
struct NewTokenForm {
    organisation_id: String,
    name: String,
}

#[derive(Deserialize)]
struct ListQuery {
    notice: Option<String>,
}

async fn page(
    staff: Staff,
    state: &AppState,
    form: NewTokenForm,
    errors: FormErrors,
    revoked: bool,
) -> Result<HttpResponse, AppError> {
    let department = &staff.user.department_id;
    let organisations = issuers(state, department).await?;
    let status = if errors.is_empty() { 200 } else { 422 };
    let page = TokensPage {
        tokens: tokens::of_department(&state.db.read, department).await?,
        organisations,
        form,
        errors,
        revoked,
        chrome: staff.chrome,
    };
    render(&page, status)
}

/// The organisations that may hold a token: the Department and its centres (schools examine
/// and issue nothing).
async fn issuers(state: &AppState, department_id: &str) -> Result<Vec<Organisation>, AppError> {
    Ok(orgs::of_department(&state.db.read, department_id)
        .await?
        .into_iter()
        .filter(|o| o.kind() != OrgKind::School)
        .collect())
}

async fn list(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageApiTokens)?;
    let revoked = query.notice.as_deref() == Some("revoked");
    page(
        staff,
        &state,
        NewTokenForm::default(),
        FormErrors::default(),
        revoked,
    )
    .await
}

async fn create(
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<NewTokenForm>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageApiTokens)?;
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    let name = crate::text::required_name(&form.name, 120)
        .map_err(|_| errors.push(("name", "api.tokens.name_invalid")))
        .ok();
    let organisation = issuers(&state, &staff.user.department_id)
        .await?
        .into_iter()
        .find(|o| o.id == form.organisation_id);
    if organisation.is_none() {
        errors.push(("organisation_id", "api.tokens.organisation_invalid"));
    }
    let (Some(name), Some(organisation)) = (name, organisation) else {
        return page(staff, &state, form, errors, false).await;
    };
    let mut tx = state.db.begin_write().await?;
    let token = tokens::create(&mut tx, &organisation.id, &name, &staff.user.id).await?;
    tx.commit().await?;
    let page = CreatedPage {
        chrome: staff.chrome,
        name,
        organisation,
        token,
    };
    render(&page, 200)
}

async fn revoke(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageApiTokens)?;
    let mut tx = state.db.begin_write().await?;
    let done = tokens::revoke(&mut tx, &staff.user.department_id, &path, &staff.user.id).await?;
    if !done {
        tx.rollback().await?;
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/api-tokens?notice=revoked"))
        .finish())
}
