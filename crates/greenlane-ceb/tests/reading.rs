//! The reader's promises, case by case: what real senders do is tolerated and reads to the same
//! message; what the schema forbids, and dangerous XML, is refused with a stable code that names
//! the entity and the element path.

mod support;

use greenlane_ceb::{ExtendPayload, Message, ReadError, ReadOptions, read, read_with, write};
use rust_decimal::Decimal;
use std::str::FromStr;

fn base() -> String {
    std::fs::read_to_string(support::crate_dir().join("tests/data/cases/CEB303-with-buyers.xml")).unwrap()
}

fn base_message() -> Message {
    read(base().as_bytes()).unwrap().message
}

fn replaced(from: &str, to: &str) -> String {
    let text = base();
    assert!(text.contains(from), "the base message has no {from:?}");
    text.replacen(from, to, 1)
}

#[test]
fn the_base_case_reads_to_typed_values() {
    let Message::Ceb303(msg) = base_message() else { panic!("not a CEB303") };
    assert_eq!(msg.orders.len(), 2);
    let head = &msg.orders[0].order_head;
    assert_eq!(head.order_no, "SZ20261129000001");
    assert_eq!(head.goods_value, Decimal::from_str("59.90").unwrap());
    assert_eq!(msg.orders[1].order_head.freight, Decimal::from_str("5.5").unwrap());
    assert_eq!(msg.orders[0].order_lists[0].item_name, "蓝牙耳机 & 充电盒");
    let ExtendPayload::Consignees(buyers) = &msg.extend_message.as_ref().unwrap().message else {
        panic!("the buyer block was not recognised")
    };
    assert_eq!(buyers.len(), 2);
    assert_eq!(buyers[0].country, "US");
    assert_eq!(buyers[0].telephone.as_deref(), Some("+1 217 555 0100"));
    assert_eq!(buyers[1].name, "Анна Иванова");
    assert_eq!(buyers[1].telephone, None);
}

#[test]
fn what_real_senders_do_reads_to_the_same_message() {
    let expected = base_message();
    let text = base();
    let default_namespace = text
        .replace("<ceb:", "<")
        .replace("</ceb:", "</")
        .replace("xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\"", "xmlns=\"http://www.chinaport.gov.cn/ceb\"");
    let variants = [
        ("a UTF-8 BOM", format!("\u{feff}{text}")),
        ("CRLF line ends", text.replace('\n', "\r\n")),
        ("the default namespace", default_namespace),
        ("another prefix", text.replace("ceb:", "c:").replace("xmlns:ceb=", "xmlns:c=")),
        (
            "whitespace around values",
            text.replace("<ceb:orderNo>SZ20261129000001<", "<ceb:orderNo>\n  SZ20261129000001  \n<"),
        ),
        ("comments", text.replace("<ceb:OrderList>", "<!-- goods --><ceb:OrderList><!-- first -->")),
        ("no XML declaration", text.replacen("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "", 1)),
        ("a character reference", text.replace("手机壳", "&#25163;&#x673A;壳")),
        ("CDATA", text.replace("<ceb:itemNo>SKU-002<", "<ceb:itemNo><![CDATA[SKU-002]]><")),
    ];
    for (what, variant) in variants {
        let parsed = read(variant.as_bytes()).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(parsed.message, expected, "{what}");
    }
}

#[test]
fn a_message_in_a_dxp_envelope_reads_with_its_routing() {
    let envelope = greenlane_ceb::DxpEnvelope {
        cop_msg_id: "4403160XYZ20261129000001".into(),
        sender_id: "DXPENT0000000001".into(),
        receiver_ids: vec!["DXPEDCCEB0000002".into()],
        creat_time: "2026-11-29T10:30:00".into(),
        msg_type: "CEB303Message".into(),
        file_name: Some("CEB303-1.xml".into()),
    };
    let wrapped = greenlane_ceb::wrap_in_envelope(&envelope, &base());
    let parsed = read(wrapped.as_bytes()).unwrap();
    assert_eq!(parsed.message, base_message());
    assert_eq!(parsed.envelope, Some(envelope));
    xmllint_envelope(&wrapped);
    // Senders wrap base64 at 76 columns.
    let folded = fold_base64(&wrapped);
    assert_eq!(read(folded.as_bytes()).unwrap().message, base_message());
}

fn xmllint_envelope(xml: &str) {
    let xsd = support::crate_dir().join("xsd/terminal-node-2018.xsd");
    support::xmllint(xml, &xsd).unwrap();
}

fn fold_base64(wrapped: &str) -> String {
    let start = wrapped.find("<dxp:Data>").unwrap() + "<dxp:Data>".len();
    let end = wrapped.find("</dxp:Data>").unwrap();
    let data: Vec<String> =
        wrapped.as_bytes()[start..end].chunks(76).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
    format!("{}{}{}", &wrapped[..start], data.join("\r\n"), &wrapped[end..])
}

/// One refused input: the stable code, and a piece of the path or message that locates it.
struct Refused {
    what: &'static str,
    input: Vec<u8>,
    code: &'static str,
    mentions: &'static str,
    entity: Option<u32>,
}

fn refused(what: &'static str, input: impl Into<Vec<u8>>, code: &'static str, mentions: &'static str) -> Refused {
    Refused { what, input: input.into(), code, mentions, entity: None }
}

fn in_entity(mut r: Refused, entity: u32) -> Refused {
    r.entity = Some(entity);
    r
}

fn refused_cases() -> Vec<Refused> {
    let many_orders = {
        let text = base();
        let start = text.find("\t<ceb:Order>").unwrap();
        let end = text.find("\t<ceb:BaseTransfer>").unwrap();
        let one = &text[start..text[start..].find("</ceb:Order>").unwrap() + start + "</ceb:Order>\n".len()];
        format!("{}{}{}", &text[..start], one.repeat(101), &text[end..])
    };
    let deep = replaced(
        "<Consignees xmlns=\"urn:greenlane:consignee:1\">",
        &format!(
            "<x:a xmlns:x=\"urn:other\">{}{}</x:a><Consignees xmlns=\"urn:greenlane:consignee:1\">",
            "<x:b>".repeat(40),
            "</x:b>".repeat(40)
        ),
    );
    vec![
        in_entity(
            refused(
                "a required element missing",
                replaced("<ceb:orderNo>SZ20261129000001</ceb:orderNo>", ""),
                "ceb.missing_element",
                "CEB303Message/Order[1]/OrderHead: required element <orderNo> is missing (found <ebpCode>",
            ),
            1,
        ),
        in_entity(
            refused(
                "a code outside the spec's list",
                replaced(
                    "<ceb:appType>1</ceb:appType>\n\t\t\t<ceb:appTime>20261129103001",
                    "<ceb:appType>4</ceb:appType>\n\t\t\t<ceb:appTime>20261129103001",
                ),
                "ceb.not_allowed",
                "Order[2]/OrderHead/appType: \"4\" is not an allowed value; expected 1 (new), 2 (change), 3 (delete)",
            ),
            2,
        ),
        refused(
            "too many decimals",
            replaced("59.90</ceb:goodsValue>", "59.901234</ceb:goodsValue>"),
            "ceb.fraction_digits",
            "OrderHead/goodsValue",
        ),
        refused(
            "a decimal comma",
            replaced("59.90</ceb:goodsValue>", "59,90</ceb:goodsValue>"),
            "ceb.not_decimal",
            "OrderHead/goodsValue",
        ),
        refused(
            "a too-long order number",
            replaced("SZ20261129000001</ceb:orderNo>", &format!("{}</ceb:orderNo>", "9".repeat(61))),
            "ceb.length",
            "has 61 characters; the schema requires 1 to 60",
        ),
        refused(
            "elements swapped",
            replaced(
                "<ceb:appStatus>2</ceb:appStatus>\n\t\t\t<ceb:orderType>E</ceb:orderType>",
                "<ceb:orderType>E</ceb:orderType>\n\t\t\t<ceb:appStatus>2</ceb:appStatus>",
            ),
            "ceb.missing_element",
            "required element <appStatus> is missing (found <orderType> where it belongs)",
        ),
        refused(
            "an optional element out of place",
            replaced("<ceb:unit>011</ceb:unit>", "<ceb:unit>011</ceb:unit><ceb:itemDescribe>x</ceb:itemDescribe>"),
            "ceb.out_of_order",
            "OrderList[1]: element <itemDescribe> is out of order: the schema puts it before <unit>",
        ),
        refused(
            "an unknown element",
            replaced("<ceb:ebpCode>", "<ceb:buyerName>x</ceb:buyerName><ceb:ebpCode>"),
            "ceb.unexpected_element",
            "unexpected element <ceb:buyerName>; expected <ebpCode>",
        ),
        // The entity refused is the 101st, the one past the limit (issue #12: it said "entity 100").
        in_entity(
            refused(
                "101 entities",
                many_orders,
                "ceb.too_many",
                "too many <Order> elements: the schema allows at most 100",
            ),
            101,
        ),
        refused(
            "a non-integer gnum",
            replaced("<ceb:gnum>1</ceb:gnum>", "<ceb:gnum>1.5</ceb:gnum>"),
            "ceb.not_integer",
            "OrderList[1]/gnum",
        ),
        refused(
            "an attribute the schema lacks",
            replaced("<ceb:OrderHead>", "<ceb:OrderHead id=\"1\">"),
            "ceb.unexpected_attribute",
            "\"id\"",
        ),
        refused(
            "the root's guid missing",
            replaced(" guid=\"4CDE1CFD-EDED-46B1-946C-B8022E42FC94\"", ""),
            "ceb.missing_attribute",
            "\"guid\"",
        ),
        refused("stray text", replaced("</ceb:OrderHead>", "</ceb:OrderHead>hello"), "ceb.stray_text", "\"hello\""),
        refused(
            "child elements in a value",
            replaced("<ceb:orderNo>SZ20261129000001</ceb:orderNo>", "<ceb:orderNo><b>SZ</b></ceb:orderNo>"),
            "ceb.not_text",
            "<orderNo> must hold text",
        ),
        refused(
            "a foreign root namespace",
            replaced("xmlns:ceb=\"http://www.chinaport.gov.cn/ceb\"", "xmlns:ceb=\"urn:not-customs\""),
            "ceb.wrong_namespace",
            "urn:not-customs",
        ),
        refused(
            "an unknown root",
            replaced("CEB303Message guid", "CEB999Message guid")
                .replace("</ceb:CEB303Message>", "</ceb:CEB999Message>"),
            "ceb.unknown_message",
            "<CEB999Message>",
        ),
        refused(
            "a buyer without an ISO country",
            replaced("country=\"US\"", "country=\"USA\""),
            "ceb.consignee",
            "expected an ISO 3166-1 alpha-2 code",
        ),
        // The buyer block's values are bounded like the official buyer fields (extend.rs).
        refused(
            "a buyer's name over 100 characters",
            replaced("name=\"John Smith\"", &format!("name=\"{}\"", "J".repeat(101))),
            "ceb.consignee",
            "a Consignee's name has 101 characters; at most 100",
        ),
        refused(
            "a buyer's address over 200 characters",
            replaced("address=\"1 Main St, Springfield, IL\"", &format!("address=\"{}\"", "街".repeat(201))),
            "ceb.consignee",
            "a Consignee's address has 201 characters; at most 200",
        ),
        refused(
            "two buyers for one order",
            replaced("orderNo=\"SZ20261129000002\"", "orderNo=\"SZ20261129000001\""),
            "ceb.consignee",
            "two consignees",
        ),
        refused("mismatched tags", replaced("</ceb:orderNo>", "</ceb:orderNumber>"), "ceb.malformed", "orderNumber"),
        refused(
            "a DTD (billion laughs)",
            base().replacen(
                "<ceb:CEB303Message",
                "<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<ceb:CEB303Message",
                1,
            ),
            "ceb.dtd_refused",
            "DTD",
        ),
        refused(
            "an external entity",
            base().replacen("<ceb:CEB303Message", "<!DOCTYPE x SYSTEM \"file:///etc/passwd\">\n<ceb:CEB303Message", 1),
            "ceb.dtd_refused",
            "DTD",
        ),
        refused("an undeclared entity", replaced("蓝牙耳机 &amp;", "蓝牙耳机 &xxe;"), "ceb.entity_refused", "&xxe;"),
        refused("nesting deeper than 32", deep, "ceb.too_deep", "32"),
        refused("GBK bytes", [base().as_bytes(), &[0xC0, 0xB6]].concat(), "ceb.not_utf8", "UTF-8"),
        refused(
            "more than 10 MB",
            format!("{}<!--{}-->", base(), " ".repeat(10 * 1024 * 1024)),
            "ceb.too_large",
            "limit is 10485760",
        ),
        refused("nothing", "", "ceb.no_root", "no root"),
        refused("content after the root", format!("{}<extra/>", base()), "ceb.malformed", "after the root"),
    ]
}

#[test]
fn what_the_schema_forbids_is_refused_with_a_stable_code_and_location() {
    for case in refused_cases() {
        let err: ReadError = match read(&case.input) {
            Ok(_) => panic!("{}: read without error", case.what),
            Err(e) => e,
        };
        assert_eq!(err.code(), case.code, "{}: {err}", case.what);
        assert!(err.to_string().contains(case.mentions), "{}: {err:?} does not mention {:?}", case.what, case.mentions);
        if case.entity.is_some() {
            assert_eq!(err.entity, case.entity, "{}: {err}", case.what);
        }
    }
}

#[test]
fn errors_point_at_the_line_of_the_faulty_element() {
    let text = replaced("59.90</ceb:goodsValue>", "59.901234</ceb:goodsValue>");
    let err = read(text.as_bytes()).unwrap_err();
    let line = text.lines().position(|l| l.contains("59.901234")).unwrap() as u32 + 1;
    assert_eq!(err.line, line, "{err}");
    assert_eq!(err.column, 4, "{err}");
}

#[test]
fn format_errors_are_told_from_schema_errors() {
    for case in refused_cases() {
        let err = read(&case.input).unwrap_err();
        let format = matches!(
            case.code,
            "ceb.malformed"
                | "ceb.dtd_refused"
                | "ceb.entity_refused"
                | "ceb.too_deep"
                | "ceb.not_utf8"
                | "ceb.too_large"
                | "ceb.no_root"
        );
        assert_eq!(err.kind.is_format_error(), format, "{}: {err}", case.what);
    }
}

#[test]
fn the_writer_refuses_values_customs_would_reject() {
    let Message::Ceb303(mut msg) = base_message() else { unreachable!() };
    msg.orders[0].order_head.order_no = "9".repeat(61);
    let err = write(&Message::Ceb303(msg.clone()), greenlane_ceb::Version::V2018).unwrap_err();
    assert!(err.to_string().contains("CEB303Message/Order/OrderHead/orderNo"), "{err}");
    msg.orders[0].order_head.order_no = "SZ1".into();
    msg.orders.clear();
    let err = write(&Message::Ceb303(msg), greenlane_ceb::Version::V2018).unwrap_err();
    assert!(err.to_string().contains("0 <Order> elements; the schema allows 1 to 100"), "{err}");
}

#[test]
fn the_buyer_block_survives_a_write_and_validates() {
    let parsed = read(base().as_bytes()).unwrap();
    let xml = write(&parsed.message, parsed.version).unwrap();
    assert_eq!(read(xml.as_bytes()).unwrap().message, parsed.message);
    support::xmllint(&xml, &support::xsd_for(parsed.message.message_type(), parsed.version)).unwrap();
}

#[test]
fn a_version_can_be_forced() {
    // logisticsNo of 40 characters: 2018 allows 80, 202205 only 32.
    let sample =
        std::fs::read_to_string(support::crate_dir().join("tests/data/samples-2018/CEB505Message.xml")).unwrap();
    let long = sample.replacen("<ceb:logisticsNo>", &format!("<ceb:logisticsNo>{}", "L".repeat(30)), 1);
    let opts = |v| ReadOptions { version: Some(v), ..ReadOptions::default() };
    assert!(read_with(long.as_bytes(), &opts(greenlane_ceb::Version::V2018)).is_ok());
    let err = read_with(long.as_bytes(), &opts(greenlane_ceb::Version::V202205)).unwrap_err();
    assert_eq!(err.code(), "ceb.length", "{err}");
    assert_eq!(read(long.as_bytes()).unwrap().version, greenlane_ceb::Version::V2018);
}
