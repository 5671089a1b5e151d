//! The provincial API's routes under `/api/v1`: the credit ledger and the certificates as
//! feeds paged by an opaque cursor, and one person's record, as JSON or CSV. Each call needs
//! an API token (`tokens::ApiClient`) and sees only its scope.

use actix_web::{HttpRequest, HttpResponse, http::header, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{
    errors::ApiError,
    model::{self, Cursor, Format, Scope},
    shape,
    store::{self, EntryRow, Range},
    tokens::ApiClient,
};
use crate::{
    banks::catalog::catalog,
    clock,
    credits::{
        certificate::{self, CertificateView},
        model as credits_model, store as ledger, verify,
    },
    web::{AppState, error::Rendered},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    for (path, handler) in [
        ("/api/v1/credits", Feed::Credits),
        ("/api/v1/credits.csv", Feed::Credits),
        ("/api/v1/certificates", Feed::Certificates),
        ("/api/v1/certificates.csv", Feed::Certificates),
    ] {
        cfg.route(
            path,
            web::get()
                .to(move |client, state, req, query| feed(handler, client, state, req, query)),
        );
    }
    cfg.route("/api/v1/people/{id}/record", web::get().to(record))
        .route("/api/v1/people/{id}/record.csv", web::get().to(record));
}

#[derive(Clone, Copy)]
enum Feed {
    Credits,
    Certificates,
}

#[derive(Deserialize)]
struct FeedQuery {
    since: Option<String>,
    limit: Option<String>,
    format: Option<String>,
}

fn format_of(req: &HttpRequest, asked: Option<&str>) -> Format {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    Format::choose(asked, req.path().ends_with(".csv"), accept)
}

/// A JSON answer the error-page renderer leaves alone, never cached.
fn json_answer(value: &Value) -> HttpResponse {
    let mut response = HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(value);
    response.extensions_mut().insert(Rendered);
    response
}

/// A CSV answer (BOM, CRLF, formulas defused), with the next cursor in a header when paged.
fn csv_answer(
    header_row: &[&str],
    rows: &[Vec<String>],
    next: Option<(&str, bool)>,
) -> Result<HttpResponse, ApiError> {
    let bytes = crate::sheets::csv_with_bom(header_row, rows)?;
    let mut response = HttpResponse::Ok();
    response
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if let Some((cursor, more)) = next {
        response
            .insert_header(("X-Next-Cursor", cursor.to_string()))
            .insert_header(("X-Has-More", more.to_string()));
    }
    let mut response = response.body(bytes);
    response.extensions_mut().insert(Rendered);
    Ok(response)
}

async fn feed(
    which: Feed,
    client: ApiClient,
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<FeedQuery>,
) -> Result<HttpResponse, ApiError> {
    let cursor = match query.since.as_deref() {
        None | Some("") => Cursor::start(),
        Some(text) => Cursor::parse(text).ok_or(ApiError::BadCursor)?,
    };
    let limit = model::limit(query.limit.as_deref()).ok_or(ApiError::BadLimit)?;
    let format = format_of(&req, query.format.as_deref());
    // Rows appear once every transaction that could still write before them has ended.
    let until = clock::now_ms() - state.settings.api_settle_seconds * 1000;
    let pool = &state.db.read;
    let (rows, positions): (Vec<Row>, Vec<Cursor>) = match which {
        Feed::Credits => {
            let range = Range::After {
                cursor: &cursor,
                until,
                limit: limit + 1,
            };
            store::entries(pool, &client.scope, range)
                .await?
                .into_iter()
                .map(|e| {
                    let at = Cursor {
                        at: e.created_at,
                        id: e.id.clone(),
                    };
                    (Row::Entry(Box::new(e)), at)
                })
                .unzip()
        }
        Feed::Certificates => {
            let changes =
                store::certificate_changes(pool, &client.scope, &cursor, until, limit + 1).await?;
            let ids: Vec<String> = changes.iter().map(|(id, _)| id.clone()).collect();
            let views = certificate::by_ids(pool, &ids).await?;
            if views.len() != changes.len() {
                return Err(ApiError::NotFound);
            }
            views
                .into_iter()
                .zip(changes)
                .map(|(view, (id, at))| (Row::Certificate(Box::new(view)), Cursor { at, id }))
                .unzip()
        }
    };
    let more = rows.len() as i64 > limit;
    let served = rows.len().min(limit as usize);
    let next = positions[..served].last().unwrap_or(&cursor).encode();
    let rows = &rows[..served];
    let public_url = &state.settings.public_url;
    match format {
        Format::Json => {
            let data: Vec<Value> = rows.iter().map(|r| r.json(public_url)).collect();
            Ok(json_answer(
                &json!({"data": data, "next": next, "has_more": more}),
            ))
        }
        Format::Csv => {
            let header_row: &[&str] = match which {
                Feed::Credits => &shape::ENTRY_COLUMNS,
                Feed::Certificates => &shape::CERTIFICATE_COLUMNS,
            };
            let lines: Vec<Vec<String>> = rows.iter().map(|r| r.csv(public_url)).collect();
            csv_answer(header_row, &lines, Some((&next, more)))
        }
    }
}

enum Row {
    Entry(Box<EntryRow>),
    Certificate(Box<CertificateView>),
}

impl Row {
    fn json(&self, public_url: &url::Url) -> Value {
        match self {
            Row::Entry(e) => shape::entry_json(e),
            Row::Certificate(c) => {
                shape::certificate_json(c, &verify::address(public_url, &c.number))
            }
        }
    }

    fn csv(&self, public_url: &url::Url) -> Vec<String> {
        match self {
            Row::Entry(e) => shape::entry_csv(e),
            Row::Certificate(c) => {
                shape::certificate_csv(c, &verify::address(public_url, &c.number))
            }
        }
    }
}

#[derive(Deserialize)]
struct RecordQuery {
    format: Option<String>,
}

/// A person's record in the token's scope: who they are, their standing credits, every
/// ledger row and their certificates. CSV gives the ledger rows.
async fn record(
    client: ApiClient,
    state: web::Data<AppState>,
    req: HttpRequest,
    path: web::Path<String>,
    query: web::Query<RecordQuery>,
) -> Result<HttpResponse, ApiError> {
    let pool = &state.db.read;
    let person = scoped_person(pool, &client.scope, &path).await?;
    let entries = store::entries(pool, &client.scope, Range::Person(&person.id)).await?;
    if format_of(&req, query.format.as_deref()) == Format::Csv {
        let lines: Vec<Vec<String>> = entries.iter().map(shape::entry_csv).collect();
        return csv_answer(&shape::ENTRY_COLUMNS, &lines, None);
    }
    let standing = standing(&state, &client.scope, &person.id, &entries).await?;
    let certificates: Vec<Value> = certificate::of_person(pool, &person.id)
        .await?
        .iter()
        .filter(|c| match &client.scope {
            Scope::Department(_) => true,
            Scope::Centre(id) => c.issuer_id == *id,
        })
        .map(|c| {
            let url = verify::address(&state.settings.public_url, &c.number);
            shape::certificate_json(c, &url)
        })
        .collect();
    let revoked: std::collections::HashSet<&str> = entries
        .iter()
        .filter_map(|e| e.revokes_id.as_deref())
        .collect();
    let lines: Vec<Value> = entries
        .iter()
        .map(|e| {
            let mut line = shape::entry_json(e);
            line["standing"] = json!(e.kind != "revoked" && !revoked.contains(e.id.as_str()));
            line
        })
        .collect();
    Ok(json_answer(&json!({
        "person": {
            "id": person.id,
            "full_name": person.full_name,
            "birth_date": person.birth_date,
            "national_id": person.national_id,
            "other_id": person.other_id,
        },
        "credits": standing,
        "entries": lines,
        "certificates": certificates,
    })))
}

/// The person with this id, if the token's scope covers them (404 otherwise, as if unknown).
pub async fn scoped_person(
    pool: &sqlx::AnyPool,
    scope: &Scope,
    id: &str,
) -> Result<crate::people::model::Person, ApiError> {
    if !store::person_in_scope(pool, scope, id).await? {
        return Err(ApiError::NotFound);
    }
    crate::people::store::by_id(pool, id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The person's credits under the catalog's rules, from the standing rows in scope (a
/// centre's token counts only the modules it examined and the earlier certificates its staff
/// recorded).
async fn standing(
    state: &AppState,
    scope: &Scope,
    person_id: &str,
    rows: &[EntryRow],
) -> Result<u32, ApiError> {
    let mut conn = state.db.read.acquire().await?;
    let mut entries = ledger::standing_entries(&mut conn, person_id).await?;
    let mut earlier = ledger::standing_earlier(&mut conn, person_id).await?;
    if let Scope::Centre(centre) = scope {
        entries.retain(|e| e.centre == *centre);
        earlier.retain(|ec| rows.iter().any(|r| r.earlier_id.as_ref() == Some(&ec.id)));
    }
    Ok(credits_model::standing(catalog(), &entries, &earlier).credits)
}
