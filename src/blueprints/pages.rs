//! Blueprint pages for centre managers and admins: the list, a TOML editor that validates
//! against the centre's banks before saving a new version, a summary of every draw rule with
//! the items available to it, and sample papers drawn on demand, with keys.

use actix_web::{HttpResponse, http::header, web};
use askama::Template;
use serde::Deserialize;

use super::{
    draw::candidates,
    model::Blueprint,
    overview::{Overview, overview},
    rng,
    simulation_view::{self, SimulationView},
    store::{self, BlueprintRow, Saved, VersionRow},
};
use crate::{
    accounts::{
        Staff,
        model::{Action, Role},
    },
    clock, orgs,
    orgs::model::Organisation,
    web::{
        AppError, AppState, Chrome,
        pager::{PageQuery, Paged},
        render,
    },
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    super::builder::routes(cfg);
    super::sample::routes(cfg);
    cfg.route("/blueprints", web::get().to(list))
        .route("/blueprints", web::post().to(create))
        .route("/blueprints/{id}", web::get().to(detail))
        .route("/blueprints/{id}", web::post().to(update));
}

const STARTER: &str = include_str!("../../question_banks/iu01-thi.toml");

#[derive(Template)]
#[template(path = "blueprints/list.html")]
struct ListPage {
    chrome: Chrome,
    blueprints: Paged<BlueprintRow>,
    organisations: Vec<Organisation>,
    source: String,
    lines: Vec<String>,
}

async fn list(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageBlueprints)?;
    // The starter is a shipped blueprint under a new code, so saving it unchanged never
    // touches the original.
    let starter = STARTER
        .replace("\"IU01-THI\"", "\"MA-TRAN-MOI\"")
        .replace("Thi mô đun IU01 –", "Ma trận đề mới:");
    let page = list_page(staff, &state, starter, vec![], &query).await?;
    render(&page, 200)
}

async fn list_page(
    staff: Staff,
    state: &AppState,
    source: String,
    lines: Vec<String>,
    query: &PageQuery,
) -> Result<ListPage, AppError> {
    let own = (staff.user.role != Role::Admin).then_some(staff.user.organisation_id.as_str());
    let blueprints = store::blueprints_of(&state.db.read, &staff.user.department_id, own).await?;
    let organisations = if staff.user.role == Role::Admin {
        orgs::store::of_department(&state.db.read, &staff.user.department_id).await?
    } else {
        vec![]
    };
    Ok(ListPage {
        chrome: staff.chrome,
        blueprints: Paged::from_query(blueprints, query),
        organisations,
        source,
        lines,
    })
}

#[derive(Deserialize)]
struct SourceForm {
    source: String,
    organisation_id: Option<String>,
}

/// The organisation a blueprint belongs to: a manager's own centre, or the one an admin chose.
pub(super) async fn owner(
    staff: &Staff,
    state: &AppState,
    chosen: Option<&str>,
) -> Result<Organisation, AppError> {
    let id = match (staff.user.role, chosen) {
        (Role::Admin, Some(id)) => id.to_string(),
        _ => staff.user.organisation_id.clone(),
    };
    orgs::store::by_id(&state.db.read, &id)
        .await?
        .filter(|o| o.visible_to(&staff.user))
        .ok_or(AppError::BadRequest("error.organisation_invalid"))
}

/// Validates and saves; on errors, the lines to show with the text kept.
async fn validate_and_save(
    staff: &Staff,
    state: &AppState,
    org: &Organisation,
    source: &str,
    expected_code: Option<&str>,
) -> Result<Result<Saved, Vec<String>>, AppError> {
    let lang = staff.chrome.lang;
    let (blueprint, report) =
        super::validate_for(&state.db, org, "ma-tran-de.toml", source).await?;
    let Some(blueprint) = blueprint else {
        return Ok(Err(report.lines(lang)));
    };
    if let Some(code) = expected_code.filter(|c| *c != blueprint.code) {
        return Ok(Err(vec![
            staff
                .chrome
                .fill("blueprint.code_changed", &[("code", code)]),
        ]));
    }
    let saved = store::save(
        &state.db,
        &org.id,
        &blueprint.code,
        &blueprint.title,
        source,
        Some(&staff.user.id),
    )
    .await?;
    Ok(Ok(saved))
}

async fn create(
    staff: Staff,
    state: web::Data<AppState>,
    form: web::Form<SourceForm>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageBlueprints)?;
    let org = owner(&staff, &state, form.organisation_id.as_deref()).await?;
    match validate_and_save(&staff, &state, &org, &form.source, None).await? {
        Ok(saved) => Ok(saved_redirect(saved)),
        Err(lines) => {
            let source = form.into_inner().source;
            let page = list_page(staff, &state, source, lines, &PageQuery::default()).await?;
            render(&page, 422)
        }
    }
}

pub(super) fn saved_redirect(saved: Saved) -> HttpResponse {
    let target = match saved {
        Saved::Version {
            blueprint_id,
            number,
        } => format!("/blueprints/{blueprint_id}?saved={number}"),
        Saved::Unchanged { blueprint_id } => format!("/blueprints/{blueprint_id}?saved=0"),
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, target))
        .finish()
}

/// The blueprint, its organisation and newest version, if this staff member may see it.
pub(crate) async fn visible(
    staff: &Staff,
    state: &AppState,
    id: &str,
) -> Result<(BlueprintRow, Organisation, Vec<VersionRow>), AppError> {
    staff.require(Action::ManageBlueprints)?;
    let row = store::blueprint(&state.db.read, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let org = orgs::visible_to(&state.db, &staff.user, &row.organisation_id).await?;
    let versions = store::versions(&state.db.read, &row.id).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((row, org, versions))
}

/// A draw rule and how many items match it now.
struct RuleRow {
    part: String,
    title: String,
    banks: String,
    filter: String,
    count: u32,
    available: usize,
}

#[derive(Template)]
#[template(path = "blueprints/detail.html")]
struct DetailPage {
    chrome: Chrome,
    row: BlueprintRow,
    blueprint: Option<Blueprint>,
    rules: Vec<RuleRow>,
    versions: Vec<VersionRow>,
    source: String,
    lines: Vec<String>,
    saved: Option<i64>,
    overview: Option<Overview>,
    /// Asked for on the page (`?simulate=1`); None inside when the banks cannot serve it.
    simulation: Option<Option<SimulationView>>,
}

impl DetailPage {
    fn when(&self, ms: &i64) -> String {
        clock::format_local(*ms)
    }
    fn saved_message(&self) -> Option<String> {
        match self.saved? {
            0 => Some(self.chrome.t("blueprint.unchanged").to_string()),
            n => Some(
                self.chrome
                    .fill("blueprint.saved", &[("version", &n.to_string())]),
            ),
        }
    }
}

#[derive(Deserialize)]
struct DetailQuery {
    saved: Option<i64>,
    /// Run the simulation ("Chạy mô phỏng"), from `seed` when given (64 hex digits).
    simulate: Option<String>,
    seed: Option<String>,
}

impl DetailQuery {
    fn simulation_seed(&self) -> Option<[u8; 32]> {
        self.simulate.as_ref()?;
        Some(
            self.seed
                .as_deref()
                .and_then(rng::seed_from_hex)
                .unwrap_or_else(rng::new_seed),
        )
    }
}

async fn detail_page(
    staff: Staff,
    state: &AppState,
    id: &str,
    edited: Option<(String, Vec<String>)>,
    saved: Option<i64>,
    simulate: Option<[u8; 32]>,
) -> Result<DetailPage, AppError> {
    let (row, org, versions) = visible(&staff, state, id).await?;
    let current = &versions[0].source;
    let name = format!("{} v{}", row.code, versions[0].number);
    let super::Checked {
        blueprint: parsed,
        pool,
        report,
    } = super::check_for(&state.db, &org, &name, current).await?;
    let mut rules = Vec::new();
    if let Some(bp) = &parsed {
        for (part, section) in bp.sections() {
            let f = &section.filter;
            let mut filter: Vec<String> = f.topics.clone();
            filter.extend(f.difficulties.iter().map(|d| d.code().to_string()));
            filter.extend(
                f.kinds
                    .iter()
                    .map(|k| staff.chrome.t(k.label_key()).to_string()),
            );
            filter.extend(f.tags.iter().map(|t| format!("#{t}")));
            rules.push(RuleRow {
                part: part.title.clone(),
                title: section.title.clone(),
                banks: section.banks.join(", "),
                filter: filter.join(", "),
                count: section.count,
                available: candidates(section, &pool).len(),
            });
        }
    }
    let lang = staff.chrome.lang;
    let overview = parsed.as_ref().map(|bp| overview(bp, &pool, lang));
    let simulation = match simulate {
        Some(seed) => Some(match parsed.clone().filter(|_| !report.has_errors()) {
            // Hundreds of draws: off the request threads.
            Some(bp) => web::block(move || simulation_view::run(&bp, &pool, seed, lang))
                .await
                .map_err(anyhow::Error::from)?,
            None => None,
        }),
        None => None,
    };
    let (source, lines) =
        edited.unwrap_or_else(|| (current.clone(), report.lines(staff.chrome.lang)));
    Ok(DetailPage {
        chrome: staff.chrome,
        row,
        blueprint: parsed,
        rules,
        versions,
        source,
        lines,
        saved,
        overview,
        simulation,
    })
}

async fn detail(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<DetailQuery>,
) -> Result<HttpResponse, AppError> {
    render(
        &detail_page(
            staff,
            &state,
            &path,
            None,
            query.saved,
            query.simulation_seed(),
        )
        .await?,
        200,
    )
}

async fn update(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<SourceForm>,
) -> Result<HttpResponse, AppError> {
    let (row, org, _) = visible(&staff, &state, &path).await?;
    match validate_and_save(&staff, &state, &org, &form.source, Some(&row.code)).await? {
        Ok(saved) => Ok(saved_redirect(saved)),
        Err(lines) => render(
            &detail_page(
                staff,
                &state,
                &path,
                Some((form.into_inner().source, lines)),
                None,
                None,
            )
            .await?,
            422,
        ),
    }
}
