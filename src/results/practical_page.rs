//! The grading board's page for a session's practical part (`/sessions/{id}/practical`):
//! every candidate with the scores entered by each grader and the score that counts, and a
//! form per candidate to enter one more score, and the upload of a file of scores (see
//! `practical_import`). Centre managers and admins only.

use std::{collections::HashMap, sync::Arc};

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{
    model::{Verdict, verdict},
    practical::{self, Entry, EntryRefusal, Latest, Scope, standings},
};
use crate::{
    accounts::{Staff, model::Action},
    attempts::store::{self as attempts, RosterEntry},
    blueprints::{
        model::{Blueprint, Part, Thousandths},
        store::version_blueprint,
    },
    clock,
    grading::{
        self,
        model::{Points, points_vi},
        practical::Counted,
    },
    sessions::{model::ExamSession, visible_to},
    vocab::Lang,
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/practical", web::get().to(show))
        .route("/sessions/{id}/practical", web::post().to(enter));
    super::practical_import::routes(cfg);
}

/// One practical part as the page shows it.
struct PartView {
    code: String,
    title: String,
    max: u32,
    /// The markings a score may be entered for: [1] or [1, 2, 3].
    markings: Vec<u8>,
    /// "2 giám khảo, chênh lệch tối đa 1; làm tròn 0,25" (in the page's language).
    rule: String,
}

/// One candidate and one part.
struct Cell {
    part: String,
    /// "GK1: 7,5 (Nguyễn Văn A)" per marking entered.
    entries: Vec<String>,
    standing: String,
}

struct Row {
    attempt_id: String,
    number: String,
    name: String,
    verdict: Verdict,
    /// Sat the exam: scores may be entered.
    sat: bool,
    cells: Vec<Cell>,
}

#[derive(Template)]
#[template(path = "results/practical.html")]
pub(super) struct PracticalPage {
    chrome: Chrome,
    session: ExamSession,
    parts: Vec<PartView>,
    rows: Vec<Row>,
    saved: Option<String>,
    /// A refused entry: (attempt id, message), shown on that candidate's row.
    refused: Option<(String, String)>,
    typed: EntryForm,
    /// An imported file: (scores entered, rows unchanged).
    imported: Option<(usize, usize)>,
    /// A refused file: every problem, "Dòng 7: …".
    pub(super) import_errors: Vec<String>,
}

impl PracticalPage {
    fn refused_for(&self, attempt_id: &str) -> Option<&str> {
        self.refused
            .as_ref()
            .filter(|(a, _)| a == attempt_id)
            .map(|(_, m)| m.as_str())
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
pub(super) struct EntryForm {
    #[serde(default)]
    attempt: String,
    #[serde(default)]
    part: String,
    #[serde(default)]
    marking: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    grader: String,
}

#[derive(serde::Deserialize)]
struct SavedQuery {
    saved: Option<String>,
    entered: Option<usize>,
    unchanged: Option<usize>,
}

/// The session and its blueprint, for a user who may manage its results.
pub(super) async fn open(
    staff: &Staff,
    state: &AppState,
    id: &str,
) -> Result<(ExamSession, Arc<Blueprint>), AppError> {
    staff.require(Action::ManageResults)?;
    let session = visible_to(&state.db, &staff.user, id).await?;
    let blueprint = version_blueprint(&state.db.read, &session.blueprint_version_id).await?;
    Ok((session, blueprint))
}

pub(super) async fn page(
    staff: Staff,
    state: &AppState,
    id: &str,
    saved: Option<String>,
    refused: Option<(String, String)>,
    typed: EntryForm,
) -> Result<PracticalPage, AppError> {
    let (session, blueprint) = open(&staff, state, id).await?;
    let lang = staff.chrome.lang;
    let external: Vec<&Part> = blueprint
        .parts
        .iter()
        .filter(|p| p.external_max_points.is_some())
        .collect();
    let parts = external.iter().map(|p| part_view(p, lang)).collect();
    let roster = attempts::roster(&state.db.read, &session.id).await?;
    let results = grading::store::of_session(&state.db.read, &session.id).await?;
    let entries = practical::latest(&state.db.read, Scope::Session(&session.id)).await?;
    let mut by_attempt: HashMap<&str, Vec<&Latest>> = HashMap::new();
    for e in &entries {
        by_attempt.entry(e.attempt_id.as_str()).or_default().push(e);
    }
    let closed = session.closed_at.is_some();
    let rows = roster
        .iter()
        .map(|entry: &RosterEntry| {
            let mine = by_attempt
                .get(entry.id.as_str())
                .cloned()
                .unwrap_or_default();
            let standing = standings(&blueprint, &mine);
            let state = entry.clock.state();
            Row {
                attempt_id: entry.id.clone(),
                number: entry.candidate_number.clone(),
                name: entry.full_name.clone(),
                verdict: verdict(state, closed, results.get(&entry.id)),
                sat: state == crate::attempts::model::AttemptState::Submitted,
                cells: external
                    .iter()
                    .map(|p| Cell {
                        part: p.code.clone(),
                        entries: mine
                            .iter()
                            .filter(|e| e.part_code == p.code)
                            .map(|e| {
                                lang.fill(
                                    "practical.entry",
                                    &[
                                        ("marking", &e.marking.to_string()),
                                        ("points", &points_vi(e.points())),
                                        ("grader", &e.grader),
                                    ],
                                )
                            })
                            .collect(),
                        standing: standing_text(standing.get(&p.code), lang),
                    })
                    .collect(),
            }
        })
        .collect();
    Ok(PracticalPage {
        chrome: staff.chrome,
        session,
        parts,
        rows,
        saved,
        refused,
        typed,
        imported: None,
        import_errors: vec![],
    })
}

fn part_view(part: &Part, lang: Lang) -> PartView {
    let marking = part.marking.unwrap_or_default();
    let rule = crate::blueprints::overview::marking_rule(marking, lang);
    PartView {
        code: part.code.clone(),
        title: part.title.clone(),
        max: part.external_max_points.unwrap_or_default(),
        markings: if marking.graders == 2 {
            vec![1, 2, 3]
        } else {
            vec![1]
        },
        rule,
    }
}

fn standing_text(counted: Option<&Counted>, lang: Lang) -> String {
    match counted {
        None | Some(Counted::Missing) => lang.t("practical.missing").to_string(),
        Some(Counted::AwaitingSecond) => lang.t("practical.awaiting_second").to_string(),
        Some(Counted::AwaitingThird { difference }) => lang.fill(
            "practical.awaiting_third",
            &[("difference", &points_vi(*difference))],
        ),
        Some(Counted::Score(points)) => points_vi(*points),
    }
}

async fn show(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let mut page = page(
        staff,
        &state,
        &path,
        query.saved,
        None,
        EntryForm::default(),
    )
    .await?;
    page.imported = query.entered.map(|n| (n, query.unchanged.unwrap_or(0)));
    render(&page, 200)
}

async fn enter(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: web::Form<EntryForm>,
) -> Result<HttpResponse, AppError> {
    let (session, _) = open(&staff, &state, &path).await?;
    let form = form.into_inner();
    let lang = staff.chrome.lang;
    let on_roster = attempts::entry(&state.db.read, &form.attempt)
        .await?
        .filter(|e| e.session_id == session.id)
        .ok_or(AppError::NotFound)?;
    let points = Thousandths::parse(&form.points).map(|t| Points::new(i64::from(t.0), 1000));
    let marking = form.marking.trim().parse::<u8>().unwrap_or(0);
    let refusal = match points {
        None => Some(lang.t("practical.bad_points").to_string()),
        Some(points) => {
            let mut tx = state.db.begin_write().await?;
            let entered = practical::enter(
                &mut tx,
                Entry {
                    attempt_id: &on_roster.id,
                    part_code: &form.part,
                    marking,
                    points,
                    grader: &form.grader,
                    entered_by: &staff.user.id,
                    source: "page",
                    at: clock::now_ms(),
                },
            )
            .await;
            match entered {
                Ok(_) => {
                    tx.commit().await?;
                    None
                }
                Err(EntryRefusal::Failed(e)) => return Err(e.into()),
                Err(refusal) => Some(refusal_text(&refusal, lang)),
            }
        }
    };
    match refusal {
        None => Ok(HttpResponse::SeeOther()
            .insert_header((
                "location",
                format!(
                    "/sessions/{}/practical?saved={}#row-{}",
                    session.id, on_roster.candidate_number, on_roster.id
                ),
            ))
            .finish()),
        Some(message) => {
            let refused = Some((on_roster.id.clone(), message));
            let page = page(staff, &state, &path, None, refused, form).await?;
            render(&page, 422)
        }
    }
}

/// What the board reads when an entry is refused.
pub fn refusal_text(refusal: &EntryRefusal, lang: Lang) -> String {
    match refusal {
        EntryRefusal::NotSubmitted(_) => lang.t("practical.not_sat").to_string(),
        EntryRefusal::UnknownPart => lang.t("practical.unknown_part").to_string(),
        EntryRefusal::OutOfRange { max } => {
            lang.fill("practical.out_of_range", &[("max", &max.to_string())])
        }
        EntryRefusal::UnknownMarking { graders } => lang.fill(
            "practical.unknown_marking",
            &[("graders", &graders.to_string())],
        ),
        EntryRefusal::NoGrader => lang.t("practical.no_grader").to_string(),
        EntryRefusal::Failed(_) => lang.t("error.internal").to_string(),
    }
}
