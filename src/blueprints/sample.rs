//! Sample papers for staff: drawn now from the blueprint's newest version, every item shown
//! whole with its key, printable; nothing is stored, and the seed in the address draws the
//! same paper again.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    draw::{DrawInputs, Form, PoolItem, draw},
    keyed::{Keyed, keyed},
    pages::visible,
    read::read_blueprint,
    rng,
    store::{self, BlueprintRow},
};
use crate::{
    accounts::Staff,
    banks::model::Item,
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/blueprints/{id}/sample", web::get().to(sample));
}

/// One drawn item, as shown on a sample paper.
struct SampleItem {
    number: usize,
    item: Item,
    keyed: Keyed,
    points: u32,
}

#[derive(Template)]
#[template(path = "blueprints/sample.html")]
struct SamplePage {
    chrome: Chrome,
    row: BlueprintRow,
    version: i64,
    form: Form,
    sections: Vec<(String, Vec<SampleItem>)>,
}

#[derive(Deserialize)]
struct SampleQuery {
    seed: Option<String>,
}

/// A paper drawn now, with keys; nothing is stored, and the seed in the address redraws it.
async fn sample(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<SampleQuery>,
) -> Result<HttpResponse, AppError> {
    let (row, org, versions) = visible(&staff, &state, &path).await?;
    let (blueprint, _) = read_blueprint("current", &versions[0].source);
    let blueprint = blueprint.ok_or(AppError::BadRequest("blueprint.cannot_draw"))?;
    let pool: Vec<PoolItem> =
        store::pool_for(&state.db.read, &org.id, org.department(), &blueprint).await?;
    let seed = query
        .seed
        .as_deref()
        .and_then(rng::seed_from_hex)
        .unwrap_or_else(rng::new_seed);
    let exposure = Default::default();
    let excluded = Default::default();
    let form = draw(&DrawInputs {
        blueprint: &blueprint,
        pool: &pool,
        exposure: &exposure,
        excluded: &excluded,
        seed,
    })
    .map_err(|_| AppError::BadRequest("blueprint.cannot_draw"))?;
    let lang = staff.chrome.lang;
    let mut number = 0;
    let sections = form
        .sections
        .iter()
        .map(|s| {
            let items = s
                .items
                .iter()
                .filter_map(|fi| {
                    let p = pool.iter().find(|p| p.version_id == fi.version_id)?;
                    number += 1;
                    Some(SampleItem {
                        number,
                        item: p.item.clone(),
                        keyed: keyed(&p.item, &fi.order, lang),
                        points: fi.points,
                    })
                })
                .collect();
            (s.title.clone(), items)
        })
        .collect();
    render(
        &SamplePage {
            chrome: staff.chrome,
            row,
            version: versions[0].number,
            form,
            sections,
        },
        200,
    )
}
