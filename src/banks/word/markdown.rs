//! A piece of a Word paragraph as the Markdown subset of stems and options: text escaped so
//! that nothing a teacher typed turns into markup (`=A1*B1`, `<html>`, `# of files`), bold and
//! italic kept, superscript digits as Unicode (`m²`), pictures as `![description](media/…)`.

use super::document::{Look, PICTURE, Paragraph};
use crate::banks::markdown::{self, emphasized, escape, superscript};

/// The media path of a picture's package path: `word/media/image1.png` → `media/image1.png`.
pub fn media_path(package_path: &str) -> String {
    format!(
        "media/{}",
        package_path.rsplit('/').next().unwrap_or(package_path)
    )
}

/// Markdown for the characters `range` of a paragraph; pictures used go to `pictures` as
/// package paths.
pub fn render(
    paragraph: &Paragraph,
    range: std::ops::Range<usize>,
    pictures: &mut Vec<String>,
) -> String {
    let before = paragraph.chars[..range.start]
        .iter()
        .filter(|(c, _)| *c == PICTURE)
        .count();
    let mut next_picture = before;
    let mut out = String::new();
    let mut run = String::new();
    let mut run_look = Look::default();
    let chars = &paragraph.chars[range];
    for (c, look) in chars.iter() {
        let look = Look {
            marked: false,
            ..*look
        };
        if look != run_look && !run.is_empty() {
            push_run(&mut out, &run, run_look);
            run.clear();
        }
        run_look = look;
        match *c {
            PICTURE => {
                push_run(&mut out, &run, run_look);
                run.clear();
                if let Some(picture) = paragraph.pictures.get(next_picture) {
                    let description = if picture.description.is_empty() {
                        "Hình".to_string()
                    } else {
                        escape(&picture.description)
                    };
                    out.push_str(&format!("![{description}]({})", media_path(&picture.path)));
                    pictures.push(picture.path.clone());
                }
                next_picture += 1;
            }
            '\n' => {
                push_run(&mut out, &run, run_look);
                run.clear();
                out.push_str("\\\n");
            }
            '\t' => run.push(' '),
            c => run.push(c),
        }
    }
    push_run(&mut out, &run, run_look);
    out.trim().trim_end_matches('\\').trim().to_string()
}

/// Appends escaped text with its emphasis and raised digits.
fn push_run(out: &mut String, text: &str, look: Look) {
    let text: String = if look.superscript {
        text.chars().map(|c| superscript(c).unwrap_or(c)).collect()
    } else {
        text.to_string()
    };
    let marker = match (look.bold, look.italic) {
        (true, true) => "***",
        (true, false) => "**",
        (false, true) => "*",
        (false, false) => "",
    };
    out.push_str(&emphasized(&escape(&text), marker));
}

/// A Word table as a Markdown table (the first row as the header), cell text escaped.
pub fn table(rows: &[Vec<Vec<Paragraph>>], pictures: &mut Vec<String>) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| {
                    cell.iter()
                        .map(|p| render(p, 0..p.chars.len(), pictures).replace("\\\n", " "))
                        .filter(|t| !t.is_empty())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .collect()
        })
        .collect();
    markdown::table(&cells)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(parts: &[(&str, Look)]) -> Paragraph {
        Paragraph {
            chars: parts
                .iter()
                .flat_map(|(t, look)| t.chars().map(move |c| (c, *look)))
                .collect(),
            ..Paragraph::default()
        }
    }

    #[test]
    fn typed_text_never_becomes_markup() {
        let plain = Look::default();
        let p = paragraph(&[("Công thức =A1*B1 và <b> # [x] 3 & 4_5", plain)]);
        let md = render(&p, 0..p.chars.len(), &mut vec![]);
        let html = pulldown_cmark_html(&md);
        assert_eq!(
            html,
            "<p>Công thức =A1*B1 và &lt;b&gt; # [x] 3 &amp; 4_5</p>"
        );
        let p = paragraph(&[("1. không phải danh sách", plain)]);
        let md = render(&p, 0..p.chars.len(), &mut vec![]);
        assert_eq!(pulldown_cmark_html(&md), "<p>1. không phải danh sách</p>");
    }

    #[test]
    fn bold_italic_and_superscript_are_kept() {
        let bold = Look {
            bold: true,
            ..Look::default()
        };
        let sup = Look {
            superscript: true,
            ..Look::default()
        };
        let p = paragraph(&[
            ("Câu nào ", Look::default()),
            ("KHÔNG ", bold),
            ("đúng? 2", Look::default()),
            ("10", sup),
        ]);
        let md = render(&p, 0..p.chars.len(), &mut vec![]);
        assert_eq!(md, "Câu nào **KHÔNG** đúng? 2¹⁰");
    }

    fn pulldown_cmark_html(md: &str) -> String {
        let mut used = vec![];
        crate::banks::markdown::render(md, &Default::default(), &mut used).unwrap()
    }
}
