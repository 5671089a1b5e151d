//! The overview (`/overview`, `/overview.xlsx`): for a Department's admin, across its centres,
//! and for a centre manager, their centre, over a period of whole months: sittings held,
//! candidates, pass rates by centre, module and month, credits and certificates issued, and
//! the items most often flagged "check the key", as tables with SVG charts beside them.

use std::collections::HashMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    chart::BarChart,
    index,
    model::{Period, add_up},
    overview_view::{self as view, FlaggedItem, TallyRow},
    store,
};
use crate::{
    accounts::{Staff, model::Action},
    blueprints::store as blueprints,
    clock,
    sessions::store::Scope,
    sheets,
    vocab::Lang,
    web::{AppError, AppState, Chrome, download, render},
};

/// Items listed under "check the key".
const FLAGGED_SHOWN: usize = 20;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/overview", web::get().to(page))
        .route("/overview.xlsx", web::get().to(xlsx));
}

#[derive(Default, Deserialize)]
struct Query {
    from: Option<String>,
    to: Option<String>,
}

/// Everything the page and the workbook show.
struct Figures {
    scope_name: String,
    period: Period,
    period_error: Option<&'static str>,
    totals: Vec<(String, String)>,
    by_centre: Vec<TallyRow>,
    by_module: Vec<TallyRow>,
    by_month: Vec<TallyRow>,
    flagged: Vec<FlaggedItem>,
    min_responses: usize,
    /// Approved attempts not taken apart yet (left to the background task).
    waiting: i64,
}

async fn figures(staff: &Staff, state: &AppState, query: &Query) -> Result<Figures, AppError> {
    staff.require(Action::ManageResults)?;
    let scope = Scope::of(&staff.user);
    let lang = staff.chrome.lang;
    let now = clock::now_ms();
    let (period, period_error) =
        match Period::asked(query.from.as_deref(), query.to.as_deref(), now) {
            Ok(p) => (p, None),
            Err(key) => (Period::last_year(now), Some(key)),
        };
    let waiting = index::before_reading(&state.db).await?;
    let pool = &state.db.read;
    let sittings = store::sittings(pool, scope, period).await?;
    let mut modules = HashMap::new();
    for s in &sittings {
        if !modules.contains_key(&s.blueprint_version_id) {
            let bp = blueprints::version_blueprint(pool, &s.blueprint_version_id).await?;
            modules.insert(s.blueprint_version_id.clone(), bp.modules.clone());
        }
    }
    let issued = store::issued(pool, scope, period).await?;
    let overview = add_up(period, &sittings, &modules, &issued);
    let organisations = store::names(pool, "organisations").await?;
    let [by_centre, by_module, by_month] = view::tables(&overview, &organisations, lang);
    let min_responses = state.settings.analysis_min_responses;
    let sums = store::item_sums(pool, scope, period).await?;
    let blueprint_codes = store::names(pool, "blueprints").await?;
    let mut flagged = view::flagged(&sums, &blueprint_codes, min_responses, FLAGGED_SHOWN);
    let ids: Vec<String> = flagged.iter().map(|f| f.item_id.clone()).collect();
    let mut labels = store::labels(pool, &ids).await?;
    for f in &mut flagged {
        f.label = labels.remove(&f.item_id);
    }
    let own = match scope {
        Scope::Department(id) | Scope::Centre(id) | Scope::Proctor(id) => id,
    };
    Ok(Figures {
        scope_name: organisations.get(own).cloned().unwrap_or_default(),
        totals: view::totals(
            &overview.totals,
            store::people(pool, scope, period).await?,
            lang,
        ),
        period,
        period_error,
        by_centre,
        by_module,
        by_month,
        flagged,
        min_responses,
        waiting,
    })
}

#[derive(Template)]
#[template(path = "analysis/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    f: Figures,
    from: String,
    to: String,
    charts: [BarChart; 3],
}

impl OverviewPage {
    fn cells(&self, row: &TallyRow) -> Vec<String> {
        view::tally_cells(row, self.chrome.lang)
    }
    fn flagged_cells(&self, item: &FlaggedItem) -> Vec<String> {
        view::flagged_cells(item, self.chrome.lang)
    }
    fn download(&self) -> String {
        format!("/overview.xlsx?from={}&to={}", self.from, self.to)
    }
    fn header(&self, first: &'static str) -> Vec<&'static str> {
        view::tally_header(first, self.chrome.lang)
    }
    /// Each table with its chart and the heading of its first column.
    fn sections(&self) -> Vec<(&BarChart, &[TallyRow], &'static str)> {
        vec![
            (&self.charts[0], &self.f.by_centre, "overview.col_centre"),
            (&self.charts[1], &self.f.by_module, "overview.col_module"),
            (&self.charts[2], &self.f.by_month, "overview.col_month"),
        ]
    }
    fn period_label(&self) -> String {
        view::period_label(self.f.period.from, self.f.period.to)
    }
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<Query>,
) -> Result<HttpResponse, AppError> {
    let f = figures(&staff, &state, &query).await?;
    let t = |k| staff.chrome.t(k);
    let lang = staff.chrome.lang;
    let charts = [
        view::rate_chart(
            "chart-centres",
            t("overview.chart_centres"),
            &f.by_centre,
            lang,
        ),
        view::rate_chart(
            "chart-modules",
            t("overview.chart_modules"),
            &f.by_module,
            lang,
        ),
        view::sat_chart("chart-months", t("overview.chart_months"), &f.by_month),
    ];
    let status = if f.period_error.is_some() { 400 } else { 200 };
    let page = OverviewPage {
        from: f.period.from.iso(),
        to: f.period.to.iso(),
        charts,
        f,
        chrome: staff.chrome,
    };
    render(&page, status)
}

fn tally_rows(rows: &[TallyRow], lang: Lang) -> Vec<Vec<String>> {
    rows.iter().map(|r| view::tally_cells(r, lang)).collect()
}

async fn xlsx(
    staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<Query>,
) -> Result<HttpResponse, AppError> {
    let f = figures(&staff, &state, &query).await?;
    let lang = staff.chrome.lang;
    let totals: Vec<Vec<String>> = f
        .totals
        .iter()
        .map(|(k, v)| vec![k.clone(), v.clone()])
        .collect();
    let (centres, modules, months) = (
        tally_rows(&f.by_centre, lang),
        tally_rows(&f.by_module, lang),
        tally_rows(&f.by_month, lang),
    );
    let flagged: Vec<Vec<String>> = f
        .flagged
        .iter()
        .map(|i| view::flagged_cells(i, lang))
        .collect();
    let headers = [
        view::tally_header("overview.col_centre", lang),
        view::tally_header("overview.col_module", lang),
        view::tally_header("overview.col_month", lang),
    ];
    let sheet = |name: &str, header, rows| sheets::Sheet {
        name: lang.t(name),
        header,
        rows,
    };
    let bytes = sheets::xlsx(&[
        sheet(
            "overview.sheet_totals",
            &[lang.t("analysis.col_what"), lang.t("analysis.col_value")],
            &totals,
        ),
        sheet("overview.sheet_centres", &headers[0], &centres),
        sheet("overview.sheet_modules", &headers[1], &modules),
        sheet("overview.sheet_months", &headers[2], &months),
        sheet(
            "overview.sheet_flagged",
            &view::flagged_header(lang),
            &flagged,
        ),
    ])?;
    let content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    let name = format!(
        "tong-hop-{}-{}.xlsx",
        f.period.from.iso(),
        f.period.to.iso()
    );
    Ok(download(bytes, content_type, name))
}
