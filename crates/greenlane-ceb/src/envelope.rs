//! The `dxp:DxpMsg` transport envelope of China E-port's terminal nodes: routing data plus the
//! business message, base64-encoded, in `Data`.

use crate::read::ReadOptions;
use crate::{DXP_NAMESPACE, ReadError, ReadErrorKind};
use base64::Engine as _;
use quick_xml::Reader;
use quick_xml::events::Event;

/// The routing part of a DXP envelope (`TransInfo`, and `AddInfo/FileName`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DxpEnvelope {
    pub cop_msg_id: String,
    pub sender_id: String,
    pub receiver_ids: Vec<String>,
    /// `xs:dateTime` as written.
    pub creat_time: String,
    pub msg_type: String,
    pub file_name: Option<String>,
}

fn fault(why: impl Into<String>) -> ReadError {
    ReadError::bare(ReadErrorKind::Envelope(why.into()))
}

/// Reads the envelope and returns it with the decoded bytes of the message inside.
pub(crate) fn open(text: &str, opts: &ReadOptions) -> Result<(DxpEnvelope, Vec<u8>), ReadError> {
    let mut reader = Reader::from_str(text);
    let mut envelope = DxpEnvelope::default();
    let mut data: Option<String> = None;
    let mut stack: Vec<String> = Vec::new();
    let mut text_buf = String::new();
    loop {
        let event = reader.read_event().map_err(|e| ReadError::bare(ReadErrorKind::Malformed(e.to_string())))?;
        match event {
            Event::Start(e) => {
                let local = e.local_name().as_ref().to_owned();
                if stack.is_empty() {
                    let ns = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref().starts_with("xmlns") && a.value == DXP_NAMESPACE);
                    if ns.is_none() {
                        return Err(fault(format!("<DxpMsg> must be in namespace {DXP_NAMESPACE}")));
                    }
                }
                stack.push(local);
                if stack.len() as u32 > opts.max_depth {
                    return Err(ReadError::bare(ReadErrorKind::TooDeep { limit: opts.max_depth }));
                }
                text_buf.clear();
            }
            Event::Empty(_) => {}
            Event::Text(t) => text_buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let ch = match &*r {
                    "lt" => '<',
                    "gt" => '>',
                    "amp" => '&',
                    "apos" => '\'',
                    "quot" => '"',
                    _ => match r.resolve_char_ref() {
                        Ok(Some(ch)) => ch,
                        _ => return Err(ReadError::bare(ReadErrorKind::Entity(r.to_string()))),
                    },
                };
                text_buf.push(ch);
            }
            Event::End(_) => {
                let value = std::mem::take(&mut text_buf).trim().to_owned();
                let path: Vec<&str> = stack.iter().map(String::as_str).collect();
                match path.as_slice() {
                    [_, "TransInfo", "CopMsgId"] => envelope.cop_msg_id = value,
                    [_, "TransInfo", "SenderId"] => envelope.sender_id = value,
                    [_, "TransInfo", "ReceiverIds", "ReceiverId"] => envelope.receiver_ids.push(value),
                    [_, "TransInfo", "CreatTime"] => envelope.creat_time = value,
                    [_, "TransInfo", "MsgType"] => envelope.msg_type = value,
                    [_, "AddInfo", "FileName"] => envelope.file_name = Some(value),
                    [_, "Data"] => data = Some(value),
                    _ => {}
                }
                stack.pop();
            }
            Event::DocType(_) => return Err(ReadError::bare(ReadErrorKind::Dtd)),
            Event::Eof => break,
            _ => {}
        }
    }
    if envelope.cop_msg_id.is_empty() {
        return Err(fault("TransInfo/CopMsgId is missing"));
    }
    if envelope.sender_id.is_empty() {
        return Err(fault("TransInfo/SenderId is missing"));
    }
    if envelope.receiver_ids.is_empty() || envelope.receiver_ids.len() > 5 {
        return Err(fault("TransInfo/ReceiverIds must hold 1 to 5 ReceiverId"));
    }
    let data = data.ok_or_else(|| fault("Data is missing"))?;
    // Senders wrap base64 at 76 columns; whitespace is not part of the data.
    let compact: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.len() / 4 * 3 > opts.max_bytes {
        return Err(ReadError::bare(ReadErrorKind::TooLarge { size: compact.len() / 4 * 3, limit: opts.max_bytes }));
    }
    let inner = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .map_err(|e| fault(format!("Data is not valid base64: {e}")))?;
    Ok((envelope, inner))
}

/// Wraps a message in a DXP envelope, as a terminal node sends it.
pub fn wrap_in_envelope(envelope: &DxpEnvelope, message_xml: &str) -> String {
    use quick_xml::escape::escape;
    let mut out = String::with_capacity(message_xml.len() * 4 / 3 + 512);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<dxp:DxpMsg ver=\"1.0\" xmlns:dxp=\"");
    out.push_str(DXP_NAMESPACE);
    out.push_str("\">\n\t<dxp:TransInfo>\n\t\t<dxp:CopMsgId>");
    out.push_str(&escape(envelope.cop_msg_id.as_str()));
    out.push_str("</dxp:CopMsgId>\n\t\t<dxp:SenderId>");
    out.push_str(&escape(envelope.sender_id.as_str()));
    out.push_str("</dxp:SenderId>\n\t\t<dxp:ReceiverIds>");
    for id in &envelope.receiver_ids {
        out.push_str("<dxp:ReceiverId>");
        out.push_str(&escape(id.as_str()));
        out.push_str("</dxp:ReceiverId>");
    }
    out.push_str("</dxp:ReceiverIds>\n\t\t<dxp:CreatTime>");
    out.push_str(&escape(envelope.creat_time.as_str()));
    out.push_str("</dxp:CreatTime>\n\t\t<dxp:MsgType>");
    out.push_str(&escape(envelope.msg_type.as_str()));
    out.push_str("</dxp:MsgType>\n\t</dxp:TransInfo>\n\t<dxp:Data>");
    out.push_str(&base64::engine::general_purpose::STANDARD.encode(message_xml.as_bytes()));
    out.push_str("</dxp:Data>");
    if let Some(name) = &envelope.file_name {
        out.push_str("\n\t<dxp:AddInfo><dxp:FileName>");
        out.push_str(&escape(name.as_str()));
        out.push_str("</dxp:FileName></dxp:AddInfo>");
    }
    out.push_str("\n</dxp:DxpMsg>\n");
    out
}
