//! Sample papers for staff: drawn now from the blueprint's newest version, shown with the keys
//! marked; nothing is stored, and the seed in the address draws the same paper again.

use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{
    draw::{DrawInputs, Form, PoolItem, draw},
    pages::visible,
    read::read_blueprint,
    rng,
    store::{self, BlueprintRow},
};
use crate::{
    accounts::Staff,
    banks::model::{Body, Item},
    web::{AppError, AppState, Chrome, render},
};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/blueprints/{id}/sample", web::get().to(sample));
}

/// One drawn item, as shown on a sample paper.
struct SampleItem {
    number: usize,
    item: Item,
    order: Vec<usize>,
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

impl SamplePage {
    fn letter(&self, slot: &usize) -> char {
        crate::banks::model::option_letter(*slot)
    }
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
                        order: fi.order.clone(),
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

impl SampleItem {
    /// The option texts (HTML) in the order drawn, with whether each is a key.
    fn shown_options(&self) -> Vec<(String, bool)> {
        match &self.item.body {
            Body::Single { options } | Body::Multiple { options, .. } => self
                .order
                .iter()
                .map(|i| (options[*i].text.html.clone(), options[*i].correct))
                .collect(),
            _ => vec![],
        }
    }
}
