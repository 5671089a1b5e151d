//! A Word document's package: a `.docx` is a zip (unpacked with `archive::unzip`'s care), so an
//! old `.doc` and a zip without a document are refused with a message before anything is parsed.

use std::collections::BTreeMap;

use crate::banks::{archive::unzip, report::Msg};

/// The parts of a Word document the reader uses.
pub struct Package {
    /// The main document part (`word/document.xml`).
    pub document: String,
    pub styles: Option<String>,
    pub numbering: Option<String>,
    /// The main part's relationships: pictures are found through them.
    pub relationships: Option<String>,
    /// Every other entry under the main part's folder, by path (`word/media/image1.png`).
    pub files: BTreeMap<String, Vec<u8>>,
    /// The folder of the main part (`word/`), for resolving relationship targets.
    pub folder: String,
}

/// The old binary Word format (an OLE compound file) begins with these bytes.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub fn open(bytes: &[u8]) -> Result<Package, Msg> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(("report.docx_old_doc", vec![]));
    }
    // A file that is not a zip at all is, to the teacher, a Word file that cannot be read.
    let entries = unzip(bytes).map_err(|(key, args)| match key {
        "report.zip_unopenable" => ("report.docx_unreadable", args),
        _ => (key, args),
    })?;
    let main = main_part(&entries).ok_or(("report.docx_no_document", vec![]))?;
    let text = |path: &str| {
        entries
            .get(path)
            .map(|b| String::from_utf8_lossy(b).into_owned())
    };
    let document = text(&main).ok_or(("report.docx_no_document", vec![]))?;
    let (folder, file) = main.rsplit_once('/').unwrap_or(("", &main));
    let folder = if folder.is_empty() {
        String::new()
    } else {
        format!("{folder}/")
    };
    let relationships = text(&format!("{folder}_rels/{file}.rels"));
    let styles = text(&format!("{folder}styles.xml"));
    let numbering = text(&format!("{folder}numbering.xml"));
    let files = entries
        .into_iter()
        .filter(|(path, _)| path.starts_with(&folder) && !path.ends_with(".xml"))
        .collect();
    Ok(Package {
        document,
        styles,
        numbering,
        relationships,
        files,
        folder,
    })
}

/// The main document part: the package relationship of type `officeDocument`, else
/// `word/document.xml`.
fn main_part(entries: &BTreeMap<String, Vec<u8>>) -> Option<String> {
    let named = entries
        .get("_rels/.rels")
        .and_then(|rels| {
            let rels = String::from_utf8_lossy(rels);
            let doc = crate::banks::xml::parse(&rels).ok()?;
            doc.descendants()
                .filter(|n| n.tag_name().name() == "Relationship")
                .find(|n| {
                    n.attribute("Type")
                        .is_some_and(|t| t.ends_with("/officeDocument"))
                })
                .and_then(|n| n.attribute("Target"))
                .map(|t| t.trim_start_matches('/').to_string())
        })
        .filter(|path| entries.contains_key(path));
    named.or_else(|| {
        entries
            .contains_key("word/document.xml")
            .then(|| "word/document.xml".to_string())
    })
}

/// The relationship targets of the main part by id (`rId5` → `word/media/image1.png`).
pub fn targets(package: &Package) -> BTreeMap<String, String> {
    let Some(rels) = &package.relationships else {
        return BTreeMap::new();
    };
    let Ok(doc) = crate::banks::xml::parse(rels) else {
        return BTreeMap::new();
    };
    doc.descendants()
        .filter(|n| n.tag_name().name() == "Relationship")
        .filter(|n| n.attribute("TargetMode") != Some("External"))
        .filter_map(|n| {
            let target = n.attribute("Target")?;
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("{}{target}", package.folder),
            };
            Some((n.attribute("Id")?.to_string(), path))
        })
        .collect()
}
