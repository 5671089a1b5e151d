//! The certificate register (sổ cấp chứng chỉ) of an issuing organisation: every certificate
//! it issued in register order, fifty to a page, optionally one year's, and the same as an
//! `.xlsx` workbook. For the Department's admins and the managers of its centres.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    certificate::{self, CertificateView},
    pages::may_see_credits,
};
use crate::{
    accounts::Staff,
    orgs::{self, model::Organisation},
    sheets,
    vocab::Lang,
    web::{AppError, AppState, Chrome, download, pager, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/orgs/{id}/certificates", web::get().to(page))
        .route("/orgs/{id}/certificates.xlsx", web::get().to(xlsx));
}

#[derive(Default, Deserialize)]
struct RegisterQuery {
    year: Option<String>,
    page: Option<String>,
}

/// The year asked for, when it reads as one.
fn year_of(raw: Option<&str>) -> Option<i32> {
    raw.and_then(|y| y.trim().parse().ok())
        .filter(|y| (1900..=9999).contains(y))
}

/// The register's columns, in the staff member's language.
fn header(lang: Lang) -> Vec<&'static str> {
    [
        "credit.register.col_index",
        "credit.register.col_number",
        "credit.register.col_register_number",
        "credit.register.col_holder",
        "credit.register.col_birth_date",
        "credit.register.col_modules",
        "credit.register.col_issued_on",
        "credit.register.col_state",
    ]
    .into_iter()
    .map(|key| lang.t(key))
    .collect()
}

/// One certificate as a register line; `index` counts from 1 in register order.
fn cells(index: usize, c: &CertificateView, lang: Lang) -> Vec<String> {
    vec![
        index.to_string(),
        c.number.clone(),
        c.register_number.clone(),
        c.holder_name.clone(),
        c.holder_birth_display(),
        c.module_codes(),
        c.issued_display(),
        lang.t(c.state.key()).to_string(),
    ]
}

/// The organisation and its register (one year's, if asked), if this staff member may see it.
async fn load(
    staff: &Staff,
    state: &AppState,
    id: &str,
    year: Option<i32>,
) -> Result<(Organisation, Vec<CertificateView>), AppError> {
    let organisation = orgs::store::by_id(&state.db.read, id)
        .await?
        .ok_or(AppError::NotFound)?;
    may_see_credits(staff, organisation.department())?;
    let rows = certificate::register(&state.db.read, &organisation.id, year).await?;
    Ok((organisation, rows))
}

#[derive(Template)]
#[template(path = "credits/register.html")]
struct RegisterPage {
    chrome: Chrome,
    organisation: Organisation,
    year: Option<i32>,
    /// (STT, certificate) of this page.
    lines: Vec<(usize, CertificateView)>,
    total: usize,
    page: usize,
    pages: usize,
}

impl RegisterPage {
    fn year_query(&self) -> String {
        self.year.map_or_else(String::new, |y| format!("year={y}&"))
    }

    fn page_prefix(&self) -> String {
        format!(
            "/orgs/{}/certificates?{}page=",
            self.organisation.id,
            self.year_query()
        )
    }

    fn year_text(&self) -> String {
        self.year.map_or_else(String::new, |y| y.to_string())
    }
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RegisterQuery>,
) -> Result<HttpResponse, AppError> {
    let year = year_of(query.year.as_deref());
    let (organisation, rows) = load(&staff, &state, &path, year).await?;
    let (page, shown) = pager::page_of(&rows, pager::asked(query.page.as_deref()));
    let first = (page - 1) * pager::PAGE_SIZE + 1;
    let lines = shown
        .iter()
        .enumerate()
        .map(|(i, c)| (first + i, c.clone()))
        .collect();
    let page = RegisterPage {
        chrome: staff.chrome,
        organisation,
        year,
        lines,
        total: rows.len(),
        page,
        pages: pager::page_count(rows.len()),
    };
    render(&page, 200)
}

async fn xlsx(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<RegisterQuery>,
) -> Result<HttpResponse, AppError> {
    let year = year_of(query.year.as_deref());
    let (organisation, rows) = load(&staff, &state, &path, year).await?;
    let lang = staff.chrome.lang;
    let lines: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, c)| cells(i + 1, c, lang))
        .collect();
    let header = header(lang);
    let bytes = sheets::xlsx(&[sheets::Sheet {
        name: lang.t("credit.register.sheet"),
        header: &header,
        rows: &lines,
    }])?;
    let suffix = year.map_or_else(String::new, |y| format!("-{y}"));
    let content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(download(
        bytes,
        content_type,
        format!("so-cap-chung-chi-{}{suffix}.xlsx", organisation.code),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_is_read_only_when_it_is_one() {
        assert_eq!(year_of(Some(" 2026 ")), Some(2026));
        assert_eq!(year_of(Some("26x")), None);
        assert_eq!(year_of(Some("0")), None);
        assert_eq!(year_of(None), None);
    }
}
