//! The printable certificate (`/certificates/{id}/print`): one A4 landscape page in Vietnamese
//! with English subtitles — the national motto, the Department above the issuing centre, the
//! holder, the modules with their dates and centres, the number and register number, the
//! place and date, the signature block of the centre's head (Joint Circular 17/2016: the
//! testing centre's Director signs, under its Department) and a QR code of the verification
//! address. A certificate no longer valid says so across the page.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{
    certificate::{self, CertificateView},
    pages::may_see_credits,
    verify,
};
use crate::{
    accounts::Staff,
    people,
    vocab::{Both, Date, Lang},
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/certificates/{id}/print", web::get().to(page));
}

/// The QR code of `text` as inline SVG (dark modules on white, with its quiet zone), named
/// for screen readers in `lang` (the certificate around it is Vietnamese).
pub fn qr_svg(text: &str, label: &str, lang: Lang) -> anyhow::Result<String> {
    let code = qrcode::QrCode::new(text.as_bytes())?;
    let svg = code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(160, 160)
        .build();
    // The renderer writes an XML declaration first; inline SVG starts at its element.
    let start = svg.find("<svg").unwrap_or(0);
    let label = label
        .replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;");
    Ok(svg[start..].replacen(
        "<svg",
        &format!(
            "<svg role=\"img\" aria-label=\"{label}\" lang=\"{}\" class=\"qr\"",
            lang.code()
        ),
        1,
    ))
}

/// Where the certificate says it was signed: the Department's province or city ("Sở Giáo dục
/// và Đào tạo Hà Nội" → "Hà Nội"), or a dotted space to write it in by hand.
pub fn place(department_name: &str) -> String {
    const PREFIXES: [&str; 3] = ["Sở Giáo dục và Đào tạo", "Sở GD&ĐT", "Sở GDĐT"];
    PREFIXES
        .iter()
        .find_map(|p| department_name.trim().strip_prefix(p))
        .map(str::trim)
        .filter(|rest| !rest.is_empty())
        .map_or_else(|| "…………".to_string(), str::to_string)
}

#[derive(Template)]
#[template(path = "credits/print.html")]
struct PrintPage {
    chrome: Chrome,
    c: CertificateView,
    verify_url: String,
    qr: String,
    date_line: Both,
}

impl PrintPage {
    fn label(&self, key: &str) -> Both {
        Both::key(key)
    }

    fn detail(&self) -> Option<Both> {
        verify::state_detail(&self.c)
    }
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let c = certificate::by_id(&state.db.read, &path)
        .await?
        .ok_or(AppError::NotFound)?;
    let person = people::store::by_id(&state.db.read, &c.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    may_see_credits(&staff, &person.department_id)?;
    let verify_url = verify::address(&state.settings.public_url, &c.number);
    let lang = staff.chrome.lang;
    let qr = qr_svg(&verify_url, staff.chrome.t("credit.print.qr_label"), lang)?;
    let place = place(&c.department_name);
    let Date(year, month, day) = Date::parse(&c.issued_on).unwrap_or(Date(0, 0, 0));
    let (day, month, year) = (format!("{day:02}"), format!("{month:02}"), year.to_string());
    let date_line = Both::with(|l| {
        l.fill(
            "credit.print.date_line",
            &[
                ("place", place.as_str()),
                ("day", day.as_str()),
                ("month", month.as_str()),
                ("year", year.as_str()),
            ],
        )
    });
    let page = PrintPage {
        chrome: staff.chrome,
        c,
        verify_url,
        qr,
        date_line,
    };
    render(&page, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_place_is_the_departments_province() {
        assert_eq!(place("Sở Giáo dục và Đào tạo Hà Nội"), "Hà Nội");
        assert_eq!(place("Sở GD&ĐT Bắc Ninh"), "Bắc Ninh");
        assert_eq!(place("Sở Giáo dục và Đào tạo"), "…………");
        assert_eq!(place("Phòng Giáo dục"), "…………");
    }

    #[test]
    fn the_qr_code_is_inline_svg_with_a_name() {
        let url = "https://thi.example.vn/verify/7KQ2-M9XD-4TRB";
        let svg = qr_svg(url, "Mã \"QR\"", Lang::Vi).unwrap();
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Mã &quot;QR&quot;\" lang=\"vi\""));
        assert!(!svg.contains("<?xml"));
        assert!(svg.trim_end().ends_with("</svg>"));
    }
}
