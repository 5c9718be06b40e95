//! The writer: a typed [`Message`] out as XML that validates against the official XSD of the
//! chosen version. Every value is checked against the same facets the reader enforces, so the
//! writer refuses data customs would reject instead of emitting it.

use crate::extend::{CONSIGNEE_NAMESPACE, ExtendPayload};
use crate::fragment::XmlFragment;
use crate::record::Record;
use crate::schema::{FieldSpec, RecordSpec};
use crate::values::{Scalar, escape_attribute, escape_text};
use crate::{CEB_NAMESPACE, Message, Version, WriteError};

/// Writes `message` as a UTF-8 XML document (no BOM, `ceb:` prefix, tab-indented) valid against
/// the XSD of `version`. Signatures that were read are carried through unchanged; greenlane
/// does not sign.
pub fn write(message: &Message, version: Version) -> Result<String, WriteError> {
    let mut buf = String::with_capacity(4096);
    buf.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut out =
        WriteCx { buf: &mut buf, version, path: Vec::with_capacity(8), field: None, attributes: false, depth: 0 };
    message.write(&mut out)?;
    buf.push('\n');
    Ok(buf)
}

/// The state of one write.
#[derive(Debug)]
pub struct WriteCx<'a> {
    buf: &'a mut String,
    version: Version,
    path: Vec<&'static str>,
    field: Option<&'static FieldSpec>,
    /// Writing the root's attributes rather than child elements.
    attributes: bool,
    depth: usize,
}

impl WriteCx<'_> {
    fn path(&self) -> String {
        let mut p = self.path.join("/");
        if let Some(f) = self.field {
            p.push('/');
            p.push_str(f.name);
        }
        p
    }

    fn field(&self) -> &'static FieldSpec {
        self.field.expect("a field is being written")
    }

    #[doc(hidden)]
    pub fn unknown_slot(&self, slot: u16) -> WriteError {
        WriteError::Extension { path: self.path(), reason: format!("internal: no slot {slot}") }
    }

    fn indent(&mut self) {
        self.buf.push('\n');
        for _ in 0..self.depth {
            self.buf.push('\t');
        }
    }

    pub(crate) fn root<M: Record>(&mut self, message: &M) -> Result<(), WriteError> {
        let spec = M::spec(self.version).ok_or(WriteError::NotInVersion {
            path: String::new(),
            record: M::NAME,
            version: self.version,
        })?;
        self.path.push(spec.name);
        self.buf.push_str("<ceb:");
        self.buf.push_str(spec.name);
        self.attributes = true;
        for field in spec.attributes() {
            self.field = Some(field);
            message.write_field(field.slot, self)?;
        }
        self.attributes = false;
        self.buf.push_str(" xmlns:ceb=\"");
        self.buf.push_str(CEB_NAMESPACE);
        self.buf.push_str("\">");
        self.children(message, spec)?;
        self.buf.push_str("\n</ceb:");
        self.buf.push_str(spec.name);
        self.buf.push('>');
        Ok(())
    }

    fn children<R: Record>(&mut self, rec: &R, spec: &'static RecordSpec) -> Result<(), WriteError> {
        self.depth += 1;
        for field in spec.elements() {
            self.field = Some(field);
            rec.write_field(field.slot, self)?;
        }
        self.field = None;
        self.depth -= 1;
        Ok(())
    }

    fn value<S: Scalar>(&mut self, value: &S) -> Result<(), WriteError> {
        let field = self.field();
        let mut text = String::new();
        value.format(&field.kind, &mut text).map_err(|fault| WriteError::Value { path: self.path(), fault })?;
        if let Some(fixed) = field.fixed
            && text != fixed
        {
            let fault = crate::ValueFault::NotAllowed {
                value: text,
                allowed: format!("{fixed} (the schema fixes this value)"),
            };
            return Err(WriteError::Value { path: self.path(), fault });
        }
        if self.attributes {
            self.buf.push(' ');
            self.buf.push_str(field.name);
            self.buf.push_str("=\"");
            escape_attribute(&text, self.buf);
            self.buf.push('"');
        } else {
            self.indent();
            self.buf.push_str("<ceb:");
            self.buf.push_str(field.name);
            self.buf.push('>');
            escape_text(&text, self.buf);
            self.buf.push_str("</ceb:");
            self.buf.push_str(field.name);
            self.buf.push('>');
        }
        Ok(())
    }

    fn absent(&self) -> Result<(), WriteError> {
        let field = self.field();
        if field.min > 0 {
            return Err(WriteError::Missing { path: self.path.join("/"), element: field.name });
        }
        Ok(())
    }

    fn count(&self, count: usize) -> Result<(), WriteError> {
        let field = self.field();
        if count < field.min as usize || count > field.max as usize {
            return Err(WriteError::Count {
                path: self.path.join("/"),
                element: field.name,
                count,
                min: field.min,
                max: field.max,
            });
        }
        Ok(())
    }

    #[doc(hidden)]
    pub fn scalar<S: Scalar>(&mut self, value: &S) -> Result<(), WriteError> {
        self.value(value)
    }

    #[doc(hidden)]
    pub fn opt_scalar<S: Scalar>(&mut self, value: &Option<S>) -> Result<(), WriteError> {
        match value {
            Some(v) => self.value(v),
            None => self.absent(),
        }
    }

    #[doc(hidden)]
    pub fn vec_scalar<S: Scalar>(&mut self, values: &[S]) -> Result<(), WriteError> {
        self.count(values.len())?;
        values.iter().try_for_each(|v| self.value(v))
    }

    #[doc(hidden)]
    pub fn record<R: Record>(&mut self, rec: &R) -> Result<(), WriteError> {
        let field = self.field();
        let spec = R::spec(self.version).ok_or(WriteError::NotInVersion {
            path: self.path.join("/"),
            record: R::NAME,
            version: self.version,
        })?;
        self.indent();
        self.buf.push_str("<ceb:");
        self.buf.push_str(spec.name);
        self.buf.push('>');
        self.path.push(spec.name);
        self.children(rec, spec)?;
        self.path.pop();
        self.indent();
        self.buf.push_str("</ceb:");
        self.buf.push_str(spec.name);
        self.buf.push('>');
        self.field = Some(field);
        Ok(())
    }

    #[doc(hidden)]
    pub fn opt_record<R: Record>(&mut self, rec: &Option<R>) -> Result<(), WriteError> {
        match rec {
            Some(r) => self.record(r),
            None => self.absent(),
        }
    }

    #[doc(hidden)]
    pub fn vec_record<R: Record>(&mut self, recs: &[R]) -> Result<(), WriteError> {
        self.count(recs.len())?;
        recs.iter().try_for_each(|r| self.record(r))
    }

    #[doc(hidden)]
    pub fn fragment(&mut self, fragment: &Option<XmlFragment>) -> Result<(), WriteError> {
        match fragment {
            Some(f) => {
                self.indent();
                f.write_to(self.buf);
                Ok(())
            }
            None => self.absent(),
        }
    }

    #[doc(hidden)]
    pub fn any(&mut self, payload: &ExtendPayload) -> Result<(), WriteError> {
        let name = self.field().name;
        self.indent();
        self.buf.push_str("<ceb:");
        self.buf.push_str(name);
        self.buf.push('>');
        match payload {
            ExtendPayload::Empty => {}
            ExtendPayload::Consignees(list) => {
                for c in list {
                    if let Some(reason) = c.fault() {
                        return Err(WriteError::Extension { path: self.path(), reason });
                    }
                }
                self.buf.push_str("<Consignees xmlns=\"");
                self.buf.push_str(CONSIGNEE_NAMESPACE);
                self.buf.push_str("\">");
                for c in list {
                    c.write_to(self.buf);
                }
                self.buf.push_str("</Consignees>");
            }
            ExtendPayload::Other(f) => f.write_to(self.buf),
        }
        self.buf.push_str("</ceb:");
        self.buf.push_str(name);
        self.buf.push('>');
        Ok(())
    }
}
