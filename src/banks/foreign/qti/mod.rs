//! IMS QTI 2.1, 2.2 and 3.0: single item files (`assessmentItem`, `qti-assessment-item`)
//! and content packages (a `.zip` or a folder holding `imsmanifest.xml`, the items it lists
//! or its tests refer to, and their pictures) read as drafts; and a QTI 2.1 content
//! package written from a bank (`export_package`), which reads back to the same items.
//!
//! Supported interactions: choice (single, multiple with partial credit under
//! `map_response`, true/false as two choices `true`/`false`), inline choice (one per item),
//! text entry (short text; a number for float/integer responses, with a tolerance or
//! bounds from the response processing), order, match and associate (one-to-one pairs).
//! Every other interaction, and an item with several, is skipped by name and interaction.

mod bodies;
mod export;
mod item;
mod keys;
mod manifest;
mod package;
mod write_item;
mod xhtml;
mod xml;

#[cfg(test)]
mod export_tests;
#[cfg(test)]
mod interaction_tests;
#[cfg(test)]
mod malformed_tests;
#[cfg(test)]
mod package_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod text_entry_tests;

use std::collections::BTreeMap;

pub use export::export_package;

use super::Foreign;
use crate::banks::report::args;
use item::{Context, Read, read_item};
use manifest::{ItemFile, text_of};
use package::{Files, Package, Pictures, folder};
use xml::{name, parse};

/// Reads a QTI item file (`.xml`) or a content package (`.zip` with `imsmanifest.xml`).
pub fn read(name: &str, bytes: &[u8]) -> Foreign {
    let mut out = Foreign::default();
    if bytes.starts_with(b"PK\x03\x04") || name.to_lowercase().ends_with(".zip") {
        match crate::banks::archive::unzip(bytes) {
            Ok(entries) => read_zip(entries, &mut out),
            Err(problem) => out.errors.push((0, problem)),
        }
        return out;
    }
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name).to_string();
    let package = Package {
        files: Files::Map(BTreeMap::from([(file.clone(), bytes.to_vec())])),
        base: String::new(),
        single: true,
    };
    let mut pictures = Pictures::new();
    let only = ItemFile {
        path: file,
        ..ItemFile::default()
    };
    read_file(&package, &only, &mut pictures, &mut out, false);
    out.media = pictures.media;
    out
}

/// Reads an item file on disk, its pictures from the folder it is in (and below).
pub fn read_item_file(file: &std::path::Path) -> Foreign {
    let mut out = Foreign::default();
    let dir = file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(std::path::Path::new("."));
    let package = Package {
        files: Files::Dir(dir.to_path_buf()),
        base: String::new(),
        single: false,
    };
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let only = ItemFile {
        path: name.unwrap_or_default(),
        ..ItemFile::default()
    };
    let mut pictures = Pictures::new();
    read_file(&package, &only, &mut pictures, &mut out, false);
    out.media = pictures.media;
    out
}

/// Reads an unzipped content package: a folder holding `imsmanifest.xml`.
pub fn read_folder(dir: &std::path::Path) -> Foreign {
    let mut out = Foreign::default();
    if !dir.join("imsmanifest.xml").is_file() {
        out.errors.push((0, ("report.qti_no_manifest", vec![])));
        return out;
    }
    let package = Package {
        files: Files::Dir(dir.to_path_buf()),
        base: String::new(),
        single: false,
    };
    read_package(&package, &mut out);
    out
}

/// A zip's package: the manifest nearest the top (a zip may wrap the package in a folder).
fn read_zip(entries: BTreeMap<String, Vec<u8>>, out: &mut Foreign) {
    let manifest = entries
        .keys()
        .filter(|k| {
            let file = k.rsplit('/').next().unwrap_or(k);
            file.eq_ignore_ascii_case("imsmanifest.xml")
        })
        .min_by_key(|k| (k.matches('/').count(), k.len()))
        .cloned();
    let Some(manifest) = manifest else {
        out.errors.push((0, ("report.qti_no_manifest", vec![])));
        return;
    };
    let base = folder(&manifest).to_string();
    let mut entries = entries;
    // The manifest under its usual name, whatever its case.
    if let Some(bytes) = entries.remove(&manifest) {
        entries.insert(format!("{base}imsmanifest.xml"), bytes);
    }
    let package = Package {
        files: Files::Map(entries),
        base,
        single: false,
    };
    read_package(&package, out);
}

fn read_package(package: &Package, out: &mut Foreign) {
    let files = manifest::items(package, out);
    let mut pictures = Pictures::new();
    for file in &files {
        read_file(package, file, &mut pictures, out, true);
    }
    out.media.append(&mut pictures.media);
    if out.drafts.is_empty() {
        // Every item left out: the package imports nothing, and says why.
        let (refused, kept): (Vec<_>, Vec<_>) = std::mem::take(&mut out.warnings)
            .into_iter()
            .partition(|(_, (key, _))| *key == REFUSED);
        out.warnings = kept;
        let problems = refused
            .into_iter()
            .map(|(line, (_, args))| (line, (PROBLEM, args)));
        out.errors.extend(problems);
    }
}

/// An item of a package left out for its pictures (a warning: the others are read), and the
/// same as an error when no item of the package is read.
const REFUSED: &str = "bank.foreign2.qti_item_refused";
const PROBLEM: &str = "bank.foreign2.qti_item_problem";

/// Reads one item file of a package (or the file sent).
fn read_file(
    package: &Package,
    file: &ItemFile,
    pictures: &mut Pictures,
    out: &mut Foreign,
    in_package: bool,
) {
    let path = file.path.as_str();
    let bytes = match package.get(path) {
        Ok(bytes) => bytes,
        Err(problem) => return out.errors.push((0, problem)),
    };
    let Some(text) = text_of(path, &bytes, out) else {
        return;
    };
    let doc = match parse(path, text) {
        Ok(doc) => doc,
        Err(problem) => return out.errors.push(problem),
    };
    let root = doc.root_element();
    let problem = match name(root).as_str() {
        "assessmentItem" => {
            let dir = folder(path).to_string();
            let mut picture = |src: &str| pictures.get(package, &dir, src);
            let mut cx = Context {
                category: file.category.clone(),
                tags: file.tags.clone(),
                level: file.level,
                picture: &mut picture,
            };
            match read_item(root, &mut cx, out) {
                Read::Draft(draft) => out.drafts.push(draft),
                Read::Skipped(skipped) => out.skipped.push(skipped),
                Read::Failed => {}
                // Alone, the item's problems are the file's; in a package, the others read.
                Read::Refused { line, problems, .. } if !in_package => {
                    out.errors.extend(problems.into_iter().map(|p| (line, p)));
                }
                Read::Refused {
                    line,
                    name,
                    problems,
                } => {
                    for problem in problems {
                        let args = args![name = &name, problem = problem];
                        out.warnings.push((line, (REFUSED, args)));
                    }
                }
            }
            return;
        }
        "questestinterop" => ("report.qti_version_1", args![path = path]),
        "manifest" | "assessmentTest" if package.single => {
            let root = root.tag_name().name();
            ("report.qti_not_alone", args![path = path, root = root])
        }
        _ => {
            let root = root.tag_name().name();
            ("report.qti_not_qti", args![path = path, root = root])
        }
    };
    out.errors.push((0, problem));
}
