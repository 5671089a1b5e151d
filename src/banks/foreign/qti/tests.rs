//! The reader on real files: the IMS QTI 2.1 examples and the IMS APIP entry-test package
//! (as a folder and as a zip), and the whole pipeline to a bank.

use super::*;
use crate::banks::{
    ParsedBank,
    foreign::{Draft, DraftBody, read_drafts},
    model::{Body, Difficulty},
    report::FileReport,
};
use crate::vocab::Lang;

pub(super) fn fixture(path: &str) -> Vec<u8> {
    let full = format!(
        "{}/tests/fixtures/import/{path}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&full).unwrap_or_else(|e| panic!("{full}: {e}"))
}

pub(super) const APIP: &str = "qtipkg/qti21-apip-entrytest";

pub(super) fn apip_dir() -> std::path::PathBuf {
    format!(
        "{}/tests/fixtures/import/{APIP}",
        env!("CARGO_MANIFEST_DIR")
    )
    .into()
}

pub(super) use crate::test_fixtures::zip_of;

/// Every file of a folder as zip entries, by path relative to the folder.
pub(super) fn entries_of(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((relative, std::fs::read(&path).unwrap()));
            }
        }
    }
    out.sort();
    out
}

pub(super) fn zip_entries(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    zip_of(&borrowed)
}

/// A manifest listing these item files.
pub(super) fn manifest_for(items: &[&str]) -> String {
    let resources: String = items
        .iter()
        .enumerate()
        .map(|(i, href)| {
            format!(r#"<resource identifier="R{i}" type="imsqti_item_xmlv2p1" href="{href}"><file href="{href}"/></resource>"#)
        })
        .collect();
    format!(
        r#"<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" identifier="M"><organizations/><resources>{resources}</resources></manifest>"#
    )
}

pub(super) use crate::test_fixtures::foreign_defaults as defaults;

/// The whole pipeline: drafts to a bank.
pub(super) fn pipeline(name: &str, found: Foreign) -> (Option<ParsedBank>, FileReport) {
    read_drafts(name, "qti", found, &defaults())
}

pub(super) fn no_errors(name: &str, found: Foreign) -> ParsedBank {
    let (parsed, report) = pipeline(name, found);
    assert!(!report.has_errors(), "{:#?}", report.lines(Lang::En));
    parsed.expect("a bank")
}

pub(super) fn keys(errors: &[(usize, crate::banks::report::Msg)]) -> Vec<(usize, &'static str)> {
    errors
        .iter()
        .map(|(line, (key, _))| (*line, *key))
        .collect()
}

pub(super) fn options(draft: &Draft) -> Vec<(&str, bool)> {
    match &draft.body {
        DraftBody::Choice { options, .. } => options
            .iter()
            .map(|o| (o.text.as_str(), o.correct))
            .collect(),
        other => panic!("not a choice: {other:?}"),
    }
}

pub(super) fn png() -> Vec<u8> {
    fixture(&format!(
        "{APIP}/Items/Item_VE_IP_05/apip_VE_IP_05_croc.png"
    ))
}

#[test]
fn ims_choice_reads_as_single_choice_and_wants_its_picture() {
    let found = read("ims-choice.xml", &fixture("qti21/ims-choice.xml"));
    // The picture is not in a lone .xml file: the item is refused, the error at its line.
    assert!(found.drafts.is_empty());
    assert_eq!(keys(&found.errors), [(3, "report.qti_picture_not_sent")]);
    let (_, report) = pipeline("ims-choice.xml", found);
    let lines = report.lines(Lang::Vi);
    assert!(
        lines
            .iter()
            .any(|l| l.contains("hình images/sign.png nằm ngoài tệp .xml")),
        "{lines:?}"
    );
    assert!(
        !lines.iter().any(|l| l.contains("hãy kiểm tra tệp")),
        "{lines:?}"
    );

    // In a package with its picture, the item imports whole.
    let item = fixture("qti21/ims-choice.xml");
    let manifest = manifest_for(&["ims-choice.xml"]);
    let zip = zip_of(&[
        ("imsmanifest.xml", manifest.as_bytes()),
        ("images/sign.png", &png()),
        ("ims-choice.xml", &item),
    ]);
    let found = read("goi.zip", &zip);
    let draft = &found.drafts[0];
    assert_eq!((draft.name.as_deref(), draft.line), (Some("choice"), 3));
    assert_eq!(
        options(draft),
        [
            ("You must stay with your luggage at all times.", true),
            ("Do not let someone else look after your luggage.", false),
            ("Remember your luggage when you leave.", false),
        ]
    );
    assert!(matches!(
        draft.body,
        DraftBody::Choice {
            multiple: false,
            partial: false,
            ..
        }
    ));
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert_eq!(
        found.drafts[0].stem,
        "Look at the text in the picture.\n\n![NEVER LEAVE LUGGAGE UNATTENDED](media/sign.png)\n\nWhat does it say?"
    );
    assert_eq!(found.media.len(), 1);
    assert_eq!(
        (found.media[0].path.as_str(), found.media[0].mime),
        ("media/sign.png", "image/png")
    );
    let bank = no_errors("goi.zip", found);
    assert_eq!(bank.items[0].media[0].path, "media/sign.png");
    assert!(
        bank.items[0].stem.html.contains("<img src=\"/media/"),
        "{}",
        bank.items[0].stem.html
    );
}

#[test]
fn ims_text_entry_reads_as_short_text_with_a_blank() {
    let found = read("ims-text_entry.xml", &fixture("qti21/ims-text_entry.xml"));
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let draft = &found.drafts[0];
    assert_eq!(draft.name.as_deref(), Some("textEntry"));
    // "york" (half a point) folds to the same answer as "York".
    assert_eq!(
        draft.body,
        DraftBody::ShortText {
            answers: vec!["York".into()]
        }
    );
    assert!(
        draft.stem.starts_with("Identify the missing word"),
        "{}",
        draft.stem
    );
    assert!(
        draft.stem.contains("sun of \\_\\_\\_\\_\\_;"),
        "{}",
        draft.stem
    );
    let bank = no_errors("ims-text_entry.xml", found);
    let item = &bank.items[0];
    assert_eq!(
        item.body,
        Body::ShortText {
            answers: vec!["York".into()],
            ignore_diacritics: false
        }
    );
    assert!(
        item.stem.html.contains("sun of _____;"),
        "{}",
        item.stem.html
    );
    assert_eq!(
        (item.topic.as_str(), item.difficulty),
        ("IU01.1", Difficulty::TH)
    );
}

#[test]
fn ims_order_reads_the_correct_sequence() {
    let found = read("ims-order.xml", &fixture("qti21/ims-order.xml"));
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let draft = &found.drafts[0];
    assert_eq!(draft.name.as_deref(), Some("order"));
    let sequence = ["Michael Schumacher", "Rubens Barrichello", "Jenson Button"];
    assert_eq!(
        draft.body,
        DraftBody::Ordering {
            sequence: sequence.map(String::from).to_vec()
        }
    );
    assert!(
        draft
            .stem
            .starts_with("The following F1 drivers finished on the podium")
    );
    let bank = no_errors("ims-order.xml", found);
    assert_eq!(bank.items[0].id, "order");
}

#[test]
fn ims_match_pairing_two_characters_with_one_play_reads_as_matching() {
    let found = read("ims-match.xml", &fixture("qti21/ims-match.xml"));
    assert!(
        found.errors.is_empty() && found.skipped.is_empty(),
        "{found:?}"
    );
    let dream = "A Midsummer-Night's Dream";
    let shared = [
        ("Capulet", "Romeo and Juliet"),
        ("Demetrius", dream),
        ("Lysander", dream),
        ("Prospero", "The Tempest"),
    ];
    assert_eq!(
        found.drafts[0].body,
        DraftBody::Matching {
            pairs: shared.map(|(l, r)| (l.to_string(), r.to_string())).to_vec(),
            distractors: vec![],
        }
    );
    let bank = no_errors("ims-match.xml", found);
    assert_eq!(bank.items[0].id, "match");
    // A character left without a play is not a matching sathach can grade: skipped.
    let text = String::from_utf8(fixture("qti21/ims-match.xml")).unwrap();
    let one_to_one = text
        .replace("<value>D M</value>", "")
        .replace("<value>L M</value>", "<value>L M</value><value>D R</value>")
        .replace("<value>C R</value>", "");
    let found = read("match.xml", one_to_one.as_bytes());
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    let pairs = [
        ("Demetrius", "Romeo and Juliet"),
        ("Lysander", "A Midsummer-Night's Dream"),
        ("Prospero", "The Tempest"),
    ];
    // Capulet has no pair: not one-to-one either.
    assert_eq!(found.skipped.len(), 1);
    let without_capulet = one_to_one.replace(
        r#"<simpleAssociableChoice identifier="C" matchMax="1">Capulet</simpleAssociableChoice>"#,
        "",
    );
    let found = read("match.xml", without_capulet.as_bytes());
    assert_eq!(
        found.drafts[0].body,
        DraftBody::Matching {
            pairs: pairs.map(|(l, r)| (l.to_string(), r.to_string())).to_vec(),
            distractors: vec![],
        }
    );
    let with_distractor = without_capulet.replace("<value>D R</value>", "");
    let with_distractor = with_distractor.replace(
        r#"<simpleAssociableChoice identifier="D" matchMax="1">Demetrius</simpleAssociableChoice>"#,
        "",
    );
    let found = read("match.xml", with_distractor.as_bytes());
    let DraftBody::Matching { pairs, distractors } = &found.drafts[0].body else {
        panic!("{:?}", found.drafts);
    };
    assert_eq!(pairs.len(), 2);
    assert_eq!(distractors, &["Romeo and Juliet".to_string()]);
    no_errors("match.xml", found);
}
