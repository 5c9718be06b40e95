//! The payload of a message's `ExtendMessage/Message`: greenlane's buyer block (INTERFACES.md §5)
//! read into typed consignees, anything else carried as an opaque fragment.

use crate::fragment::XmlFragment;
use crate::values::escape_attribute;

/// The namespace of greenlane's buyer block.
pub const CONSIGNEE_NAMESPACE: &str = "urn:greenlane:consignee:1";

/// What an `ExtendMessage/Message` holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ExtendPayload {
    /// An empty `Message` (the schema allows it).
    #[default]
    Empty,
    /// greenlane's `<Consignees xmlns="urn:greenlane:consignee:1">` block: the buyers of the
    /// message's orders.
    Consignees(Vec<Consignee>),
    /// Any other extension, kept as written.
    Other(XmlFragment),
}

/// The buyer of one export order. The official CEB303 has no buyer; senders add it through
/// the schema's own extension point so the message stays valid.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Consignee {
    /// The `orderNo` of the order this buyer belongs to.
    pub order_no: String,
    pub name: String,
    pub address: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub telephone: Option<String>,
}

/// The longest values of a consignee, in characters: those of the official import order's
/// buyer fields (`consignee` 100, `consigneeAddress` 200, `consigneeTelephone` 50) and the export
/// order's `orderNo` (60), so that a buyer block holds what a customs system stores.
pub const MAX_CONSIGNEE_NAME: usize = 100;
pub const MAX_CONSIGNEE_ADDRESS: usize = 200;
pub const MAX_CONSIGNEE_TELEPHONE: usize = 50;
pub const MAX_CONSIGNEE_ORDER_NO: usize = 60;

impl Consignee {
    /// Which value is longer than its limit, if one is.
    pub(crate) fn too_long(&self) -> Option<String> {
        let fields = [
            ("orderNo", self.order_no.as_str(), MAX_CONSIGNEE_ORDER_NO),
            ("name", self.name.as_str(), MAX_CONSIGNEE_NAME),
            ("address", self.address.as_str(), MAX_CONSIGNEE_ADDRESS),
            ("telephone", self.telephone.as_deref().unwrap_or(""), MAX_CONSIGNEE_TELEPHONE),
        ];
        fields.into_iter().find_map(|(field, value, max)| {
            let length = value.chars().count();
            (length > max).then(|| format!("a Consignee's {field} has {length} characters; at most {max}"))
        })
    }

    /// Why the consignee breaks the block's rules, if it does.
    pub(crate) fn fault(&self) -> Option<String> {
        if self.order_no.trim().is_empty() {
            return Some("a Consignee has no orderNo".into());
        }
        if self.name.trim().is_empty() {
            return Some(format!("the Consignee of order {:?} has no name", self.order_no));
        }
        if self.address.trim().is_empty() {
            return Some(format!("the Consignee of order {:?} has no address", self.order_no));
        }
        if !(self.country.len() == 2 && self.country.bytes().all(|b| b.is_ascii_uppercase())) {
            return Some(format!(
                "the Consignee of order {:?} has country {:?}; expected an ISO 3166-1 alpha-2 code such as US",
                self.order_no, self.country
            ));
        }
        None
    }

    pub(crate) fn write_to(&self, out: &mut String) {
        out.push_str("<Consignee");
        let mut attr = |key: &str, value: &str| {
            out.push(' ');
            out.push_str(key);
            out.push_str("=\"");
            escape_attribute(value, out);
            out.push('"');
        };
        attr("orderNo", &self.order_no);
        attr("name", &self.name);
        attr("address", &self.address);
        attr("country", &self.country);
        if let Some(t) = &self.telephone {
            attr("telephone", t);
        }
        out.push_str("/>");
    }
}
