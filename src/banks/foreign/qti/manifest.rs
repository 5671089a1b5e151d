//! `imsmanifest.xml` and tests: which files are items, in which order, under which section
//! titles, with which keywords and difficulty from the package's LOM metadata.

use crate::banks::model::Difficulty;
use roxmltree::Node;

use super::{
    package::{Package, folder, resolve},
    xml::{attr, find, is, kid, kids, name, parse, text},
};
use crate::banks::{
    foreign::Foreign,
    report::{Msg, args},
    source::decode,
};

/// An item file to read, and what the package says about it.
#[derive(Debug, Default, Clone, PartialEq)]
pub(super) struct ItemFile {
    pub path: String,
    /// The title of the test section holding it.
    pub category: Option<String>,
    /// LOM keywords.
    pub tags: Vec<String>,
    /// The level its LOM difficulty names.
    pub level: Option<Difficulty>,
}

/// What the manifest lists: the item files (tests' order first) and the package's title.
pub(super) fn items(package: &Package, out: &mut Foreign) -> Vec<ItemFile> {
    let path = "imsmanifest.xml";
    with_root(package, path, out, |manifest, out| {
        listed(package, manifest, out)
    })
    .unwrap_or_default()
}

/// Reads an XML file of the package and hands its root element to `read`; a file missing,
/// unreadable or not well-formed is reported instead.
fn with_root<T>(
    package: &Package,
    path: &str,
    out: &mut Foreign,
    read: impl FnOnce(Node, &mut Foreign) -> T,
) -> Option<T> {
    let bytes = fetch(package, path, out)?;
    let content = text_of(path, &bytes, out)?;
    match parse(path, content) {
        Ok(doc) => Some(read(doc.root_element(), out)),
        Err(problem) => {
            out.errors.push(problem);
            None
        }
    }
}

/// The item files a manifest lists.
fn listed(package: &Package, manifest: Node, out: &mut Foreign) -> Vec<ItemFile> {
    let path = "imsmanifest.xml";
    if !is(manifest, "manifest") {
        let root = manifest.tag_name().name();
        out.errors
            .push((0, ("report.qti_not_qti", args![path = path, root = root])));
        return vec![];
    }
    let mut listed: Vec<ItemFile> = Vec::new();
    let mut tests = Vec::new();
    let resources = kid(manifest, "resources");
    let base = xml_base("", manifest);
    let base = resources.map_or(base.clone(), |r| xml_base(&base, r));
    for resource in resources.iter().flat_map(|r| kids(*r, "resource")) {
        let kind = attr(resource, "type")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let base = xml_base(&base, resource);
        let href = attr(resource, "href").or_else(|| {
            kids(resource, "file")
                .filter_map(|f| attr(f, "href"))
                .find(|h| h.to_ascii_lowercase().ends_with(".xml"))
        });
        let Some(href) = href else { continue };
        let path = match resolve(&base, href) {
            Ok(path) => path,
            Err(problem) => {
                out.errors.push((super::xml::line(resource), problem));
                continue;
            }
        };
        // `imsqti_item_xmlv2p1`, `…v2p2`, `…v3p0`, APIP's `imsqti_apipitem_xmlv2p1`…
        let qti = kind.starts_with("imsqti_");
        if qti && kind.contains("item") {
            let (tags, level) = lom(resource);
            listed.push(ItemFile {
                path,
                category: None,
                tags,
                level,
            });
        } else if qti && kind.contains("test") {
            tests.push(path);
        } else if kind.starts_with("imsqti_xmlv1") {
            out.errors
                .push((0, ("report.qti_version_1", args![path = path])));
        }
    }
    let mut files: Vec<ItemFile> = Vec::new();
    for test in &tests {
        for mut file in test_items(package, test, out) {
            if let Some(resource) = listed.iter().find(|l| l.path == file.path) {
                file.tags = resource.tags.clone();
                file.level = resource.level;
            }
            if !files.iter().any(|f| f.path == file.path) {
                files.push(file);
            }
        }
    }
    for file in listed {
        if !files.iter().any(|f| f.path == file.path) {
            files.push(file);
        }
    }
    if out.title.is_none() {
        out.title = kid(manifest, "metadata")
            .and_then(|m| find(m, "lom"))
            .and_then(|l| kid(l, "general"))
            .and_then(|g| kid(g, "title"))
            .map(text)
            .filter(|t| !t.is_empty());
    }
    if files.is_empty() && out.errors.is_empty() {
        out.errors.push((0, ("report.qti_no_items", vec![])));
    }
    files
}

/// A folder with an element's `xml:base` applied.
fn xml_base(folder: &str, node: Node) -> String {
    let Some(base) = node.attribute((roxmltree::NS_XML_URI, "base")) else {
        return folder.to_string();
    };
    match resolve(folder, base) {
        Ok(path) if !path.is_empty() => format!("{path}/"),
        _ => folder.to_string(),
    }
}

/// Keywords of a resource's LOM metadata, and the level its difficulty names.
fn lom(resource: Node) -> (Vec<String>, Option<Difficulty>) {
    let Some(lom) = kid(resource, "metadata").and_then(|m| find(m, "lom")) else {
        return (vec![], None);
    };
    let mut tags = Vec::new();
    let level = kid(lom, "educational")
        .and_then(|e| kid(e, "difficulty"))
        .and_then(|d| kid(d, "value"))
        .map(text);
    let level = match level.as_deref() {
        Some("very easy" | "easy") => Some(Difficulty::NB),
        Some("medium") => Some(Difficulty::TH),
        Some("difficult") => Some(Difficulty::VD),
        Some("very difficult") => Some(Difficulty::VDC),
        _ => None,
    };
    for general in kids(lom, "general") {
        for keyword in kids(general, "keyword") {
            let words: Vec<String> = keyword
                .children()
                .filter(|s| is(*s, "string"))
                .map(text)
                .collect();
            tags.extend(words.into_iter().filter(|w| !w.is_empty()));
        }
    }
    (tags, level)
}

/// The items a test refers to, in order, each under its section's title.
fn test_items(package: &Package, path: &str, out: &mut Foreign) -> Vec<ItemFile> {
    with_root(package, path, out, |test, out| refs_of(test, path, out)).unwrap_or_default()
}

/// The item references of a test element.
fn refs_of(test: Node, path: &str, out: &mut Foreign) -> Vec<ItemFile> {
    if !is(test, "assessmentTest") {
        return vec![];
    }
    if attr(test, "toolName") == Some(super::item::TOOL) && out.code.is_none() {
        // A package sathach wrote names its bank: `TEST-<code>`.
        out.code = attr(test, "identifier")
            .and_then(|i| i.strip_prefix("TEST-"))
            .map(str::to_string);
    }
    if out.title.is_none() {
        out.title = attr(test, "title").map(str::to_string);
    }
    let mut found = Vec::new();
    walk(0, test, folder(path), None, &mut found, out);
    found
}

fn walk(
    depth: usize,
    node: Node,
    dir: &str,
    section: Option<&str>,
    found: &mut Vec<ItemFile>,
    out: &mut Foreign,
) {
    // Sections nest a few levels; a file nesting them deeper is not followed further.
    if depth > 32 {
        return;
    }
    for child in node.children().filter(|c| c.is_element()) {
        match name(child).as_str() {
            "testPart" => walk(depth + 1, child, dir, section, found, out),
            "assessmentSection" => {
                let title = attr(child, "title").filter(|t| !t.trim().is_empty());
                walk(depth + 1, child, dir, title.or(section), found, out);
            }
            "assessmentItemRef" => {
                let Some(href) = attr(child, "href") else {
                    continue;
                };
                match resolve(dir, href) {
                    Ok(path) => found.push(ItemFile {
                        path,
                        category: section.map(|s| s.trim().to_string()),
                        tags: vec![],
                        level: None,
                    }),
                    Err(problem) => out.errors.push((super::xml::line(child), problem)),
                }
            }
            _ => {}
        }
    }
}

fn fetch(package: &Package, path: &str, out: &mut Foreign) -> Option<Vec<u8>> {
    package
        .get(path)
        .map_err(|problem| out.errors.push((0, problem)))
        .ok()
}

/// UTF-8 text of a file, or its encoding problem reported with the file's path.
pub(super) fn text_of<'b>(path: &str, bytes: &'b [u8], out: &mut Foreign) -> Option<&'b str> {
    decode(bytes)
        .map_err(|problem: Msg| {
            let args = args![path = path, problem = problem];
            out.errors.push((0, ("report.qti_in_file", args)))
        })
        .ok()
}
