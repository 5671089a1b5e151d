//! People pages for centre managers: the people on their rosters (records needing attention
//! first), a person's record with the accommodations their centre granted (or an admin did),
//! and, for an admin only, settling a flagged record. One person is shared by the centres of a
//! department, so a centre never sees or changes what another centre recorded.

use std::collections::HashSet;

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    model::{
        Accommodation, FLAG_CONFLICT, Person, RosterClaim, has_identifier, matches_search,
        parse_percent,
    },
    store::{self, NewAccommodation},
};
use crate::{
    accounts::{
        Staff,
        model::{Action, Role},
    },
    audit,
    vocab::{Date, display_date},
    web::{AppError, AppState, Chrome, FormErrors, pager, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/people", web::get().to(list))
        .route("/people/{id}", web::get().to(detail))
        .route(
            "/people/{id}/accommodations",
            web::post().to(add_accommodation),
        )
        .route("/people/{id}/resolve", web::post().to(resolve));
}

#[derive(Template)]
#[template(path = "people/list.html")]
struct ListPage {
    chrome: Chrome,
    people: Vec<Person>,
    /// What was searched for (empty: everyone).
    q: String,
    found: usize,
    page: usize,
    pages: usize,
    /// People found outside the manager's rosters: only their credit record opens.
    outside: HashSet<String>,
}

impl ListPage {
    /// The person's page, or their credit record when found outside one's rosters.
    fn link(&self, person: &Person) -> String {
        if self.outside.contains(&person.id) {
            format!("/people/{}/credits", person.id)
        } else {
            format!("/people/{}", person.id)
        }
    }

    /// The address of a page of this search, but for its number.
    fn page_prefix(&self) -> String {
        let q: String = url::form_urlencoded::byte_serialize(self.q.as_bytes()).collect();
        format!("/people?q={q}&page=")
    }
}

#[derive(Default, Deserialize)]
struct ListQuery {
    q: Option<String>,
    page: Option<String>,
}

/// The staff member's centre, or None for an admin (who sees the whole department).
fn centre_of(staff: &Staff) -> Option<&str> {
    (staff.user.role != Role::Admin).then_some(staff.user.organisation_id.as_str())
}

/// Everyone the staff member may see, or those whose name, identifier or candidate number
/// matches `?q=`, fifty to a page.
async fn list(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ScheduleSessions)?;
    let centre = centre_of(&staff);
    let mut people = store::listed(&state.db.read, &staff.user.department_id, centre).await?;
    let query = query.into_inner();
    let q = crate::text::single_line(query.q.as_deref().unwrap_or_default());
    let mut outside = HashSet::new();
    if !q.is_empty() {
        let numbered = store::with_candidate_number(&state.db.read, &q).await?;
        people.retain(|p| matches_search(p, &q) || numbered.contains(&p.id));
        // Credits are the whole department's: a centre manager also finds, by their whole
        // CCCD or candidate number only, a person examined at another of its centres.
        if centre.is_some() {
            let department = store::listed(&state.db.read, &staff.user.department_id, None).await?;
            for p in department {
                let exact = has_identifier(&p, &q) || numbered.contains(&p.id);
                if exact && !people.iter().any(|known| known.id == p.id) {
                    outside.insert(p.id.clone());
                    people.push(p);
                }
            }
        }
    }
    let (page, shown) = pager::page_of(&people, pager::asked(query.page.as_deref()));
    let page = ListPage {
        chrome: staff.chrome,
        q,
        found: people.len(),
        page,
        pages: pager::page_count(people.len()),
        people: shown.to_vec(),
        outside,
    };
    render(&page, 200)
}

/// The person, if this staff member may see them: an admin, anyone of the department; a
/// centre manager, people on their centre's rosters.
async fn visible(staff: &Staff, state: &AppState, id: &str) -> Result<Person, AppError> {
    staff.require(Action::ScheduleSessions)?;
    let person = store::by_id(&state.db.read, id)
        .await?
        .filter(|p| p.department_id == staff.user.department_id)
        .ok_or(AppError::NotFound)?;
    if staff.user.role != Role::Admin
        && !store::on_centre_roster(&state.db.read, &person.id, &staff.user.organisation_id).await?
    {
        return Err(AppError::NotFound);
    }
    Ok(person)
}

#[derive(Clone, Default, Deserialize)]
struct AccommodationForm {
    #[serde(default)]
    percent: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    expires_on: String,
}

#[derive(Template)]
#[template(path = "people/detail.html")]
struct DetailPage {
    chrome: Chrome,
    person: Person,
    claim: Option<RosterClaim>,
    is_admin: bool,
    accommodations: Vec<Accommodation>,
    form: AccommodationForm,
    errors: FormErrors,
}

impl DetailPage {
    fn conflict(&self) -> bool {
        self.person.flag.as_deref() == Some(FLAG_CONFLICT)
    }

    fn claim_birth(&self) -> String {
        self.claim
            .as_ref()
            .map(|c| display_date(&c.birth_date))
            .unwrap_or_default()
    }
}

async fn detail_page(
    staff: Staff,
    state: &AppState,
    person: Person,
    form: AccommodationForm,
    errors: FormErrors,
) -> Result<HttpResponse, AppError> {
    let mut conn = state.db.read.acquire().await?;
    let accommodations = store::accommodations(&mut conn, &person.id, centre_of(&staff)).await?;
    let status = if errors.is_empty() { 200 } else { 422 };
    // What another centre's roster claimed is for the admin who settles it.
    let claim = if staff.user.role == Role::Admin {
        serde_json::from_str(&person.flag_detail).ok()
    } else {
        None
    };
    let page = DetailPage {
        is_admin: staff.user.role == Role::Admin,
        chrome: staff.chrome,
        claim,
        person,
        accommodations,
        form,
        errors,
    };
    render(&page, status)
}

async fn detail(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let person = visible(&staff, &state, &path).await?;
    detail_page(
        staff,
        &state,
        person,
        AccommodationForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn add_accommodation(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<AccommodationForm>,
) -> Result<HttpResponse, AppError> {
    let person = visible(&staff, &state, &path).await?;
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    let percent = parse_percent(&form.percent)
        .map_err(|k| errors.push(("percent", k)))
        .ok();
    let reason = crate::text::required_name(&form.reason, 300)
        .map_err(|_| errors.push(("reason", "person.accommodation_reason_required")))
        .ok();
    let today = crate::clock::local_date(crate::clock::now_ms());
    let expires = Date::parse(&form.expires_on).filter(|d| *d >= today);
    if expires.is_none() {
        errors.push(("expires_on", "person.expiry_invalid"));
    }
    let (Some(percent), Some(reason), Some(expires_on)) = (percent, reason, expires) else {
        return detail_page(staff, &state, person, form, errors).await;
    };
    let mut tx = state.db.begin_write().await?;
    let new = NewAccommodation {
        person_id: &person.id,
        centre_id: centre_of(&staff),
        extra_percent: percent,
        reason: &reason,
        expires_on,
        created_by: Some(&staff.user.id),
    };
    let id = store::add_accommodation(&mut tx, new).await?;
    let detail = format!("+{percent}% until {} ({reason})", expires_on.display());
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor: Some(&staff.user.id),
            action: "accommodation.add",
            subject_id: &id,
            detail,
        },
    )
    .await?;
    tx.commit().await?;
    let target = format!("/people/{}#accommodations", person.id);
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish())
}

#[derive(Deserialize)]
struct ResolveForm {
    choice: String,
}

async fn resolve(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<ResolveForm>,
) -> Result<HttpResponse, AppError> {
    let person = visible(&staff, &state, &path).await?;
    if staff.user.role != Role::Admin && person.flag.as_deref() == Some(FLAG_CONFLICT) {
        return Err(AppError::Forbidden);
    }
    let take_roster = match form.choice.as_str() {
        "keep" => false,
        "roster" => true,
        _ => return Err(AppError::BadRequest("error.form_invalid")),
    };
    let mut tx = state.db.begin_write().await?;
    store::resolve_flag(&mut tx, &person, take_roster).await?;
    let detail = format!(
        "{} ({})",
        form.choice,
        person.flag.as_deref().unwrap_or("none")
    );
    audit::record(
        &mut tx,
        audit::AuditEntry {
            actor: Some(&staff.user.id),
            action: "people.resolve",
            subject_id: &person.id,
            detail,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/people/{}", person.id)))
        .finish())
}
