//! `GET /api/v1/people/{id}/transcript`: a person's whole record as the signed CLR 2.0
//! transcript (`application/vc+jwt`), for a Department's token. It is the Department's
//! signature over every centre's credits, so a centre's token is refused with a reason.

use actix_web::{HttpResponse, http::header, web};

use super::{errors::ApiError, model::Scope, tokens::ApiClient};
use crate::{
    credentials::{export::Exporter, jws::MEDIA_TYPE},
    credits::certificate,
    web::{AppError, AppState},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/people/{id}/transcript", web::get().to(transcript));
}

async fn transcript(
    client: ApiClient,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    if !matches!(client.scope, Scope::Department(_)) {
        return Err(ApiError::DepartmentOnly);
    }
    let pool = &state.db.read;
    let person = super::handlers::scoped_person(pool, &client.scope, &path).await?;
    let certificates = certificate::of_person(pool, &person.id).await?;
    let jws = Exporter::new(&state.db, &state.settings.public_url)
        .transcript(&person, &certificates)
        .await
        .map_err(AppError::from)?;
    Ok(HttpResponse::Ok()
        .content_type(MEDIA_TYPE)
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(jws))
}
