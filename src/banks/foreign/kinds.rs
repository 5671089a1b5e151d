//! The question types of other platforms that sathach does not import, named as a teacher
//! knows them ("câu tự luận", "câu điền khuyết nhiều chỗ"), whatever the format calls them
//! (Moodle's `essay`, QTI's `extendedTextInteraction`, `qti-extended-text-interaction`…).

use std::collections::BTreeMap;

use crate::banks::report::{Arg, args};

/// The catalog key of a format's type name, when it is one sathach knows of.
fn label_key(kind: &str) -> Option<&'static str> {
    if kind.contains(" + ") {
        return Some("bank.foreign2.kind.mixed");
    }
    if let Some((_, interaction)) = kind.split_once(" × ") {
        return Some(match qti_name(interaction).as_str() {
            "textEntryInteraction" | "inlineChoiceInteraction" => "bank.foreign2.kind.cloze",
            _ => "bank.foreign2.kind.mixed",
        });
    }
    if kind.ends_with("(not one-to-one)") {
        return Some("bank.foreign2.kind.not_one_to_one");
    }
    if kind.ends_with("(no interaction)") || kind.ends_with("(no itemBody)") {
        return Some("bank.foreign2.kind.no_interaction");
    }
    Some(match qti_name(kind).as_str() {
        "essay" | "extendedTextInteraction" => "bank.foreign2.kind.essay",
        "cloze" | "multianswer" => "bank.foreign2.kind.cloze",
        "calculated" | "calculatedsimple" | "calculatedmulti" => "bank.foreign2.kind.calculated",
        "ddwtos" | "gapMatchInteraction" => "bank.foreign2.kind.drag_text",
        "gapselect" => "bank.foreign2.kind.select_gap",
        "ddimageortext"
        | "ddmarker"
        | "graphicGapMatchInteraction"
        | "positionObjectInteraction" => "bank.foreign2.kind.drag_picture",
        "hotspotInteraction"
        | "selectPointInteraction"
        | "graphicAssociateInteraction"
        | "graphicOrderInteraction" => "bank.foreign2.kind.picture_area",
        "random" | "randomsamatch" => "bank.foreign2.kind.random",
        "uploadInteraction" => "bank.foreign2.kind.upload",
        "drawingInteraction" => "bank.foreign2.kind.drawing",
        "sliderInteraction" => "bank.foreign2.kind.slider",
        "mediaInteraction" => "bank.foreign2.kind.media",
        "hottextInteraction" => "bank.foreign2.kind.hottext",
        "customInteraction" | "portableCustomInteraction" => "bank.foreign2.kind.custom",
        "description" => "bank.foreign2.kind.description",
        _ => return None,
    })
}

/// QTI 3's `qti-gap-match-interaction` as QTI 2 spells it, `gapMatchInteraction`.
fn qti_name(kind: &str) -> String {
    let Some(rest) = kind.trim().strip_prefix("qti-") else {
        return kind.trim().to_string();
    };
    let mut out = String::with_capacity(rest.len());
    let mut upper = false;
    for c in rest.chars() {
        match (c, upper) {
            ('-', _) => upper = true,
            (c, true) => {
                out.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => out.push(c),
        }
    }
    out
}

/// A type as the report names it: in words when known ("tự luận"), else as the file has it.
pub fn label(kind: &str) -> Arg {
    match label_key(kind) {
        Some(key) => Arg::msg(key, args![]),
        None => Arg::Text(kind.to_string()),
    }
}

/// Why an item is skipped: "sathach does not support essay questions (essay)".
pub fn skipped_message(name: &str, kind: &str) -> crate::banks::report::Msg {
    match label_key(kind) {
        Some("bank.foreign2.kind.description") => {
            ("bank.foreign2.description", args![name = name, kind = kind])
        }
        Some(_) => (
            "bank.foreign2.skipped",
            args![name = name, label = label(kind), kind = kind],
        ),
        None => (
            "bank.foreign2.skipped_other",
            args![name = name, kind = kind],
        ),
    }
}

/// Skipped types with their counts, `tự luận 1, điền khuyết nhiều chỗ 2`, in any language.
pub fn counted(skipped: &BTreeMap<String, usize>) -> Arg {
    let mut items: Vec<Arg> = skipped
        .iter()
        .map(|(kind, n)| {
            Arg::msg(
                "bank.foreign2.kind_count",
                args![kind = label(kind), n = *n],
            )
        })
        .collect();
    let mut list = items.pop().unwrap_or(Arg::Text(String::new()));
    while let Some(first) = items.pop() {
        list = Arg::msg("bank.foreign2.list", args![first = first, rest = list]);
    }
    list
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Lang;

    #[test]
    fn types_are_named_in_words_whatever_the_format_calls_them() {
        let vi = |kind: &str| label(kind).render(Lang::Vi);
        assert_eq!(vi("essay"), "tự luận");
        assert_eq!(vi("extendedTextInteraction"), "tự luận");
        assert_eq!(vi("qti-extended-text-interaction"), "tự luận");
        assert_eq!(vi("cloze"), "điền khuyết nhiều chỗ");
        assert_eq!(vi("3 × textEntryInteraction"), "điền khuyết nhiều chỗ");
        assert_eq!(
            vi("choiceInteraction + textEntryInteraction"),
            "nhiều kiểu trả lời trong một câu"
        );
        assert_eq!(vi("somethingNew"), "somethingNew");
        assert_eq!(label("essay").render(Lang::En), "essay");
        let counts = BTreeMap::from([("essay".to_string(), 1), ("cloze".to_string(), 2)]);
        assert_eq!(
            counted(&counts).render(Lang::Vi),
            "điền khuyết nhiều chỗ 2, tự luận 1"
        );
        let (key, args) = skipped_message("Q8", "essay");
        assert_eq!(
            crate::banks::report::render(Lang::Vi, key, &args),
            "bỏ qua câu “Q8”: sathach chưa hỗ trợ câu tự luận (essay)"
        );
    }
}
