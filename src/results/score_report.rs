//! The printable score report (phiếu báo điểm) of one candidate: who, when, where, which
//! module, the points by part and by topic, the pass rule, the outcome, whether the session's
//! results are approved, and any regrade after a key correction. One A4 page in Vietnamese
//! with English subtitles.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::{approval::approval, candidate::Sitter};
use crate::{
    accounts::Staff,
    attempts::answers::topic_name,
    banks::catalog::catalog,
    blueprints::model::Ratio,
    clock,
    grading::model::regrade_note,
    orgs,
    vocab::{Both, Lang},
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route(
        "/sessions/{id}/results/{attempt}/report",
        web::get().to(page),
    );
}

/// A share as people write it: "50 %" for hundredths, otherwise "5/10".
fn share(ratio: Ratio) -> String {
    if ratio.den == 100 {
        format!("{} %", ratio.num)
    } else {
        format!("{}/{}", ratio.num, ratio.den)
    }
}

#[derive(Template)]
#[template(path = "results/score_report.html")]
struct ReportPage {
    chrome: Chrome,
    sitter: Sitter,
    centre: String,
    date: String,
    modules: Vec<(String, Both)>,
    /// Part title, points, outcome.
    parts: Vec<(String, String, Both)>,
    topics: Vec<(Both, String)>,
    rules: Vec<Both>,
    total: String,
    verdict: Both,
    approved: Both,
    /// That the result was scored again after a key correction, when and why.
    regraded: Option<Both>,
}

impl ReportPage {
    fn label(&self, key: &str) -> Both {
        Both::key(key)
    }
}

async fn page(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (session_id, attempt_id) = path.into_inner();
    let sitter = Sitter::load(&staff, &state, &session_id, &attempt_id).await?;
    let centre = orgs::store::by_id(&state.db.read, &sitter.session.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let approved = match approval(&state.db.read, &session_id).await? {
        Some(a) => Both::with(|_| clock::format_local(a.at)),
        None => Both::key("result.one.not_approved"),
    };
    let bp = &sitter.blueprint;
    let modules = bp
        .modules
        .iter()
        .map(|code| {
            let module = catalog().module(code);
            let name =
                Both::with(|lang| module.map(|m| m.name(lang).to_string()).unwrap_or_default());
            (code.clone(), name)
        })
        .collect();
    let mut rules: Vec<Both> = bp
        .parts
        .iter()
        .filter_map(|p| {
            let rule = p.pass?;
            Some(Both::with(|lang| {
                lang.fill(
                    "result.one.pass_rule_part",
                    &[("part", &p.title), ("share", &share(rule))],
                )
            }))
        })
        .collect();
    if let Some(rule) = bp.pass {
        rules.push(Both::with(|lang| {
            lang.fill("result.one.pass_rule_total", &[("share", &share(rule))])
        }));
    }
    let topics = sitter
        .score()
        .map(|s| {
            s.topics
                .iter()
                .map(|(code, t)| (Both::with(|lang| topic_name(code, lang)), t.display()))
                .collect()
        })
        .unwrap_or_default();
    let parts = sitter
        .parts()
        .into_iter()
        .map(|(title, points, outcome)| (title, points, Both::key(outcome)))
        .collect();
    let regraded = regrade_note(&sitter.history, Lang::Vi).map(|vi| Both {
        vi,
        en: regrade_note(&sitter.history, Lang::En).unwrap_or_default(),
    });
    let page = ReportPage {
        chrome: staff.chrome,
        regraded,
        centre,
        date: clock::format_local(sitter.session.starts_at)
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_string(),
        modules,
        parts,
        topics,
        rules,
        total: sitter
            .score()
            .map(|s| s.total.display())
            .unwrap_or_default(),
        verdict: Both::key(sitter.verdict.label_key()),
        approved,
        sitter,
    };
    render(&page, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_percent_or_fraction() {
        assert_eq!(share(Ratio { num: 50, den: 100 }), "50 %");
        assert_eq!(share(Ratio { num: 5, den: 10 }), "5/10");
    }
}
