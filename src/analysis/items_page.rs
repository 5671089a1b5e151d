//! Item analysis over real attempts, per bank (`/banks/{id}/analysis`) and per blueprint
//! (`/blueprints/{id}/analysis`), for those who manage them: the test's figures and every
//! item's, over the approved results of a period in the sessions the viewer sees, sorted and
//! paged by plain links, with CSV and `.xlsx` downloads of the whole table.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    index,
    item_table::{self, Line, SortBy},
    model::Period,
    store::{self, Subject},
};
use crate::{
    accounts::Staff,
    clock,
    grading::stats::statistics,
    results::table::Dir,
    sessions::store::Scope,
    sheets,
    web::{AppError, AppState, Chrome, download, pager, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    for (path, kind) in [("/banks/{id}", "bank"), ("/blueprints/{id}", "blueprint")] {
        for (ext, format) in [
            ("", Format::Page),
            (".csv", Format::Csv),
            (".xlsx", Format::Xlsx),
        ] {
            cfg.route(
                &format!("{path}/analysis{ext}"),
                web::get().to(move |staff, state, id, query| {
                    respond(staff, state, id, query, kind == "bank", format)
                }),
            );
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Page,
    Csv,
    Xlsx,
}

#[derive(Default, Deserialize)]
struct Query {
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
}

/// What was analysed: a bank or a blueprint, its names and where its own page is.
struct Analysed {
    code: String,
    title: String,
    home: String,
    base: String,
    subject_is_bank: bool,
}

#[derive(Template)]
#[template(path = "analysis/items.html")]
struct ItemsPage {
    chrome: Chrome,
    analysed: Analysed,
    from: String,
    to: String,
    period_error: Option<&'static str>,
    min_responses: usize,
    /// Approved attempts not taken apart yet (left to the background task).
    waiting: i64,
    attempts: usize,
    form: Option<Vec<(String, String)>>,
    lines: Vec<Line>,
    items: usize,
    flagged: usize,
    sort: SortBy,
    dir: Dir,
    page: usize,
    pages: usize,
}

impl ItemsPage {
    fn query(&self) -> String {
        format!("{}?from={}&to={}", self.analysed.base, self.from, self.to)
    }

    fn sort_link(&self, by: &str) -> String {
        let prefix = format!("{}&", self.query());
        pager::sort_link(
            &prefix,
            SortBy::parse(by).as_str(),
            self.sort.as_str(),
            self.dir,
        )
    }

    fn aria_sort(&self, by: &str) -> &'static str {
        pager::aria_sort(SortBy::parse(by).as_str(), self.sort.as_str(), self.dir)
    }

    fn page_prefix(&self) -> String {
        format!(
            "{}&sort={}&dir={}&page=",
            self.query(),
            self.sort.as_str(),
            self.dir.as_str()
        )
    }

    fn download(&self, ext: &str) -> String {
        format!(
            "{}.{ext}?from={}&to={}&sort={}&dir={}",
            self.analysed.base,
            self.from,
            self.to,
            self.sort.as_str(),
            self.dir.as_str()
        )
    }

    fn figure(&self, line: &Line, which: &str) -> String {
        let lang = self.chrome.lang;
        match which {
            "facility" => line.facility_text(lang),
            "pb" => line.point_biserial_text(lang),
            "ul" => line.upper_lower_text(lang),
            _ => line.options_text(lang),
        }
    }
}

/// The bank or blueprint, if this staff member manages it.
async fn analysed(
    staff: &Staff,
    state: &AppState,
    id: &str,
    bank: bool,
) -> Result<Analysed, AppError> {
    let (code, title, home) = if bank {
        let b = crate::banks::pages::visible_bank(staff, state, id).await?;
        (b.code, b.title, format!("/banks/{}", b.id))
    } else {
        let (b, _, _) = crate::blueprints::pages::visible(staff, state, id).await?;
        (b.code, b.title, format!("/blueprints/{}", b.id))
    };
    Ok(Analysed {
        base: format!("{home}/analysis"),
        code,
        title,
        home,
        subject_is_bank: bank,
    })
}

async fn respond(
    staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<Query>,
    bank: bool,
    format: Format,
) -> Result<HttpResponse, AppError> {
    let analysed = analysed(&staff, &state, &id, bank).await?;
    let lang = staff.chrome.lang;
    let asked = Period::asked(query.from.as_deref(), query.to.as_deref(), clock::now_ms());
    let (period, period_error) = match asked {
        Ok(p) => (p, None),
        Err(key) => (Period::last_year(clock::now_ms()), Some(key)),
    };
    let waiting = index::before_reading(&state.db).await?;
    let subject = if bank {
        Subject::Bank(&id)
    } else {
        Subject::Blueprint(&id)
    };
    let rows = store::rows(&state.db.read, subject, Scope::of(&staff.user), period).await?;
    let min = state.settings.analysis_min_responses;
    let (stats, form) = web::block(move || statistics(&item_table::records(rows)))
        .await
        .map_err(anyhow::Error::from)?;
    let ids: Vec<String> = stats.iter().map(|s| s.item_id.clone()).collect();
    let labels = store::labels(&state.db.read, &ids).await?;
    let mut lines = item_table::lines(stats, &labels, min, lang);
    let sort = SortBy::parse(query.sort.as_deref().unwrap_or_default());
    let dir = Dir::parse(query.dir.as_deref().unwrap_or_default());
    item_table::sort(&mut lines, sort, dir);
    let file_name = format!("phan-tich-{}", analysed.code);
    match format {
        Format::Csv => {
            let rows: Vec<Vec<String>> = lines.iter().map(|l| item_table::cells(l, lang)).collect();
            let bytes = sheets::csv_with_bom(&item_table::header(lang), &rows)?;
            return Ok(download(
                bytes,
                "text/csv; charset=utf-8",
                format!("{file_name}.csv"),
            ));
        }
        Format::Xlsx => {
            let rows: Vec<Vec<String>> = lines.iter().map(|l| item_table::cells(l, lang)).collect();
            let form_rows: Vec<Vec<String>> = item_table::form_rows(&form, min, lang)
                .unwrap_or_default()
                .into_iter()
                .map(|(k, v)| vec![k, v])
                .collect();
            let bytes = sheets::xlsx(&[
                sheets::Sheet {
                    name: lang.t("analysis.sheet_items"),
                    header: &item_table::header(lang),
                    rows: &rows,
                },
                sheets::Sheet {
                    name: lang.t("analysis.sheet_test"),
                    header: &[lang.t("analysis.col_what"), lang.t("analysis.col_value")],
                    rows: &form_rows,
                },
            ])?;
            let content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            return Ok(download(bytes, content_type, format!("{file_name}.xlsx")));
        }
        Format::Page => {}
    }
    let flagged = lines.iter().filter(|l| l.check_key).count();
    let paged = pager::Paged::of(lines.clone(), pager::asked(query.page.as_deref()));
    let page = ItemsPage {
        from: period.from.iso(),
        to: period.to.iso(),
        period_error,
        min_responses: min,
        waiting,
        attempts: form.attempts,
        form: item_table::form_rows(&form, min, lang),
        items: lines.len(),
        flagged,
        lines: paged.rows,
        sort,
        dir,
        page: paged.page,
        pages: paged.pages,
        analysed,
        chrome: staff.chrome,
    };
    render(&page, if period_error.is_some() { 400 } else { 200 })
}
