//! XML trees (roxmltree) read by local name, whatever the namespace prefix: Word's and
//! Moodle's vocabularies are matched by name, so strict and transitional files read alike.
//! Every uploaded XML file is parsed by `parse`: no DTD (so no entity can expand), and node
//! and nesting limits, so the readers' recursive walks stay shallow.

use roxmltree::{Document, Node, ParsingOptions};

use crate::limits::{Exceeded, MAX_XML_NESTING, MAX_XML_NODES};

/// Why an XML text is not read: broken, or past a limit.
#[derive(Debug)]
pub enum Unparsed {
    Syntax(roxmltree::Error),
    Limit(Exceeded),
}

impl std::fmt::Display for Unparsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unparsed::Syntax(e) => e.fmt(f),
            Unparsed::Limit(limit) => write!(f, "{} {}", limit.key(), limit.figure()),
        }
    }
}

/// Parses an uploaded XML text within the limits; a DTD is refused.
pub fn parse(text: &str) -> Result<Document<'_>, Unparsed> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_XML_NODES,
        entity_resolver: None,
    };
    let doc = Document::parse_with_options(text, options).map_err(|e| match e {
        roxmltree::Error::DtdDetected => Unparsed::Limit(Exceeded::Dtd),
        roxmltree::Error::NodesLimitReached => Unparsed::Limit(Exceeded::XmlNodes),
        e => Unparsed::Syntax(e),
    })?;
    // Measured without recursion (parents come before their children in document order),
    // before any reader walks the tree recursively.
    let mut depths = vec![0usize; doc.descendants().count() + 1];
    for node in doc.descendants().filter(Node::is_element) {
        let parent = node.parent().map_or(0, |p| depths[p.id().get_usize()]);
        depths[node.id().get_usize()] = parent + 1;
        if parent + 1 > MAX_XML_NESTING {
            return Err(Unparsed::Limit(Exceeded::XmlNesting));
        }
    }
    Ok(doc)
}

/// The first element child of a node with this local name.
pub fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| n.tag_name().name() == name)
}

/// An attribute by local name.
pub fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|a| a.name() == name)
        .map(|a| a.value())
}

/// Word's `w:val` attribute of a node.
pub fn val<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    attr(node, "val")
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}x{}", "<a>".repeat(depth), "</a>".repeat(depth))
    }

    #[test]
    fn entities_deep_nesting_and_node_floods_are_refused() {
        let laughs = r#"<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><q>&b;</q>"#;
        assert!(matches!(parse(laughs), Err(Unparsed::Limit(Exceeded::Dtd))));
        assert!(parse(&nested(MAX_XML_NESTING)).is_ok());
        let deep = nested(100_000);
        assert!(matches!(
            parse(&deep),
            Err(Unparsed::Limit(Exceeded::XmlNesting))
        ));
        let flood = format!("<r>{}</r>", "<b/>".repeat(MAX_XML_NODES as usize));
        assert!(matches!(
            parse(&flood),
            Err(Unparsed::Limit(Exceeded::XmlNodes))
        ));
        assert!(matches!(parse("<a>"), Err(Unparsed::Syntax(_))));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]
        /// Nesting around and far past the limit: a tree or a report, never a panic.
        #[test]
        fn any_nesting_parses_or_is_refused(depth in 1usize..20_000) {
            let text = nested(depth);
            match parse(&text) {
                Ok(_) => prop_assert!(depth <= MAX_XML_NESTING),
                Err(Unparsed::Limit(Exceeded::XmlNesting)) => prop_assert!(depth > MAX_XML_NESTING),
                Err(other) => prop_assert!(false, "{other}"),
            }
        }
    }
}
