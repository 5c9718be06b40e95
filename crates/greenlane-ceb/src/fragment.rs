//! A captured piece of XML that greenlane carries but does not interpret: a message's
//! `ds:Signature`, or an `ExtendMessage` payload of another party's design.

use crate::values::{escape_attribute, escape_text};

/// An element with its attributes and content, names as they were written (prefix included).
/// Namespace declarations that the element relied on from its ancestors are added to its own
/// attributes when it is captured, so it can be written back on its own.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct XmlFragment {
    pub name: String,
    pub attributes: Vec<(String, String)>,
    pub children: Vec<XmlNode>,
}

/// Content of an [`XmlFragment`]. Whitespace-only text between elements is not kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlNode {
    Element(XmlFragment),
    Text(String),
}

impl XmlFragment {
    /// The local part of the element's name.
    pub fn local_name(&self) -> &str {
        self.name.rsplit_once(':').map_or(&self.name, |(_, local)| local)
    }

    /// Appends the fragment as XML.
    pub(crate) fn write_to(&self, out: &mut String) {
        out.push('<');
        out.push_str(&self.name);
        for (key, value) in &self.attributes {
            out.push(' ');
            out.push_str(key);
            out.push_str("=\"");
            escape_attribute(value, out);
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        for child in &self.children {
            match child {
                XmlNode::Element(e) => e.write_to(out),
                XmlNode::Text(t) => escape_text(t, out),
            }
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}
