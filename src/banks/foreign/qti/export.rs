//! A bank as a QTI 2.1 content package: `imsmanifest.xml` (each item a resource with its
//! file, its pictures, its tags as LOM keywords and its level as LOM difficulty), a test
//! whose sections are the items' topics in bank order, `items/<id>.xml`, and `media/`.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt::Write as _,
    io::Write as _,
};

use super::{write_item::item_xml, xml::escape};
use crate::banks::{
    BankMeta, MediaFile,
    model::{Difficulty, Item},
};

/// Writes the package (a `.zip`).
pub fn export_package(meta: &BankMeta, items: &[Item], media: &[MediaFile]) -> Vec<u8> {
    // Pictures are stored by content hash; the package names them as the bank does.
    let mut by_sha: BTreeMap<&str, &str> = BTreeMap::new();
    for file in media {
        by_sha.insert(&file.sha256, &file.path);
    }
    for item in items {
        for picture in &item.media {
            by_sha.insert(&picture.sha256, &picture.path);
        }
    }
    let picture = |src: &str| match src.strip_prefix("/media/").and_then(|sha| by_sha.get(sha)) {
        Some(path) => format!("../{}", uri(path)),
        None => src.to_string(),
    };
    let mut used = BTreeSet::new();
    let identifiers: Vec<String> = items
        .iter()
        .map(|item| unique(identifier(&item.id), &mut used))
        .collect();
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    files.push((
        "imsmanifest.xml".into(),
        manifest(meta, items, &identifiers).into_bytes(),
    ));
    files.push((
        "tests/test.xml".into(),
        test(meta, items, &identifiers).into_bytes(),
    ));
    for (item, id) in items.iter().zip(&identifiers) {
        let xml = item_xml(item, id, &meta.language, &picture);
        files.push((format!("items/{id}.xml"), xml.into_bytes()));
    }
    let needed: BTreeSet<&str> = items
        .iter()
        .flat_map(|i| i.media.iter().map(|m| m.path.as_str()))
        .collect();
    for file in media.iter().filter(|m| needed.contains(m.path.as_str())) {
        files.push((file.path.clone(), file.bytes.clone()));
    }
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default();
    for (path, bytes) in files {
        zip.start_file(path, options).expect("zip in memory");
        zip.write_all(&bytes).expect("zip in memory");
    }
    zip.finish().expect("zip in memory").into_inner()
}

/// A valid QTI identifier (an XML name in ASCII) for an item id: kept when valid.
fn identifier(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert_str(0, "I_");
    }
    out
}

fn unique(base: String, used: &mut BTreeSet<String>) -> String {
    let mut candidate = base.clone();
    let mut n = 1;
    while !used.insert(candidate.to_ascii_lowercase()) {
        n += 1;
        candidate = format!("{base}_{n}");
    }
    candidate
}

/// A package path as a URI reference: unreserved characters kept, the rest percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// The LOM difficulty word for a level.
fn lom_difficulty(level: Difficulty) -> &'static str {
    match level {
        Difficulty::NB => "easy",
        Difficulty::TH => "medium",
        Difficulty::VD => "difficult",
        Difficulty::VDC => "very difficult",
    }
}

fn manifest(meta: &BankMeta, items: &[Item], identifiers: &[String]) -> String {
    let lang = escape(&meta.language);
    let mut x = String::new();
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <manifest xmlns=\"http://www.imsglobal.org/xsd/imscp_v1p1\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imscp_v1p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/qtiv2p1_imscpv1p2_v1p0.xsd http://ltsc.ieee.org/xsd/LOM http://www.imsglobal.org/xsd/imsmd_loose_v1p3p2.xsd\" \
         identifier=\"MANIFEST-{}\">\n\
         \x20 <metadata>\n    <schema>QTIv2.1 Package</schema>\n    <schemaversion>1.0.0</schemaversion>\n\
         \x20   <lom xmlns=\"http://ltsc.ieee.org/xsd/LOM\"><general><title><string language=\"{lang}\">{}</string></title>\
         <language>{lang}</language></general></lom>\n  </metadata>\n  <organizations/>\n  <resources>\n",
        identifier(&meta.code),
        escape(&meta.title),
    );
    let _ = writeln!(
        x,
        "    <resource identifier=\"TEST\" type=\"imsqti_test_xmlv2p1\" href=\"tests/test.xml\">\n      <file href=\"tests/test.xml\"/>"
    );
    for id in identifiers {
        let _ = writeln!(x, "      <dependency identifierref=\"RES-{id}\"/>");
    }
    x.push_str("    </resource>\n");
    for (item, id) in items.iter().zip(identifiers) {
        let _ = write!(
            x,
            "    <resource identifier=\"RES-{id}\" type=\"imsqti_item_xmlv2p1\" href=\"items/{id}.xml\">\n\
             \x20     <metadata><lom xmlns=\"http://ltsc.ieee.org/xsd/LOM\"><general>\
             <identifier><catalog>sathach</catalog><entry>{}</entry></identifier>",
            escape(&item.id)
        );
        for tag in &item.tags {
            let _ = write!(
                x,
                "<keyword><string language=\"{lang}\">{}</string></keyword>",
                escape(tag)
            );
        }
        let _ = writeln!(
            x,
            "</general><educational><difficulty><source>LOMv1.0</source><value>{}</value></difficulty></educational></lom></metadata>\n\
             \x20     <file href=\"items/{id}.xml\"/>",
            lom_difficulty(item.difficulty)
        );
        for picture in &item.media {
            let _ = writeln!(x, "      <file href=\"{}\"/>", escape(&uri(&picture.path)));
        }
        x.push_str("    </resource>\n");
    }
    x.push_str("  </resources>\n</manifest>\n");
    x
}

/// A test with one section per run of items of the same topic, titled by the topic code.
fn test(meta: &BankMeta, items: &[Item], identifiers: &[String]) -> String {
    let mut x = String::new();
    let _ = write!(
        x,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <assessmentTest xmlns=\"http://www.imsglobal.org/xsd/imsqti_v2p1\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.imsglobal.org/xsd/imsqti_v2p1 http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd\" \
         identifier=\"TEST-{}\" title=\"{}\" toolName=\"sathach\" toolVersion=\"{}\">\n\
         \x20 <testPart identifier=\"PART-1\" navigationMode=\"nonlinear\" submissionMode=\"simultaneous\">\n",
        identifier(&meta.code),
        escape(&meta.title),
        env!("CARGO_PKG_VERSION"),
    );
    let mut section = 0;
    let mut topic: Option<&str> = None;
    for (item, id) in items.iter().zip(identifiers) {
        if topic != Some(item.topic.as_str()) {
            if topic.is_some() {
                x.push_str("    </assessmentSection>\n");
            }
            section += 1;
            topic = Some(&item.topic);
            let _ = writeln!(
                x,
                "    <assessmentSection identifier=\"SECTION-{section}\" title=\"{}\" visible=\"true\">",
                escape(&item.topic)
            );
        }
        let _ = writeln!(
            x,
            "      <assessmentItemRef identifier=\"{id}\" href=\"../items/{id}.xml\"/>"
        );
    }
    if topic.is_some() {
        x.push_str("    </assessmentSection>\n");
    } else {
        x.push_str(
            "    <assessmentSection identifier=\"SECTION-1\" title=\"\" visible=\"true\"/>\n",
        );
    }
    x.push_str("  </testPart>\n</assessmentTest>\n");
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_valid_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(unique(identifier("T-001"), &mut used), "T-001");
        assert_eq!(unique(identifier("Câu 1"), &mut used), "C_u_1");
        assert_eq!(unique(identifier("C?u 1"), &mut used), "C_u_1_2");
        assert_eq!(unique(identifier("1a"), &mut used), "I_1a");
        assert_eq!(uri("media/hình 1.png"), "media/h%C3%ACnh%201.png");
    }
}
