//! Content packages: the files of a `.zip` or a folder, paths resolved inside the package
//! (never outside it), the manifest's resources and metadata, tests and their sections, and
//! the pictures items show.

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
};

use base64::Engine;

use crate::banks::{
    MediaFile,
    report::{Msg, args},
    source::human_size,
};
use crate::config::DEFAULT_UPLOAD_LIMIT_BYTES as DEFAULT_LIMIT_BYTES;

/// Where a package's files are.
pub(super) enum Files {
    /// Entries of a zip (or the one file sent), by path.
    Map(BTreeMap<String, Vec<u8>>),
    /// An unzipped package on disk.
    Dir(PathBuf),
}

/// A package: its files, and the folder of its manifest, which paths are relative to.
pub(super) struct Package {
    pub files: Files,
    /// `""` or `folder/`: where `imsmanifest.xml` is.
    pub base: String,
    /// A single item file was sent: its pictures cannot be in it.
    pub single: bool,
}

impl Package {
    /// A file by its path in the package.
    pub fn get(&self, path: &str) -> Result<Vec<u8>, Msg> {
        let missing = || ("report.qti_file_missing", args![path = path]);
        match &self.files {
            Files::Map(map) => map
                .get(&format!("{}{path}", self.base))
                .cloned()
                .ok_or_else(missing),
            Files::Dir(root) => read_inside(root, path).map_err(|e| match e {
                None => missing(),
                Some(error) => (
                    "report.qti_file_unreadable",
                    args![path = path, error = error],
                ),
            }),
        }
    }
}

/// A file of a folder, refused when it (through a link) lies outside the folder or is over
/// the upload limit. Err(None): no such file.
fn read_inside(root: &Path, path: &str) -> Result<Vec<u8>, Option<String>> {
    let root = root.canonicalize().map_err(|e| Some(e.to_string()))?;
    let file = root.join(path).canonicalize().map_err(|_| None)?;
    if !file.starts_with(&root) || !file.is_file() {
        return Err(None);
    }
    let size = std::fs::metadata(&file)
        .map_err(|e| Some(e.to_string()))?
        .len();
    if size > DEFAULT_LIMIT_BYTES as u64 {
        return Err(Some(format!("> {}", human_size(DEFAULT_LIMIT_BYTES))));
    }
    std::fs::read(&file).map_err(|e| Some(e.to_string()))
}

/// The folder of a path, with its slash: `a/b.xml` → `a/`.
pub(super) fn folder(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..=i])
}

/// An address with a scheme (`http:`, `data:`), not a path in the package.
pub(super) fn has_scheme(href: &str) -> bool {
    href.split_once(':').is_some_and(|(scheme, _)| {
        scheme.len() > 1
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

/// A relative address (percent-encoded, maybe with `..`) from a folder of the package, as
/// a path in the package; an address leaving the package is refused.
pub(super) fn resolve(folder: &str, href: &str) -> Result<String, Msg> {
    let outside = || ("report.qti_path_outside", args![path = href]);
    let href = href.trim();
    let href = href.split(['#', '?']).next().unwrap_or_default();
    let decoded = percent_decode(href).replace('\\', "/");
    if decoded.starts_with('/') || has_scheme(&decoded) || decoded.contains('\0') {
        return Err(outside());
    }
    let mut parts: Vec<&str> = folder.split('/').filter(|p| !p.is_empty()).collect();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop().ok_or_else(outside)?;
            }
            part => parts.push(part),
        }
    }
    Ok(parts.join("/"))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The pictures of a package's items, each added to the bank's media once under a unique
/// `media/NAME`.
pub(super) struct Pictures {
    by_path: BTreeMap<String, Result<String, Msg>>,
    pub media: Vec<MediaFile>,
}

impl Pictures {
    pub fn new() -> Self {
        Pictures {
            by_path: BTreeMap::new(),
            media: Vec::new(),
        }
    }

    /// An `<img src>` of an item in `folder`: its media path, None for another site's
    /// picture (kept, and refused by the native reader with its message), or the problem.
    pub fn get(
        &mut self,
        package: &Package,
        folder: &str,
        src: &str,
    ) -> Result<Option<String>, Msg> {
        if let Some(data) = src.trim().strip_prefix("data:") {
            return self.inline(src, data).map(Some);
        }
        if has_scheme(src) || src.starts_with("//") {
            return Ok(None);
        }
        let path = resolve(folder, src)?;
        if let Some(known) = self.by_path.get(&path) {
            return known.clone().map(Some);
        }
        let found = match package.get(&path) {
            Err(_) if package.single => Err(("report.qti_picture_not_sent", args![path = &path])),
            Err(("report.qti_file_missing", _)) => {
                Err(("report.qti_picture_missing", args![path = &path]))
            }
            Err(problem) => Err(problem),
            Ok(bytes) => {
                let file = path.rsplit('/').next().unwrap_or(&path);
                self.add(file, bytes)
            }
        };
        self.by_path.insert(path, found.clone());
        found.map(Some)
    }

    /// A `data:image/png;base64,…` picture.
    fn inline(&mut self, src: &str, data: &str) -> Result<String, Msg> {
        let refused = || {
            (
                "report.qti_picture_data",
                args![start = src.chars().take(40).collect::<String>()],
            )
        };
        let (kind, payload) = data.split_once(',').ok_or_else(refused)?;
        if !kind.ends_with(";base64") {
            return Err(refused());
        }
        let cleaned: String = payload.chars().filter(|c| !c.is_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(cleaned)
            .map_err(|_| refused())?;
        let ext = kind
            .trim_end_matches(";base64")
            .rsplit('/')
            .next()
            .filter(|e| e.chars().all(|c| c.is_ascii_alphanumeric()))
            .unwrap_or("png")
            .to_string();
        let n = self.media.len() + 1;
        self.add(&format!("hinh-{n}.{ext}"), bytes)
    }

    /// Adds a picture under a name no other picture has (see `foreign::add_picture`).
    fn add(&mut self, file: &str, bytes: Vec<u8>) -> Result<String, Msg> {
        crate::banks::foreign::add_picture(&mut self.media, file, bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_package() {
        assert_eq!(resolve("Items/A/", "img.png").unwrap(), "Items/A/img.png");
        assert_eq!(
            resolve("Tests/T/", "../../Items/A/x.xml").unwrap(),
            "Items/A/x.xml"
        );
        assert_eq!(resolve("", "./a%20b/c.png#x").unwrap(), "a b/c.png");
        assert_eq!(resolve("a/", "b\\c.png").unwrap(), "a/b/c.png");
        for bad in [
            "../x.xml",
            "a/../../x",
            "/etc/passwd",
            "file:///etc/passwd",
            "%2e%2e/x",
        ] {
            let (key, _) = resolve("", bad).unwrap_err();
            assert_eq!(key, "report.qti_path_outside", "{bad}");
        }
        assert_eq!(folder("a/b/c.xml"), "a/b/");
        assert_eq!(folder("c.xml"), "");
    }
}
