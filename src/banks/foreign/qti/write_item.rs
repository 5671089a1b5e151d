//! One item as a QTI 2.1 `assessmentItem`: the stem as XHTML, the interaction of its type,
//! the key as `correctResponse` (and `mapping`), standard response processing, the
//! explanation as modal feedback always shown after answering, the points as `MAXSCORE`.

use std::fmt::Write;

use super::{
    item::TOOL,
    xhtml::{xhtml, xhtml_inline},
    xml::escape,
};
use crate::banks::model::{Body, Item, NumericKey, Rich};

const TEMPLATES: &str = "http://www.imsglobal.org/question/qti_v2p1/rptemplates/";

/// The XML of an item; `identifier` is the item's QTI identifier, `picture` maps a stored
/// picture address to the package's.
pub(super) fn item_xml(
    item: &Item,
    identifier: &str,
    language: &str,
    picture: &dyn Fn(&str) -> String,
) -> String {
    let block = |rich: &Rich| xhtml(&rich.html, picture);
    let inline = |rich: &Rich| xhtml_inline(&rich.html, picture);
    let mut w = Writer::default();
    let (declaration, interaction, processing) = match &item.body {
        Body::Single { options } | Body::Multiple { options, .. } => {
            let multiple = matches!(item.body, Body::Multiple { .. });
            let partial = matches!(item.body, Body::Multiple { partial: true, .. });
            let ids: Vec<String> = (0..options.len()).map(choice_id).collect();
            let correct: Vec<&str> = ids
                .iter()
                .zip(options)
                .filter(|(_, o)| o.correct)
                .map(|(id, _)| id.as_str())
                .collect();
            let cardinality = if multiple { "multiple" } else { "single" };
            let mut declaration = declare(cardinality, "identifier", &correct);
            if partial {
                let entries: Vec<(&str, &str)> = ids
                    .iter()
                    .zip(options)
                    .map(|(id, o)| (id.as_str(), if o.correct { "1" } else { "-1" }))
                    .collect();
                let bounds = format!(" lowerBound=\"0\" upperBound=\"{}\"", correct.len());
                declaration = with_mapping(declaration, &bounds, &entries, "");
            }
            let mut x = format!(
                "<choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"true\" maxChoices=\"{}\">",
                if multiple { 0 } else { 1 }
            );
            for (id, option) in ids.iter().zip(options) {
                let fixed = if option.pinned { " fixed=\"true\"" } else { "" };
                let text = inline(&option.text);
                let _ = write!(
                    x,
                    "<simpleChoice identifier=\"{id}\"{fixed}>{text}</simpleChoice>"
                );
            }
            x.push_str("</choiceInteraction>");
            (
                declaration,
                x,
                template(if partial {
                    "map_response"
                } else {
                    "match_correct"
                }),
            )
        }
        Body::TrueFalse { answer } => {
            let (yes, no) = if language == "vi" {
                ("Đúng", "Sai")
            } else {
                ("True", "False")
            };
            let declaration = declare("single", "identifier", &[&answer.to_string()]);
            let x = format!(
                "<choiceInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxChoices=\"1\">\
                 <simpleChoice identifier=\"true\">{yes}</simpleChoice>\
                 <simpleChoice identifier=\"false\">{no}</simpleChoice></choiceInteraction>"
            );
            (declaration, x, template("match_correct"))
        }
        Body::GroupedTrueFalse { statements } => {
            let (yes, no) = if language == "vi" {
                ("Đúng", "Sai")
            } else {
                ("True", "False")
            };
            let n = statements.len();
            let pairs: Vec<String> = statements
                .iter()
                .enumerate()
                .map(|(i, s)| format!("S{} {}", i + 1, s.correct))
                .collect();
            let values: Vec<&str> = pairs.iter().map(String::as_str).collect();
            let entries: Vec<(&str, &str)> = values.iter().map(|v| (*v, "1")).collect();
            let declaration = with_mapping(
                declare("multiple", "directedPair", &values),
                &format!(" lowerBound=\"0\" upperBound=\"{n}\""),
                &entries,
                "",
            );
            let mut x = format!(
                "<matchInteraction responseIdentifier=\"RESPONSE\" shuffle=\"false\" maxAssociations=\"{n}\"><simpleMatchSet>"
            );
            for (i, statement) in statements.iter().enumerate() {
                let text = inline(&statement.text);
                let _ = write!(
                    x,
                    "<simpleAssociableChoice identifier=\"S{}\" matchMax=\"1\">{text}</simpleAssociableChoice>",
                    i + 1
                );
            }
            let _ = write!(
                x,
                "</simpleMatchSet><simpleMatchSet>\
                 <simpleAssociableChoice identifier=\"true\" matchMax=\"{n}\">{yes}</simpleAssociableChoice>\
                 <simpleAssociableChoice identifier=\"false\" matchMax=\"{n}\">{no}</simpleAssociableChoice>\
                 </simpleMatchSet></matchInteraction>"
            );
            (declaration, x, template("map_response"))
        }
        Body::ShortText { answers, .. } => {
            let first: Vec<&str> = answers.iter().take(1).map(String::as_str).collect();
            let entries: Vec<(&str, &str)> = answers.iter().map(|a| (a.as_str(), "1")).collect();
            let declaration = with_mapping(
                declare("single", "string", &first),
                "",
                &entries,
                " caseSensitive=\"false\"",
            );
            let longest = answers
                .iter()
                .map(|a| a.chars().count())
                .max()
                .unwrap_or(10);
            (declaration, text_entry(longest), template("map_response"))
        }
        Body::Numeric { key } => {
            let (value, condition) = match *key {
                NumericKey::Exact { value, tolerance } if tolerance > 0.0 => (
                    value,
                    Some(format!(
                        "<equal toleranceMode=\"absolute\" tolerance=\"{tolerance}\">{RESPONSE}<correct identifier=\"RESPONSE\"/></equal>"
                    )),
                ),
                NumericKey::Exact { value, .. } => (value, None),
                NumericKey::Range { min, max } => (
                    min + (max - min) / 2.0,
                    Some(format!(
                        "<and><gte>{RESPONSE}<baseValue baseType=\"float\">{min}</baseValue></gte>\
                         <lte>{RESPONSE}<baseValue baseType=\"float\">{max}</baseValue></lte></and>"
                    )),
                ),
            };
            let declaration = declare("single", "float", &[&value.to_string()]);
            let processing = match condition {
                Some(condition) => scored_if(&condition),
                None => template("match_correct"),
            };
            (declaration, text_entry(12), processing)
        }
        Body::Matching { pairs, distractors } => {
            let n = pairs.len();
            let values: Vec<String> = (1..=n).map(|i| format!("L{i} R{i}")).collect();
            let values: Vec<&str> = values.iter().map(String::as_str).collect();
            let declaration = declare("multiple", "directedPair", &values);
            let mut x = format!(
                "<matchInteraction responseIdentifier=\"RESPONSE\" shuffle=\"true\" maxAssociations=\"{n}\"><simpleMatchSet>"
            );
            for (i, pair) in pairs.iter().enumerate() {
                let text = inline(&pair.left);
                let _ = write!(
                    x,
                    "<simpleAssociableChoice identifier=\"L{}\" matchMax=\"1\">{text}</simpleAssociableChoice>",
                    i + 1
                );
            }
            x.push_str("</simpleMatchSet><simpleMatchSet>");
            let rights = pairs.iter().map(|p| &p.right).chain(distractors);
            for (i, right) in rights.enumerate() {
                let text = inline(right);
                let _ = write!(
                    x,
                    "<simpleAssociableChoice identifier=\"R{}\" matchMax=\"1\">{text}</simpleAssociableChoice>",
                    i + 1
                );
            }
            x.push_str("</simpleMatchSet></matchInteraction>");
            (declaration, x, template("match_correct"))
        }
        Body::Ordering { sequence } => {
            let ids: Vec<String> = (1..=sequence.len()).map(|i| format!("O{i}")).collect();
            let values: Vec<&str> = ids.iter().map(String::as_str).collect();
            let declaration = declare("ordered", "identifier", &values);
            let mut x =
                "<orderInteraction responseIdentifier=\"RESPONSE\" shuffle=\"true\">".to_string();
            // Written out of order, for players that do not shuffle.
            let n = sequence.len();
            for i in (0..n).map(|i| (i + 1) % n) {
                let text = inline(&sequence[i]);
                let _ = write!(
                    x,
                    "<simpleChoice identifier=\"{}\">{text}</simpleChoice>",
                    ids[i]
                );
            }
            x.push_str("</orderInteraction>");
            (declaration, x, template("match_correct"))
        }
    };
    let title = escape(&item.id);
    let _ = write!(
        w.0,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <assessmentItem xmlns=\"http://www.imsglobal.org/xsd/imsqti_v2p1\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd\" \
         identifier=\"{identifier}\" title=\"{title}\" label=\"{title}\" xml:lang=\"{}\" \
         adaptive=\"false\" timeDependent=\"false\" toolName=\"{TOOL}\" toolVersion=\"{}\">\n",
        escape(language),
        env!("CARGO_PKG_VERSION"),
    );
    w.line(&declaration);
    w.line("<outcomeDeclaration identifier=\"SCORE\" cardinality=\"single\" baseType=\"float\"><defaultValue><value>0</value></defaultValue></outcomeDeclaration>");
    w.line(&format!(
        "<outcomeDeclaration identifier=\"MAXSCORE\" cardinality=\"single\" baseType=\"float\"><defaultValue><value>{}</value></defaultValue></outcomeDeclaration>",
        item.points
    ));
    if item.explanation.is_some() {
        w.line("<outcomeDeclaration identifier=\"FEEDBACK\" cardinality=\"single\" baseType=\"identifier\"/>");
    }
    w.line(&format!(
        "<itemBody><div>{}</div>{interaction}</itemBody>",
        block(&item.stem)
    ));
    w.line(&processing);
    if let Some(explanation) = &item.explanation {
        // Hidden only when FEEDBACK is EXPLANATION, which nothing sets: always shown.
        w.line(&format!(
            "<modalFeedback outcomeIdentifier=\"FEEDBACK\" identifier=\"EXPLANATION\" showHide=\"hide\">{}</modalFeedback>",
            block(explanation)
        ));
    }
    w.0.push_str("</assessmentItem>\n");
    w.0
}

#[derive(Default)]
struct Writer(String);

impl Writer {
    fn line(&mut self, text: &str) {
        self.0.push_str("  ");
        self.0.push_str(text);
        self.0.push('\n');
    }
}

const RESPONSE: &str = "<variable identifier=\"RESPONSE\"/>";

/// A choice identifier: A, B, C… (then O27, O28… past Z).
fn choice_id(i: usize) -> String {
    if i < 26 {
        crate::banks::model::option_letter(i).to_string()
    } else {
        format!("O{}", i + 1)
    }
}

fn declare(cardinality: &str, base_type: &str, correct: &[&str]) -> String {
    let mut x = format!(
        "<responseDeclaration identifier=\"RESPONSE\" cardinality=\"{cardinality}\" baseType=\"{base_type}\">"
    );
    if !correct.is_empty() {
        x.push_str("<correctResponse>");
        for value in correct {
            let _ = write!(x, "<value>{}</value>", escape(value));
        }
        x.push_str("</correctResponse>");
    }
    x.push_str("</responseDeclaration>");
    x
}

/// A declaration with a `mapping` of these entries added.
fn with_mapping(
    declaration: String,
    bounds: &str,
    entries: &[(&str, &str)],
    extra: &str,
) -> String {
    let mut mapping = format!("<mapping defaultValue=\"0\"{bounds}>");
    for (key, value) in entries {
        let _ = write!(
            mapping,
            "<mapEntry mapKey=\"{}\" mappedValue=\"{value}\"{extra}/>",
            escape(key)
        );
    }
    mapping.push_str("</mapping></responseDeclaration>");
    declaration.replace("</responseDeclaration>", &mapping)
}

fn template(name: &str) -> String {
    format!("<responseProcessing template=\"{TEMPLATES}{name}\"/>")
}

fn text_entry(expected: usize) -> String {
    let expected = expected.clamp(5, 60);
    format!(
        "<p><textEntryInteraction responseIdentifier=\"RESPONSE\" expectedLength=\"{expected}\"/></p>"
    )
}

/// Response processing scoring 1 when `condition` holds, else 0.
fn scored_if(condition: &str) -> String {
    let set = |v: u8| {
        format!(
            "<setOutcomeValue identifier=\"SCORE\"><baseValue baseType=\"float\">{v}</baseValue></setOutcomeValue>"
        )
    };
    format!(
        "<responseProcessing><responseCondition><responseIf>{condition}{}</responseIf><responseElse>{}</responseElse></responseCondition></responseProcessing>",
        set(1),
        set(0)
    )
}
