//! The answer part of an item, by its type: options, statements, accepted answers, numeric
//! keys, pairs and sequences, each checked so the item can be graded.

use std::ops::Range;

use super::fields::{Ctx, Fields, Value, as_table};
use crate::banks::{
    model::{
        Body, Choice, ItemKind, NumericKey, Pair, Rich, Statement, fold_text, matching_targets,
    },
    report::{Arg, args},
};

/// Renders a text of the item as Markdown, reporting what is not allowed.
pub type RichFn<'r> = dyn FnMut(&mut Ctx, String, Range<usize>) -> Option<Rich> + 'r;

pub fn read_body(ctx: &mut Ctx, f: &mut Fields, kind: ItemKind, rich: &mut RichFn) -> Option<Body> {
    let span = f.span.clone();
    let what = f.what.clone();
    match kind {
        ItemKind::Single | ItemKind::Multiple => {
            let partial = match f.text(ctx, "scoring", false) {
                None => false,
                Some((s, _)) if s == "all_or_nothing" => false,
                Some((s, _)) if s == "partial" && kind == ItemKind::Multiple => true,
                Some((s, span)) => {
                    ctx.error_at(
                        span,
                        "report.scoring_not_allowed",
                        args![scoring = format!("{s:?}")],
                    );
                    return None;
                }
            };
            let (values, list_span) = required_list(ctx, f, "options", 2)?;
            let options = read_choices(ctx, values, &what, rich)?;
            let correct = options.iter().filter(|o| o.correct).count();
            if correct == 0 {
                ctx.error_at(list_span, "report.no_key_option", args![what = what]);
                return None;
            }
            if kind == ItemKind::Single && correct > 1 {
                ctx.error_at(
                    list_span,
                    "report.single_many_correct",
                    args![what = what, n = correct],
                );
                return None;
            }
            if kind == ItemKind::Multiple && correct == 1 {
                ctx.warning_at(list_span, "report.multiple_one_correct", args![what = what]);
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
                ctx.error_at(span, "report.no_key_true_false", args![what = what]);
                None
            }
        },
        ItemKind::GroupedTrueFalse => {
            let (values, list_span) = required_list(ctx, f, "statements", 2)?;
            let mut statements = Vec::new();
            for value in values {
                let table = as_table(ctx, value, Arg::msg("report.what.a_statement", vec![]))?;
                let statement = Arg::msg("report.what.statement_of", args![what = what.clone()]);
                let mut s = Fields::new(table, value.span(), statement.clone());
                let text = s
                    .text(ctx, "text", true)
                    .and_then(|(t, sp)| rich(ctx, t, sp));
                let correct = s.boolean(ctx, "correct");
                if correct.is_none() {
                    ctx.error_at(
                        value.span(),
                        "report.no_key_statement",
                        args![what = statement],
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
                    "report.too_many_statements",
                    args![what = what, n = statements.len()],
                );
                return None;
            }
            if statements.len() != 4 {
                ctx.warning_at(
                    list_span,
                    "report.not_four_statements",
                    args![what = what, n = statements.len()],
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
                ctx.error_at(span, "report.no_key_short_text", args![what = what]);
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
                    ctx.error_at(span, "report.min_over_max", args![what = what]);
                    return None;
                }
                _ => {
                    ctx.error_at(span, "report.numeric_key", args![what = what]);
                    return None;
                }
            };
            Some(Body::Numeric { key })
        }
        ItemKind::Matching => {
            let (values, _) = required_list(ctx, f, "pairs", 2)?;
            let mut pairs = Vec::new();
            for value in values {
                let table = as_table(ctx, value, Arg::msg("report.what.a_pair", vec![]))?;
                let pair = Arg::msg("report.what.pair_of", args![what = what.clone()]);
                let mut p = Fields::new(table, value.span(), pair);
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
            // Lefts differ; a right text may serve several lefts, but a distractor is not
            // the right text of any pair (nor another distractor), and there is a choice.
            let mut lefts: Vec<&str> = pairs.iter().map(|p| p.left.source.as_str()).collect();
            let (targets, _) = matching_targets(&pairs, &distractors);
            let mut rights: Vec<&str> = targets.iter().map(|t| t.source.as_str()).collect();
            let (n_left, n_right) = (lefts.len(), rights.len());
            lefts.sort();
            lefts.dedup();
            rights.sort();
            rights.dedup();
            if lefts.len() != n_left || rights.len() != n_right || n_right < 2 {
                ctx.error_at(span, "report.matching_repeats", args![what = what]);
                return None;
            }
            Some(Body::Matching { pairs, distractors })
        }
        ItemKind::Ordering => {
            let steps = f.texts(ctx, "sequence").unwrap_or_default();
            if steps.len() < 2 {
                ctx.error_at(span, "report.sequence_too_short", args![what = what]);
                return None;
            }
            let mut sequence = Vec::new();
            for (text, sp) in steps {
                if sequence.iter().any(|s: &Rich| s.source == text) {
                    let step = format!("{text:?}");
                    ctx.error_at(sp, "report.step_twice", args![what = what, step = step]);
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
                "report.list_too_short",
                args![what = what, min = min, key = key],
            );
            None
        }
        None => {
            ctx.error_at(
                f.span.clone(),
                "report.list_missing",
                args![what = what, key = key],
            );
            None
        }
    }
}

fn read_choices(
    ctx: &mut Ctx,
    values: &[Value],
    what: &Arg,
    rich: &mut RichFn,
) -> Option<Vec<Choice>> {
    let mut options: Vec<Choice> = Vec::new();
    let mut ok = true;
    for value in values {
        let Some(table) = as_table(ctx, value, Arg::msg("report.what.an_option", vec![])) else {
            ok = false;
            continue;
        };
        let option = Arg::msg("report.what.option_of", args![what = what.clone()]);
        let mut o = Fields::new(table, value.span(), option);
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
            let args = args![what = what.clone(), text = format!("{text:?}")];
            ctx.error_at(span, "report.option_twice", args);
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
