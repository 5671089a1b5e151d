//! The format help page (`/help/banks`): a short guide in the page's language, then
//! `question_banks/README.md` itself rendered from its Markdown, so the page and the file
//! never drift apart. Public: it is documentation, the same as the repository's, for the
//! teachers who write banks as much as for the staff who upload them.

use std::sync::OnceLock;

use actix_web::{HttpResponse, web};
use askama::Template;
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};

use crate::web::{AppError, Chrome, Page, render};

/// The format's documentation, as shipped.
pub const README: &str = include_str!("../../question_banks/README.md");

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/help/banks", web::get().to(page));
}

#[derive(Template)]
#[template(path = "banks/help.html")]
struct HelpPage {
    chrome: Chrome,
    guide: &'static Guide,
}

/// The README as HTML, with its sections for a table of contents.
pub struct Guide {
    pub html: String,
    /// (anchor, title, whether a top heading) of the README's first two levels of headings.
    pub sections: Vec<(String, String, bool)>,
}

async fn page(Page(chrome): Page) -> Result<HttpResponse, AppError> {
    static GUIDE: OnceLock<Guide> = OnceLock::new();
    let guide = GUIDE.get_or_init(|| guide(README));
    render(&HelpPage { chrome, guide }, 200)
}

/// Where a link of the README goes on the web: the templates to their download addresses,
/// web addresses as they are; other files of the repository have no address here (`None`).
fn web_link(dest: &str) -> Option<String> {
    match dest {
        d if d.starts_with("https://") || d.starts_with('#') => Some(d.to_string()),
        d if d.ends_with("mau-ngan-hang-cau-hoi.docx") => Some("/banks/template.docx".into()),
        d if d.ends_with("mau-ngan-hang-cau-hoi.csv") || d.ends_with(".xlsx") => {
            Some("/banks/template.xlsx".into())
        }
        _ => None,
    }
}

/// A heading's anchor: its letters and digits, lower case, joined by `-`.
fn anchor(title: &str) -> String {
    title
        .to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

/// Renders the README: headings one level down (the page has its own `h1`) with anchors, raw
/// HTML shown as text, links the web has no address for kept as their text.
pub fn guide(markdown: &str) -> Guide {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let events: Vec<Event> = Parser::new_ext(markdown, options).collect();
    let mut out = Vec::with_capacity(events.len());
    let mut sections = Vec::new();
    let mut dropped_links = 0usize;
    let mut i = 0;
    while i < events.len() {
        match events[i].clone() {
            Event::Start(Tag::Heading { level, .. }) => {
                let end = events[i..]
                    .iter()
                    .position(|e| matches!(e, Event::End(TagEnd::Heading(_))))
                    .map_or(events.len(), |p| i + p);
                let title: String = events[i + 1..end]
                    .iter()
                    .filter_map(|e| match e {
                        Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                        _ => None,
                    })
                    .collect();
                let id = anchor(&title);
                let lower = lower_level(level);
                if matches!(level, HeadingLevel::H1 | HeadingLevel::H2) {
                    sections.push((id.clone(), title, level == HeadingLevel::H1));
                }
                out.push(Event::Start(Tag::Heading {
                    level: lower,
                    id: Some(CowStr::from(id)),
                    classes: vec![],
                    attrs: vec![],
                }));
                out.extend(events[i + 1..end].iter().cloned());
                out.push(Event::End(TagEnd::Heading(lower)));
                i = end + 1;
                continue;
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match web_link(&dest_url) {
                Some(url) => out.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: CowStr::from(url),
                    title,
                    id,
                })),
                None => dropped_links += 1,
            },
            Event::End(TagEnd::Link) if dropped_links > 0 => dropped_links -= 1,
            Event::Html(raw) | Event::InlineHtml(raw) => out.push(Event::Text(raw)),
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => {}
            event => out.push(event),
        }
        i += 1;
    }
    let mut html_out = String::with_capacity(markdown.len() * 2);
    html::push_html(&mut html_out, out.into_iter());
    Guide {
        html: html_out,
        sections,
    }
}

fn lower_level(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_renders_with_its_sections_and_no_raw_html() {
        let guide = guide(README);
        let titles: Vec<&str> = guide.sections.iter().map(|s| s.1.as_str()).collect();
        assert!(titles.contains(&"Word (.docx)"), "{titles:?}");
        assert!(
            guide
                .html
                .contains(r#"<h3 id="word-docx">Word (.docx)</h3>"#)
        );
        assert!(!guide.html.contains("<h1"));
        assert!(guide.html.contains(r#"href="/banks/template.docx""#));
    }

    #[test]
    fn raw_html_and_unknown_links_stay_text() {
        let guide = guide("# T\n\n<script>x</script>\n\nsee [the file](other.toml) and <b>b</b>\n");
        assert!(!guide.html.contains("<script>"), "{}", guide.html);
        assert!(guide.html.contains("&lt;script&gt;"));
        assert!(
            guide.html.contains("see the file and &lt;b&gt;b&lt;/b&gt;"),
            "{}",
            guide.html
        );
    }
}
