//! Organisation pages: the department's centres and schools (admins create them), and each
//! centre's rooms (admins add rooms; the centre's own staff see them).

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    model::{self, OrgKind, Organisation, Room},
    store,
};
use crate::{
    accounts::{Staff, model::Action},
    audit,
    db::is_unique_violation,
    web::{
        AppError, AppState, Chrome, FormErrors,
        pager::{PageQuery, Paged},
        render,
    },
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/orgs", web::get().to(list))
        .route("/orgs", web::post().to(create))
        .route("/orgs/{id}", web::get().to(detail))
        .route("/orgs/{id}/rooms", web::post().to(add_room));
}

#[derive(Template)]
#[template(path = "orgs/list.html")]
struct ListPage {
    chrome: Chrome,
    organisations: Paged<Organisation>,
    form: NewOrgForm,
    errors: FormErrors,
}

#[derive(Clone, Default, Deserialize)]
struct NewOrgForm {
    kind: String,
    code: String,
    name: String,
}

/// Admins see the whole department; centre staff go straight to their own centre.
async fn list(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    if !staff.user.role.may(Action::ManageOrganisations) {
        staff.require(Action::ViewOwnCentre)?;
        let own = format!("/orgs/{}", staff.user.organisation_id);
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, own))
            .finish());
    }
    let organisations = store::of_department(&state.db.read, &staff.user.department_id).await?;
    render(
        &ListPage {
            chrome: staff.chrome,
            organisations: Paged::from_query(organisations, &query),
            form: NewOrgForm::default(),
            errors: FormErrors::default(),
        },
        200,
    )
}

async fn create(
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<NewOrgForm>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageOrganisations)?;
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    let kind = OrgKind::parse(&form.kind).filter(|k| *k != OrgKind::Department);
    if kind.is_none() {
        errors.push(("kind", "error.kind_invalid"));
    }
    let code = model::parse_code(&form.code)
        .map_err(|k| errors.push(("code", k)))
        .ok();
    let name = model::parse_name(&form.name)
        .map_err(|k| errors.push(("name", k)))
        .ok();
    let department = staff.user.department_id.clone();
    let mut id = None;
    if let (Some(kind), Some(code), Some(name)) = (kind, &code, &name) {
        let mut tx = state.db.begin_write().await?;
        match store::insert(&mut tx, kind, code, name, Some(&department)).await {
            Ok(new_id) => {
                crate::keys::issue_first(&mut tx, &state.db.keys.signing, &new_id, code).await?;
                let entry = audit::AuditEntry {
                    actor: Some(&staff.user.id),
                    action: "org.create",
                    subject_id: &new_id,
                    detail: code.clone(),
                };
                audit::record(&mut tx, entry).await?;
                tx.commit().await?;
                id = Some(new_id);
            }
            Err(e) if is_unique_violation(&e) => errors.push(("code", "error.code_taken")),
            Err(e) => return Err(e.into()),
        }
    }
    match id {
        Some(id) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/orgs/{id}")))
            .finish()),
        None => {
            let organisations = store::of_department(&state.db.read, &department).await?;
            render(
                &ListPage {
                    chrome: staff.chrome,
                    organisations: Paged::of(organisations, 1),
                    form,
                    errors,
                },
                422,
            )
        }
    }
}

#[derive(Template)]
#[template(path = "orgs/detail.html")]
struct DetailPage {
    chrome: Chrome,
    organisation: Organisation,
    rooms: Vec<Room>,
    can_manage: bool,
    /// The certificate register (sổ cấp chứng chỉ) is for admins and centre managers.
    register_link: bool,
    form: NewRoomForm,
    errors: FormErrors,
}

#[derive(Clone, Default, Deserialize)]
struct NewRoomForm {
    name: String,
    seats: String,
}

/// The organisation, if this staff member may see it: other centres' records are not found.
async fn visible(staff: &Staff, state: &AppState, id: &str) -> Result<Organisation, AppError> {
    staff.require(Action::ViewOwnCentre)?;
    super::visible_to(&state.db, &staff.user, id).await
}

async fn detail(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let organisation = visible(&staff, &state, &path).await?;
    let rooms = store::rooms(&state.db.read, &organisation.id).await?;
    let can_manage =
        staff.user.role.may(Action::ManageOrganisations) && organisation.kind() == OrgKind::Centre;
    let page = DetailPage {
        chrome: staff.chrome,
        organisation,
        rooms,
        can_manage,
        register_link: staff.user.role.may(Action::ManageResults),
        form: NewRoomForm::default(),
        errors: FormErrors::default(),
    };
    render(&page, 200)
}

async fn add_room(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<NewRoomForm>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageOrganisations)?;
    let organisation = visible(&staff, &state, &path).await?;
    if organisation.kind() != OrgKind::Centre {
        return Err(AppError::BadRequest("error.rooms_only_in_centres"));
    }
    let form = form.into_inner();
    let mut errors = FormErrors::default();
    let name = model::parse_name(&form.name)
        .map_err(|k| errors.push(("name", k)))
        .ok();
    let seats = model::parse_seats(&form.seats)
        .map_err(|k| errors.push(("seats", k)))
        .ok();
    if let (Some(name), Some(seats)) = (&name, seats) {
        let mut tx = state.db.begin_write().await?;
        match store::insert_room(&mut tx, &organisation.id, name, seats).await {
            Ok(room_id) => {
                let detail = format!("{name} ({seats}) in {}", organisation.code);
                let entry = audit::AuditEntry {
                    actor: Some(&staff.user.id),
                    action: "room.create",
                    subject_id: &room_id,
                    detail,
                };
                audit::record(&mut tx, entry).await?;
                tx.commit().await?;
                let back = format!("/orgs/{}", organisation.id);
                return Ok(HttpResponse::SeeOther()
                    .insert_header((header::LOCATION, back))
                    .finish());
            }
            Err(e) if is_unique_violation(&e) => errors.push(("name", "error.room_taken")),
            Err(e) => return Err(e.into()),
        }
    }
    let rooms = store::rooms(&state.db.read, &organisation.id).await?;
    let page = DetailPage {
        chrome: staff.chrome,
        organisation,
        rooms,
        can_manage: true,
        register_link: true,
        form,
        errors,
    };
    render(&page, 422)
}
