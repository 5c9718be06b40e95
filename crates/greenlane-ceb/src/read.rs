//! The reader: bytes in, a typed [`Message`] out, or an error that names the message type, the
//! entity, the element path and the line.
//!
//! One streaming pass over quick-xml events, driven by the record's schema table: each child
//! element is matched against a cursor over the XSD sequence, so order and cardinality are checked
//! as a side effect of finding the field, and in-order documents cost one string comparison per
//! element. Nothing is expanded: a DTD or an unknown entity stops the read at once.

use crate::enumerations::{allowed_values, describe};
use crate::envelope::{self, DxpEnvelope};
use crate::extend::{CONSIGNEE_NAMESPACE, Consignee, ExtendPayload};
use crate::fragment::{XmlFragment, XmlNode};
use crate::record::Record;
use crate::schema::{FieldSpec, Kind, RecordSpec};
use crate::values::{Scalar, is_xml_char, normalize_whitespace};
use crate::{CEB_NAMESPACE, Message, MessageType, Profile, ReadError, ReadErrorKind, ReadFail, ValueFault, Version};
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use std::borrow::Cow;

/// Limits and strictness of [`read_with`].
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// The spec version to check against; `None` tries 2018, then 202205, and keeps the first
    /// that fits.
    pub version: Option<Version>,
    pub profile: Profile,
    /// Larger messages are refused unread.
    pub max_bytes: usize,
    /// Deeper nesting is refused (CEB messages nest five levels; signatures a few more).
    pub max_depth: u32,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { version: None, profile: Profile::Strict, max_bytes: 10 * 1024 * 1024, max_depth: 32 }
    }
}

/// A message as read: its content, the spec version it was valid under, and the DXP envelope
/// it arrived in, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub message: Message,
    pub version: Version,
    pub envelope: Option<DxpEnvelope>,
}

/// Reads one CEB message with the default options: strict profile, either spec version.
pub fn read(bytes: &[u8]) -> Result<Parsed, ReadError> {
    read_with(bytes, &ReadOptions::default())
}

/// Reads one CEB message, bare or inside a `dxp:DxpMsg` envelope.
pub fn read_with(bytes: &[u8], opts: &ReadOptions) -> Result<Parsed, ReadError> {
    let (text, facts) = decode(bytes, opts)?;
    let root = peek_root(text)?;
    if root == "DxpMsg" {
        let (envelope, inner) = envelope::open(text, opts)?;
        let (inner_text, inner_facts) = decode(&inner, opts)?;
        let inner_root = peek_root(inner_text)?;
        if inner_root == "DxpMsg" {
            return Err(ReadError::bare(ReadErrorKind::Envelope("the envelope's Data holds another envelope".into())));
        }
        let mut parsed = read_bare(inner_text, inner_facts, &inner_root, opts)?;
        parsed.envelope = Some(envelope);
        return Ok(parsed);
    }
    read_bare(text, facts, &root, opts)
}

/// What one pass over the whole input learned, so that the per-element work can skip checks
/// that cannot fire.
#[derive(Debug, Clone, Copy)]
struct InputFacts {
    /// A carriage return somewhere: text needs line-end normalisation.
    has_cr: bool,
    /// `]]>` somewhere: text nodes must be checked for it.
    has_cdata_end: bool,
}

fn decode<'a>(bytes: &'a [u8], opts: &ReadOptions) -> Result<(&'a str, InputFacts), ReadError> {
    if bytes.len() > opts.max_bytes {
        return Err(ReadError::bare(ReadErrorKind::TooLarge { size: bytes.len(), limit: opts.max_bytes }));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match simdutf8::basic::from_utf8(bytes) {
        Ok(text) => text,
        // The fast validator only says no; the standard one says where.
        Err(_) => {
            let offset = std::str::from_utf8(bytes).err().map_or(0, |e| e.valid_up_to());
            return Err(ReadError::bare(ReadErrorKind::NotUtf8 { offset }));
        }
    };
    // XML 1.0 allows no C0 control character but tab, line feed and carriage return, and neither
    // U+FFFE nor U+FFFF; quick-xml does not check. The first test is branch-free so that it
    // vectorises; the exact position is looked for only when something is there.
    if has_forbidden_control(bytes) {
        let offset = bytes.iter().position(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')).unwrap_or(0);
        return Err(ReadError::bare(ReadErrorKind::InvalidChar { code: u32::from(bytes[offset]), offset }));
    }
    for (code, pattern) in [(0xFFFE, b"\xEF\xBF\xBE"), (0xFFFF, b"\xEF\xBF\xBF")] {
        if let Some(offset) = memchr::memmem::find(bytes, pattern) {
            return Err(ReadError::bare(ReadErrorKind::InvalidChar { code, offset }));
        }
    }
    let facts = InputFacts {
        has_cr: memchr::memchr(b'\r', bytes).is_some(),
        has_cdata_end: memchr::memmem::find(bytes, b"]]>").is_some(),
    };
    Ok((text, facts))
}

fn has_forbidden_control(bytes: &[u8]) -> bool {
    bytes.chunks(64).any(|chunk| {
        chunk.iter().fold(0u8, |acc, &b| {
            acc | (u8::from(b < 0x20) & u8::from(b != b'\t') & u8::from(b != b'\n') & u8::from(b != b'\r'))
        }) != 0
    })
}

/// The root element's local name, after checking the prolog holds nothing dangerous.
pub(crate) fn peek_root(text: &str) -> Result<String, ReadError> {
    let mut reader = xml_reader(text);
    loop {
        let at = reader.buffer_position();
        match reader.read_event() {
            Ok(Event::Decl(_)) if at != 0 => {
                return Err(ReadError::bare(ReadErrorKind::Malformed(
                    "the XML declaration must be at the very start of the document".into(),
                )));
            }
            Ok(Event::Start(e) | Event::Empty(e)) => return Ok(e.local_name().as_ref().to_owned()),
            Ok(Event::DocType(_)) => return Err(ReadError::bare(ReadErrorKind::Dtd)),
            Ok(Event::Eof) => return Err(ReadError::bare(ReadErrorKind::NoRoot)),
            Ok(Event::Text(t)) if !is_blank(&t) => {
                return Err(ReadError::bare(ReadErrorKind::Malformed("text before the root element".into())));
            }
            Ok(_) => {}
            Err(e) => {
                let mut err = ReadError::bare(ReadErrorKind::Malformed(e.to_string()));
                (err.line, err.column) = line_column(text, reader.error_position());
                return Err(err);
            }
        }
    }
}

fn read_bare(text: &str, facts: InputFacts, root: &str, opts: &ReadOptions) -> Result<Parsed, ReadError> {
    let ty = MessageType::from_root_name(root)
        .ok_or_else(|| ReadError::bare(ReadErrorKind::UnknownMessage(root.to_owned())))?;
    let one;
    let versions: &[Version] = match opts.version {
        Some(v) => {
            one = [v];
            &one
        }
        None => &Version::ALL,
    };
    let mut best: Option<ReadError> = None;
    for &version in versions {
        let mut cx = ReadCx::new(text, facts, ty, version, opts);
        match Message::read(ty, &mut cx) {
            Ok(message) => {
                return Ok(Parsed { message, version, envelope: None });
            }
            Err(e) => {
                best = Some(match best {
                    None => *e,
                    Some(b) => more_telling(b, *e),
                })
            }
        }
    }
    Err(best.expect("at least one version is tried"))
}

/// Of two versions' errors, the one that got further into the document says more about what
/// the sender meant (on a tie, the older version, which most senders still write); a version
/// that does not define the message says least.
fn more_telling(earlier: ReadError, later: ReadError) -> ReadError {
    let undefined = |e: &ReadError| matches!(e.kind, ReadErrorKind::NotInVersion { .. });
    if undefined(&later) {
        return earlier;
    }
    if undefined(&earlier) || (later.line, later.column) > (earlier.line, earlier.column) {
        return later;
    }
    earlier
}

/// A quick-xml reader with the checks XML requires switched on (`--` inside comments).
fn xml_reader(text: &str) -> Reader<&[u8]> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_comments = true;
    reader
}

fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
}

fn line_column(text: &str, pos: u64) -> (u32, u32) {
    let mut pos = (pos as usize).min(text.len());
    // Positions point just past the previous event; skip to the element itself.
    while pos < text.len() && matches!(text.as_bytes()[pos], b' ' | b'\t' | b'\n' | b'\r') {
        pos += 1;
    }
    while !text.is_char_boundary(pos) {
        pos -= 1;
    }
    let before = &text[..pos];
    let line = before.bytes().filter(|&b| b == b'\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line as u32, column as u32)
}

/// The state of one read: the event stream, where in the document it is, and the field whose
/// value the generated code is about to ask for.
#[derive(Debug)]
pub struct ReadCx<'a> {
    reader: Reader<&'a [u8]>,
    facts: InputFacts,
    input: &'a str,
    message_type: MessageType,
    version: Version,
    profile: Profile,
    max_depth: u32,
    depth: u32,
    path: Vec<(&'static str, Option<u32>)>,
    entity: Option<u32>,
    record: &'static str,
    field: Option<&'static FieldSpec>,
    occurrence: u32,
    start: Option<BytesStart<'a>>,
    empty: bool,
    attr_value: Option<Cow<'a, str>>,
    element_pos: u64,
    /// Namespace declarations of the root element, for fragments that rely on them.
    namespaces: Vec<(String, String)>,
    /// Prefixes (`""` for the default namespace) that the root binds to the CEB namespace: an
    /// element with one of them and no declarations of its own is a CEB element.
    ceb_prefixes: Vec<String>,
    /// Declarations made below the root, with the depth of the element that made them.
    inner_namespaces: Vec<(u32, String, String)>,
}

impl<'a> ReadCx<'a> {
    fn new(input: &'a str, facts: InputFacts, message_type: MessageType, version: Version, opts: &ReadOptions) -> Self {
        ReadCx {
            facts,
            reader: xml_reader(input),
            input,
            message_type,
            version,
            profile: opts.profile,
            max_depth: opts.max_depth,
            depth: 0,
            path: Vec::with_capacity(8),
            entity: None,
            record: "",
            field: None,
            occurrence: 0,
            start: None,
            empty: false,
            attr_value: None,
            element_pos: 0,
            namespaces: Vec::new(),
            ceb_prefixes: Vec::new(),
            inner_namespaces: Vec::new(),
        }
    }

    // ----- errors ------------------------------------------------------------------------------

    fn error(&self, kind: ReadErrorKind) -> ReadFail {
        let mut path = String::new();
        for (i, (name, index)) in self.path.iter().enumerate() {
            if i > 0 {
                path.push('/');
            }
            path.push_str(name);
            if let Some(n) = index {
                path.push_str(&format!("[{n}]"));
            }
        }
        let (line, column) = line_column(self.input, self.element_pos);
        Box::new(ReadError {
            message_type: Some(self.message_type),
            version: Some(self.version),
            entity: self.entity,
            path,
            line,
            column,
            kind,
        })
    }

    /// An error about the current field: its name ends the path.
    #[cold]
    fn field_error(&self, kind: ReadErrorKind) -> ReadFail {
        let mut err = self.error(kind);
        if let Some(f) = self.field {
            err.path.push_str(if f.attr { "/@" } else { "/" });
            err.path.push_str(f.name);
        }
        err
    }

    #[cold]
    fn malformed(&self, e: impl std::fmt::Display) -> ReadFail {
        let mut err = self.error(ReadErrorKind::Malformed(e.to_string()));
        (err.line, err.column) = line_column(self.input, self.reader.error_position());
        err
    }

    #[doc(hidden)]
    #[cold]
    pub fn unknown_slot(&self, slot: u16) -> ReadFail {
        self.error(ReadErrorKind::Malformed(format!("internal: record {} has no slot {slot}", self.record)))
    }

    fn next_event(&mut self) -> Result<Event<'a>, ReadFail> {
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => Err(self.error(ReadErrorKind::Dtd)),
            Ok(ev) => Ok(ev),
            Err(e) => Err(self.malformed(e)),
        }
    }

    fn enter(&mut self, name: &'static str, index: Option<u32>) -> Result<(), ReadFail> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(self.error(ReadErrorKind::TooDeep { limit: self.max_depth }));
        }
        self.path.push((name, index));
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
        self.path.pop();
        let depth = self.depth;
        self.inner_namespaces.retain(|(d, _, _)| *d <= depth);
    }

    /// Checks that a child element is in the CEB namespace, whatever its prefix: the schema is
    /// strict about namespaces, senders only about prefixes. Declarations the element makes
    /// itself apply to it and, for records, to its children.
    fn check_element_namespace(&mut self, start: &BytesStart<'a>, record: bool) -> Result<(), ReadFail> {
        let qname = start.name();
        let raw: &str = qname.as_ref();
        let prefix = raw.split_once(':').map_or("", |(p, _)| p);
        let declares = start.attributes_raw().contains("xmlns");
        if !declares && self.inner_namespaces.is_empty() && self.ceb_prefixes.iter().any(|p| p == prefix) {
            return Ok(());
        }
        let own = if declares { declarations(start).map_err(|e| self.malformed(e))? } else { Vec::new() };
        let uri = own
            .iter()
            .find(|(p, _)| p == prefix)
            .map(|(_, u)| u.clone())
            .or_else(|| self.inner_namespaces.iter().rev().find(|(_, p, _)| p == prefix).map(|(_, _, u)| u.clone()))
            .or_else(|| self.namespaces.iter().find(|(p, _)| p == prefix).map(|(_, u)| u.clone()));
        if record {
            let depth = self.depth + 1;
            self.inner_namespaces.extend(own.into_iter().map(|(p, u)| (depth, p, u)));
        }
        match uri {
            Some(u) if u == CEB_NAMESPACE => Ok(()),
            found => Err(self.field_error(ReadErrorKind::WrongNamespace {
                found: found.unwrap_or_else(|| "(no namespace)".to_owned()),
                expected: CEB_NAMESPACE,
            })),
        }
    }

    // ----- structure ---------------------------------------------------------------------------

    /// Reads the root element as message record `M`.
    pub(crate) fn root<M: Record>(&mut self) -> Result<M, ReadFail> {
        let spec =
            M::spec(self.version).ok_or_else(|| self.error(ReadErrorKind::NotInVersion { version: self.version }))?;
        let (start, empty) = loop {
            self.element_pos = self.reader.buffer_position();
            match self.next_event()? {
                Event::Start(e) => break (e, false),
                Event::Empty(e) => break (e, true),
                Event::Eof => return Err(self.error(ReadErrorKind::NoRoot)),
                _ => {}
            }
        };
        self.enter(spec.name, None)?;
        self.record = spec.name;
        check_attribute_syntax(&start).map_err(|e| self.malformed(e))?;
        self.check_root_namespace(&start)?;
        let mut rec = M::default();
        self.read_attributes(&mut rec, spec, &start)?;
        if empty {
            self.check_rest(spec.elements(), 0, 0)?;
        } else {
            self.read_children(&mut rec, spec)?;
        }
        loop {
            match self.next_event()? {
                Event::Eof => break,
                Event::Comment(_) | Event::PI(_) => {}
                Event::Text(t) if is_blank(&t) => {}
                _ => return Err(self.malformed("content after the root element")),
            }
        }
        Ok(rec)
    }

    fn check_root_namespace(&mut self, start: &BytesStart<'a>) -> Result<(), ReadFail> {
        self.namespaces = declarations(start).map_err(|e| self.malformed(e))?;
        self.ceb_prefixes =
            self.namespaces.iter().filter(|(_, uri)| uri == CEB_NAMESPACE).map(|(p, _)| p.clone()).collect();
        let name = start.name();
        let root_prefix: &str = name.prefix().map_or("", |p| p.into_inner());
        if !self.ceb_prefixes.iter().any(|p| p == root_prefix) {
            let found = self.namespaces.iter().find(|(p, _)| p == root_prefix).map(|(_, u)| u.clone());
            return Err(self.error(ReadErrorKind::WrongNamespace {
                found: found.unwrap_or_else(|| "(no namespace)".to_owned()),
                expected: CEB_NAMESPACE,
            }));
        }
        Ok(())
    }

    fn read_attributes<R: Record>(
        &mut self,
        rec: &mut R,
        spec: &'static RecordSpec,
        start: &BytesStart<'a>,
    ) -> Result<(), ReadFail> {
        let mut seen = 0u64;
        for attr in start.attributes() {
            let attr = attr.map_err(|e| self.malformed(e))?;
            let key: &str = attr.key.as_ref();
            // Namespace declarations and attributes of other vocabularies (xsi:schemaLocation) are
            // not the message's business.
            if key == "xmlns" || key.contains(':') {
                continue;
            }
            let Some((i, field)) = spec.fields.iter().enumerate().find(|(_, f)| f.attr && f.name == key) else {
                return Err(self.error(ReadErrorKind::UnexpectedAttribute(key.to_owned())));
            };
            let value = attr.normalized_value(XmlVersion::Implicit1_0).map_err(|e| self.entity_error(e))?;
            self.check_chars(&value)?;
            self.field = Some(field);
            self.attr_value = Some(Cow::Owned(value.into_owned()));
            rec.read_field(field.slot, self)?;
            self.attr_value = None;
            seen |= 1 << i;
        }
        self.field = None;
        for (i, field) in spec.fields.iter().enumerate() {
            if field.attr && field.min > 0 && seen & (1 << i) == 0 {
                return Err(self.error(ReadErrorKind::MissingAttribute { attribute: field.name }));
            }
        }
        Ok(())
    }

    /// Character references can name characters XML forbids (`&#1;`); the input scan cannot see
    /// them, so resolved attribute values are checked here.
    fn check_chars(&self, value: &str) -> Result<(), ReadFail> {
        match value.chars().find(|&c| !is_xml_char(c)) {
            None => Ok(()),
            Some(c) => {
                Err(self.malformed(format!("character reference to U+{:04X}, which XML does not allow", u32::from(c))))
            }
        }
    }

    #[cold]
    fn entity_error(&self, e: quick_xml::Error) -> ReadFail {
        match e {
            quick_xml::Error::Escape(quick_xml::escape::EscapeError::UnrecognizedEntity(_, name)) => {
                self.error(ReadErrorKind::Entity(name))
            }
            other => self.malformed(other),
        }
    }

    fn check_no_attributes(&self, start: &BytesStart<'a>) -> Result<(), ReadFail> {
        if !start.attributes_raw().contains('=') {
            return Ok(());
        }
        for attr in start.attributes() {
            let attr = attr.map_err(|e| self.malformed(e))?;
            let key: &str = attr.key.as_ref();
            if key != "xmlns" && !key.contains(':') {
                return Err(self.field_error(ReadErrorKind::UnexpectedAttribute(key.to_owned())));
            }
        }
        Ok(())
    }

    /// Reads the children of the current record element up to its end tag.
    fn read_children<R: Record>(&mut self, rec: &mut R, spec: &'static RecordSpec) -> Result<(), ReadFail> {
        let fields = spec.elements();
        let (mut cursor, mut count) = (0usize, 0u32);
        loop {
            let pos = self.reader.buffer_position();
            let (start, empty) = match self.next_event()? {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => return self.check_rest(fields, cursor, count),
                Event::Text(t) => {
                    if is_blank(&t) {
                        continue;
                    }
                    self.element_pos = pos;
                    return Err(self.error(ReadErrorKind::StrayText(t.trim().chars().take(40).collect())));
                }
                Event::CData(_) | Event::GeneralRef(_) => {
                    self.element_pos = pos;
                    return Err(self.error(ReadErrorKind::StrayText("(character data)".into())));
                }
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Decl(_) => {
                    return Err(self.malformed("an XML declaration inside the document"));
                }
                Event::Eof => {
                    return Err(self.malformed(format!("the document ends inside <{}>", spec.name)));
                }
                Event::DocType(_) => return Err(self.error(ReadErrorKind::Dtd)),
            };
            self.element_pos = pos;
            check_attribute_syntax(&start).map_err(|e| self.malformed(e))?;
            let idx = self.match_field(fields, &mut cursor, &mut count, &start)?;
            let field = &fields[idx];
            if !matches!(field.kind, Kind::Signature) {
                self.field = Some(field);
                self.check_element_namespace(&start, matches!(field.kind, Kind::Record(_)))?;
            }
            if !matches!(field.kind, Kind::Signature | Kind::Any) {
                self.check_no_attributes(&start)?;
            }
            if self.depth == 1 {
                self.entity = (field.max > 1 && matches!(field.kind, Kind::Record(_))).then_some(count);
            }
            self.field = Some(field);
            self.occurrence = count;
            self.start = Some(start);
            self.empty = empty;
            rec.read_field(field.slot, self)?;
            self.field = None;
        }
    }

    /// Finds the field for a child element by walking the XSD sequence from the cursor.
    fn match_field(
        &self,
        fields: &'static [FieldSpec],
        cursor: &mut usize,
        count: &mut u32,
        start: &BytesStart<'a>,
    ) -> Result<usize, ReadFail> {
        let qname = start.name();
        let raw: &str = qname.as_ref();
        let named = |local: &str| {
            raw.ends_with(local) && (raw.len() == local.len() || raw.as_bytes()[raw.len() - local.len() - 1] == b':')
        };
        if let Some(f) = fields.get(*cursor)
            && named(f.name)
        {
            if *count >= f.max {
                let mut error = self.error(ReadErrorKind::TooMany { element: f.name, max: f.max });
                // The entity refused is the one past the limit (the 101st), not the last one read.
                if self.depth == 1 {
                    error.entity = (f.max > 1 && matches!(f.kind, Kind::Record(_))).then_some(*count + 1);
                }
                return Err(error);
            }
            *count += 1;
            return Ok(*cursor);
        }
        let ahead = fields.iter().enumerate().skip(*cursor + 1).find(|(_, f)| named(f.name)).map(|(j, _)| j);
        if let Some(j) = ahead {
            self.check_skipped(fields, *cursor, *count, j)?;
            *cursor = j;
            *count = 1;
            return Ok(j);
        }
        if let Some(earlier) = fields[..(*cursor).min(fields.len())].iter().find(|f| named(f.name)) {
            return Err(self.error(ReadErrorKind::OutOfOrder { element: earlier.name, after: fields[*cursor].name }));
        }
        Err(self.error(ReadErrorKind::UnexpectedElement {
            found: String::from_utf8_lossy(start.name().as_ref().as_bytes()).into_owned(),
            expected: self.expected_at(fields, *cursor, *count),
        }))
    }

    /// Jumping from the cursor to field `to` passes over fields that must then be optional.
    fn check_skipped(
        &self,
        fields: &'static [FieldSpec],
        cursor: usize,
        count: u32,
        to: usize,
    ) -> Result<(), ReadFail> {
        let found = fields.get(to).map(|f| f.name);
        if let Some(f) = fields.get(cursor)
            && count < f.min
        {
            return Err(self.error(ReadErrorKind::MissingElement { element: f.name, found }));
        }
        if let Some(f) = fields[(cursor + 1).min(to)..to].iter().find(|f| f.min > 0) {
            return Err(self.error(ReadErrorKind::MissingElement { element: f.name, found }));
        }
        Ok(())
    }

    fn check_rest(&self, fields: &'static [FieldSpec], cursor: usize, count: u32) -> Result<(), ReadFail> {
        self.check_skipped(fields, cursor, count, fields.len())
    }

    fn expected_at(&self, fields: &'static [FieldSpec], cursor: usize, count: u32) -> String {
        let mut names = Vec::new();
        for (i, f) in fields.iter().enumerate().skip(cursor) {
            if i == cursor && count >= f.max {
                continue;
            }
            names.push(format!("<{}>", f.name));
            if f.min > 0 && !(i == cursor && count >= f.min) {
                break;
            }
        }
        match names.len() {
            0 => "the end of the element".to_owned(),
            1 => names.remove(0),
            _ => format!("one of {}", names.join(", ")),
        }
    }

    // ----- values (called by the generated code) -----------------------------------------------

    fn current_field(&self) -> &'static FieldSpec {
        self.field.expect("a field is being read")
    }

    /// The text of the current simple element, with entity and character references resolved.
    fn read_text(&mut self) -> Result<Cow<'a, str>, ReadFail> {
        if self.empty {
            return Ok(Cow::Borrowed(""));
        }
        // The usual value is one text event and the end tag: borrow it, allocate nothing.
        match self.next_event()? {
            Event::Text(t) => {
                if self.facts.has_cdata_end && t.contains("]]>") {
                    return Err(self.malformed("the sequence ]]> is not allowed in text"));
                }
                let content = if self.facts.has_cr { t.xml10_content() } else { t.into_inner() };
                match self.next_event()? {
                    Event::End(_) => Ok(content),
                    other => self.read_text_slow(Some(content), other),
                }
            }
            Event::End(_) => Ok(Cow::Borrowed("")),
            other => self.read_text_slow(None, other),
        }
    }

    /// The rest of a value made of several pieces (entity references, CDATA, comments).
    fn read_text_slow(&mut self, mut acc: Option<Cow<'a, str>>, first: Event<'a>) -> Result<Cow<'a, str>, ReadFail> {
        let mut pending = Some(first);
        let push = |acc: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>| match acc {
            None => *acc = Some(piece),
            Some(a) => a.to_mut().push_str(&piece),
        };
        loop {
            let event = match pending.take() {
                Some(e) => e,
                None => self.next_event()?,
            };
            match event {
                Event::Text(t) => {
                    if self.facts.has_cdata_end && t.contains("]]>") {
                        return Err(self.malformed("the sequence ]]> is not allowed in text"));
                    }
                    let content = if self.facts.has_cr { t.xml10_content() } else { t.into_inner() };
                    push(&mut acc, content)
                }
                Event::CData(c) => push(&mut acc, Cow::Owned(c.xml10_content().into_owned())),
                Event::GeneralRef(r) => {
                    let ch = self.resolve_reference(&r)?;
                    push(&mut acc, Cow::Owned(ch.to_string()));
                }
                Event::End(_) => return Ok(acc.unwrap_or(Cow::Borrowed(""))),
                Event::Start(_) | Event::Empty(_) => {
                    let name = self.current_field().name.to_owned();
                    return Err(self.error(ReadErrorKind::NotText { element: name }));
                }
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.malformed("the document ends inside an element")),
                Event::Decl(_) | Event::DocType(_) => {
                    return Err(self.malformed("markup inside a value"));
                }
            }
        }
    }

    fn resolve_reference(&self, r: &BytesRef<'_>) -> Result<char, ReadFail> {
        if r.is_char_ref() {
            return match r.resolve_char_ref() {
                Ok(Some(ch)) if is_xml_char(ch) => Ok(ch),
                _ => Err(self.malformed(format!("invalid character reference &{};", &**r))),
            };
        }
        match &**r {
            "lt" => Ok('<'),
            "gt" => Ok('>'),
            "amp" => Ok('&'),
            "apos" => Ok('\''),
            "quot" => Ok('"'),
            other => Err(self.error(ReadErrorKind::Entity(other.to_owned()))),
        }
    }

    fn value<S: Scalar>(&mut self) -> Result<S, ReadFail> {
        let field = self.current_field();
        let raw = match self.attr_value.take() {
            Some(v) => v,
            None => self.read_text()?,
        };
        let collapse = matches!(field.kind, Kind::Text { collapse: true, .. });
        let mut text = normalize_whitespace(raw, collapse);
        // An empty element with an XSD default (or fixed value) stands for it, as a validator
        // reads it.
        if text.is_empty()
            && !field.attr
            && let Some(default) = field.fixed.or(field.default)
        {
            text = Cow::Borrowed(default);
        }
        if let Some(fixed) = field.fixed
            && text != fixed
        {
            let fault = ValueFault::NotAllowed {
                value: text.into_owned(),
                allowed: format!("{fixed} (the schema fixes this value)"),
            };
            return Err(self.field_error(ReadErrorKind::Value(fault)));
        }
        // Every enumerated field is a short code (or BaseSubscribe's status): the length test
        // spares the table lookup for the other nine fields in ten.
        let may_be_enumerated =
            matches!(field.kind, Kind::Text { max_len, .. } if max_len <= 4) || field.name == "status";
        if may_be_enumerated
            && self.profile == Profile::Strict
            && self.message_type.is_export()
            && !(field.min == 0 && text.is_empty())
            && let Some(codes) = allowed_values(self.record, field.name, self.version)
            && !codes.iter().any(|(code, _)| *code == text)
        {
            let fault = ValueFault::NotAllowed { value: text.into_owned(), allowed: describe(codes) };
            return Err(self.field_error(ReadErrorKind::Value(fault)));
        }
        S::parse(text, &field.kind).map_err(|fault| self.field_error(ReadErrorKind::Value(fault)))
    }

    #[doc(hidden)]
    pub fn scalar<S: Scalar>(&mut self, dst: &mut S) -> Result<(), ReadFail> {
        *dst = self.value()?;
        Ok(())
    }

    #[doc(hidden)]
    pub fn opt_scalar<S: Scalar>(&mut self, dst: &mut Option<S>) -> Result<(), ReadFail> {
        *dst = Some(self.value()?);
        Ok(())
    }

    #[doc(hidden)]
    pub fn vec_scalar<S: Scalar>(&mut self, dst: &mut Vec<S>) -> Result<(), ReadFail> {
        dst.push(self.value()?);
        Ok(())
    }

    #[doc(hidden)]
    pub fn record<R: Record>(&mut self, dst: &mut R) -> Result<(), ReadFail> {
        let spec =
            R::spec(self.version).ok_or_else(|| self.error(ReadErrorKind::NotInVersion { version: self.version }))?;
        let index = (self.current_field().max > 1).then_some(self.occurrence);
        let empty = self.empty;
        self.enter(spec.name, index)?;
        let outer = std::mem::replace(&mut self.record, spec.name);
        if empty {
            self.check_rest(spec.elements(), 0, 0)?;
        } else {
            self.read_children(dst, spec)?;
        }
        self.record = outer;
        self.leave();
        Ok(())
    }

    #[doc(hidden)]
    pub fn opt_record<R: Record>(&mut self, dst: &mut Option<R>) -> Result<(), ReadFail> {
        let mut rec = R::default();
        self.record(&mut rec)?;
        *dst = Some(rec);
        Ok(())
    }

    #[doc(hidden)]
    pub fn vec_record<R: Record>(&mut self, dst: &mut Vec<R>) -> Result<(), ReadFail> {
        // Records are large (an InventoryHead is over a kilobyte): read in place, don't move.
        dst.push(R::default());
        let rec = dst.last_mut().expect("just pushed");
        self.record(rec)
    }

    #[doc(hidden)]
    pub fn fragment(&mut self, dst: &mut Option<XmlFragment>) -> Result<(), ReadFail> {
        let start = self.start.take().expect("an element is being read");
        let empty = self.empty;
        *dst = Some(self.capture(start, empty)?);
        Ok(())
    }

    /// Reads an element and everything in it as a fragment, adding the declarations of the
    /// root's namespace prefixes that it uses so that it stands on its own.
    fn capture(&mut self, start: BytesStart<'a>, empty: bool) -> Result<XmlFragment, ReadFail> {
        let mut root = self.capture_element(&start, empty)?;
        let mut used = Vec::new();
        collect_prefixes(&root, &mut used);
        for prefix in used {
            let key = if prefix.is_empty() { "xmlns".to_owned() } else { format!("xmlns:{prefix}") };
            if root.attributes.iter().any(|(k, _)| *k == key) {
                continue;
            }
            if let Some((_, uri)) = self.namespaces.iter().find(|(p, _)| *p == prefix) {
                root.attributes.push((key, uri.clone()));
            }
        }
        Ok(root)
    }

    fn capture_element(&mut self, start: &BytesStart<'a>, empty: bool) -> Result<XmlFragment, ReadFail> {
        let qname = start.name();
        let name: &str = qname.as_ref();
        check_attribute_syntax(start).map_err(|e| self.malformed(e))?;
        let mut element = XmlFragment { name: name.to_owned(), attributes: Vec::new(), children: Vec::new() };
        for attr in start.attributes() {
            let attr = attr.map_err(|e| self.malformed(e))?;
            let value = attr.normalized_value(XmlVersion::Implicit1_0).map_err(|e| self.entity_error(e))?;
            self.check_chars(&value)?;
            element.attributes.push((attr.key.as_ref().to_owned(), value.into_owned()));
        }
        if empty {
            return Ok(element);
        }
        self.enter("(fragment)", None)?;
        let mut text = String::new();
        loop {
            match self.next_event()? {
                Event::Start(e) => {
                    flush_text(&mut text, &mut element.children);
                    let child = self.capture_element(&e, false)?;
                    element.children.push(XmlNode::Element(child));
                }
                Event::Empty(e) => {
                    flush_text(&mut text, &mut element.children);
                    let child = self.capture_element(&e, true)?;
                    element.children.push(XmlNode::Element(child));
                }
                Event::Text(t) => text.push_str(&t.xml10_content()),
                Event::CData(c) => text.push_str(&c.xml10_content()),
                Event::GeneralRef(r) => text.push(self.resolve_reference(&r)?),
                Event::End(_) => break,
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(self.malformed("the document ends inside an element")),
                Event::Decl(_) | Event::DocType(_) => {
                    return Err(self.malformed("markup inside an element"));
                }
            }
        }
        flush_text(&mut text, &mut element.children);
        self.leave();
        Ok(element)
    }

    /// `ExtendMessage/Message`: at most one element, which is greenlane's buyer block or is kept
    /// as a fragment.
    #[doc(hidden)]
    pub fn any(&mut self, dst: &mut ExtendPayload) -> Result<(), ReadFail> {
        if self.empty {
            *dst = ExtendPayload::Empty;
            return Ok(());
        }
        let field = self.current_field();
        self.enter(field.name, None)?;
        let mut payload = ExtendPayload::Empty;
        loop {
            let pos = self.reader.buffer_position();
            let (start, empty) = match self.next_event()? {
                Event::Start(e) => (e, false),
                Event::Empty(e) => (e, true),
                Event::End(_) => break,
                Event::Text(t) if is_blank(&t) => continue,
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Eof => return Err(self.malformed("the document ends inside <Message>")),
                _ => {
                    self.element_pos = pos;
                    return Err(self.error(ReadErrorKind::StrayText("(character data)".into())));
                }
            };
            self.element_pos = pos;
            if payload != ExtendPayload::Empty {
                return Err(self.error(ReadErrorKind::TooMany { element: "(extension element)", max: 1 }));
            }
            payload = if start.local_name().as_ref() == "Consignees" && self.declares(&start, CONSIGNEE_NAMESPACE) {
                ExtendPayload::Consignees(self.consignees(start, empty)?)
            } else {
                ExtendPayload::Other(self.capture(start, empty)?)
            };
        }
        self.leave();
        *dst = payload;
        Ok(())
    }

    fn declares(&self, start: &BytesStart<'a>, uri: &str) -> bool {
        let name = start.name();
        let prefix: &str = name.prefix().map_or("", |p| p.into_inner());
        let key = if prefix.is_empty() { "xmlns".to_owned() } else { format!("xmlns:{prefix}") };
        let own = start.attributes().flatten().find(|a| a.key.as_ref() == key).map(|a| a.value.into_owned());
        let inherited = || self.namespaces.iter().find(|(p, _)| p == prefix).map(|(_, u)| u.clone());
        own.or_else(inherited).as_deref() == Some(uri)
    }

    fn consignees(&mut self, start: BytesStart<'a>, empty: bool) -> Result<Vec<Consignee>, ReadFail> {
        let block = self.capture(start, empty)?;
        let fault = |cx: &Self, why: String| cx.error(ReadErrorKind::Consignee(why));
        let mut out: Vec<Consignee> = Vec::new();
        for node in &block.children {
            let XmlNode::Element(e) = node else {
                return Err(fault(self, "text directly inside <Consignees>".into()));
            };
            if e.local_name() != "Consignee" || !e.children.is_empty() {
                return Err(fault(self, format!("<{}> where an empty <Consignee .../> element belongs", e.name)));
            }
            let mut c = Consignee::default();
            for (key, value) in &e.attributes {
                match key.as_str() {
                    "orderNo" => c.order_no = value.trim().to_owned(),
                    "name" => c.name = value.trim().to_owned(),
                    "address" => c.address = value.trim().to_owned(),
                    "country" => c.country = value.trim().to_owned(),
                    "telephone" => c.telephone = Some(value.trim().to_owned()),
                    k if k == "xmlns" || k.contains(':') => {}
                    other => {
                        return Err(fault(self, format!("unknown attribute {other:?} on <Consignee>")));
                    }
                }
            }
            if let Some(why) = c.fault().or_else(|| c.too_long()) {
                return Err(fault(self, why));
            }
            if out.iter().any(|o| o.order_no == c.order_no) {
                return Err(fault(self, format!("two consignees for order {:?}", c.order_no)));
            }
            out.push(c);
        }
        if out.len() > 100 {
            return Err(fault(self, format!("{} consignees; a message holds at most 100 orders", out.len())));
        }
        Ok(out)
    }
}

/// quick-xml does not check that attribute values are free of `<`, which XML forbids.
fn check_attribute_syntax(start: &BytesStart<'_>) -> Result<(), &'static str> {
    if start.attributes_raw().contains('<') {
        return Err("'<' is not allowed in an attribute value; write &lt;");
    }
    Ok(())
}

/// The namespace declarations an element makes: `(prefix, uri)`, `""` for the default namespace.
fn declarations(start: &BytesStart<'_>) -> Result<Vec<(String, String)>, quick_xml::Error> {
    let mut out = Vec::new();
    for attr in start.attributes() {
        let attr = attr?;
        let key: &str = attr.key.as_ref();
        let prefix = if key == "xmlns" {
            ""
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            p
        } else {
            continue;
        };
        out.push((prefix.to_owned(), attr.normalized_value(XmlVersion::Implicit1_0)?.into_owned()));
    }
    Ok(out)
}

fn flush_text(text: &mut String, children: &mut Vec<XmlNode>) {
    if !text.is_empty() {
        if !is_blank(text) {
            children.push(XmlNode::Text(std::mem::take(text)));
        }
        text.clear();
    }
}

fn collect_prefixes(element: &XmlFragment, used: &mut Vec<String>) {
    let mut note = |name: &str| {
        let prefix = name.split_once(':').map_or("", |(p, _)| p);
        if prefix != "xmlns" && prefix != "xml" && !used.iter().any(|u| u == prefix) {
            used.push(prefix.to_owned());
        }
    };
    note(&element.name);
    for (key, _) in &element.attributes {
        if key.contains(':') && !key.starts_with("xmlns") {
            note(key);
        }
    }
    for child in &element.children {
        if let XmlNode::Element(e) = child {
            collect_prefixes(e, used);
        }
    }
}
