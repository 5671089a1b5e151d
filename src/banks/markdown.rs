//! The Markdown subset of stems and options, rendered to safe HTML once at import: raw HTML
//! is refused, links are refused, pictures must be the bank's own media.

use std::collections::BTreeMap;

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

/// Renders Markdown to HTML, or says what is not allowed. `media` maps the bank's files
/// (paths like `media/hinh-1.png`) to the URLs they are served at; `used` collects the media
/// the text refers to.
pub fn render(
    source: &str,
    media: &BTreeMap<String, String>,
    used: &mut Vec<String>,
) -> Result<String, String> {
    let parser = Parser::new_ext(
        source,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    );
    let mut events = Vec::new();
    for mut event in parser {
        match &mut event {
            Event::Html(raw) | Event::InlineHtml(raw) => {
                return Err(format!(
                    "raw HTML is not allowed ({}); use Markdown such as **bold** or `code`",
                    raw.trim()
                ));
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                return Err(format!(
                    "links are not allowed in questions ({dest_url}); write the address as text"
                ));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                let path = dest_url.trim_start_matches("./").to_string();
                let Some(url) = media.get(&path) else {
                    return Err(format!(
                        "the picture {dest_url} is not a file of this bank's media/ folder; add it there and refer to it as media/NAME"
                    ));
                };
                *dest_url = CowStr::from(url.clone());
                if !used.contains(&path) {
                    used.push(path);
                }
            }
            _ => {}
        }
        events.push(event);
    }
    let mut out = String::with_capacity(source.len() + 16);
    html::push_html(&mut out, events.into_iter());
    Ok(out.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_the_subset() {
        let mut used = vec![];
        let none = BTreeMap::new();
        let html = render("Nhấn **Ctrl + S** để `lưu`", &none, &mut used).unwrap();
        assert_eq!(
            html,
            "<p>Nhấn <strong>Ctrl + S</strong> để <code>lưu</code></p>"
        );
        let html = render("a < b & c", &none, &mut used).unwrap();
        assert_eq!(html, "<p>a &lt; b &amp; c</p>");
    }

    #[test]
    fn refuses_html_scripts_links_and_foreign_pictures() {
        let mut used = vec![];
        let none = BTreeMap::new();
        assert!(
            render("<script>alert(1)</script>", &none, &mut used)
                .unwrap_err()
                .contains("raw HTML")
        );
        assert!(
            render("xem <b>đây</b>", &none, &mut used)
                .unwrap_err()
                .contains("raw HTML")
        );
        assert!(
            render("[bấm](https://evil.example)", &none, &mut used)
                .unwrap_err()
                .contains("links")
        );
        assert!(render("![x](https://evil.example/a.png)", &none, &mut used).is_err());
        assert!(render("[x](javascript:alert(1))", &none, &mut used).is_err());
    }

    #[test]
    fn accepts_bank_media_and_records_it() {
        let media = BTreeMap::from([("media/hinh-1.png".to_string(), "/media/abc".to_string())]);
        let mut used = vec![];
        let html = render("![Màn hình Windows](media/hinh-1.png)", &media, &mut used).unwrap();
        assert!(
            html.contains("<img src=\"/media/abc\" alt=\"Màn hình Windows\""),
            "{html}"
        );
        assert_eq!(used, vec!["media/hinh-1.png".to_string()]);
    }
}
