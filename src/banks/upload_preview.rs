//! What the confirm page shows of a checked upload before anything is stored: the bank's code,
//! title and module, whether the organisation already has a bank of that code (only then are
//! key corrections offered), and the first questions drawn as candidates see them. Their text
//! is rendered again here from its Markdown (so nothing reaches the page unescaped), their
//! pictures served from the pending upload until it is imported.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, http::header, web};
use serde::{Deserialize, Deserializer, de::IgnoredAny};

use super::{
    BankMeta, MediaFile,
    catalog::catalog,
    item_view::ItemView,
    markdown,
    model::{Body, Item, Rich},
    store::{self, BankRow},
};
use crate::{
    accounts::{Staff, model::Action},
    checker,
    web::{AppError, AppState, Chrome},
};

/// How many questions the confirm page shows.
pub const FIRST: usize = 5;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/banks/upload/{id}/media/{sha256}", web::get().to(media));
}

/// The bank an upload would import, as the confirm page shows it.
pub struct UploadPreview {
    pub meta: BankMeta,
    pub module_name: String,
    /// The organisation's bank of the same code, which the import would give a new version.
    pub existing: Option<BankRow>,
    /// Whether the code is a shipped sample's.
    pub sample: bool,
    /// The first questions as HTML, each with its id.
    pub items: Vec<(String, String)>,
}

/// The bank's description and its first items, read from a check's JSON without the rest.
#[derive(Deserialize)]
struct CheckedHead {
    bank: Option<BankHead>,
}

#[derive(Deserialize)]
struct BankHead {
    meta: BankMeta,
    #[serde(deserialize_with = "first_items")]
    items: Vec<Item>,
}

/// The first `FIRST` items of a list; the others are skipped unread.
fn first_items<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Item>, D::Error> {
    struct First;
    impl<'de> serde::de::Visitor<'de> for First {
        type Value = Vec<Item>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a list of items")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Vec<Item>, A::Error> {
            let mut items = Vec::with_capacity(FIRST);
            while items.len() < FIRST {
                match seq.next_element::<Item>()? {
                    Some(item) => items.push(item),
                    None => return Ok(items),
                }
            }
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(items)
        }
    }
    d.deserialize_seq(First)
}

impl UploadPreview {
    /// The preview of a check kept as JSON (`checker::BankCheck`), if it holds a bank.
    pub async fn of_check(
        state: &AppState,
        chrome: &Chrome,
        organisation_id: &str,
        pending_id: &str,
        checked: Vec<u8>,
    ) -> Result<Option<Self>, AppError> {
        let Ok(CheckedHead { bank: Some(head) }) = checker::decode(checked).await else {
            return Ok(None);
        };
        let preview = Self::build(
            state,
            chrome,
            organisation_id,
            pending_id,
            &head.meta,
            &head.items,
        );
        preview.await.map(Some)
    }

    /// The preview of a bank's description and (the first of) its items.
    pub async fn build(
        state: &AppState,
        chrome: &Chrome,
        organisation_id: &str,
        pending_id: &str,
        meta: &BankMeta,
        items: &[Item],
    ) -> Result<Self, AppError> {
        let existing = store::bank_by_code(&state.db.read, organisation_id, &meta.code).await?;
        let mut shown = Vec::new();
        for item in items.iter().take(FIRST) {
            let item = rendered_again(item, pending_id);
            let prefix = format!("q{}-", shown.len() + 1);
            let view = ItemView {
                chrome,
                item: &item,
                show_key: false,
                prefix,
            };
            shown.push((item.id.clone(), view.html().map_err(anyhow::Error::from)?));
        }
        Ok(UploadPreview {
            module_name: catalog()
                .module(&meta.module)
                .map(|m| m.name(chrome.lang).to_string())
                .unwrap_or_default(),
            existing,
            sample: super::shipped::is_sample(&meta.code),
            meta: meta.clone(),
            items: shown,
        })
    }
}

/// The item with every text rendered again from its Markdown, its pictures pointing at the
/// pending upload.
fn rendered_again(item: &Item, pending_id: &str) -> Item {
    let media: BTreeMap<String, String> = item
        .media
        .iter()
        .map(|m| {
            let url = format!("/banks/upload/{pending_id}/media/{}", m.sha256);
            (m.path.clone(), url)
        })
        .collect();
    let again = |rich: &mut Rich| {
        let mut used = Vec::new();
        rich.html = markdown::render(&rich.source, &media, &mut used)
            .or_else(|_| markdown::render(&markdown::escape(&rich.source), &media, &mut used))
            .unwrap_or_default();
    };
    let mut item = item.clone();
    again(&mut item.stem);
    if let Some(explanation) = &mut item.explanation {
        again(explanation);
    }
    match &mut item.body {
        Body::Single { options } | Body::Multiple { options, .. } => {
            options.iter_mut().for_each(|o| again(&mut o.text));
        }
        Body::GroupedTrueFalse { statements } => {
            statements.iter_mut().for_each(|s| again(&mut s.text));
        }
        Body::Matching { pairs, distractors } => {
            for pair in pairs {
                again(&mut pair.left);
                again(&mut pair.right);
            }
            distractors.iter_mut().for_each(again);
        }
        Body::Ordering { sequence } => sequence.iter_mut().for_each(again),
        Body::TrueFalse { .. } | Body::ShortText { .. } | Body::Numeric { .. } => {}
    }
    item
}

/// A picture of a pending upload, for its uploader only.
async fn media(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    staff.require(Action::ManageBanks)?;
    let (id, sha) = path.into_inner();
    let pending = store::pending(&state.db.read, &id)
        .await?
        .filter(|p| p.user_id == staff.user.id)
        .ok_or(AppError::NotFound)?;
    #[derive(Deserialize)]
    struct Check {
        bank: Option<Pictures>,
    }
    #[derive(Deserialize)]
    struct Pictures {
        media: Vec<MediaFile>,
    }
    let Ok(Check { bank: Some(bank) }) = checker::decode(pending.checked).await else {
        return Err(AppError::NotFound);
    };
    let picture = bank
        .media
        .into_iter()
        .find(|m| m.sha256 == sha)
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, picture.mime))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .body(picture.bytes))
}
