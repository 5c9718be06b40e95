//! Issue #12 (part A) against the real binary: each attack of the report, and the safe answer.
//! Bodies are checked for a token before they are read and bounded per route; slow, idle and
//! half-sent connections are let go; a thousand slow clients do not hold up the others; names to
//! screen and buyer blocks are bounded; errors are JSON, cursors opaque, the Bearer scheme
//! case-insensitive, and a 101st entity is entity 101.

#[path = "../../greenlane-pipeline/tests/support/mod.rs"]
mod support;

mod common;

use common::{ADMIN, Server};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};
use support::*;

fn address(server: &Server) -> String {
    server.base.trim_start_matches("http://").to_owned()
}

/// A response read off a raw connection: status, headers (lower-case names) and body.
#[derive(Debug)]
struct Answer {
    status: u16,
    head: String,
    body: String,
}

/// Reads one response, or `None` if the server closed the connection without one. Panics if
/// nothing happens within `wait`: that is the attack succeeding.
fn read_answer(stream: &mut TcpStream, wait: Duration) -> Option<Answer> {
    stream.set_read_timeout(Some(wait)).unwrap();
    let mut bytes = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        match stream.read(&mut buf) {
            Ok(0) => return None,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("no answer and no close within {wait:?}")
            }
            Err(_) => return None,
        }
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]).to_lowercase();
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("a status line");
    let length: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length:")).map_or(0, |v| v.trim().parse().expect("a length"));
    while bytes.len() < head_end + length {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => bytes.extend_from_slice(&buf[..n]),
        }
    }
    let body = String::from_utf8_lossy(&bytes[head_end..(head_end + length).min(bytes.len())]).into_owned();
    Some(Answer { status, head, body })
}

/// Sends `head` and the first `sent` bytes of a body, and reads the answer.
fn partial_request(server: &Server, head: &str, sent: usize) -> Answer {
    let mut stream = TcpStream::connect(address(server)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer and close before it has all we send: that is the point.
    let _ = stream.write_all(&vec![b'x'; sent]);
    read_answer(&mut stream, Duration::from_secs(10)).expect("an answer")
}

fn post_head(path: &str, token: Option<&str>, length: usize) -> String {
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    format!(
        "POST {path} HTTP/1.1\r\nHost: hub\r\n{auth}Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
}

fn chunked(server: &Server, path: &str, token: &str, total: usize) -> Answer {
    let mut stream = TcpStream::connect(address(server)).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let chunk = vec![b'<'; 64 * 1024];
    let mut sent = 0;
    while sent < total {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if stream.write_all(&framed).is_err() {
            break;
        }
        sent += chunk.len();
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    read_answer(&mut stream, Duration::from_secs(10)).expect("an answer")
}

fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"))
}

/// Issue #12: `/api/v1/screen` and `/api/v1/inspections` read a whole 300 MB body before answering
/// 401, and no route had a limit.
#[test]
fn the_token_is_checked_before_the_body_is_read_and_every_route_has_a_limit() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::on_folder(dir.path());
    // A body within the limit that never arrives: the answer comes without it.
    for path in ["/api/v1/screen", "/api/v1/inspections", "/api/v1/messages", "/api/v1/lists/reload"] {
        let answer = partial_request(&server, &post_head(path, None, 900_000), 1000);
        assert_eq!(answer.status, 401, "{path}: {answer:?}");
        assert_eq!(json(&answer.body)["code"], "unauthenticated");
    }
    // 300 MB declared: refused at once, whoever asks, with nothing read.
    for token in [None, Some(ADMIN)] {
        for path in ["/api/v1/screen", "/api/v1/inspections", "/api/v1/criteria/reload", "/signin"] {
            let answer = partial_request(&server, &post_head(path, token, 300_000_000), 4096);
            assert_eq!(answer.status, 413, "{path}: {answer:?}");
        }
        let answer = partial_request(&server, &post_head("/api/v1/messages", token, 300_000_000), 4096);
        assert_eq!(answer.status, 413, "{answer:?}");
        assert!(answer.body.contains("CEB900"), "{answer:?}");
    }
    // JSON: 1 MB; messages: 10 MB. A declared length just over is refused with the stable code.
    let answer = partial_request(&server, &post_head("/api/v1/screen", Some(ADMIN), 1024 * 1024 + 1), 0);
    assert_eq!((answer.status, json(&answer.body)["code"].as_str()), (413, Some("too_large")));
    let answer = partial_request(&server, &post_head("/api/v1/messages", Some(ADMIN), 10 * 1024 * 1024 + 1), 0);
    assert_eq!(answer.status, 413);
    // Without a declared length the count of bytes read decides.
    let answer = chunked(&server, "/api/v1/inspections", ADMIN, 2 * 1024 * 1024);
    assert_eq!((answer.status, json(&answer.body)["code"].as_str()), (413, Some("too_large")), "{answer:?}");
    let answer = chunked(&server, "/api/v1/messages", ADMIN, 11 * 1024 * 1024);
    assert_eq!(answer.status, 413, "{answer:?}");
    assert!(answer.body.contains("CEB900"));
    // Within the limits all is as before.
    let (status, _) = server.post_json(Some(ADMIN), "/api/v1/screen", &serde_json::json!({"name": "Ivan Petrov"}));
    assert_eq!(status, 200);
}

/// Issue #12: idle connections and connections with partial headers or bodies stayed open for
/// more than 70 s, until the hub ran out of file descriptors.
#[test]
fn slow_idle_and_half_sent_connections_are_let_go() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let server = Server::start_with(["--data", data], &["--header-timeout", "1", "--body-timeout", "1", "--no-lists"]);
    // Both bounds are the server's timeouts with room for a busy machine; without timeouts the
    // connection stays open and `read_answer` panics.
    let wait = Duration::from_secs(8);

    let mut partial_headers = TcpStream::connect(address(&server)).unwrap();
    partial_headers.write_all(b"GET /healthz HTTP/1.1\r\nHost: hub\r\nX-Slow: a").unwrap();
    assert!(read_answer(&mut partial_headers, wait).is_none(), "closed without an answer");

    let mut idle = TcpStream::connect(address(&server)).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: hub\r\n\r\n").unwrap();
    assert_eq!(read_answer(&mut idle, wait).expect("an answer").status, 200);
    assert!(read_answer(&mut idle, wait).is_none(), "the idle keep-alive connection is closed");

    let mut half_body = TcpStream::connect(address(&server)).unwrap();
    half_body.write_all(post_head("/api/v1/inspections", Some(ADMIN), 100).as_bytes()).unwrap();
    half_body.write_all(b"{\"copNo\":").unwrap();
    let answer = read_answer(&mut half_body, wait).expect("an answer");
    assert_eq!((answer.status, json(&answer.body)["code"].as_str()), (408, Some("body_timeout")), "{answer:?}");
}

/// Raises this process's open-file limit to its hard maximum: a thousand connections and the
/// test harness's own files do not fit the usual 1,024.
fn raise_open_files() {
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let limit = getrlimit(Resource::Nofile);
    let wanted = limit.maximum.unwrap_or(65_536);
    if limit.current.is_some_and(|c| c < wanted) {
        let _ = setrlimit(Resource::Nofile, Rlimit { current: Some(wanted), maximum: limit.maximum });
    }
}

/// One request on a fresh connection, timed from connect to the last byte of the answer.
fn timed_request(server: &Server, request: &[u8]) -> (Duration, Answer) {
    let started = Instant::now();
    let mut stream = TcpStream::connect(address(server)).unwrap();
    stream.set_nodelay(true).unwrap();
    stream.write_all(request).unwrap();
    let answer = read_answer(&mut stream, Duration::from_secs(10)).expect("an answer");
    (started.elapsed(), answer)
}

fn message_request(body: &[u8]) -> Vec<u8> {
    let head = format!(
        "POST /api/v1/messages HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {ADMIN}\r\n\
         Content-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    [head.as_bytes(), body].concat()
}

/// Issue #12's must-hold: with 1,000 slow clients holding connections, `/healthz` and a normal
/// client's message are answered within 100 ms. The 100 ms is the correctness bound, not a
/// benchmark; connecting the slow clients and a first message happen before any timing.
#[test]
fn a_thousand_slow_clients_do_not_hold_up_the_others() {
    const SLOW: usize = 1000;
    const BOUND: Duration = Duration::from_millis(100);
    raise_open_files();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    // The default header timeout (10 s) would start letting the slow clients go while the test
    // still counts on them: 30 s keeps every one of them held throughout.
    let server = Server::start_with(["--data", data], &["--header-timeout", "30"]);
    let warm = message_request(&xml(&order("SZ-WARM", "1", "20261129100000", &[earphones()])));
    assert_eq!(timed_request(&server, &warm).1.status, 200);

    let mut slow: Vec<TcpStream> = (0..SLOW)
        .map(|i| {
            let mut s = TcpStream::connect(address(&server)).unwrap();
            // Headers begun and never finished, or a body declared and never sent.
            let start = if i % 2 == 0 {
                "GET /healthz HTTP/1.1\r\nHost: hub\r\nX-Slow: ".to_owned()
            } else {
                post_head("/api/v1/inspections", Some(ADMIN), 1000) + "{"
            };
            s.write_all(start.as_bytes()).unwrap();
            s.set_nonblocking(true).unwrap();
            s
        })
        .collect();
    let trickle = |slow: &mut Vec<TcpStream>| {
        // A byte each, as a slowloris client keeps its connection alive; all must still be open.
        for s in slow.iter_mut() {
            s.write_all(b"a").expect("a slow client's connection is still open");
        }
    };
    for round in 0..3 {
        trickle(&mut slow);
        let (took, answer) = timed_request(&server, b"GET /healthz HTTP/1.1\r\nHost: hub\r\nConnection: close\r\n\r\n");
        assert_eq!(answer.status, 200);
        eprintln!("round {round}: /healthz answered in {took:?} with {SLOW} slow clients");
        assert!(took < BOUND, "round {round}: /healthz took {took:?} with {SLOW} slow clients");
        trickle(&mut slow);
        let message = message_request(&xml(&order(&format!("SZ-SLOW{round}"), "1", "20261129100000", &[earphones()])));
        let (took, answer) = timed_request(&server, &message);
        assert_eq!(answer.status, 200, "{answer:?}");
        assert!(answer.body.contains("CEB304Message"));
        eprintln!("round {round}: a message answered in {took:?} with {SLOW} slow clients");
        assert!(took < BOUND, "round {round}: a message took {took:?} with {SLOW} slow clients");
        std::thread::sleep(Duration::from_millis(200));
    }
    trickle(&mut slow);
}

/// Issue #12: a 300,000-character name took 23 s to screen, for any role.
#[test]
fn a_name_to_screen_is_at_most_512_characters() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::on_folder(dir.path());
    for (length, status) in [(512, 200), (513, 400), (300_000, 400)] {
        let (got, body) =
            server.post_json(Some(ADMIN), "/api/v1/screen", &serde_json::json!({"name": "a".repeat(length)}));
        assert_eq!(got, status, "{length}: {body}");
        if status == 400 {
            assert_eq!(json(&body)["code"], "name_too_long");
        }
    }
    // Characters, not bytes: 512 Chinese characters are 1,536 bytes and still one name.
    let (got, _) = server.post_json(Some(ADMIN), "/api/v1/screen", &serde_json::json!({"name": "长".repeat(512)}));
    assert_eq!(got, 200);
    let (got, body) = server.post_json(
        Some(ADMIN),
        "/api/v1/screen",
        &serde_json::json!({"name": "Ivan Petrov", "country": "R".repeat(65)}),
    );
    assert_eq!((got, json(&body)["code"].as_str()), (400, Some("country_too_long")));
    let (got, body) = server.post_json(
        Some(ADMIN),
        "/api/v1/inspections",
        &serde_json::json!({"copNo": "C1", "ebcCode": EBC, "outcome": "compliant", "note": "n".repeat(2001)}),
    );
    assert_eq!(got, 400, "{body}");
    // The same name through a buyer block: refused by the reader, never screened.
    let mut message = xml(&order("SZ-BUYER", "1", "20261129100000", &[earphones()]));
    let block = format!(
        "<ceb:ExtendMessage><ceb:name>consignee</ceb:name><ceb:version>1.0</ceb:version><ceb:Message>\
         <Consignees xmlns=\"urn:greenlane:consignee:1\"><Consignee orderNo=\"SZ-BUYER\" name=\"{}\" \
         address=\"1 Main St\" country=\"US\"/></Consignees></ceb:Message></ceb:ExtendMessage>",
        "a".repeat(300_000)
    );
    let text = String::from_utf8(message.clone()).unwrap();
    let at = text.find("</ceb:CEB303Message>").expect("an order message");
    message = format!("{}{block}{}", &text[..at], &text[at..]).into_bytes();
    let (got, body) = server.post(Some(ADMIN), &message);
    assert_eq!(got, 400, "{body}");
    assert!(body.contains("at most 100"), "{body}");
}

/// Issue #12's small leaks and rough edges.
#[test]
fn errors_are_json_cursors_opaque_and_the_bearer_scheme_case_insensitive() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_greenlane"))
        .args(["token", "create", "--data", data, "--role", "enterprise", "--name", "other", "--ebc", "OTHER01"])
        .output()
        .unwrap();
    let other = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    let server = Server::on_folder(dir.path());

    // `limit=-1` answered plain text.
    for query in ["limit=-1", "limit=abc", "after=nonsense", "after=c00112233445566778899"] {
        let answer = timed_request(
            &server,
            format!("GET /api/v1/decisions?{query} HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer {ADMIN}\r\n\r\n")
                .as_bytes(),
        )
        .1;
        assert_eq!(answer.status, 400, "{query}");
        assert!(answer.head.contains("content-type: application/json"), "{query}: {answer:?}");
        assert!(json(&answer.body)["code"].is_string());
    }
    let (status, body) = server.get(Some(ADMIN), "/api/v1/inventories/C1?ebcCode=A&ebcCode=B");
    assert_eq!((status, json(&body)["code"].as_str()), (400, Some("bad_query")));

    // The scheme is case-insensitive (RFC 9110); anything but Bearer is not a token.
    for (scheme, status) in [("Bearer", 200), ("bearer", 200), ("BEARER", 200), ("Basic", 401), ("Bearerx", 401)] {
        let answer = timed_request(
            &server,
            format!("GET /api/v1/decisions HTTP/1.1\r\nHost: hub\r\nAuthorization: {scheme} {ADMIN}\r\n\r\n")
                .as_bytes(),
        )
        .1;
        assert_eq!(answer.status, status, "{scheme}");
    }

    // The cursor showed the hub-wide count to anyone, an enterprise of no parcel included.
    for n in 1..=3 {
        for m in one_parcel(n) {
            assert_eq!(server.post(Some(ADMIN), &xml(&m)).0, 200);
        }
    }
    let (_, body) = server.get(Some(&other), "/api/v1/decisions?limit=1000");
    let page = json(&body);
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    let next = page["next"].as_str().unwrap();
    assert!(next.starts_with('c') && next.len() == 17, "an opaque cursor: {next}");
    // Cursors still page through the whole feed, one decision at a time.
    let (mut after, mut seen) = (String::new(), Vec::new());
    loop {
        let (_, body) = server.get(Some(ADMIN), &format!("/api/v1/decisions?limit=1&after={after}"));
        let page = json(&body);
        let items = page["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        seen.push(items[0]["copNo"].as_str().unwrap().to_owned());
        after = page["next"].as_str().unwrap().to_owned();
        assert!(after.parse::<u64>().is_err(), "{after}");
    }
    assert_eq!(seen, ["C0001", "C0002", "C0003"]);

    // A 101st entity was reported as "entity 100".
    // The writer refuses to write one, so the 101st is spliced in as text.
    let orders: Vec<_> =
        (0..100).map(|i| order(&format!("SZ-MANY{i:03}"), "1", "20261129100000", &[earphones()])).collect();
    let text = String::from_utf8(xml(&common::batch(orders.into_iter()))).unwrap();
    let (start, end) = (text.find("<ceb:Order>").unwrap(), text.find("</ceb:Order>").unwrap() + "</ceb:Order>".len());
    let many = format!("{}{}{}", &text[..end], &text[start..end], &text[end..]);
    let (status, body) = server.post(Some(ADMIN), many.as_bytes());
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("entity 101"), "{body}");
    assert!(!body.contains("entity 100"), "{body}");
}

/// Issue #12: a missing criteria file was reported as "No such declaration list".
#[test]
fn a_missing_criteria_file_is_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::on_folder(dir.path());
    let form = format!("token={ADMIN}");
    let signin = timed_request(
        &server,
        format!(
            "POST /signin HTTP/1.1\r\nHost: hub\r\nContent-Type: application/x-www-form-urlencoded\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    )
    .1;
    let cookie = signin
        .head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie:"))
        .and_then(|c| c.split(';').next())
        .expect("signing in sets a cookie")
        .trim()
        .to_owned();
    // The head was lower-cased; the token is lower-case already.
    let page = timed_request(
        &server,
        format!(
            "GET /criteria/file/nothing.toml HTTP/1.1\r\nHost: hub\r\nCookie: {cookie}\r\n\
             Accept-Language: en\r\nConnection: close\r\n\r\n"
        )
        .as_bytes(),
    )
    .1;
    assert_eq!(page.status, 404);
    assert!(page.body.contains("No such criteria file"), "{}", page.body);
    assert!(!page.body.contains("declaration list"), "{}", page.body);
}
