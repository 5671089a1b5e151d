//! Moodle XML, the format of Moodle's question bank export: categories (nested, `$course$/A/B`)
//! become the category of the questions after them; multichoice (single and multiple, with
//! fractions), truefalse, shortanswer, numerical, matching and ordering are read; pictures
//! embedded as `<file encoding="base64">` (referred to as `@@PLUGINFILE@@/name`) and the old
//! `<image_base64>` become the bank's media; cloze questions become an item per gap (see
//! `cloze`); other types (essay, calculated, drag and drop…) are skipped by name and type.

mod cloze;
mod text;

use roxmltree::Node;

use super::{Draft, DraftBody, DraftOption, Foreign, Skipped};
use crate::banks::{
    report::args,
    xml::{self, Unparsed},
};
use text::{Texts, child, child_text};

pub fn read(xml: &str) -> Foreign {
    let mut found = Foreign::default();
    let doc = match xml::parse(xml) {
        Ok(doc) => doc,
        Err(Unparsed::Syntax(e)) => {
            let line = e.pos().row as usize;
            found.errors.push((
                line,
                ("report.xml_unreadable", args![error = e.to_string()]),
            ));
            return found;
        }
        Err(Unparsed::Limit(limit)) => {
            found.errors.push((0, limit.msg()));
            return found;
        }
    };
    let root = doc.root_element();
    if root.tag_name().name() != "quiz" {
        let args = args![root = root.tag_name().name()];
        found.errors.push((1, ("report.moodle_not_quiz", args)));
        return found;
    }
    let mut category: Option<String> = None;
    let mut texts = Texts::default();
    for (position, question) in root
        .children()
        .filter(|n| n.tag_name().name() == "question")
        .enumerate()
    {
        let line = doc.text_pos_at(question.range().start).row as usize;
        let kind = question.attribute("type").unwrap_or_default();
        if kind == "category" {
            category = child(question, "category")
                .and_then(|c| child_text(c, "text"))
                .map(|path| clean_category(&path));
            continue;
        }
        let name = child(question, "name")
            .and_then(|n| child_text(n, "text"))
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        let shown_name = name.clone().unwrap_or_else(|| format!("#{}", position + 1));
        if matches!(kind, "cloze" | "multianswer") {
            match cloze::read(question, line, &mut texts) {
                Ok(gaps) if !gaps.is_empty() => {
                    let explanation =
                        Some(texts.feedback(question, "generalfeedback")).filter(|e| !e.is_empty());
                    for gap in gaps {
                        found.drafts.push(Draft {
                            line,
                            name: Some(format!("{shown_name} ({})", gap.number)),
                            category: category.clone(),
                            tags: tags_of(question),
                            level: None,
                            stem: gap.stem,
                            body: gap.body,
                            explanation: explanation.clone(),
                            points: gap.points,
                        });
                    }
                    continue;
                }
                Ok(_) => {}
                Err(msg) => {
                    found.errors.push((line, msg));
                    continue;
                }
            }
        }
        let body = match kind {
            "multichoice" => choice(question, &mut texts),
            "truefalse" => true_false(question),
            "shortanswer" => short_answer(question, &mut texts),
            "numerical" => numerical(question),
            "matching" => matching(question, &mut texts),
            "ordering" => ordering(question, &mut texts),
            _ => None,
        };
        let Some(body) = body else {
            let kind = if kind.is_empty() { "?" } else { kind };
            found.skipped.push(Skipped {
                line,
                name: shown_name,
                kind: kind.into(),
            });
            continue;
        };
        let body = match body {
            Ok(body) => body,
            Err(msg) => {
                found.errors.push((line, msg));
                continue;
            }
        };
        let partial = partial(question, kind, &mut texts);
        if !partial.is_empty() {
            let args = args![answers = partial.join(" | ")];
            found
                .warnings
                .push((line, ("report.foreign_partial_dropped", args)));
        }
        let mut stem = texts.rich(question, "questiontext");
        if let Some(picture) = texts.old_image(question) {
            stem = format!("{stem}\n\n{picture}");
        }
        let explanation =
            Some(texts.feedback(question, "generalfeedback")).filter(|e| !e.is_empty());
        let tags = tags_of(question);
        let points = child_text(question, "defaultgrade")
            .and_then(|g| g.trim().parse::<f64>().ok())
            .filter(|g| *g >= 1.0 && g.fract() == 0.0)
            .map(|g| g as u32);
        found.drafts.push(Draft {
            line,
            name,
            category: category.clone(),
            tags,
            level: None,
            stem,
            body,
            explanation,
            points,
        });
    }
    found.media = texts.media;
    found.errors.extend(texts.errors);
    found.warnings.extend(texts.warnings);
    found
}

/// A question's tags.
fn tags_of(question: Node) -> Vec<String> {
    child(question, "tags")
        .map(|tags| {
            tags.children()
                .filter(|t| t.tag_name().name() == "tag")
                .filter_map(|t| child_text(t, "text"))
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// `$course$/Iota/Kappa` → `Iota/Kappa` (the contexts Moodle puts first mean nothing here).
fn clean_category(path: &str) -> String {
    let mut parts: Vec<&str> = path
        .split('/')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    while parts
        .first()
        .is_some_and(|p| p.starts_with('$') && p.ends_with('$') || *p == "top" || *p == "Top")
    {
        parts.remove(0);
    }
    parts.join("/")
}

type Read = Option<Result<DraftBody, crate::banks::report::Msg>>;

fn answers<'a, 'i>(question: Node<'a, 'i>) -> impl Iterator<Item = (Node<'a, 'i>, f64)> {
    question
        .children()
        .filter(|n| n.tag_name().name() == "answer")
        .map(|a| {
            let fraction = a
                .attribute("fraction")
                .and_then(|f| f.trim().parse::<f64>().ok())
                .unwrap_or(0.0);
            (a, fraction)
        })
}

fn choice(question: Node, texts: &mut Texts) -> Read {
    let single = child_text(question, "single").is_none_or(|s| s.trim() != "false");
    let options: Vec<(String, f64)> = answers(question)
        .map(|(a, fraction)| (texts.rich_node(a), fraction))
        .collect();
    // One right answer: the one with full marks (a part-marks one is left out, see `partial`).
    if single && !options.iter().any(|(_, f)| full(*f)) {
        return Some(Err(("report.moodle_no_key", args![kind = "multichoice"])));
    }
    let options: Vec<DraftOption> = options
        .iter()
        .map(|(text, fraction)| {
            let correct = if single {
                full(*fraction)
            } else {
                *fraction > 0.0
            };
            DraftOption::new(text.clone(), correct)
        })
        .collect();
    let partial = !single && answers(question).any(|(_, f)| f > 0.0 && f < 100.0);
    Some(Ok(DraftBody::Choice {
        options,
        multiple: !single,
        partial,
    }))
}

/// Full marks (Moodle writes `100`, or `99.99999` for thirds added up).
fn full(fraction: f64) -> bool {
    fraction >= 99.99
}

/// Answers worth part of the marks where sathach marks right or wrong (a single-choice
/// option, a short or numeric answer): they are left out, and the report says so.
fn partial(question: Node, kind: &str, texts: &mut Texts) -> Vec<String> {
    let single = child_text(question, "single").is_none_or(|s| s.trim() != "false");
    let right_or_wrong = match kind {
        "shortanswer" | "numerical" => true,
        "multichoice" => single,
        _ => false,
    };
    if !right_or_wrong {
        return vec![];
    }
    answers(question)
        .filter(|(_, f)| *f > 0.0 && !full(*f))
        .map(|(a, _)| texts.plain(a))
        .collect()
}

fn true_false(question: Node) -> Read {
    let truth = answers(question)
        .find(|(_, f)| full(*f))
        .and_then(
            |(a, _)| match child_text(a, "text")?.trim().to_lowercase().as_str() {
                "true" | "đúng" => Some(true),
                "false" | "sai" => Some(false),
                _ => None,
            },
        );
    Some(
        truth
            .map(|answer| DraftBody::TrueFalse { answer })
            .ok_or(("report.moodle_no_key", args![kind = "truefalse"])),
    )
}

fn short_answer(question: Node, texts: &mut Texts) -> Read {
    let answers: Vec<String> = answers(question)
        .filter(|(_, f)| full(*f))
        .map(|(a, _)| texts.plain(a))
        .filter(|a| !a.is_empty())
        .collect();
    if answers.iter().any(|a| a.contains('*')) {
        return Some(Err((
            "report.moodle_wildcard",
            args![answer = answers.join(" | ")],
        )));
    }
    if answers.is_empty() {
        return Some(Err(("report.moodle_no_key", args![kind = "shortanswer"])));
    }
    Some(Ok(DraftBody::ShortText { answers }))
}

fn numerical(question: Node) -> Read {
    let best = answers(question).find(|(_, f)| full(*f))?;
    let value = child_text(best.0, "text").and_then(|t| crate::banks::answers::parse_number(&t));
    let tolerance = child_text(best.0, "tolerance")
        .and_then(|t| t.trim().parse::<f64>().ok())
        .unwrap_or(0.0);
    Some(
        value
            .map(|value| DraftBody::Numeric { value, tolerance })
            .ok_or(("report.moodle_no_key", args![kind = "numerical"])),
    )
}

fn matching(question: Node, texts: &mut Texts) -> Read {
    let mut pairs = Vec::new();
    let mut distractors = Vec::new();
    for sub in question
        .children()
        .filter(|n| n.tag_name().name() == "subquestion")
    {
        let left = texts.rich_node(sub);
        let right = child(sub, "answer")
            .map(|a| texts.plain(a))
            .unwrap_or_default();
        let right = super::html::escape(&right);
        if left.is_empty() {
            distractors.push(right);
        } else {
            pairs.push((left, right));
        }
    }
    Some(Ok(DraftBody::Matching { pairs, distractors }))
}

fn ordering(question: Node, texts: &mut Texts) -> Read {
    let mut steps: Vec<(f64, String)> = answers(question)
        .map(|(a, fraction)| (fraction, texts.rich_node(a)))
        .collect();
    // The plugin numbers the steps in their fraction (1, 2, 3…) and exports them in order.
    steps.sort_by(|a, b| a.0.total_cmp(&b.0));
    Some(Ok(DraftBody::Ordering {
        sequence: steps.into_iter().map(|(_, s)| s).collect(),
    }))
}

#[cfg(test)]
mod cloze_tests;
#[cfg(test)]
mod tests;
