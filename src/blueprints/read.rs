//! Reads a `[blueprint]` TOML file, reporting each problem at its line, in the teacher's
//! language (messages from the `report.bp` catalog table).

use std::ops::Range;

use super::model::{Blueprint, DifficultyTarget, Filter, Navigation, Part, Ratio, Review, Section};
use crate::banks::{
    catalog::catalog,
    model::{Difficulty, ItemKind},
    native::fields::{Ctx, Fields, Value, as_table},
    report::{Arg, FileReport, args},
};

pub const FORMAT: &str = "sathach-blueprint";

fn what(key: &'static str, name: &str) -> Arg {
    Arg::msg(key, args![name = name])
}

/// Reads one blueprint file.
pub fn read_blueprint(path: &str, text: &str) -> (Option<Blueprint>, FileReport) {
    let (mut ctx, root) = Ctx::parse(path, FORMAT, text);
    let Some(root) = root else {
        return (None, ctx.report);
    };
    let mut top = Fields::new(
        root.get_ref(),
        root.span(),
        Arg::msg("report.what.file", vec![]),
    );
    let Some(head) = top.get("blueprint") else {
        ctx.report.error(1, "report.bp.not_a_blueprint", vec![]);
        return (None, ctx.report);
    };
    let parts_value = top.array(&mut ctx, "parts");
    let (blueprint, modules) = read_head(&mut ctx, head);
    let mut parts: Vec<Part> = Vec::new();
    match parts_value {
        None => ctx.report.error(1, "report.bp.no_parts", vec![]),
        Some(([], span)) => ctx.error_at(span, "report.bp.no_parts", vec![]),
        Some((values, _)) => {
            for value in values {
                let Some(part) = read_part(&mut ctx, value, &modules) else {
                    continue;
                };
                if parts.iter().any(|p| p.code == part.code) {
                    ctx.error_at(
                        value.span(),
                        "report.bp.duplicate_part",
                        args![code = part.code.as_str()],
                    );
                }
                parts.push(part);
            }
        }
    }
    let blueprint = blueprint.map(|bp| Blueprint { parts, ..bp });
    top.finish(&mut ctx);
    ctx.report.items = blueprint.as_ref().map_or(0, |b| b.item_count() as usize);
    let blueprint = blueprint.filter(|_| !ctx.report.has_errors());
    (blueprint, ctx.report)
}

fn choice<T: Copy>(
    ctx: &mut Ctx,
    f: &mut Fields,
    key: &'static str,
    default: T,
    options: &[(&str, T)],
) -> Option<T> {
    match f.text(ctx, key, false) {
        None => Some(default),
        Some((value, span)) => options
            .iter()
            .find(|(name, _)| *name == value)
            .map(|(_, v)| *v)
            .or_else(|| {
                let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
                ctx.error_at(
                    span,
                    "report.bp.bad_choice",
                    args![
                        key = key,
                        value = value.as_str(),
                        choices = names.join(", ")
                    ],
                );
                None
            }),
    }
}

fn ratio(ctx: &mut Ctx, f: &mut Fields, key: &'static str) -> Option<Option<Ratio>> {
    match f.text(ctx, key, false) {
        None => Some(None),
        Some((value, span)) => match Ratio::parse(&value) {
            Some(r) => Some(Some(r)),
            None => {
                ctx.error_at(
                    span,
                    "report.bp.bad_ratio",
                    args![key = key, value = value.as_str()],
                );
                None
            }
        },
    }
}

pub(super) fn whole(
    ctx: &mut Ctx,
    f: &mut Fields,
    key: &'static str,
    default: u32,
    range: Range<u32>,
) -> Option<u32> {
    let span = f.span.clone();
    match f.integer(ctx, key) {
        None => Some(default),
        Some(n) if n >= 0 && range.contains(&(n as u32)) => Some(n as u32),
        Some(n) => {
            let limits = format!("{}–{}", range.start, range.end - 1);
            ctx.error_at(
                span,
                "report.bp.out_of_range",
                args![key = key, value = n.to_string(), range = limits],
            );
            None
        }
    }
}

/// The `[blueprint]` table (without parts), and its modules even when something else is wrong.
fn read_head(ctx: &mut Ctx, value: &Value) -> (Option<Blueprint>, Vec<String>) {
    let Some(table) = as_table(ctx, value, Arg::msg("report.what.blueprint", vec![])) else {
        return (None, vec![]);
    };
    let mut f = Fields::new(
        table,
        value.span(),
        Arg::msg("report.what.blueprint", vec![]),
    );
    let code = f.text(ctx, "code", true).map(|(c, _)| c.to_uppercase());
    let title = f.text(ctx, "title", true).map(|(t, _)| t);
    let mut modules = Vec::new();
    for (module, span) in f.texts(ctx, "modules").unwrap_or_default() {
        if catalog().module(&module).is_none() {
            ctx.error_at(
                span,
                "report.bp.unknown_module",
                args![module = module.as_str()],
            );
        }
        modules.push(module);
    }
    if modules.is_empty() {
        ctx.error_at(value.span(), "report.bp.no_modules", vec![]);
    }
    let separate_module_pass = f.boolean(ctx, "separate_module_pass").unwrap_or(false);
    let duration_minutes = whole(ctx, &mut f, "duration_minutes", 45, 1..601);
    let navigation = choice(
        ctx,
        &mut f,
        "navigation",
        Navigation::Free,
        &[
            ("free", Navigation::Free),
            ("sequential", Navigation::Sequential),
        ],
    );
    let review = choice(
        ctx,
        &mut f,
        "review",
        Review::Score,
        &[
            ("nothing", Review::Nothing),
            ("score", Review::Score),
            ("score_by_topic", Review::ScoreByTopic),
            ("full", Review::Full),
        ],
    );
    let attempts_allowed = whole(ctx, &mut f, "attempts_allowed", 1, 1..101);
    let retake_wait_days = whole(ctx, &mut f, "retake_wait_days", 0, 0..366);
    let shuffle_items = f.boolean(ctx, "shuffle_items").unwrap_or(true);
    let shuffle_options = f.boolean(ctx, "shuffle_options").unwrap_or(true);
    let partial_credit = f.boolean(ctx, "partial_credit").unwrap_or(false);
    let pass = ratio(ctx, &mut f, "pass");
    let target = f.number(ctx, "target_difficulty");
    let tolerance = f.number(ctx, "difficulty_tolerance");
    let difficulty = match (target, tolerance) {
        (None, None) => Some(None),
        (Some(t), tol) if (0.0..=1.0).contains(&t) && tol.unwrap_or(0.1) >= 0.0 => {
            Some(Some(DifficultyTarget {
                target: (t * 1000.0).round() as u16,
                tolerance: (tol.unwrap_or(0.1).min(1.0) * 1000.0).round() as u16,
            }))
        }
        _ => {
            ctx.error_at(value.span(), "report.bp.bad_difficulty", vec![]);
            None
        }
    };
    f.finish(ctx);
    let head = (|| {
        Some(Blueprint {
            code: code?,
            title: title?,
            separate_module_pass,
            duration_minutes: duration_minutes?,
            navigation: navigation?,
            review: review?,
            attempts_allowed: attempts_allowed?,
            retake_wait_days: retake_wait_days?,
            shuffle_items,
            shuffle_options,
            partial_credit,
            difficulty: difficulty?,
            pass: pass?,
            modules: modules.clone(),
            parts: vec![],
        })
    })();
    (head, modules)
}

fn read_part(ctx: &mut Ctx, value: &Value, modules: &[String]) -> Option<Part> {
    let table = as_table(ctx, value, Arg::msg("report.what.a_part", vec![]))?;
    let mut f = Fields::new(table, value.span(), Arg::msg("report.what.a_part", vec![]));
    let code = f.text(ctx, "code", true).map(|(c, _)| c);
    if let Some(code) = &code {
        f.what = what("report.what.part", code);
    }
    let title = f.text(ctx, "title", false).map(|(t, _)| t);
    let pass = ratio(ctx, &mut f, "pass");
    let external = f.boolean(ctx, "external").unwrap_or(false);
    let max_points = f.integer(ctx, "max_points");
    let marking = super::read_marking::read_marking(ctx, &mut f, external);
    let sections_value = f.array(ctx, "sections");
    let part_what = f.what.clone();
    let mut sections = Vec::new();
    match (external, max_points, sections_value) {
        (true, Some(max), None) if max > 0 => {}
        (true, _, _) => ctx.error_at(
            value.span(),
            "report.bp.external_part",
            args![what = part_what.clone()],
        ),
        (false, None, Some((values, span))) => {
            if values.is_empty() {
                ctx.error_at(
                    span,
                    "report.bp.no_sections",
                    args![what = part_what.clone()],
                );
            }
            for v in values {
                if let Some(section) = read_section(ctx, v, modules) {
                    sections.push(section);
                }
            }
        }
        (false, _, _) => ctx.error_at(
            value.span(),
            "report.bp.drawn_part",
            args![what = part_what.clone()],
        ),
    }
    f.finish(ctx);
    let code = code?;
    Some(Part {
        title: title.unwrap_or_else(|| code.clone()),
        code,
        external_max_points: if external {
            max_points.map(|m| m as u32)
        } else {
            None
        },
        marking: if external { Some(marking?) } else { None },
        pass: pass?,
        sections,
    })
}

fn read_section(ctx: &mut Ctx, value: &Value, modules: &[String]) -> Option<Section> {
    let table = as_table(ctx, value, Arg::msg("report.what.a_section", vec![]))?;
    let mut f = Fields::new(
        table,
        value.span(),
        Arg::msg("report.what.a_section", vec![]),
    );
    let title = f.text(ctx, "title", true).map(|(t, _)| t);
    if let Some(title) = &title {
        f.what = what("report.what.section", title);
    }
    let module = f.text(ctx, "module", modules.len() != 1);
    let module = match module {
        Some((m, span)) if !modules.contains(&m) => {
            ctx.error_at(span, "report.bp.section_module", args![module = m.as_str()]);
            None
        }
        Some((m, _)) => Some(m),
        None => modules.first().cloned(),
    };
    let banks: Vec<String> = f
        .texts(ctx, "banks")
        .unwrap_or_default()
        .into_iter()
        .map(|(b, _)| b.to_uppercase())
        .collect();
    if banks.is_empty() {
        ctx.error_at(
            value.span(),
            "report.bp.no_banks",
            args![what = f.what.clone()],
        );
    }
    let mut filter = Filter::default();
    for (topic, span) in f.texts(ctx, "topics").unwrap_or_default() {
        match (catalog().topic(&topic), &module) {
            (Some((m, _)), Some(module)) if &m.code == module => filter.topics.push(topic),
            _ => ctx.error_at(
                span,
                "report.bp.unknown_topic",
                args![
                    topic = topic.as_str(),
                    module = module.clone().unwrap_or_default()
                ],
            ),
        }
    }
    for (level, span) in f.texts(ctx, "difficulties").unwrap_or_default() {
        match Difficulty::parse(&level) {
            Some(d) => filter.difficulties.push(d),
            None => ctx.error_at(
                span,
                "report.unknown_difficulty",
                args![level = level.as_str()],
            ),
        }
    }
    for (kind, span) in f.texts(ctx, "types").unwrap_or_default() {
        match ItemKind::parse(&kind) {
            Some(k) => filter.kinds.push(k),
            None => ctx.error_at(span, "report.bp.unknown_type", args![kind = kind.as_str()]),
        }
    }
    filter.tags = f
        .texts(ctx, "tags")
        .unwrap_or_default()
        .into_iter()
        .map(|(t, _)| t)
        .collect();
    let count = whole(ctx, &mut f, "count", 0, 1..501);
    let points = match f.integer(ctx, "points") {
        None => Some(None),
        Some(p) if (1..=100).contains(&p) => Some(Some(p as u32)),
        Some(p) => {
            ctx.error_at(
                value.span(),
                "report.bp.out_of_range",
                args![key = "points", value = p.to_string(), range = "1–100"],
            );
            None
        }
    };
    if f.get("count").is_none() {
        ctx.error_at(
            value.span(),
            "report.field_missing",
            args![what = f.what.clone(), key = "count"],
        );
    }
    f.finish(ctx);
    Some(Section {
        title: title?,
        module: module?,
        banks,
        filter,
        count: count?,
        points: points?,
        line: ctx.line(value.span()),
    })
}
