//! The roster template a centre fills in (`/sessions/roster-template.xlsx` or `.csv`): the
//! columns the roster import reads, and in the workbook a second sheet saying what each takes.

use actix_web::{HttpResponse, web};

use super::roster::TEMPLATE_HEADER;
use crate::{
    accounts::{Staff, model::Action},
    sheets,
    web::{AppError, download},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/sessions/roster-template.{format}",
        web::get().to(template),
    );
}

/// What each column takes, in the page's language (catalog keys, in the header's order).
const HELP: [&str; 8] = [
    "session.more.help_name",
    "session.more.help_birth",
    "session.more.help_sex",
    "session.more.help_cccd",
    "session.more.help_other",
    "session.more.help_unit",
    "session.more.help_category",
    "session.more.help_email",
];

async fn template(staff: Staff, format: web::Path<String>) -> Result<HttpResponse, AppError> {
    staff.require(Action::ScheduleSessions)?;
    let lang = staff.chrome.lang;
    let name = lang.t("session.more.template_file");
    match format.as_str() {
        "csv" => {
            let bytes = sheets::csv_with_bom(&TEMPLATE_HEADER, &[])?;
            Ok(download(
                bytes,
                "text/csv; charset=utf-8",
                format!("{name}.csv"),
            ))
        }
        "xlsx" => {
            let help: Vec<Vec<String>> = TEMPLATE_HEADER
                .iter()
                .zip(HELP)
                .map(|(column, key)| vec![column.to_string(), lang.t(key).to_string()])
                .collect();
            let guide_header = [
                lang.t("session.more.help_column"),
                lang.t("session.more.help_what"),
            ];
            let bytes = sheets::xlsx(&[
                sheets::Sheet {
                    name: lang.t("session.more.template_sheet"),
                    header: &TEMPLATE_HEADER,
                    rows: &[],
                },
                sheets::Sheet {
                    name: lang.t("session.more.help_sheet"),
                    header: &guide_header,
                    rows: &help,
                },
            ])?;
            let kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
            Ok(download(bytes, kind, format!("{name}.xlsx")))
        }
        _ => Err(AppError::NotFound),
    }
}
