//! One `assessmentItem` (or QTI 3 `qti-assessment-item`) as a draft: its stem from the item
//! body, its interaction's options and key, or a skip naming the interaction sathach does
//! not support.

use roxmltree::Node;

use super::{
    bodies::{Problem, choice, no_key, pairing, text_entry, text_of, truth},
    keys::{Scoring, declaration, scoring},
    xml::{Html, attr, find, is, is_interaction, kid, kids, line, name, text},
};
use crate::banks::{
    foreign::{Draft, DraftBody, DraftOption, Foreign, Skipped, html::to_markdown},
    report::{Msg, args},
};

/// Where an item comes from: its section in a test, tags from the package's metadata, and
/// how its pictures are found.
pub(super) struct Context<'a> {
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub level: Option<crate::banks::model::Difficulty>,
    /// An `<img src>` → the bank's `media/NAME` (Ok(Some)), the address kept as it is
    /// (Ok(None), another site's picture), or why the picture cannot be had.
    pub picture: &'a mut dyn FnMut(&str) -> Result<Option<String>, Msg>,
}

pub(super) enum Read {
    Draft(Draft),
    Skipped(Skipped),
    /// Errors were reported.
    Failed,
    /// The item reads, but its pictures cannot be had: the item is left out (in a package,
    /// the others are still read), with the problems and the item's name.
    Refused {
        line: usize,
        name: String,
        problems: Vec<Msg>,
    },
}

/// The tool name the exporter writes; its items keep their sathach id in `label`.
pub(super) const TOOL: &str = "sathach";

/// Reads one item element.
pub(super) fn read_item(item: Node, cx: &mut Context, out: &mut Foreign) -> Read {
    let at = line(item);
    let identifier = attr(item, "identifier")
        .or_else(|| attr(item, "title"))
        .map(str::to_string);
    let name = match (attr(item, "toolName"), attr(item, "label")) {
        (Some(TOOL), Some(label)) if !label.trim().is_empty() => Some(label.to_string()),
        _ => identifier,
    };
    let shown = name.clone().unwrap_or_else(|| "?".into());
    let skip = |kind: String| {
        Read::Skipped(Skipped {
            line: at,
            name: shown.clone(),
            kind,
        })
    };
    let Some(body) = kid(item, "itemBody") else {
        return skip(format!("{} (no itemBody)", item.tag_name().name()));
    };
    let interactions: Vec<Node> = body.descendants().filter(|n| is_interaction(*n)).collect();
    let interaction = match interactions.as_slice() {
        [] => return skip(format!("{} (no interaction)", item.tag_name().name())),
        [one] => *one,
        [first, ..] => {
            let mut kinds: Vec<&str> = interactions.iter().map(|i| i.tag_name().name()).collect();
            kinds.dedup();
            return skip(if kinds.len() == 1 {
                format!("{} × {}", interactions.len(), first.tag_name().name())
            } else {
                kinds.join(" + ")
            });
        }
    };
    let mut problems = Vec::new();
    let mut picture = |src: &str| match (cx.picture)(src) {
        Ok(Some(path)) => Some(path),
        Ok(None) => Some(src.to_string()),
        Err(problem) => {
            problems.push((at, problem));
            None
        }
    };
    let mut md = |node: Node| -> String {
        let mut html = Html::new(&mut picture);
        html.children(node);
        to_markdown(&html.out, &mut |src| Some(src.to_string()))
    };
    // The key first: a skipped item's pictures are not wanted.
    let mut notes = Vec::new();
    let read = read_body(item, interaction, &mut md, &mut notes);
    let draft_body = match read {
        Ok(draft_body) => draft_body,
        Err(Problem::Skip(kind)) => return skip(kind),
        Err(Problem::Error((key, mut args))) => {
            args.insert(0, ("name", shown.as_str().into()));
            out.errors.push((at, (key, args)));
            return Read::Failed;
        }
    };
    let stem = md(body);
    let media = media_of(body);
    if !media.is_empty() {
        let args = args![what = media.join(", ")];
        notes.push(("bank.foreign2.media_left_out", args));
    }
    let feedback: Vec<Node> = kids(item, "modalFeedback").collect();
    let explanation = match feedback.as_slice() {
        [one] => Some(md(*one)).filter(|e| !e.is_empty()),
        _ => None,
    };
    if !problems.is_empty() {
        return Read::Refused {
            line: at,
            name: shown,
            problems: problems.into_iter().map(|(_, p)| p).collect(),
        };
    }
    for (key, mut args) in notes {
        args.insert(0, ("name", shown.as_str().into()));
        out.warnings.push((at, (key, args)));
    }
    Read::Draft(Draft {
        line: at,
        name,
        category: cx.category.clone(),
        tags: cx.tags.clone(),
        level: cx.level,
        stem,
        body: draft_body,
        explanation,
        points: points(item),
    })
}

/// Audio, video and other embedded content of an item body (pictures are kept), by address.
fn media_of(body: Node) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for node in body.descendants().filter(|n| n.is_element()) {
        let what = match name(node).as_str() {
            "object" if attr(node, "type").is_some_and(|t| t.starts_with("image/")) => continue,
            "object" | "audio" | "video" | "source" | "embed" | "iframe" => node
                .attribute("data")
                .or(node.attribute("src"))
                .map_or_else(|| format!("<{}>", node.tag_name().name()), str::to_string),
            _ => continue,
        };
        if !found.contains(&what) {
            found.push(what);
        }
    }
    found
}

/// Points from a `MAXSCORE` outcome's default value, when a whole number sathach accepts.
fn points(item: Node) -> Option<u32> {
    let outcome =
        kids(item, "outcomeDeclaration").find(|o| attr(*o, "identifier") == Some("MAXSCORE"))?;
    let value = text(find(kid(outcome, "defaultValue")?, "value")?);
    let value: f64 = value.parse().ok()?;
    (value.fract() == 0.0 && (1.0..=100.0).contains(&value)).then_some(value as u32)
}

/// Choices of an interaction: identifier and text.
fn choices(
    parent: Node,
    element: &'static str,
    md: &mut dyn FnMut(Node) -> String,
) -> Vec<(String, String)> {
    kids(parent, element)
        .map(|c| (attr(c, "identifier").unwrap_or_default().to_string(), md(c)))
        .collect()
}

/// The draft body of the item's interaction; `notes` gets what had to be approximated.
fn read_body(
    item: Node,
    interaction: Node,
    md: &mut dyn FnMut(Node) -> String,
    notes: &mut Vec<Msg>,
) -> Result<DraftBody, Problem> {
    let kind = interaction.tag_name().name().to_string();
    let response = attr(interaction, "responseIdentifier").unwrap_or("RESPONSE");
    let declaration = declaration(item, response).unwrap_or_default();
    let key = declaration.key();
    if key.is_empty() && !matches!(name(interaction).as_str(), "textEntryInteraction") {
        let supported = [
            "choiceInteraction",
            "inlineChoiceInteraction",
            "matchInteraction",
            "associateInteraction",
            "orderInteraction",
        ];
        if supported.contains(&name(interaction).as_str()) {
            return Err(Problem::Error(no_key(response)));
        }
    }
    let scoring = scoring(item, response);
    match name(interaction).as_str() {
        "choiceInteraction" | "inlineChoiceInteraction" => {
            let element = if is(interaction, "choiceInteraction") {
                "simpleChoice"
            } else {
                "inlineChoice"
            };
            let options = choices(interaction, element, md);
            let max = attr(interaction, "maxChoices").unwrap_or("1").trim();
            let multiple =
                element == "simpleChoice" && (max != "1" || declaration.cardinality == "multiple");
            let fixed: Vec<bool> = kids(interaction, element)
                .map(|c| attr(c, "fixed") == Some("true"))
                .collect();
            let key = if multiple {
                key
            } else {
                let (key, partial) = declaration.single_key();
                if !partial.is_empty() {
                    let answers: Vec<String> = partial
                        .iter()
                        .map(|id| text_of(&options, id))
                        .collect::<Result<_, _>>()?;
                    let args = args![answers = answers.join(" | ")];
                    notes.push(("bank.foreign2.qti_partial_dropped", args));
                }
                key
            };
            let mut body = choice(options, &key, multiple, scoring == Scoring::Map)?;
            if let DraftBody::Choice { options, .. } = &mut body {
                for (option, fixed) in options.iter_mut().zip(fixed) {
                    option.pinned = fixed;
                }
            }
            Ok(body)
        }
        "textEntryInteraction" => text_entry(&declaration, scoring, response, notes),
        "orderInteraction" => {
            let options = choices(interaction, "simpleChoice", md);
            let sequence = key
                .iter()
                .map(|id| text_of(&options, id))
                .collect::<Result<_, _>>()?;
            Ok(DraftBody::Ordering { sequence })
        }
        "matchInteraction" => {
            let sets: Vec<Node> = kids(interaction, "simpleMatchSet").collect();
            let [sources, targets] = sets.as_slice() else {
                return Err(Problem::Skip(kind));
            };
            let sources = choices(*sources, "simpleAssociableChoice", md);
            let targets = choices(*targets, "simpleAssociableChoice", md);
            if targets.len() == 2 && targets.iter().all(|(id, t)| truth(id, t).is_some()) {
                // Statements judged true or false: sathach's grouped true/false.
                return statements(&sources, &targets, &key);
            }
            pairing(&kind, &sources, &targets, &key, true)
        }
        "associateInteraction" => {
            let all = choices(interaction, "simpleAssociableChoice", md);
            pairing(&kind, &all, &all, &key, false)
        }
        _ => Err(Problem::Skip(kind)),
    }
}

/// A match of statements against {true, false}: each statement paired with one of the two.
fn statements(
    sources: &[(String, String)],
    targets: &[(String, String)],
    key: &[String],
) -> Result<DraftBody, Problem> {
    let statements = sources
        .iter()
        .map(|(id, text)| {
            let verdict = key.iter().find_map(|pair| {
                let ids: Vec<&str> = pair.split_whitespace().collect();
                let (source, target) = match ids.as_slice() {
                    [a, b] => (*a, *b),
                    _ => return None,
                };
                let target = targets.iter().find(|(t, _)| t == target)?;
                (source == id)
                    .then(|| truth(&target.0, &target.1))
                    .flatten()
            });
            verdict
                .map(|correct| DraftOption::new(text.clone(), correct))
                .ok_or_else(|| Problem::Error(no_key(id)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(DraftBody::GroupedTrueFalse { statements })
}
