//! The builder's pages: a new blueprint (`/blueprints/new`) and a new version of one
//! (`/blueprints/{id}/builder`, filled in from its newest version). Every button posts the whole
//! form; only "save" stores, as a new version exactly as the TOML editor does.

use actix_web::{HttpResponse, http::header, web};
use serde::Deserialize;

use super::{
    Problems, check,
    form::{Action, BuilderForm},
    view::page,
};
use crate::{
    accounts::{Staff, model::Action as Permission},
    banks::{self, store::BankRow},
    blueprints::{
        pages::{owner, saved_redirect, visible},
        read::read_blueprint,
        store::{self, BlueprintRow},
    },
    orgs::model::Organisation,
    vocab::Lang,
    web::{AppError, AppState, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/blueprints/new", web::get().to(new))
        .route("/blueprints/new", web::post().to(post_new))
        .route("/blueprints/{id}/builder", web::get().to(edit))
        .route("/blueprints/{id}/builder", web::post().to(post_edit));
}

#[derive(Deserialize)]
struct NewQuery {
    organisation_id: Option<String>,
}

async fn new(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Permission::ManageBlueprints)?;
    let org = owner(&staff, &state, query.organisation_id.as_deref()).await?;
    let form = BuilderForm {
        organisation_id: org.id.clone(),
        ..BuilderForm::default()
    };
    respond(staff, &state, org, form, Action::Refresh, None).await
}

async fn post_new(
    staff: Staff,
    state: web::Data<AppState>,
    body: String,
) -> Result<HttpResponse, AppError> {
    staff.require(Permission::ManageBlueprints)?;
    let (mut form, action) = read_form(&body);
    let chosen = Some(form.organisation_id.as_str()).filter(|id| !id.is_empty());
    let org = owner(&staff, &state, chosen).await?;
    form.organisation_id = org.id.clone();
    respond(staff, &state, org, form, action, None).await
}

async fn edit(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (row, org, versions) = visible(&staff, &state, &path).await?;
    let stored = read_blueprint("stored", &versions[0].source).0;
    let Some(blueprint) = stored else {
        // A version the reader no longer accepts is for the expert editor.
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/blueprints/{}#edit", row.id)))
            .finish());
    };
    let comma = staff.chrome.lang == Lang::Vi;
    let form = BuilderForm::from_blueprint(&blueprint, &org.id, comma);
    respond(staff, &state, org, form, Action::Refresh, Some(row)).await
}

async fn post_edit(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: String,
) -> Result<HttpResponse, AppError> {
    let (row, org, _) = visible(&staff, &state, &path).await?;
    let (mut form, action) = read_form(&body);
    // The code names the blueprint: a new version keeps it.
    form.code = row.code.clone();
    form.organisation_id = org.id.clone();
    respond(staff, &state, org, form, action, Some(row)).await
}

fn read_form(body: &str) -> (BuilderForm, Action) {
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    BuilderForm::from_pairs(pairs.iter().map(|(n, v)| (n.as_str(), v.as_str())))
}

/// Applies the button, then saves (on "save" with nothing wrong) or shows the form again.
async fn respond(
    staff: Staff,
    state: &AppState,
    org: Organisation,
    mut form: BuilderForm,
    action: Action,
    editing: Option<BlueprintRow>,
) -> Result<HttpResponse, AppError> {
    let banks = banks_for(state, &org).await?;
    form.banks.retain(|b| banks.iter().any(|r| r.code == *b));
    let chosen = form.banks.clone();
    for section in form.parts.iter_mut().flat_map(|p| p.sections.iter_mut()) {
        section.banks.retain(|b| chosen.contains(b));
        // Until saving, a section without a bank draws from every chosen one.
        if section.banks.is_empty() && action != Action::Save {
            section.banks = chosen.clone();
        }
    }
    form.apply(action);
    // Until saving, the modules of the chosen banks are ticked (a section needs its module).
    if action != Action::Save {
        for bank in banks.iter().filter(|b| chosen.contains(&b.code)) {
            if !form.modules.contains(&bank.module) {
                form.modules.push(bank.module.clone());
            }
        }
    }
    let codes: Vec<&str> = chosen.iter().map(String::as_str).collect();
    let versions =
        store::bank_versions_of(&state.db.read, &org.id, org.department(), codes).await?;
    let pool = store::pool_of_versions(&state.db.read, &versions).await?;
    let lang = staff.chrome.lang;
    let mut problems = Problems::default();
    if action == Action::Save {
        let (found, saved) = check(lang, &form, &pool);
        problems = found;
        if editing.is_none() && code_taken(state, &org, &form.code).await? {
            problems.add_at(lang, "code", lang.t("blueprint.builder.code_taken"));
        }
        if let (Some((blueprint, source)), true) = (saved, problems.is_empty()) {
            let saved = store::save(
                &state.db,
                &org.id,
                &blueprint.code,
                &blueprint.title,
                &source,
                Some(&staff.user.id),
            )
            .await?;
            return Ok(saved_redirect(saved));
        }
    }
    let status = if problems.is_empty() { 200 } else { 422 };
    let page = page(staff, state, form, editing, banks, &pool, problems).await?;
    render(&page, status)
}

/// Whether another blueprint of the organisation already has this code.
async fn code_taken(state: &AppState, org: &Organisation, code: &str) -> Result<bool, AppError> {
    let code = code.trim().to_uppercase();
    let rows = store::blueprints_of(&state.db.read, org.department(), Some(&org.id)).await?;
    Ok(!code.is_empty() && rows.iter().any(|r| r.code == code))
}

/// The banks an organisation can draw from: its own, then its department's (an own bank
/// hides a department bank of the same code, as the draw does).
async fn banks_for(state: &AppState, org: &Organisation) -> Result<Vec<BankRow>, AppError> {
    let department = org.department();
    let mut banks = banks::store::banks_of(&state.db.read, department, Some(&org.id)).await?;
    if department != org.id {
        for bank in banks::store::banks_of(&state.db.read, department, Some(department)).await? {
            if !banks.iter().any(|b| b.code == bank.code) {
                banks.push(bank);
            }
        }
    }
    Ok(banks)
}
