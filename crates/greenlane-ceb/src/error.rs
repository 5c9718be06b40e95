//! Why a message could not be read or written, in words an integrator understands, with a
//! stable code for each cause.

use crate::{MessageType, Version};

/// A message that could not be read: what is wrong, and where.
///
/// Every cause is the sender's fault (the reader has no internal failure modes beyond a bug);
/// [`ReadErrorKind::is_format_error`] tells XML that is not a well-formed, safe document from XML
/// that breaks the schema, which CEB900 receipts report with different codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ReadError {
    /// The message type, once the root element has been recognised.
    pub message_type: Option<MessageType>,
    /// The spec version the message was checked against.
    pub version: Option<Version>,
    /// The 1-based index of the business entity (for example the second `Order` of a CEB303)
    /// that holds the fault.
    pub entity: Option<u32>,
    /// The element path from the root, e.g. `CEB603Message/Inventory[2]/InventoryHead/ieFlag`.
    pub path: String,
    /// 1-based line and column of the element that holds the fault (0 when unknown).
    pub line: u32,
    pub column: u32,
    pub kind: ReadErrorKind,
}

/// The error type of the reader's inner functions (and the generated code that calls them): a
/// box, so that every `Result` on the hot path stays one word wide.
#[doc(hidden)]
pub type ReadFail = Box<ReadError>;

impl ReadError {
    #[cold]
    pub(crate) fn bare(kind: ReadErrorKind) -> ReadError {
        ReadError { message_type: None, version: None, entity: None, path: String::new(), line: 0, column: 0, kind }
    }

    /// A stable machine-readable code for the cause, e.g. `ceb.missing_element`.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if let Some(ty) = self.message_type {
            write!(f, "{}", ty.code())?;
            if let Some(v) = self.version {
                write!(f, " (spec {v})")?;
            }
            if let Some(e) = self.entity {
                write!(f, " entity {e}")?;
            }
            f.write_str(": ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        write!(f, "{}", self.kind)?;
        if self.line > 0 {
            write!(f, " (line {}, column {})", self.line, self.column)?;
        }
        Ok(())
    }
}

/// What is wrong with a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadErrorKind {
    #[error("the message is {size} bytes; the limit is {limit}")]
    TooLarge { size: usize, limit: usize },
    #[error("the message is not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { offset: usize },
    #[error("character U+{code:04X} at byte {offset} is not allowed in XML")]
    InvalidChar { code: u32, offset: usize },
    #[error("document type declarations (DTDs) are refused: CEB messages never need one")]
    Dtd,
    #[error(
        "entity reference &{0}; is refused: only XML's five predefined entities and character references are allowed"
    )]
    Entity(String),
    #[error("elements are nested deeper than {limit} levels")]
    TooDeep { limit: u32 },
    #[error("not well-formed XML: {0}")]
    Malformed(String),
    #[error("the document has no root element")]
    NoRoot,
    #[error("root element <{0}> is not a CEB message")]
    UnknownMessage(String),
    #[error("root element is in namespace {found:?}; CEB messages use {expected:?}")]
    WrongNamespace { found: String, expected: &'static str },
    #[error("spec version {version} does not define this message")]
    NotInVersion { version: Version },
    #[error("DxpMsg envelope: {0}")]
    Envelope(String),
    #[error("required element <{element}> is missing{}", match found { Some(f) => format!(" (found <{f}> where it belongs)"), None => " before the end of the element".to_owned() })]
    MissingElement { element: &'static str, found: Option<&'static str> },
    #[error("required attribute {attribute:?} is missing")]
    MissingAttribute { attribute: &'static str },
    #[error("unexpected attribute {0:?}")]
    UnexpectedAttribute(String),
    #[error("unexpected element <{found}>; expected {expected}")]
    UnexpectedElement { found: String, expected: String },
    #[error("element <{element}> is out of order: the schema puts it before <{after}>")]
    OutOfOrder { element: &'static str, after: &'static str },
    #[error("too many <{element}> elements: the schema allows at most {max}")]
    TooMany { element: &'static str, max: u32 },
    #[error("unexpected text {0:?} between elements")]
    StrayText(String),
    #[error("<{element}> must hold text, not child elements")]
    NotText { element: String },
    #[error("{0}")]
    Value(ValueFault),
    #[error("buyer block (ExtendMessage consignee): {0}")]
    Consignee(String),
}

impl ReadErrorKind {
    /// A stable machine-readable code for the cause.
    pub fn code(&self) -> &'static str {
        match self {
            ReadErrorKind::TooLarge { .. } => "ceb.too_large",
            ReadErrorKind::NotUtf8 { .. } => "ceb.not_utf8",
            ReadErrorKind::InvalidChar { .. } => "ceb.invalid_char",
            ReadErrorKind::Dtd => "ceb.dtd_refused",
            ReadErrorKind::Entity(_) => "ceb.entity_refused",
            ReadErrorKind::TooDeep { .. } => "ceb.too_deep",
            ReadErrorKind::Malformed(_) => "ceb.malformed",
            ReadErrorKind::NoRoot => "ceb.no_root",
            ReadErrorKind::UnknownMessage(_) => "ceb.unknown_message",
            ReadErrorKind::WrongNamespace { .. } => "ceb.wrong_namespace",
            ReadErrorKind::NotInVersion { .. } => "ceb.not_in_version",
            ReadErrorKind::Envelope(_) => "ceb.envelope",
            ReadErrorKind::MissingElement { .. } => "ceb.missing_element",
            ReadErrorKind::MissingAttribute { .. } => "ceb.missing_attribute",
            ReadErrorKind::UnexpectedAttribute(_) => "ceb.unexpected_attribute",
            ReadErrorKind::UnexpectedElement { .. } => "ceb.unexpected_element",
            ReadErrorKind::OutOfOrder { .. } => "ceb.out_of_order",
            ReadErrorKind::TooMany { .. } => "ceb.too_many",
            ReadErrorKind::StrayText(_) => "ceb.stray_text",
            ReadErrorKind::NotText { .. } => "ceb.not_text",
            ReadErrorKind::Value(v) => v.code(),
            ReadErrorKind::Consignee(_) => "ceb.consignee",
        }
    }

    /// True when the bytes are not a well-formed, safe XML document at all (CEB900 code 0001);
    /// false when the document is XML but breaks the message schema (code 0002).
    pub fn is_format_error(&self) -> bool {
        matches!(
            self,
            ReadErrorKind::TooLarge { .. }
                | ReadErrorKind::NotUtf8 { .. }
                | ReadErrorKind::InvalidChar { .. }
                | ReadErrorKind::Dtd
                | ReadErrorKind::Entity(_)
                | ReadErrorKind::TooDeep { .. }
                | ReadErrorKind::Malformed(_)
                | ReadErrorKind::NoRoot
                | ReadErrorKind::Envelope(_)
        )
    }
}

/// A value that breaks its field's facets or code list.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueFault {
    #[error("{value:?} has {actual} characters; the schema requires {expected}")]
    Length { value: String, actual: usize, expected: String },
    #[error("{value:?} is not a decimal number")]
    NotDecimal { value: String },
    #[error("{value:?} has more than {max} digits after the decimal point")]
    FractionDigits { value: String, max: u32 },
    #[error("{value:?} has more than {max} digits")]
    TotalDigits { value: String, max: u32 },
    #[error("{value:?} is not an integer")]
    NotInteger { value: String },
    #[error("{value:?} is not an allowed value; expected {allowed}")]
    NotAllowed { value: String, allowed: String },
    #[error("{value:?} holds character U+{code:04X}, which XML cannot carry")]
    InvalidChar { value: String, code: u32 },
}

impl ValueFault {
    /// A stable machine-readable code for the fault.
    pub fn code(&self) -> &'static str {
        match self {
            ValueFault::Length { .. } => "ceb.length",
            ValueFault::NotDecimal { .. } => "ceb.not_decimal",
            ValueFault::FractionDigits { .. } => "ceb.fraction_digits",
            ValueFault::TotalDigits { .. } => "ceb.total_digits",
            ValueFault::NotInteger { .. } => "ceb.not_integer",
            ValueFault::NotAllowed { .. } => "ceb.not_allowed",
            ValueFault::InvalidChar { .. } => "ceb.invalid_char",
        }
    }
}

/// A message that cannot be written as valid XML of the requested version. Always the caller's
/// data: the writer refuses rather than emit a message customs would reject.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    #[error("{path}: spec version {version} does not define <{record}>")]
    NotInVersion { path: String, record: &'static str, version: Version },
    #[error("{path}: required element <{element}> has no value")]
    Missing { path: String, element: &'static str },
    #[error("{path}: {count} <{element}> elements; the schema allows {min} to {max}")]
    Count { path: String, element: &'static str, count: usize, min: u32, max: u32 },
    #[error("{path}: {fault}")]
    Value { path: String, fault: ValueFault },
    #[error("{path}: {reason}")]
    Extension { path: String, reason: String },
}
