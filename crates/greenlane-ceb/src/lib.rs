//! China Customs' CEB messages for cross-border e-commerce, as typed Rust records.
//!
//! # Brief overview
//!
//! [`read`] turns the bytes of one message (bare, or inside a `dxp:DxpMsg` envelope) into a
//! [`Message`]: a typed record per entity, amounts as [`rust_decimal::Decimal`], times as the spec
//! writes them. [`write`] turns a [`Message`] back into XML that validates against the official
//! XSD of the chosen [`Version`].
//!
//! Reading is tolerant of what real senders do (a UTF-8 BOM, CRLF, any namespace prefix, the
//! default namespace, indentation, whitespace around values, the DXP envelope) and strict about
//! what the schema says: element order and cardinality, lengths, decimal precision, and, under
//! [`Profile::Strict`], the code lists the spec documents for fields such as `appType` or
//! `tradeMode`. Dangerous XML (a DTD, entities other than XML's own five, more than 10 MB, nesting
//! deeper than 32) is refused before anything is expanded.
//!
//! The structs in [`export`] and [`import`] are generated from the XSDs under `xsd/` by
//! `cargo xtask codegen`; both spec versions share one struct per record, with fields that only
//! one version defines as `Option`.
//!
//! ```
//! let xml = include_bytes!("../tests/data/samples-2018/CEB304Message.xml");
//! let parsed = greenlane_ceb::read(xml).unwrap();
//! let greenlane_ceb::Message::Ceb304(receipt) = &parsed.message else { panic!() };
//! assert_eq!(receipt.order_returns.len(), 10);
//! assert_eq!(receipt.order_returns[0].return_status, "2");
//! let again = greenlane_ceb::write(&parsed.message, parsed.version).unwrap();
//! assert_eq!(greenlane_ceb::read(again.as_bytes()).unwrap().message, parsed.message);
//! ```

mod enumerations;
mod envelope;
mod error;
mod extend;
mod fragment;
mod read;
mod record;
mod schema;
mod values;
mod write;

#[path = "generated/export.rs"]
pub mod export;
#[path = "generated/import.rs"]
pub mod import;
#[path = "generated/messages.rs"]
mod messages;

pub use enumerations::allowed_values;
pub use envelope::{DxpEnvelope, wrap_in_envelope};
pub use error::{ReadError, ReadErrorKind, ReadFail, ValueFault, WriteError};
pub use extend::{CONSIGNEE_NAMESPACE, Consignee, ExtendPayload};
pub use fragment::{XmlFragment, XmlNode};
pub use messages::{Message, MessageType};
pub use read::{Parsed, ReadOptions, read, read_with};
pub use record::Record;
pub use schema::{FieldSpec, Kind, RecordSpec, SpecFn};
pub use write::write;

/// The namespace of every CEB business message and receipt.
pub const CEB_NAMESPACE: &str = "http://www.chinaport.gov.cn/ceb";
/// The namespace of the DXP transport envelope.
pub const DXP_NAMESPACE: &str = "http://www.chinaport.gov.cn/dxp";
/// The namespace of XML-DSig signatures.
pub const DSIG_NAMESPACE: &str = "http://www.w3.org/2000/09/xmldsig#";

/// A version of the CEB message specification. The two differ in field lengths, in a few
/// fields, and in the messages they define (202205 adds the export-return messages 213–216).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Version {
    /// 海关跨境统一版系统企业对接报文规范 (2018).
    V2018,
    /// The 202205 revision.
    V202205,
}

impl Version {
    /// Both versions, oldest first: the order in which [`read`] tries them.
    pub const ALL: [Version; 2] = [Version::V2018, Version::V202205];

    /// The version as customs names it: `2018` or `202205`.
    pub fn name(self) -> &'static str {
        match self {
            Version::V2018 => "2018",
            Version::V202205 => "202205",
        }
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// How much of the spec [`read`] enforces beyond the XSD.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// The XSD plus the code lists the spec documents for enumerated fields (`appType` 1/2/3,
    /// `ieFlag` E, `tradeMode` 9610/9710/9810/1210/1239, …). What the clearance pipeline uses.
    #[default]
    Strict,
    /// Exactly what the official XSD enforces, as `xmllint --schema` would: the official samples,
    /// which carry placeholder codes such as `ieFlag` "a", read under this profile.
    Schema,
}
