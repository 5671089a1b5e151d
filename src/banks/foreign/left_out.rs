//! What a file from another platform holds that a bank cannot keep, found so that the report
//! names it: pictures the file only refers to (`@@PLUGINFILE@@/…` without the picture),
//! audio, video and embedded content in HTML, and picture file names written as text.

use scraper::Html;

use super::html::nesting;

/// Moodle's address for a file of the question, which GIFT never carries.
pub const PLUGINFILE: &str = "@@PLUGINFILE@@/";

/// Markdown (as `html::to_markdown` writes it) without the pictures whose address starts
/// with `prefix`, and their names.
pub fn drop_pictures(markdown: &str, prefix: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(markdown.len());
    let mut names = Vec::new();
    let mut rest = markdown;
    while let Some(start) = unescaped(rest, "![") {
        let picture = &rest[start..];
        let Some((len, address)) = image(picture) else {
            out.push_str(&rest[..start + 2]);
            rest = &rest[start + 2..];
            continue;
        };
        out.push_str(&rest[..start]);
        match address.strip_prefix(prefix) {
            Some(name) => {
                let name = name.to_string();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
            None => out.push_str(&picture[..len]),
        }
        rest = &picture[len..];
        if out.ends_with(' ') && rest.starts_with(' ') {
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
    let text = out
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    (text, names)
}

/// Where `needle` first starts without a backslash escaping it.
fn unescaped(text: &str, needle: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find(needle) {
        let at = from + at;
        let slashes = text[..at].chars().rev().take_while(|c| *c == '\\').count();
        if slashes % 2 == 0 {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// `![alt](address)` or `![alt](<address>)` at the start: its length and address.
fn image(text: &str) -> Option<(usize, &str)> {
    let close = unescaped(text, "](")?;
    let after = &text[close + 2..];
    if let Some(inner) = after.strip_prefix('<') {
        let end = inner.find(">)")?;
        return Some((close + 2 + 1 + end + 2, &inner[..end]));
    }
    let end = after.find(')')?;
    Some((close + 2 + end + 1, &after[..end]))
}

/// Audio, video and embedded content in HTML, by address (or by element, without one).
pub fn media_in(html: &str) -> Vec<String> {
    const MEDIA: [&str; 7] = [
        "audio", "video", "source", "embed", "object", "iframe", "track",
    ];
    if !html.contains('<') || nesting(html).is_err() {
        return vec![];
    }
    let mut found: Vec<String> = Vec::new();
    let fragment = Html::parse_fragment(html);
    for element in fragment.root_element().descendants() {
        let Some(element) = element.value().as_element() else {
            continue;
        };
        let name = element.name();
        let address = element.attr("src").or(element.attr("data"));
        let what = if MEDIA.contains(&name) {
            match address {
                Some(address) => address.trim().to_string(),
                // `<audio>` whose `<source>`s say where it is: named by them.
                None if matches!(name, "audio" | "video") => continue,
                None => format!("<{name}>"),
            }
        } else if name == "a"
            && let Some(href) = element.attr("href").filter(|h| is_media_file(h))
        {
            href.trim().to_string()
        } else {
            continue;
        };
        if !found.contains(&what) {
            found.push(what);
        }
    }
    found
}

fn is_media_file(address: &str) -> bool {
    const EXTENSIONS: [&str; 10] = [
        "mp3", "mp4", "wav", "ogg", "oga", "webm", "m4a", "avi", "mov", "wma",
    ];
    has_extension(address, &EXTENSIONS)
}

fn has_extension(address: &str, extensions: &[&str]) -> bool {
    let path = address.split(['?', '#']).next().unwrap_or(address);
    path.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && extensions.iter().any(|e| ext.eq_ignore_ascii_case(e))
    })
}

/// Picture file names written as text in Markdown (`xem hình anh1.png`), outside pictures.
pub fn pictures_named(markdown: &str) -> Vec<String> {
    const PICTURES: [&str; 8] = ["png", "jpg", "jpeg", "gif", "bmp", "svg", "webp", "tif"];
    let (text, _) = drop_pictures(markdown, "");
    let mut found: Vec<String> = Vec::new();
    for word in text.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '"' | '\'')) {
        let word = word
            .replace('\\', "")
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_string();
        if has_extension(&word, &PICTURES) && !found.contains(&word) {
            found.push(word);
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_a_file_only_refers_to_are_taken_out_by_name() {
        let markdown = "Xem hình:\n\n![Hình 1](<@@PLUGINFILE@@/a b.png>) và ![x](@@PLUGINFILE@@/c.jpg)\n\n![giữ](media/d.png) \\![không phải hình](@@PLUGINFILE@@/e.png)";
        let (text, names) = drop_pictures(markdown, PLUGINFILE);
        assert_eq!(names, ["a b.png", "c.jpg"]);
        assert_eq!(
            text,
            "Xem hình:\n\nvà\n\n![giữ](media/d.png) \\![không phải hình](@@PLUGINFILE@@/e.png)"
        );
        assert_eq!(drop_pictures("không có hình", PLUGINFILE).1.len(), 0);
    }

    #[test]
    fn audio_video_and_picture_names_as_text_are_found() {
        let html = r#"<p>Nghe <audio controls><source src="bai1.mp3"></audio>, xem <video src="v.mp4"></video>, <iframe src="https://youtu.be/x"></iframe> <a href="nghe.wav">tải</a> <a href="https://x.vn">web</a></p>"#;
        assert_eq!(
            media_in(html),
            ["bai1.mp3", "v.mp4", "https://youtu.be/x", "nghe.wav"]
        );
        assert!(media_in("<p>chỉ có chữ</p>").is_empty());
        assert_eq!(
            pictures_named("Quan sát hình anh1.PNG và \\(hinh\\_2.jpg\\): ![x](media/y.png)"),
            ["anh1.PNG", "hinh_2.jpg"]
        );
        assert!(pictures_named("Tệp .png là gì? Phiên bản 1.5").is_empty());
    }
}
