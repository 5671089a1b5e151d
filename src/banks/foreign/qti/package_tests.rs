//! The IMS APIP entry-test package, as a folder and as a zip, through the whole pipeline.

use super::tests::{apip_dir, entries_of, keys, no_errors, options, pipeline, png, zip_entries};
use super::*;
use crate::banks::foreign::DraftBody;
use crate::vocab::Lang;

fn check_apip(found: &Foreign) {
    let names: Vec<&str> = found
        .drafts
        .iter()
        .map(|d| d.name.as_deref().unwrap())
        .collect();
    // VE-IP-02 shows an SVG figure: that item alone is left out, the others read.
    assert_eq!(names, ["VE-IP-01", "VE-IP-03", "VE-IP-04"]);
    let section = "QTI v2.1 Entry Profile Single Section Instance with Multiple Items";
    assert!(
        found
            .drafts
            .iter()
            .all(|d| d.category.as_deref() == Some(section))
    );
    assert_eq!(
        found.title.as_deref(),
        Some(
            "QTI v2.1 Entry Profile Single Test/TestPart Instance with Single Section with 5 Items"
        )
    );
    let [tf, multiple, short] = found.drafts.as_slice() else {
        unreachable!()
    };
    assert_eq!(tf.body, DraftBody::TrueFalse { answer: true });
    assert_eq!(
        tf.stem,
        "Answer the following question.\n\nSigmund Freud and Carl Jung both belong to the psychoanalytic school of psychology."
    );
    assert!(matches!(
        multiple.body,
        DraftBody::Choice {
            multiple: true,
            partial: true,
            ..
        }
    ));
    let correct: Vec<bool> = options(multiple).iter().map(|o| o.1).collect();
    assert_eq!(correct, [true, true, false, true, false]);
    assert!(multiple.stem.contains("Results of the Class Vote\n\n| Color | Number of Students |\n| --- | --- |\n| Red | 12 |"), "{}", multiple.stem);
    assert_eq!(
        short.body,
        DraftBody::ShortText {
            answers: vec!["Lake Michigan".into()]
        }
    );
    assert!(
        short
            .stem
            .ends_with("Type your answer here: \\_\\_\\_\\_\\_"),
        "{}",
        short.stem
    );
    // The essay is skipped by name and interaction.
    assert_eq!(found.skipped.len(), 1);
    assert_eq!(
        (
            found.skipped[0].name.as_str(),
            found.skipped[0].kind.as_str()
        ),
        ("VE-IP-05", "extendedTextInteraction")
    );
    // Nothing is an error; neither the refused item's nor the skipped essay's pictures are taken.
    assert!(found.errors.is_empty(), "{:?}", found.errors);
    assert!(found.media.is_empty());
    // The SVG item is named at its line; "Michigan" earns half the score: never taken as
    // right, left out with a warning.
    let mut warnings = keys(&found.warnings);
    warnings.sort();
    assert_eq!(
        warnings,
        [
            (2, "bank.foreign2.qti_item_refused"),
            (2, "bank.foreign2.qti_partial_dropped")
        ]
    );
    assert_eq!(found.warnings[0].0, 2);
}

#[test]
fn the_apip_package_reads_as_a_folder_and_as_a_zip() {
    let folder = read_folder(&apip_dir());
    check_apip(&folder);
    let entries = entries_of(&apip_dir());
    let zip = zip_entries(&entries);
    let zipped = read("apip.zip", &zip);
    check_apip(&zipped);
    assert_eq!(folder.drafts, zipped.drafts);
    // Wrapped in a folder inside the zip, it reads the same.
    let wrapped: Vec<(String, Vec<u8>)> = entries
        .iter()
        .map(|(n, b)| (format!("goi/{n}"), b.clone()))
        .collect();
    check_apip(&read("apip.zip", &zip_entries(&wrapped)));

    let (parsed, report) = pipeline("apip.zip", zipped);
    let lines = report.lines(Lang::En);
    let bank = parsed.expect("the package imports without its refused item");
    assert_eq!(bank.items.len(), 3, "{lines:?}");
    assert!(
        lines.iter().any(|l| l.contains(
            "warning: item “VE-IP-02” is left out: media/apip_VE_IP_02.svg: not a PNG, JPEG, GIF or WebP"
        )),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("“VE-IP-05” skipped") && l.contains("extendedTextInteraction"))
    );
    assert!(
        lines.iter().any(|l| l.contains(
            "warning: item “VE-IP-04”: the answer “Michigan” earns only part of the marks"
        )),
        "{lines:?}"
    );
    // With the figure as a PNG, the four supported items import.
    let fixed: Vec<(String, Vec<u8>)> = entries
        .into_iter()
        .map(|(n, b)| {
            if n.ends_with(".svg") {
                (n, png())
            } else {
                (n, b)
            }
        })
        .collect();
    let found = read("apip.zip", &zip_entries(&fixed));
    assert_eq!(found.media.len(), 1);
    let bank = no_errors("apip.zip", found);
    let kinds: Vec<&str> = bank.items.iter().map(|i| i.body.kind().as_str()).collect();
    assert_eq!(kinds, ["true_false", "single", "multiple", "short_text"]);
    assert_eq!(
        bank.meta.title,
        "QTI v2.1 Entry Profile Single Test/TestPart Instance with Single Section with 5 Items"
    );
    assert!(
        bank.items[1]
            .stem
            .source
            .starts_with("![Figure showing Rectangle ABCD")
    );
}
