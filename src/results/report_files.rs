//! The session report's files: the candidates (`report.csv`) and the log (`events.csv`) as CSV
//! with a UTF-8 BOM for Excel (formulas defused), and an `.xlsx` workbook with both sheets.

use actix_web::{HttpResponse, web};

use super::report::{candidate_header, event_header, load};
use crate::{
    accounts::Staff,
    sheets,
    web::{AppError, AppState, download},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/sessions/{id}/report.csv", web::get().to(csv))
        .route("/sessions/{id}/events.csv", web::get().to(events_csv))
        .route("/sessions/{id}/report.xlsx", web::get().to(xlsx));
}

/// The candidates (`report.csv`) or the log (`events.csv`) as CSV for Excel.
async fn csv_of(
    staff: Staff,
    state: &AppState,
    id: &str,
    log: bool,
) -> Result<HttpResponse, AppError> {
    let report = load(&staff, state, id).await?;
    let lang = staff.chrome.lang;
    let (header, rows, suffix) = if log {
        (event_header(lang), report.event_rows(lang), "-nhat-ky")
    } else {
        (candidate_header(lang), report.candidate_rows(lang), "")
    };
    let bytes = sheets::csv_with_bom(&header, &rows)?;
    let name = format!("ca-thi-{}{suffix}.csv", report.session.code);
    Ok(download(bytes, "text/csv; charset=utf-8", name))
}

async fn csv(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    csv_of(staff, &state, &path, false).await
}

async fn events_csv(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    csv_of(staff, &state, &path, true).await
}

async fn xlsx(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let report = load(&staff, &state, &path).await?;
    let lang = staff.chrome.lang;
    let (candidates, events) = (report.candidate_rows(lang), report.event_rows(lang));
    let (candidate_header, event_header) = (candidate_header(lang), event_header(lang));
    let bytes = sheets::xlsx(&[
        sheets::Sheet {
            name: lang.t("minutes.sheet_candidates"),
            header: &candidate_header,
            rows: &candidates,
        },
        sheets::Sheet {
            name: lang.t("minutes.sheet_events"),
            header: &event_header,
            rows: &events,
        },
    ])?;
    let content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    Ok(download(
        bytes,
        content_type,
        format!("ca-thi-{}.xlsx", report.session.code),
    ))
}
