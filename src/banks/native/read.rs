//! Reads a native TOML bank into validated items, reporting every problem with its line.

use std::{collections::BTreeMap, ops::Range};

use toml::de::DeTable;

use super::fields::{Ctx, Fields, Value, as_table};
use crate::banks::{
    BankMeta, MediaFile, ParsedBank,
    catalog::catalog,
    markdown,
    model::{
        Body, Choice, Difficulty, Item, ItemKind, MediaRef, NumericKey, Pair, Rich, Statement,
        fold_text,
    },
    report::FileReport,
};

pub const FORMAT: &str = "sathach-toml";

/// Reads one bank file. `media` holds the files of the bank's `media/` folder.
pub fn read_bank(
    path: &str,
    text: &str,
    media: Vec<MediaFile>,
) -> (Option<ParsedBank>, FileReport) {
    let mut ctx = Ctx {
        text,
        report: FileReport::new(path, FORMAT),
    };
    let (root, errors) = DeTable::parse_recoverable(text);
    for error in errors {
        let line = error.span().map(|s| ctx.line(s)).unwrap_or(0);
        let message = error.message().trim().to_string();
        ctx.report
            .error(line, format!("this is not valid TOML: {message}"));
    }
    if ctx.report.has_errors() {
        return (None, ctx.report);
    }
    let root_span = root.span();
    let mut top = Fields::new(root.get_ref(), root_span.clone(), "the file");
    let Some(bank_value) = top.get("bank") else {
        let other = ["blueprint", "catalog"]
            .into_iter()
            .find(|k| top.table.iter().any(|(key, _)| key.get_ref() == k));
        let message = match other {
            Some(kind) => format!("this file holds a [{kind}], not a question bank"),
            None => "no [bank] table: a bank file starts with [bank] (code, title, module)".into(),
        };
        ctx.report.error(1, message);
        return (None, ctx.report);
    };
    let media_urls: BTreeMap<String, String> =
        media.iter().map(|m| (m.path.clone(), m.url())).collect();
    let meta = read_meta(&mut ctx, bank_value);
    let items = match top.array(&mut ctx, "items") {
        Some((values, _)) => read_items(&mut ctx, values, meta.as_ref(), &media_urls),
        None => {
            ctx.report
                .error(root_span.start, "the bank has no [[items]]");
            vec![]
        }
    };
    top.finish(&mut ctx);
    ctx.report.items = items.len();
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
            format!("bank code {code:?} must be 2–40 letters, digits, - or _ (e.g. IU01-MAU)"),
        );
        return None;
    }
    let (module, module_span) = module?;
    if catalog().module(&module).is_none() {
        ctx.error_at(
            module_span,
            format!("unknown module {module:?}: use a module code from catalog.toml, e.g. IU01"),
        );
        return None;
    }
    let language = match language {
        None => "vi".to_string(),
        Some((lang, _)) if lang == "vi" || lang == "en" => lang,
        Some((lang, span)) => {
            ctx.error_at(
                span,
                format!("language {lang:?} is not supported: use \"vi\" or \"en\""),
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
        let Some(table) = as_table(ctx, value, "an item") else {
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
                format!(
                    "duplicate id {id:?}: line {first} already uses it; give each item its own id"
                ),
            );
        }
        let Some(item) = read_item(ctx, table, value.span(), position + 1, meta, media) else {
            continue;
        };
        let stem_key = fold_text(&item.stem.source, false);
        if let Some(other) = seen_stems.insert(stem_key, item.id.clone()) {
            ctx.report.warning(
                line,
                format!("item {} has the same stem as item {other}", item.id),
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
    let mut f = Fields::new(table, span.clone(), format!("item #{position}"));
    let id = f.text(ctx, "id", true).map(|(id, _)| id);
    if let Some(id) = &id {
        f.what = format!("item {id}");
    }
    let kind = match f.text(ctx, "type", true) {
        Some((name, span)) => ItemKind::parse(&name).or_else(|| {
            let known: Vec<&str> = ItemKind::ALL.iter().map(|k| k.as_str()).collect();
            ctx.error_at(
                span,
                format!("unknown type {name:?}; use one of: {}", known.join(", ")),
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
            ctx.error_at(span, format!("unknown difficulty {level:?}; use NB, TH, VD or VDC (Nhận biết, Thông hiểu, Vận dụng, Vận dụng cao)"));
            None
        })
    });
    let points = match f.integer(ctx, "points") {
        None => Some(1),
        Some(p) if (1..=100).contains(&p) => Some(p as u32),
        Some(p) => {
            ctx.error_at(
                span.clone(),
                format!("points must be a whole number from 1 to 100, not {p}"),
            );
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
            ctx.error_at(
                span,
                format!("media file {path} is not in the bank's media/ folder"),
            );
        }
    }
    let what = f.what.clone();
    let mut rich = |ctx: &mut Ctx, text: String, span: Range<usize>| -> Option<Rich> {
        match markdown::render(&text, media_urls, &mut used_media) {
            Ok(html) => Some(Rich { source: text, html }),
            Err(message) => {
                ctx.error_at(span, format!("{what}: {message}"));
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
                .filter(|list| !list.is_empty())
                .map(|list| format!("; this bank's module has {list}"))
                .unwrap_or_default();
            ctx.error_at(span, format!("unknown topic {topic:?}{hint}"));
            None
        }
        Some((module, _)) if meta.is_some_and(|m| m.module != module.code) => {
            let bank_module = meta.map(|m| m.module.as_str()).unwrap_or_default();
            ctx.error_at(
                span,
                format!(
                    "topic {topic} belongs to module {}, but this bank is for {bank_module}",
                    module.code
                ),
            );
            None
        }
        Some(_) => Some(topic),
    }
}

type RichFn<'r> = dyn FnMut(&mut Ctx, String, Range<usize>) -> Option<Rich> + 'r;

fn read_body(ctx: &mut Ctx, f: &mut Fields, kind: ItemKind, rich: &mut RichFn) -> Option<Body> {
    let span = f.span.clone();
    let what = f.what.clone();
    match kind {
        ItemKind::Single | ItemKind::Multiple => {
            let partial = match f.text(ctx, "scoring", false) {
                None => false,
                Some((s, _)) if s == "all_or_nothing" => false,
                Some((s, _)) if s == "partial" && kind == ItemKind::Multiple => true,
                Some((s, span)) => {
                    ctx.error_at(span, format!("scoring {s:?} is not allowed here; use \"all_or_nothing\" or \"partial\" (multiple only)"));
                    return None;
                }
            };
            let (values, list_span) = required_list(ctx, f, "options", 2)?;
            let options = read_choices(ctx, values, &what, rich)?;
            let correct = options.iter().filter(|o| o.correct).count();
            if correct == 0 {
                ctx.error_at(
                    list_span,
                    format!("{what} has no answer key: mark the right option with correct = true"),
                );
                return None;
            }
            if kind == ItemKind::Single && correct > 1 {
                ctx.error_at(list_span, format!("{what} is single choice but marks {correct} options correct; keep one, or use type = \"multiple\""));
                return None;
            }
            if kind == ItemKind::Multiple && correct == 1 {
                ctx.warning_at(
                    list_span,
                    format!("{what} is multiple response with only one correct option"),
                );
            }
            Some(if kind == ItemKind::Single {
                Body::Single { options }
            } else {
                Body::Multiple { options, partial }
            })
        }
        ItemKind::TrueFalse => match f.boolean(ctx, "answer") {
            Some(answer) => Some(Body::TrueFalse { answer }),
            None => {
                ctx.error_at(
                    span,
                    format!("{what} has no answer key: add answer = true or answer = false"),
                );
                None
            }
        },
        ItemKind::GroupedTrueFalse => {
            let (values, list_span) = required_list(ctx, f, "statements", 2)?;
            let mut statements = Vec::new();
            for value in values {
                let table = as_table(ctx, value, "a statement")?;
                let mut s = Fields::new(table, value.span(), format!("a statement of {what}"));
                let text = s
                    .text(ctx, "text", true)
                    .and_then(|(t, sp)| rich(ctx, t, sp));
                let correct = s.boolean(ctx, "correct");
                if correct.is_none() {
                    ctx.error_at(
                        value.span(),
                        format!("a statement of {what} has no key: add correct = true or false"),
                    );
                }
                s.finish(ctx);
                statements.push(Statement {
                    text: text?,
                    correct: correct?,
                });
            }
            if statements.len() > 4 {
                ctx.error_at(
                    list_span,
                    format!(
                        "{what} has {} statements; a grouped true/false item has a)–d) at most",
                        statements.len()
                    ),
                );
                return None;
            }
            if statements.len() != 4 {
                ctx.warning_at(
                    list_span,
                    format!(
                        "{what} has {} statements; the national exam format uses four, a)–d)",
                        statements.len()
                    ),
                );
            }
            Some(Body::GroupedTrueFalse { statements })
        }
        ItemKind::ShortText => {
            let answers: Vec<String> = f
                .texts(ctx, "answers")
                .unwrap_or_default()
                .into_iter()
                .map(|(a, _)| a)
                .filter(|a| !a.is_empty())
                .collect();
            let ignore_diacritics = f.boolean(ctx, "ignore_diacritics").unwrap_or(false);
            if answers.is_empty() {
                ctx.error_at(
                    span,
                    format!("{what} has no answer key: add answers = [\"…\"]"),
                );
                return None;
            }
            Some(Body::ShortText {
                answers,
                ignore_diacritics,
            })
        }
        ItemKind::Numeric => {
            let answer = f.number(ctx, "answer");
            let tolerance = f.number(ctx, "tolerance");
            let (min, max) = (f.number(ctx, "min"), f.number(ctx, "max"));
            let key = match (answer, min, max) {
                (Some(value), None, None) => NumericKey::Exact {
                    value,
                    tolerance: tolerance.unwrap_or(0.0).abs(),
                },
                (None, Some(min), Some(max)) if min <= max && tolerance.is_none() => {
                    NumericKey::Range { min, max }
                }
                (None, Some(_), Some(_)) if tolerance.is_none() => {
                    ctx.error_at(span, format!("{what}: min is larger than max"));
                    return None;
                }
                _ => {
                    ctx.error_at(span, format!("{what} needs either answer (with an optional tolerance) or both min and max"));
                    return None;
                }
            };
            Some(Body::Numeric { key })
        }
        ItemKind::Matching => {
            let (values, _) = required_list(ctx, f, "pairs", 2)?;
            let mut pairs = Vec::new();
            for value in values {
                let table = as_table(ctx, value, "a pair")?;
                let mut p = Fields::new(table, value.span(), format!("a pair of {what}"));
                let left = p
                    .text(ctx, "left", true)
                    .and_then(|(t, sp)| rich(ctx, t, sp));
                let right = p
                    .text(ctx, "right", true)
                    .and_then(|(t, sp)| rich(ctx, t, sp));
                p.finish(ctx);
                pairs.push(Pair {
                    left: left?,
                    right: right?,
                });
            }
            let mut distractors = Vec::new();
            for (text, sp) in f.texts(ctx, "distractors").unwrap_or_default() {
                distractors.push(rich(ctx, text, sp)?);
            }
            let mut lefts: Vec<&str> = pairs.iter().map(|p| p.left.source.as_str()).collect();
            let mut rights: Vec<&str> = pairs
                .iter()
                .map(|p| p.right.source.as_str())
                .chain(distractors.iter().map(|d| d.source.as_str()))
                .collect();
            let (n_left, n_right) = (lefts.len(), rights.len());
            lefts.sort();
            lefts.dedup();
            rights.sort();
            rights.dedup();
            if lefts.len() != n_left || rights.len() != n_right {
                ctx.error_at(span, format!("{what} repeats a text on one side of its pairs or distractors; each must be different"));
                return None;
            }
            Some(Body::Matching { pairs, distractors })
        }
        ItemKind::Ordering => {
            let steps = f.texts(ctx, "sequence").unwrap_or_default();
            if steps.len() < 2 {
                ctx.error_at(
                    span,
                    format!(
                        "{what} needs sequence = [ … ] with at least two steps, in the right order"
                    ),
                );
                return None;
            }
            let mut sequence = Vec::new();
            for (text, sp) in steps {
                if sequence.iter().any(|s: &Rich| s.source == text) {
                    ctx.error_at(sp, format!("{what} lists the step {text:?} twice"));
                    return None;
                }
                sequence.push(rich(ctx, text, sp)?);
            }
            Some(Body::Ordering { sequence })
        }
    }
}

fn required_list<'a, 'i>(
    ctx: &mut Ctx,
    f: &mut Fields<'a, 'i>,
    key: &'static str,
    min: usize,
) -> Option<(&'a [Value<'i>], Range<usize>)> {
    let what = f.what.clone();
    match f.array(ctx, key) {
        Some((values, span)) if values.len() >= min => Some((values, span)),
        Some((_, span)) => {
            ctx.error_at(
                span,
                format!("{what} needs at least {min} entries in `{key}`"),
            );
            None
        }
        None => {
            ctx.error_at(f.span.clone(), format!("{what} has no `{key}`"));
            None
        }
    }
}

fn read_choices(
    ctx: &mut Ctx,
    values: &[Value],
    what: &str,
    rich: &mut RichFn,
) -> Option<Vec<Choice>> {
    let mut options: Vec<Choice> = Vec::new();
    let mut ok = true;
    for value in values {
        let Some(table) = as_table(ctx, value, "an option") else {
            ok = false;
            continue;
        };
        let mut o = Fields::new(table, value.span(), format!("an option of {what}"));
        let text = o.text(ctx, "text", true);
        let correct = o.boolean(ctx, "correct").unwrap_or(false);
        let pinned = o.boolean(ctx, "pinned").unwrap_or(false);
        o.finish(ctx);
        let Some((text, span)) = text else {
            ok = false;
            continue;
        };
        if options
            .iter()
            .any(|c| fold_text(&c.text.source, false) == fold_text(&text, false))
        {
            ctx.error_at(span, format!("{what} has the option {text:?} twice"));
            ok = false;
            continue;
        }
        match rich(ctx, text, span) {
            Some(text) => options.push(Choice {
                text,
                correct,
                pinned,
            }),
            None => ok = false,
        }
    }
    ok.then_some(options)
}
