//! Key pages: the public did:web document and JWKS of each organisation, and the staff page of
//! an organisation's keys (fingerprints, and whether this server holds each private key) with
//! the rotation button for admins.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;

use super::{Holding, PublicKey, model};
use crate::{
    accounts::{Staff, model::Action},
    orgs::model::Organisation,
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/orgs/{code}/did.json", web::get().to(did_document))
        .route("/orgs/{code}/jwks.json", web::get().to(jwks))
        .route("/orgs/{id}/keys", web::get().to(list))
        .route("/orgs/{id}/keys/rotate", web::post().to(rotate));
}

/// The organisation a public URL names by its code, and its published keys.
async fn public_keys(
    state: &AppState,
    code: &str,
) -> Result<(Organisation, Vec<PublicKey>), AppError> {
    let organisation = crate::orgs::store::by_code(&state.db.read, code)
        .await?
        .ok_or(AppError::NotFound)?;
    let keys = super::published(&state.db, &organisation.id).await?;
    Ok((organisation, keys))
}

/// Public keys change only by rotation: a few minutes of caching, readable from any origin.
fn public_json(value: &serde_json::Value) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .json(value)
}

async fn did_document(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (organisation, keys) = public_keys(&state, &path).await?;
    let did = model::did_web(&state.settings.public_url, &organisation.code);
    Ok(public_json(&model::did_document(&did, &keys)))
}

async fn jwks(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (organisation, keys) = public_keys(&state, &path).await?;
    let did = model::did_web(&state.settings.public_url, &organisation.code);
    Ok(public_json(&model::jwks(&did, &keys)))
}

/// One key as the staff page shows it.
struct KeyRow {
    kid: String,
    fingerprint: String,
    created_at: i64,
    retired_at: Option<i64>,
    holding: Holding,
}

#[derive(Template)]
#[template(path = "keys/list.html")]
struct ListPage {
    chrome: Chrome,
    organisation: Organisation,
    did: String,
    keys: Vec<KeyRow>,
    can_rotate: bool,
}

impl ListPage {
    fn when(&self, ms: &i64) -> String {
        crate::clock::format_local(*ms)
    }
}

/// Admins see their department's organisations, centre managers their own centre's.
async fn list(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageResults)?;
    let organisation = crate::orgs::visible_to(&state.db, &staff.user, &path).await?;
    let folder = &state.db.keys.signing;
    let keys = super::published(&state.db, &organisation.id)
        .await?
        .into_iter()
        .rev()
        .map(|k| KeyRow {
            holding: super::files::holding(folder, &folder.path(&organisation.code, &k.kid)),
            fingerprint: k.fingerprint(),
            kid: k.kid,
            created_at: k.created_at,
            retired_at: k.retired_at,
        })
        .collect();
    let page = ListPage {
        did: model::did_web(&state.settings.public_url, &organisation.code),
        can_rotate: staff.user.role.may(Action::ManageOrganisations),
        chrome: staff.chrome,
        organisation,
        keys,
    };
    render(&page, 200)
}

async fn rotate(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageOrganisations)?;
    let organisation = crate::orgs::visible_to(&state.db, &staff.user, &path).await?;
    super::rotate(
        &state.db,
        &organisation.id,
        &organisation.code,
        Some(&staff.user.id),
    )
    .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/orgs/{}/keys", organisation.id)))
        .finish())
}
