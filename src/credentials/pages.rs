//! Signed records over HTTP: an issuer's revocation status list (public, like its keys), a
//! certificate's credential from its public verification page, and for staff who may see a
//! person's credits, a module credit's credential and the person's CLR transcript. Every
//! answer is a compact JWS (`application/vc+jwt`), offered as a file to keep.

use std::{collections::HashMap, sync::Mutex};

use actix_web::{HttpRequest, HttpResponse, http::header, web};

use super::{
    export::{ExportError, Exporter},
    jws,
    model::LIST_BITS,
    store,
};
use crate::{
    accounts::Staff,
    clock,
    credits::{certificate, model::normalize_number, person},
    keys::SignError,
    web::{AppError, AppState, client::client_addr},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/orgs/{code}/status/{list}", web::get().to(status_list))
        .route(
            "/verify/{number}/credential.jwt",
            web::get().to(certificate),
        )
        .route(
            "/people/{id}/credits/{entry}/credential.jwt",
            web::get().to(credit),
        )
        .route("/people/{id}/transcript.jwt", web::get().to(transcript));
}

/// How long a signed status list is served again while no revocation changes it.
const LIST_FRESH_MS: i64 = 3_600_000;

/// Signed status lists this node answered recently, with the revoked places they carry: a
/// list is signed again only when a revocation changed it, or after an hour (a key file
/// encrypted with a passphrase is slow to open, and the lists are public).
#[derive(Default)]
pub struct SignedLists(Mutex<HashMap<ListKey, SignedList>>);

/// (organisation id, list number).
type ListKey = (String, u64);
/// The revoked places the list carries, when it was signed (UTC ms), and its JWS.
type SignedList = (Vec<u64>, i64, String);

impl SignedLists {
    fn get(&self, key: &ListKey, revoked: &[u64], now: i64) -> Option<String> {
        let lists = self.0.lock().ok()?;
        let (places, at, jws) = lists.get(key)?;
        (places == revoked && now - at < LIST_FRESH_MS).then(|| jws.clone())
    }

    fn put(&self, key: ListKey, revoked: Vec<u64>, now: i64, jws: String) {
        if let Ok(mut lists) = self.0.lock() {
            lists.insert(key, (revoked, now, jws));
        }
    }
}

impl From<ExportError> for AppError {
    fn from(e: ExportError) -> Self {
        match e {
            ExportError::Key(SignError::Database(e)) => e.into(),
            ExportError::Key(e) => {
                tracing::error!(error = %e, "cannot sign: this server holds no usable signing key");
                AppError::Conflict("credential.no_key")
            }
            ExportError::Other(e) => e.into(),
        }
    }
}

/// A signed record as a file to keep: `name` is what the browser saves it as.
fn signed_file(jws: String, name: String) -> HttpResponse {
    crate::web::download(jws.into_bytes(), jws::MEDIA_TYPE, name)
}

/// `/orgs/{code}/status/{list}`: the organisation's revocation status list, for anyone.
async fn status_list(
    state: web::Data<AppState>,
    path: web::Path<(String, u64)>,
) -> Result<HttpResponse, AppError> {
    let (code, list) = path.into_inner();
    let org = crate::orgs::store::by_code(&state.db.read, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = list.saturating_mul(LIST_BITS);
    if list > 0 && from >= store::places_used(&state.db.read, &org.id).await? {
        return Err(AppError::NotFound);
    }
    let revoked: Vec<u64> = store::revoked(&state.db.read, &org.id, from, from + LIST_BITS)
        .await?
        .into_iter()
        .map(|place| place - from)
        .collect();
    let now = clock::now_ms();
    let key = (org.id.clone(), list);
    let jws = match state.signed_lists.get(&key, &revoked, now) {
        Some(jws) => jws,
        None => {
            let signed = Exporter::new(&state.db, &state.settings.public_url)
                .status_list(&org, list, &revoked)
                .await?;
            state.signed_lists.put(key, revoked, now, signed.clone());
            signed
        }
    };
    // Public and the same for everyone: verifiers may keep it a minute.
    let mut res = signed_file(jws, format!("status-{}-{list}.jwt", org.code));
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=60"),
    );
    Ok(res)
}

/// `/verify/{number}/credential.jwt`: a certificate's credential, for whoever has its number
/// (the holder, for their wallet); counted like a look-up.
async fn certificate(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    if let Err(wait) = state.lookups.take(&client_addr(&req)) {
        return Ok(HttpResponse::TooManyRequests()
            .insert_header((header::RETRY_AFTER, wait))
            .finish());
    }
    let number = normalize_number(&path).ok_or(AppError::NotFound)?;
    let c = certificate::by_number(&state.db.read, &number)
        .await?
        .ok_or(AppError::NotFound)?;
    let jws = Exporter::new(&state.db, &state.settings.public_url)
        .certificate(&c)
        .await?;
    Ok(signed_file(jws, format!("chung-chi-{number}.jwt")))
}

/// `/people/{id}/credits/{entry}/credential.jwt`: a module the person holds, as a credential.
async fn credit(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (id, entry) = path.into_inner();
    let person = person::visible(&staff, &state, &id).await?;
    let credit = store::standing_credit(&state.db.read, &person.id, &entry)
        .await?
        .ok_or(AppError::NotFound)?;
    let jws = Exporter::new(&state.db, &state.settings.public_url)
        .credit(&credit)
        .await?;
    let name = format!("tin-chi-{}-{}.jwt", credit.module, credit.earned_on);
    Ok(signed_file(jws, name))
}

/// `/people/{id}/transcript.jwt`: the person's whole record as a signed CLR 2.0 transcript.
async fn transcript(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let person = person::visible(&staff, &state, &path).await?;
    let certificates = certificate::of_person(&state.db.read, &person.id).await?;
    let jws = Exporter::new(&state.db, &state.settings.public_url)
        .transcript(&person, &certificates)
        .await?;
    Ok(signed_file(jws, "ho-so-tin-chi.jwt".into()))
}
