//! Reads a native TOML bank into validated items, reporting every problem with its line.

use std::{collections::BTreeMap, ops::Range};

use toml::de::DeTable;

use super::{
    body::read_body,
    fields::{Ctx, Fields, Value, as_table},
};
use crate::banks::{
    BankMeta, MediaFile, ParsedBank,
    catalog::catalog,
    markdown,
    model::{Difficulty, Item, ItemKind, MediaRef, Rich, fold_text},
    report::{Arg, FileReport, args},
};

pub const FORMAT: &str = "sathach-toml";

/// Reads one bank file. `media` holds the files of the bank's `media/` folder.
pub fn read_bank(
    path: &str,
    text: &str,
    media: Vec<MediaFile>,
) -> (Option<ParsedBank>, FileReport) {
    let (mut ctx, root) = Ctx::parse(path, FORMAT, text);
    let Some(root) = root else {
        return (None, ctx.report);
    };
    let root_span = root.span();
    let mut top = Fields::new(
        root.get_ref(),
        root_span.clone(),
        Arg::msg("report.what.file", vec![]),
    );
    let Some(bank_value) = top.get("bank") else {
        let other = ["blueprint", "catalog"]
            .into_iter()
            .find(|k| top.table.iter().any(|(key, _)| key.get_ref() == k));
        match other {
            Some(kind) => ctx.report.error(1, "report.not_a_bank", args![kind = kind]),
            None => ctx.report.error(1, "report.no_bank_table", vec![]),
        }
        return (None, ctx.report);
    };
    let media_urls: BTreeMap<String, String> =
        media.iter().map(|m| (m.path.clone(), m.url())).collect();
    let meta = read_meta(&mut ctx, bank_value);
    let items = match top.array(&mut ctx, "items") {
        Some((values, _)) => read_items(&mut ctx, values, meta.as_ref(), &media_urls),
        None => {
            ctx.report.error(root_span.start, "report.no_items", vec![]);
            vec![]
        }
    };
    top.finish(&mut ctx);
    ctx.report.count(&items);
    let used: Vec<&String> = items
        .iter()
        .flat_map(|i| i.media.iter().map(|m| &m.path))
        .collect();
    let media = media
        .into_iter()
        .filter(|m| used.contains(&&m.path))
        .collect();
    let parsed = meta
        .filter(|_| !ctx.report.has_errors())
        .map(|meta| ParsedBank { meta, items, media });
    (parsed, ctx.report)
}

fn read_meta(ctx: &mut Ctx, value: &Value) -> Option<BankMeta> {
    let table = as_table(ctx, value, "[bank]")?;
    let mut fields = Fields::new(table, value.span(), "[bank]");
    let code = fields.text(ctx, "code", true);
    let title = fields.text(ctx, "title", true);
    let module = fields.text(ctx, "module", true);
    let language = fields.text(ctx, "language", false);
    fields.finish(ctx);
    let (code, code_span) = code?;
    let normalized = code.to_uppercase();
    if !(2..=40).contains(&normalized.len())
        || !normalized
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        ctx.error_at(
            code_span,
            "report.bank_code",
            args![code = format!("{code:?}")],
        );
        return None;
    }
    let (module, module_span) = module?;
    if catalog().module(&module).is_none() {
        ctx.error_at(
            module_span,
            "report.unknown_module",
            args![module = format!("{module:?}")],
        );
        return None;
    }
    let language = match language {
        None => "vi".to_string(),
        Some((lang, _)) if lang == "vi" || lang == "en" => lang,
        Some((lang, span)) => {
            ctx.error_at(
                span,
                "report.unsupported_language",
                args![lang = format!("{lang:?}")],
            );
            return None;
        }
    };
    Some(BankMeta {
        code: normalized,
        title: title?.0,
        module,
        language,
    })
}

fn read_items(
    ctx: &mut Ctx,
    values: &[Value],
    meta: Option<&BankMeta>,
    media: &BTreeMap<String, String>,
) -> Vec<Item> {
    let mut items: Vec<Item> = Vec::new();
    let mut seen_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut seen_stems: BTreeMap<String, String> = BTreeMap::new();
    for (position, value) in values.iter().enumerate() {
        let Some(table) = as_table(ctx, value, Arg::msg("report.what.an_item", vec![])) else {
            continue;
        };
        let line = ctx.line(value.span());
        let id = table
            .iter()
            .find(|(k, _)| k.get_ref() == "id")
            .and_then(|(_, v)| match v.get_ref() {
                toml::de::DeValue::String(s) => Some(s.trim().to_string()),
                _ => None,
            });
        if let Some(id) = id.filter(|id| !id.is_empty())
            && let Some(first) = seen_ids.insert(id.clone(), line)
        {
            ctx.report.error(
                line,
                "report.duplicate_id",
                args![id = format!("{id:?}"), first = first],
            );
        }
        let Some(item) = read_item(ctx, table, value.span(), position + 1, meta, media) else {
            continue;
        };
        let stem_key = fold_text(&item.stem.source, false);
        if let Some(other) = seen_stems.insert(stem_key, item.id.clone()) {
            ctx.report.warning(
                line,
                "report.same_stem",
                args![id = &item.id, other = other],
            );
        }
        items.push(item);
    }
    items
}

fn read_item(
    ctx: &mut Ctx,
    table: &DeTable,
    span: Range<usize>,
    position: usize,
    meta: Option<&BankMeta>,
    media_urls: &BTreeMap<String, String>,
) -> Option<Item> {
    let mut f = Fields::new(
        table,
        span.clone(),
        Arg::msg("report.what.item_number", args![n = position]),
    );
    let id = f.text(ctx, "id", true).map(|(id, _)| id);
    if let Some(id) = &id {
        f.what = Arg::msg("report.what.item", args![id = id]);
    }
    let kind = match f.text(ctx, "type", true) {
        Some((name, span)) => ItemKind::parse(&name).or_else(|| {
            let known: Vec<&str> = ItemKind::ALL.iter().map(|k| k.as_str()).collect();
            ctx.error_at(
                span,
                "report.unknown_type",
                args![name = format!("{name:?}"), known = known.join(", ")],
            );
            None
        }),
        None => None,
    };
    let topic = f
        .text(ctx, "topic", true)
        .and_then(|(topic, span)| check_topic(ctx, topic, span, meta));
    let difficulty = f.text(ctx, "difficulty", true).and_then(|(level, span)| {
        Difficulty::parse(&level).or_else(|| {
            ctx.error_at(
                span,
                "report.unknown_difficulty",
                args![level = format!("{level:?}")],
            );
            None
        })
    });
    let points = match f.integer(ctx, "points") {
        None => Some(1),
        Some(p) if (1..=100).contains(&p) => Some(p as u32),
        Some(p) => {
            ctx.error_at(span.clone(), "report.points_range", args![points = p]);
            None
        }
    };
    let tags = f
        .texts(ctx, "tags")
        .unwrap_or_default()
        .into_iter()
        .map(|(t, _)| t)
        .filter(|t| !t.is_empty())
        .collect();
    let mut used_media = Vec::new();
    for (path, span) in f.texts(ctx, "media").unwrap_or_default() {
        if media_urls.contains_key(&path) {
            used_media.push(path);
        } else {
            ctx.error_at(span, "report.media_not_in_folder", args![path = path]);
        }
    }
    let what = f.what.clone();
    let mut rich = |ctx: &mut Ctx, text: String, span: Range<usize>| -> Option<Rich> {
        match markdown::render(&text, media_urls, &mut used_media) {
            Ok(html) => Some(Rich { source: text, html }),
            Err(problem) => {
                let args = args![what = what.clone(), problem = problem];
                ctx.error_at(span, "report.in_text", args);
                None
            }
        }
    };
    let stem = f.text(ctx, "stem", true).and_then(|(t, s)| rich(ctx, t, s));
    let explanation = f
        .text(ctx, "explanation", false)
        .map(|(t, s)| rich(ctx, t, s));
    let body = kind.and_then(|kind| read_body(ctx, &mut f, kind, &mut rich));
    f.finish(ctx);
    let explanation = match explanation {
        Some(None) => return None,
        Some(Some(e)) => Some(e),
        None => None,
    };
    Some(Item {
        id: id?,
        topic: topic?,
        difficulty: difficulty?,
        points: points?,
        tags,
        stem: stem?,
        explanation,
        media: used_media
            .into_iter()
            .map(|path| MediaRef {
                sha256: media_urls[&path].trim_start_matches("/media/").to_string(),
                path,
            })
            .collect(),
        body: body?,
    })
}

fn check_topic(
    ctx: &mut Ctx,
    topic: String,
    span: Range<usize>,
    meta: Option<&BankMeta>,
) -> Option<String> {
    match catalog().topic(&topic) {
        None => {
            let hint = meta
                .and_then(|m| catalog().module(&m.module))
                .map(|m| {
                    m.topics
                        .iter()
                        .map(|t| t.code.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .filter(|list| !list.is_empty());
            let topic = format!("{topic:?}");
            match hint {
                Some(list) => ctx.error_at(
                    span,
                    "report.unknown_topic_of_module",
                    args![topic = topic, list = list],
                ),
                None => ctx.error_at(span, "report.unknown_topic", args![topic = topic]),
            }
            None
        }
        Some((module, _)) if meta.is_some_and(|m| m.module != module.code) => {
            let bank_module = meta.map(|m| m.module.as_str()).unwrap_or_default();
            ctx.error_at(
                span,
                "report.topic_other_module",
                args![
                    topic = &topic,
                    module = &module.code,
                    bank_module = bank_module
                ],
            );
            None
        }
        Some(_) => Some(topic),
    }
}
