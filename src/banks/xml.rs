//! XML trees (roxmltree) read by local name, whatever the namespace prefix: Word's and
//! Moodle's vocabularies are matched by name, so strict and transitional files read alike.

use roxmltree::Node;

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
