//! The shape of a record as one spec version defines it: the tables that the generated code fills
//! in and that the reader and writer enforce.

/// The table of a record in a spec version (`None` where the version lacks the record).
pub type SpecFn = fn(crate::Version) -> Option<&'static RecordSpec>;

/// The value space of one field, with the XSD facets that constrain it.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `xs:string` with `length` (as `min_len == max_len`) or `minLength`/`maxLength`, counted in
    /// characters. `collapse` is the schema's `whiteSpace="collapse"`.
    Text { min_len: u32, max_len: u32, collapse: bool },
    /// `xs:decimal` with `totalDigits` and `fractionDigits`.
    Decimal { total: u32, frac: u32 },
    /// `xs:int` with `totalDigits`.
    Int { total: u32 },
    /// A child record, read by the child's own spec.
    Record(SpecFn),
    /// An XML-DSig `ds:Signature`, kept as a fragment.
    Signature,
    /// `ExtendMessage/Message`: any one element.
    Any,
}

/// One child element or attribute of a record.
#[derive(Debug, Clone, Copy)]
pub struct FieldSpec {
    /// The XML local name.
    pub name: &'static str,
    /// The index of the struct field that holds the value (stable across versions).
    pub slot: u16,
    /// An attribute of the element rather than a child element.
    pub attr: bool,
    /// The XSD `default`: the value an empty element stands for.
    pub default: Option<&'static str>,
    /// The XSD `fixed`: the only value allowed.
    pub fixed: Option<&'static str>,
    /// minOccurs (for attributes: 1 when required).
    pub min: u32,
    /// maxOccurs (`u32::MAX` for unbounded).
    pub max: u32,
    pub kind: Kind,
}

/// A record (an XSD complex element) in one spec version: its fields in schema order.
#[derive(Debug)]
pub struct RecordSpec {
    pub name: &'static str,
    pub fields: &'static [FieldSpec],
}

impl RecordSpec {
    pub(crate) fn attributes(&self) -> impl Iterator<Item = &'static FieldSpec> {
        self.fields.iter().filter(|f| f.attr)
    }

    pub(crate) fn elements(&self) -> &'static [FieldSpec] {
        let first_element = self.fields.iter().position(|f| !f.attr).unwrap_or(self.fields.len());
        &self.fields[first_element..]
    }
}
