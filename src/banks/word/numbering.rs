//! Word's automatic numbering: the labels ("Câu 1:", "A.", "a)") Word draws before numbered
//! paragraphs are not in their text, so they are worked out from `numbering.xml` the way Word
//! counts: one counter per list (abstract numbering) and level, deeper levels restarting, a
//! numbering instance with a start override restarting its list where it is first used.

use std::collections::{BTreeMap, BTreeSet};

use roxmltree::Node;

use crate::banks::xml::{self, attr, child};

/// A level of a list: how its number is written, where it starts, the label's pattern.
#[derive(Clone, Debug)]
struct Level {
    format: String,
    start: u32,
    text: String,
}

/// The numbering definitions of a document, and the counters while reading it.
#[derive(Default)]
pub struct Numbering {
    /// abstractNumId → levels.
    lists: BTreeMap<String, Vec<Level>>,
    /// numId → (abstractNumId, start overrides by level).
    instances: BTreeMap<String, (String, BTreeMap<usize, u32>)>,
    counters: BTreeMap<String, Vec<Option<u32>>>,
    started: BTreeSet<String>,
}

/// The `w:val` of a node's child (`<w:numFmt w:val="decimal"/>`).
fn val<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name).and_then(xml::val)
}

impl Numbering {
    pub fn read(xml: Option<&str>) -> Numbering {
        let Some(doc) = xml.and_then(|x| crate::banks::xml::parse(x).ok()) else {
            return Numbering::default();
        };
        let mut numbering = Numbering::default();
        for list in doc
            .descendants()
            .filter(|n| n.tag_name().name() == "abstractNum")
        {
            let Some(id) = attr(list, "abstractNumId") else {
                continue;
            };
            let mut levels = Vec::new();
            for level in list
                .children()
                .filter(|n| n.tag_name().name() == "lvl")
                .take(9)
            {
                levels.push(Level {
                    format: val(level, "numFmt").unwrap_or("decimal").to_string(),
                    start: val(level, "start")
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(1),
                    text: val(level, "lvlText").unwrap_or_default().to_string(),
                });
            }
            numbering.lists.insert(id.to_string(), levels);
        }
        for num in doc.descendants().filter(|n| n.tag_name().name() == "num") {
            let (Some(id), Some(list)) = (attr(num, "numId"), val(num, "abstractNumId")) else {
                continue;
            };
            let overrides = num
                .children()
                .filter(|n| n.tag_name().name() == "lvlOverride")
                .filter_map(|o| {
                    let level = attr(o, "ilvl")?.parse().ok()?;
                    let start = val(o, "startOverride")?.parse().ok()?;
                    Some((level, start))
                })
                .collect();
            numbering
                .instances
                .insert(id.to_string(), (list.to_string(), overrides));
        }
        numbering
    }

    /// The label of the next paragraph numbered `num_id` at `level`, or None for a bullet, a
    /// list the document does not define, or a label Word would draw from a picture.
    pub fn next_label(&mut self, num_id: &str, level: usize) -> Option<String> {
        let (list, overrides) = self.instances.get(num_id)?.clone();
        let levels = self.lists.get(&list)?.clone();
        let definition = levels.get(level)?;
        let counters = self
            .counters
            .entry(list.clone())
            .or_insert_with(|| vec![None; levels.len()]);
        if self.started.insert(num_id.to_string()) {
            for (at, start) in &overrides {
                if let Some(counter) = counters.get_mut(*at) {
                    *counter = Some(start.saturating_sub(1));
                }
            }
        }
        let current = counters[level].map_or(definition.start, |n| n + 1);
        counters[level] = Some(current);
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        if definition.format == "bullet" || definition.format == "none" {
            return None;
        }
        let mut label = definition.text.clone();
        for (at, lvl) in levels.iter().enumerate().take(level + 1) {
            let n = counters[at].unwrap_or(lvl.start);
            label = label.replace(&format!("%{}", at + 1), &written(n, &lvl.format)?);
        }
        Some(label)
    }
}

/// A number as a list level writes it.
fn written(n: u32, format: &str) -> Option<String> {
    let letter = |base: u8| {
        let n = n.max(1) - 1;
        let c = char::from(base + (n % 26) as u8);
        c.to_string().repeat(n as usize / 26 + 1)
    };
    Some(match format {
        "decimal" | "decimalZero" => {
            if format == "decimalZero" && n < 10 {
                format!("0{n}")
            } else {
                n.to_string()
            }
        }
        "upperLetter" => letter(b'A'),
        "lowerLetter" => letter(b'a'),
        "upperRoman" => roman(n),
        "lowerRoman" => roman(n).to_lowercase(),
        _ => return None,
    })
}

fn roman(mut n: u32) -> String {
    let mut out = String::new();
    for (value, digits) in [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ] {
        while n >= value {
            out.push_str(digits);
            n -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const XML: &str = r#"<w:numbering xmlns:w="w">
      <w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="Câu %1:"/></w:lvl></w:abstractNum>
      <w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl>
        <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="%1.%2)"/></w:lvl></w:abstractNum>
      <w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum>
      <w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
      <w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
      <w:num w:numId="3"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
      <w:num w:numId="4"><w:abstractNumId w:val="2"/></w:num>
    </w:numbering>"#;

    #[test]
    fn labels_count_like_word() {
        let mut n = Numbering::read(Some(XML));
        let mut next = |id: &str, level: usize| n.next_label(id, level);
        assert_eq!(next("1", 0).as_deref(), Some("Câu 1:"));
        assert_eq!(next("2", 0).as_deref(), Some("A."));
        assert_eq!(next("2", 0).as_deref(), Some("B."));
        assert_eq!(next("2", 1).as_deref(), Some("B.i)"));
        assert_eq!(next("1", 0).as_deref(), Some("Câu 2:"));
        // The same list goes on; a restarted instance starts again at A.
        assert_eq!(next("2", 0).as_deref(), Some("C."));
        assert_eq!(next("3", 0).as_deref(), Some("A."));
        assert_eq!(next("3", 0).as_deref(), Some("B."));
        assert_eq!(next("4", 0), None, "bullets have no label");
        assert_eq!(next("9", 0), None, "an undefined list");
        assert_eq!(roman(1994), "MCMXCIV");
    }
}
